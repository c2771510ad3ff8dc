"""The actor dictionary (``data/actors/``): the knowledge base's tables, the checks an entry
passes to be added to them, and the lookups the later stages ask it (a place's country, the
people by short name, who held an office on a day). `loading` reads the files into it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ...data import data_path
from ...errors import DataFileError
from .entries import ROLE_KINDS, Country, Org, Person, Place, Role
from .loading import read_files

__all__ = ["ActorDictionary", "default_dictionary"]


@dataclass
class ActorDictionary:
    countries: dict[str, Country] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    orgs: dict[str, Org] = field(default_factory=dict)
    agents: dict[str, str] = field(default_factory=dict)  # phrase -> sector
    agent_roles: dict[str, str] = field(default_factory=dict)  # title phrase -> role kind
    places: dict[str, Place] = field(default_factory=dict)
    # alias text -> (kind, key); the phrase matchers are built from this
    aliases: list[tuple[str, str, str]] = field(default_factory=list)
    exact: set[str] = field(default_factory=set)  # aliases that must match their case ("Diet")
    preferred: set[tuple[str, str]] = field(default_factory=set)  # (kind, key) the user added: wins ties
    _holders: dict[tuple[str, str], list[tuple[Role, str]]] | None = field(default=None, repr=False)
    _surnames: dict[str, list[Person]] | None = field(default=None, repr=False)
    _place_countries: dict[str, str] | None = field(default=None, repr=False)

    @classmethod
    def load(cls, folder: Path | None = None, extra: Iterable[str | Path] = ()) -> ActorDictionary:
        """The built-in knowledge base (or `folder`), extended and overridden by the user's
        files in `extra`: YAML files, or directories of them (see `loading.extend`)."""
        self = cls()
        read_files(self, folder or data_path("actors"), extra)
        return self

    def add_metonym(self, phrase: str, country: str, sector: str, where: str) -> None:
        if country not in self.countries:
            raise DataFileError(where, f"unknown country {country!r}")
        if not sector.isalpha():
            raise DataFileError(where, f"sector must be a letter code, got {sector!r}")
        self.aliases.append((phrase, "metonym", f"{country}:{sector.upper()}"))
        self.exact.add(phrase)

    def add_person(self, record: Any, where: str, merge: bool) -> None:
        """Add one person record; with `merge`, roles of a person already known are added to
        theirs (built-in files), else the record replaces theirs (a user's override)."""
        if not isinstance(record, dict) or not record.get("name") or not isinstance(record.get("roles"), list):
            raise DataFileError(where, "each person needs a name and a list of roles")
        roles = tuple(self._role(r, f"{where}, {record['name']}") for r in record["roles"])
        name = str(record["name"])
        if merge and name in self.people:
            known = self.people[name].roles
            roles = known + tuple(r for r in roles if r not in known)
        self.people[name] = Person(name=name, roles=roles, wikidata=record.get("wikidata"))
        self.forget_lookups()
        handles = [str(h) for h in record.get("handles") or []]
        if any(not h.startswith("@") or len(h) < 3 or " " in h for h in handles):
            raise DataFileError(where, f"{name}: a handle is one word starting with '@', got {handles}")
        for alias in [name, *[str(a) for a in record.get("aliases") or []], *handles]:
            self.aliases.append((alias, "person", name))

    def add_org(self, code: str, name: str, aliases: list[str], sector: str, country: str | None, where: str) -> None:
        if not code or not name:
            raise DataFileError(where, "an organisation needs a code and a name")
        if country and country not in self.countries:
            raise DataFileError(where, f"unknown country {country!r}")
        self.orgs[code] = Org(code=code, name=name, sector=(sector or "IGO").upper(), country=country or None)
        for alias in [name, *aliases]:
            self.aliases.append((alias, "org", code))

    def add_agent(self, phrase: str, sector: str, role: str | None, where: str) -> None:
        if not sector.isalpha():
            raise DataFileError(where, f"sector must be a letter code, got {sector!r}")
        if role is not None and role not in ROLE_KINDS:
            raise DataFileError(where, f"role must be one of {', '.join(ROLE_KINDS)}")
        phrase = phrase.lower()
        self.agents[phrase] = sector.upper()
        if role is not None:
            self.agent_roles[phrase] = role
        self.aliases.append((phrase, "agent", phrase))

    def add_place(self, name: str, aliases: list[str], country: str | None, lat: float | None, lon: float | None,
                  where: str, kind: str = "city") -> None:
        if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise DataFileError(where, "a place needs lat (-90 to 90) and lon (-180 to 180)")
        if country is not None and country not in self.countries:
            raise DataFileError(where, f"unknown country {country!r}")
        self.places[name] = Place(name, country, lat, lon, kind)
        for alias in [name, *aliases]:
            self.aliases.append((alias, "place", name))

    def _role(self, record: Any, where: str) -> Role:
        if not isinstance(record, dict):
            raise DataFileError(where, "a role must be a mapping")
        try:
            start = _date(record["start"])
            end = _date(record["end"]) if record.get("end") else None
            title = str(record["title"])
            kind = record.get("kind") or self.agent_roles.get(title.lower(), "other")
            role = Role(country=record.get("country"), sector=str(record["sector"]), title=title,
                        start=start, end=end, org=record.get("org"), kind=kind)
        except (KeyError, ValueError, TypeError) as err:
            raise DataFileError(where, f"role needs country, sector, title, start (YYYY-MM-DD), end: {err}") from None
        if end is not None and end < start:
            raise DataFileError(where, f"role {role.title!r} ends before it starts")
        if role.kind not in ROLE_KINDS:
            raise DataFileError(where, f"role kind {role.kind!r} is not one of {', '.join(ROLE_KINDS)}")
        if role.country is not None and role.country not in self.countries:
            raise DataFileError(where, f"unknown country {role.country!r}")
        if role.org is not None and role.org not in self.orgs:
            raise DataFileError(where, f"unknown organisation {role.org!r}")
        return role

    def forget_lookups(self) -> None:
        """Drop the lookup tables built from the entries: the next lookup builds them again."""
        self._holders = self._surnames = self._place_countries = None

    def place_country(self, name: str) -> str | None:
        """The country of a place, capital or country by one of its names, any case."""
        if self._place_countries is None:
            self._place_countries = {}
            for alias, kind, key in self.aliases:
                if kind == "place" and self.places[key].country:
                    self._place_countries.setdefault(alias.lower(), self.places[key].country or "")
                elif kind in ("capital", "country"):
                    self._place_countries.setdefault(alias.lower(), key)
        return self._place_countries.get(name.lower())

    @property
    def by_surname(self) -> dict[str, list[Person]]:
        if self._surnames is None:
            self._surnames = {}
            for person in self.people.values():
                for form in person.short_names:
                    if " " not in form:
                        self._surnames.setdefault(form, []).append(person)
        return self._surnames

    def holder(self, country: str, title: str, day: dt.date | None) -> str | None:
        """Who held the office a title word names ("prime minister") in `country` on `day`."""
        kind = self.agent_roles.get(title)
        if kind is None or day is None:
            return None
        if self._holders is None:
            self._holders = {}
            for person in self.people.values():
                for role in person.roles:
                    if role.country and role.kind != "other" and not _is_stand_in(role.title):
                        self._holders.setdefault((role.country, role.kind), []).append((role, person.name))
        found = {name for role, name in self._holders.get((country, kind), []) if role.holds_on(day)}
        return found.pop() if len(found) == 1 else None


def _is_stand_in(title: str) -> bool:
    return any(word in title.lower() for word in ("acting", "caretaker", "interim", "deputy", "vice"))


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


@lru_cache(maxsize=1)
def default_dictionary() -> ActorDictionary:
    return ActorDictionary.load()

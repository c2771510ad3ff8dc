"""What the actor knowledge base holds: countries (historical states with the state that
continues them), people with dated roles, organisations and places; and the shorter names a
later sentence may call a person by."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = ["COUNTRY_KINDS", "PARTICLES", "ROLE_KINDS", "Country", "Org", "Person", "Place", "Role", "fold",
           "short_forms"]

ROLE_KINDS = ("head_of_state", "head_of_government", "foreign_minister", "defence_minister", "minister",
              "official", "military", "opposition", "other")
COUNTRY_KINDS = {"country", "demonym", "capital", "metonym"}


@dataclass(frozen=True)
class Country:
    iso3: str
    name: str
    capital: str = ""
    capital_lat: float | None = None
    capital_lon: float | None = None
    lat: float | None = None
    lon: float | None = None
    end: dt.date | None = None  # historical states: the day the state ceased to exist
    continuator: str | None = None  # ... and the state that continues it

    def on(self, day: dt.date | None) -> tuple[str, str | None]:
        """(ISO3, note) to code this country as in an article of `day`: a historical state
        named after its end is its continuator ("Soviet Union" in 2018 is RUS)."""
        if self.end is not None and self.continuator and day is not None and day > self.end:
            return self.continuator, f"{self.name} coded as its continuator {self.continuator}"
        return self.iso3, None


@dataclass(frozen=True)
class Role:
    country: str | None
    sector: str
    title: str
    start: dt.date
    end: dt.date | None
    org: str | None = None
    kind: str = "other"  # one of ROLE_KINDS

    def holds_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Person:
    name: str
    roles: tuple[Role, ...]
    wikidata: str | None = None

    def role_on(self, day: dt.date | None) -> Role | None:
        """The role held on `day`; with no date, the latest role (a best guess, so flagged)."""
        if not self.roles:
            return None
        if day is None:
            return max(self.roles, key=lambda r: r.start)
        for role in sorted(self.roles, key=lambda r: r.start, reverse=True):
            if role.holds_on(day):
                return role
        return None

    @property
    def surname(self) -> str:
        return self.name.split()[-1]

    @property
    def short_names(self) -> tuple[str, ...]:
        """What a title before a lone name may name this person by (see `short_forms`)."""
        return tuple(form for form, _ in short_forms(self.name))


@dataclass(frozen=True)
class Org:
    code: str
    name: str
    sector: str
    country: str | None


@dataclass(frozen=True)
class Place:
    name: str
    country: str | None
    lat: float
    lon: float
    kind: str = "city"



PARTICLES = {"al", "el", "bin", "ibn", "bint", "ben", "abu", "van", "von", "der", "den", "de", "del", "della", "di",
             "da", "dos", "das", "du", "la", "le", "ter", "zu"}


def short_forms(name: str) -> list[tuple[str, int]]:
    """The shorter names a later sentence may call a person by, each with its rank (0: a
    family name placed last, the usual reading; 1: the first word, the family name of names
    written family name first: "Lee Jae-myung ... Lee", "Xi Jinping ... Xi", "Orbán Viktor").

    - the last word: "Merkel", "el-Sisi", and without its particle "Sisi";
    - from the first lowercase particle on: "bin Salman", "von der Leyen", "van der Veldt";
    - the first word (rank 1), unless it is a particle."""
    words = name.split()
    if len(words) < 2:
        return []
    last = words[-1]
    forms = [(last, 0)]
    prefix, dash, rest = last.partition("-")
    if dash and prefix.lower() in PARTICLES and rest:
        forms.append((rest, 0))
    particle = next((i for i, w in enumerate(words[1:-1], start=1) if w.lower() in PARTICLES and w.islower()), None)
    if particle is not None:
        forms.append((" ".join(words[particle:]), 0))
    first = words[0]
    if first.lower() not in PARTICLES and first[:1].isupper() and first.replace("-", "").isalpha() and len(first) > 1:
        forms.append((first, 1))
    return forms


def fold(text: str) -> str:
    """A name's words compared as a reader would: case aside, "el-" and "al-" alike."""
    words = text.lower().replace("-", " - ").split()
    return " ".join("al" if w == "el" else w for w in words)

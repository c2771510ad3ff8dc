"""Stage 4, actors: find who is named in each sentence, and compose noun phrases into actors.

The dictionary (``data/actors/``) knows countries (names, demonyms, capitals, metonyms such as
"the Kremlin"), people with dated roles, organisations, generic agent words ("troops",
"foreign ministry") with their sector, and places. The tagger records every match as a
`Mention`; `compose` turns the mentions inside one noun phrase into one `Actor`:
a person wins; else an organisation; else a country, with the sector an agent word gives
("Russian troops" -> RUSMIL) or GOV for a capital or metonym ("Tokyo said" -> JPNGOV).

A surname alone ("Abe") resolves to the person named in full earlier in the article, whether
the dictionary knows them or they were introduced with a country and title ("Japan's Chief
Cabinet Secretary Yoshihide Suga ... Suga said").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .data import data_path, read_tsv, read_yaml
from .errors import DataFileError
from .types import Actor, Article, Mention

__all__ = ["ActorDictionary", "ActorTagger", "Country", "Person", "Role", "compose", "default_dictionary"]

# Where two matches overlap and are as long, the earlier kind in this list wins.
ROLE_KINDS = ("head_of_state", "head_of_government", "foreign_minister", "defence_minister", "minister",
              "official", "military", "opposition", "other")
KIND_PRIORITY = ("person", "org", "place", "metonym", "capital", "country", "demonym", "agent")
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
    _holders: dict[tuple[str, str], list[tuple[Role, str]]] | None = field(default=None, repr=False)

    @classmethod
    def load(cls, folder: Path | None = None) -> ActorDictionary:
        folder = folder or data_path("actors")
        self = cls()
        self._load_countries(folder / "countries.tsv")
        self._load_historical(folder / "historical.tsv")
        self._load_territories()
        self._load_metonyms(folder / "metonyms.tsv")
        self._load_agents(folder / "agents.tsv")
        self._load_orgs(folder / "organizations.tsv")
        for path in sorted((folder / "people").glob("*.yaml")):
            self._load_people(path)
        if (folder / "places.tsv").exists():
            self._load_places(folder / "places.tsv")
        return self

    def _load_countries(self, path: Path) -> None:
        columns = ("iso3", "name", "aliases", "demonyms", "capital", "capital_lat", "capital_lon", "lat", "lon", "metonyms")
        for line, row in read_tsv(path, columns):
            iso3 = row["iso3"]
            if len(iso3) != 3 or not iso3.isupper():
                raise DataFileError(f"{path}:{line}", f"iso3 must be three capital letters, got {iso3!r}")
            if iso3 in self.countries:
                raise DataFileError(f"{path}:{line}", f"duplicate country {iso3}")
            self.countries[iso3] = Country(
                iso3=iso3, name=row["name"], capital=row["capital"],
                capital_lat=_float(row["capital_lat"], path, line), capital_lon=_float(row["capital_lon"], path, line),
                lat=_float(row["lat"], path, line), lon=_float(row["lon"], path, line),
            )
            for alias in [row["name"], *_split(row["aliases"])]:
                self.aliases.append((alias, "country", iso3))
            for alias in _split(row["demonyms"]):
                self.aliases.append((alias, "demonym", iso3))
            for capital in _split(row["capital"].replace(",", "|").split("|")[0]):
                self.aliases.append((capital, "capital", iso3))
            for alias in _split(row["metonyms"]):
                self.aliases.append((alias, "metonym", iso3))

    def _load_historical(self, path: Path) -> None:
        for line, row in read_tsv(path, ("code", "name", "aliases", "demonyms", "end", "continuator")):
            code = row["code"]
            if code in self.countries:
                raise DataFileError(f"{path}:{line}", f"duplicate country {code}")
            continuator = row["continuator"] or None
            if continuator is not None and continuator not in self.countries:
                raise DataFileError(f"{path}:{line}", f"unknown continuator {continuator!r}")
            try:
                end = dt.date.fromisoformat(row["end"])
            except ValueError:
                raise DataFileError(f"{path}:{line}", f"end must be YYYY-MM-DD, got {row['end']!r}") from None
            self.countries[code] = Country(iso3=code, name=row["name"], end=end, continuator=continuator)
            for alias in [row["name"], *_split(row["aliases"])]:
                self.aliases.append((alias, "country", code))
            for alias in _split(row["demonyms"]):
                self.aliases.append((alias, "demonym", code))

    def _load_territories(self) -> None:
        """Every ISO 3166-1 entry that countries.tsv does not describe (dependent territories:
        Greenland, Puerto Rico, Guam, ...), with its names from pycountry."""
        import pycountry

        for entry in pycountry.countries:
            if entry.alpha_3 in self.countries:
                continue
            name = getattr(entry, "common_name", None) or entry.name
            self.countries[entry.alpha_3] = Country(iso3=entry.alpha_3, name=name)
            names = {name, getattr(entry, "official_name", name)}
            for alias in names:
                if "," not in alias and "(" not in alias:  # "Virgin Islands, British" reads as no news does
                    self.aliases.append((alias.removeprefix("the "), "country", entry.alpha_3))

    def _load_metonyms(self, path: Path) -> None:
        for line, row in read_tsv(path, ("phrase", "country", "sector")):
            if row["country"] not in self.countries:
                raise DataFileError(f"{path}:{line}", f"unknown country {row['country']!r}")
            if not row["sector"].isalpha():
                raise DataFileError(f"{path}:{line}", f"sector must be a letter code, got {row['sector']!r}")
            self.aliases.append((row["phrase"], "metonym", f"{row['country']}:{row['sector'].upper()}"))
            self.exact.add(row["phrase"])

    def _load_people(self, path: Path) -> None:
        records = read_yaml(path) or []
        if not isinstance(records, list):
            raise DataFileError(str(path), "expected a list of people")
        for number, record in enumerate(records, start=1):
            where = f"{path} (person {number})"
            if not isinstance(record, dict) or not record.get("name") or not isinstance(record.get("roles"), list):
                raise DataFileError(where, "each person needs a name and a list of roles")
            roles = tuple(self._role(r, f"{where}, {record['name']}") for r in record["roles"])
            name = str(record["name"])
            if name in self.people:  # the same person in two files: one record, all roles
                known = self.people[name].roles
                roles = known + tuple(r for r in roles if r not in known)
            self.people[name] = Person(name=name, roles=roles, wikidata=record.get("wikidata"))
            for alias in [name, *[str(a) for a in record.get("aliases") or []]]:
                self.aliases.append((alias, "person", name))

    def _load_orgs(self, path: Path) -> None:
        for line, row in read_tsv(path, ("code", "name", "aliases", "sector", "country")):
            org = Org(code=row["code"], name=row["name"], sector=row["sector"] or "IGO", country=row["country"] or None)
            if org.code in self.orgs:
                raise DataFileError(f"{path}:{line}", f"duplicate organisation code {org.code}")
            self.orgs[org.code] = org
            for alias in [org.name, *_split(row["aliases"])]:
                self.aliases.append((alias, "org", org.code))

    def _load_agents(self, path: Path) -> None:
        for line, row in read_tsv(path, ("phrase", "sector")):
            if not row["sector"].isalpha():
                raise DataFileError(f"{path}:{line}", f"sector must be a letter code, got {row['sector']!r}")
            phrase = row["phrase"].lower()
            self.agents[phrase] = row["sector"].upper()
            if row.get("role"):
                if row["role"] not in ROLE_KINDS:
                    raise DataFileError(f"{path}:{line}", f"role must be one of {', '.join(ROLE_KINDS)}")
                self.agent_roles[phrase] = row["role"]
            self.aliases.append((phrase, "agent", phrase))

    def _load_places(self, path: Path) -> None:
        for line, row in read_tsv(path, ("name", "country", "lat", "lon")):
            lat, lon = _float(row["lat"], path, line), _float(row["lon"], path, line)
            if lat is None or lon is None:
                raise DataFileError(f"{path}:{line}", "a place needs lat and lon")
            self.places[row["name"]] = Place(row["name"], row["country"] or None, lat, lon)
            for alias in [row["name"], *_split(row.get("aliases", ""))]:
                self.aliases.append((alias, "place", row["name"]))

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

    def person_role(self, name: str, day: dt.date | None) -> tuple[str | None, str | None, str | None]:
        """(country, sector, organisation code) of a dictionary person on `day`. Named outside
        any of their dated roles, a person keeps the country of their latest role, no sector."""
        person = self.people[name]
        role = person.role_on(day)
        if role is None:
            latest = person.role_on(None)
            return (latest.country if latest else None), None, None
        return role.country, role.sector, role.org


def _is_stand_in(title: str) -> bool:
    return any(word in title.lower() for word in ("acting", "caretaker", "interim", "deputy", "vice"))


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split("|") if v.strip()]


def _float(value: str, path: Path, line: int) -> float | None:
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise DataFileError(f"{path}:{line}", f"not a number: {value!r}") from None


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


@lru_cache(maxsize=1)
def default_dictionary() -> ActorDictionary:
    return ActorDictionary.load()


def _case_sensitive(alias: str) -> bool:
    """Short or all-capital aliases ("US", "UN", "DPRK") must match their case exactly."""
    letters = [c for c in alias if c.isalpha()]
    return len(letters) <= 3 or alias.isupper()


class ActorTagger:
    """Sets `Article.mentions` from the dictionary, surnames and titled unknown people."""

    def __init__(self, nlp: Any, dictionary: ActorDictionary | None = None) -> None:
        from spacy.matcher import PhraseMatcher

        self.dictionary = dictionary or default_dictionary()
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.folded = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.labels: dict[str, tuple[str, str]] = {}
        by_label: dict[tuple[str, str], list[Any]] = {}
        for alias, kind, key in self.dictionary.aliases:
            by_label.setdefault((kind, key), []).append(alias)
        for (kind, key), aliases in by_label.items():
            label = f"{kind}\t{key}"
            self.labels[label] = (kind, key)
            exact = [nlp.make_doc(a) for a in aliases if _case_sensitive(a) or a in self.dictionary.exact]
            folded = [nlp.make_doc(a) for a in aliases if not (_case_sensitive(a) or a in self.dictionary.exact)]
            if exact:
                self.exact.add(label, exact)
            if folded:
                self.folded.add(label, folded)

    def __call__(self, article: Article) -> Article:
        article.mentions = []
        known: dict[str, tuple[str, dict[str, Any]]] = {}  # surname -> (full name, fields)
        doc_matches: dict[int, list[Match]] = {}
        for sentence in article.sentences:
            span = sentence.span
            if id(span.doc) not in doc_matches:
                doc_matches[id(span.doc)] = self._dictionary_matches(span.doc)
            found = [m for m in doc_matches[id(span.doc)] if span.start <= m[2] and m[3] <= span.end]
            found += self._unknown_people(span, found)
            found += self._surnames(span, found, known)
            for kind, key, s, e, fields in sorted(found, key=lambda m: m[2]):
                start, end = span.doc[s].idx, span.doc[e - 1].idx + len(span.doc[e - 1])
                article.mentions.append(Mention(
                    start=start + sentence.offset, end=end + sentence.offset, text=span.doc.text[start:end],
                    kind=kind, key=key, sentence=sentence.index, **fields,
                ))
                if kind == "person" and " " in key:
                    known.setdefault(key.split()[-1], (key, fields))
        return article

    def _dictionary_matches(self, doc: Any) -> list[Match]:
        spans: list[Match] = []
        for label_id, s, e in [*self.exact(doc), *self.folded(doc)]:
            kind, key = self.labels[doc.vocab.strings[label_id]]
            spans.append((kind, key, s, e, {}))
        return _longest(spans)

    def _unknown_people(self, span: Any, found: list[Match]) -> list[Match]:
        """A PERSON entity after a country and a title in its noun phrase is an actor too:
        "Japan's Chief Cabinet Secretary Yoshihide Suga" -> a JPN GOV person, Yoshihide Suga."""
        taken = {i for _, _, s, e, _ in found for i in range(s, e)}
        extra: list[Match] = []
        for ent in span.ents:
            if ent.label_ != "PERSON" or len(ent) < 2 or any(t.i in taken for t in ent):
                continue
            before = [m for m in found if m[3] <= ent.start and m[2] >= ent.root.left_edge.i]
            countries = [m for m in before if m[0] in COUNTRY_KINDS]
            agents = [m for m in before if m[0] == "agent"]
            if countries and agents:
                fields = {"country": countries[-1][1].partition(":")[0], "sector": self.dictionary.agents[agents[-1][1]]}
                extra.append(("person", ent.text, ent.start, ent.end, fields))
        return extra

    def _surnames(self, span: Any, found: list[Match], known: dict[str, tuple[str, dict[str, Any]]]) -> list[Match]:
        """A lone surname of someone named in full earlier in the article is that person."""
        taken = {i for _, _, s, e, _ in found for i in range(s, e)}
        extra: list[Match] = []
        for token in span:
            if token.i not in taken and token.pos_ == "PROPN" and token.text in known:
                key, fields = known[token.text]
                extra.append(("person", key, token.i, token.i + 1, fields))
        return extra


Match = tuple[str, str, int, int, dict[str, Any]]


def _longest(spans: Iterable[tuple[str, str, int, int, dict[str, Any]]]) -> list[tuple[str, str, int, int, dict[str, Any]]]:
    """Keep the longest of overlapping matches; on ties the kind earlier in KIND_PRIORITY."""
    ranked = sorted(spans, key=lambda m: (-(m[3] - m[2]), KIND_PRIORITY.index(m[0]), m[2]))
    kept: list[tuple[str, str, int, int, dict[str, Any]]] = []
    used: set[int] = set()
    for match in ranked:
        if used.isdisjoint(range(match[2], match[3])):
            kept.append(match)
            used.update(range(match[2], match[3]))
    return sorted(kept, key=lambda m: m[2])


def compose(mentions: list[Mention], dictionary: ActorDictionary, day: dt.date | None, text: str) -> Actor | None:
    """One actor from the mentions found inside one noun phrase, or None.

    A person wins, then an organisation, then a country with the sector an agent word gives.
    A country and a title with no name ("the Japanese prime minister") name whoever held that
    office on `day`, when the knowledge base knows."""
    if not mentions:
        return None
    start, end = min(m.start for m in mentions), max(m.end for m in mentions)
    span_text = text[start:end]
    agents = [m for m in mentions if m.kind == "agent"]
    agent_sector = dictionary.agents.get(agents[-1].key) if agents else None
    for m in mentions:
        if m.kind == "person":
            return _person_actor(m, dictionary, day, agent_sector, span_text, start, end)
    for m in mentions:
        if m.kind == "org":
            org = dictionary.orgs[m.key]
            sector = agent_sector if agent_sector and org.sector == "IGO" and agent_sector != "GOV" else None
            code = f"{org_code(org)}{sector or ''}"  # "UN peacekeepers": IGOUNOMIL
            return Actor(span_text, code, org.country, org.sector, org.name, start, end)
    countries = [m for m in mentions if m.kind in COUNTRY_KINDS]
    if countries:
        first = countries[0]
        key, _, seat_sector = first.key.partition(":")
        iso3, note = dictionary.countries[key].on(day)
        implied_gov = first.kind in ("capital", "metonym")
        sector = agent_sector or seat_sector or ("GOV" if implied_gov else None)
        notes: tuple[str, ...] = (note,) if note else ()
        holder = dictionary.holder(iso3, agents[-1].key, day) if agents else None
        name = holder or dictionary.countries[key].name
        role = dictionary.agent_roles.get(agents[-1].key) if holder and agents else None
        title = agents[-1].text if role else None
        if holder:
            notes += (f"{title} of {iso3} on {day}: {holder}",)
        return Actor(span_text, _code(iso3, sector), iso3, sector, name, start, end, role=title, notes=notes)
    if agent_sector:
        return Actor(span_text, agent_sector, None, agent_sector, None, start, end)
    return None


def _person_actor(m: Mention, dictionary: ActorDictionary, day: dt.date | None, agent_sector: str | None,
                  span_text: str, start: int, end: int) -> Actor:
    role_org = title = None
    notes: tuple[str, ...] = ()
    if m.key in dictionary.people:
        role = dictionary.people[m.key].role_on(day)
        if role is not None:
            country, sector, role_org, title = role.country, role.sector, role.org, role.title
        else:
            latest = dictionary.people[m.key].role_on(None)
            country, sector = (latest.country if latest else None), None
            notes = (f"{m.key} held no office in the knowledge base on {day}",) if day else ()
    else:
        country, sector = m.country, m.sector
    sector = sector or agent_sector
    code = f"{sector}{role_org}" if role_org and not country else _code(country, sector)
    return Actor(span_text, code, country, sector, m.key, start, end, role=title, notes=notes)


def org_code(org: Org) -> str:
    """IGOUNO for the UN; a national group by its country and sector (Hamas: PSEREB)."""
    return f"{org.country}{org.sector}" if org.country else f"{org.sector}{org.code}"


def is_placed(actor: Actor) -> bool:
    """Whether an actor says whose it is: a country, or an international organisation."""
    return actor.code is not None and (actor.country is not None or actor.code != (actor.sector or ""))


def _code(country: str | None, sector: str | None) -> str:
    return f"{country or ''}{sector or ''}" or "UNK"


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

import bisect
import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeGuard

from ...data import data_path, read_tsv, read_yaml
from ...errors import DataFileError
from ...types import Actor, Article, Mention

__all__ = ["ActorDictionary", "ActorTagger", "Country", "Person", "Role", "compose", "default_dictionary", "env_actor_paths",
           "is_state", "short_forms"]

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
        files in `extra`: YAML files, or directories of them (see `extend`)."""
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
        for given in extra:
            user = Path(given)
            files = sorted(user.glob("*.yaml")) + sorted(user.glob("*.yml")) if user.is_dir() else [user]
            if not files or not all(f.is_file() for f in files):
                raise DataFileError(str(user), "no such actor file, or a directory without .yaml files")
            for file in files:
                self.extend(file)
        return self

    def extend(self, path: Path) -> None:
        """Add a user's actor file. Sections, all optional:

        people (as in people/*.yaml; a name already known is replaced), organizations
        ({code, name, aliases, sector, country}; a known code is replaced), agents ({phrase,
        sector, role}), metonyms ({phrase, country, sector}), places ({name, aliases, country,
        lat, lon}), countries ({iso3, aliases, demonyms}: more names for a known country, or
        with a `name` a new one: an unrecognised state, or a test suite's fictional country).
        What the user adds wins over a built-in entry matching the same words."""
        raw = read_yaml(path) or {}
        known = {"people", "organizations", "agents", "metonyms", "places", "countries"}
        if not isinstance(raw, dict) or set(raw) - known:
            raise DataFileError(str(path), f"expected a mapping with sections {', '.join(sorted(known))}")
        before = len(self.aliases)
        for section, entries in raw.items():
            if not isinstance(entries, list):
                raise DataFileError(str(path), f"section {section!r} must be a list")
            for number, entry in enumerate(entries, start=1):
                where = f"{path} ({section}[{number}])"
                if not isinstance(entry, dict):
                    raise DataFileError(where, "each entry must be a mapping")
                try:
                    self._extend_one(section, entry, where)
                except (KeyError, TypeError, ValueError) as err:
                    raise DataFileError(where, f"missing or malformed field: {err}") from None
        self.preferred.update((kind, key) for _, kind, key in self.aliases[before:])
        self._place_countries = None

    def _extend_one(self, section: str, e: dict[str, Any], where: str) -> None:
        if section == "people":
            self.add_person(e, where, merge=False)
        elif section == "organizations":
            self.add_org(str(e["code"]), str(e["name"]), list(e.get("aliases") or []), str(e.get("sector") or "IGO"),
                         e.get("country"), where)
        elif section == "agents":
            self.add_agent(str(e["phrase"]), str(e["sector"]), e.get("role"), where)
        elif section == "metonyms":
            self.add_metonym(str(e["phrase"]), str(e["country"]), str(e["sector"]), where)
        elif section == "places":
            self.add_place(str(e["name"]), list(e.get("aliases") or []), e.get("country"), float(e["lat"]), float(e["lon"]), where)
        else:
            iso3 = str(e["iso3"])
            if iso3 not in self.countries:
                if not e.get("name") or len(iso3) != 3 or not iso3.isupper():
                    raise DataFileError(where, f"unknown country {iso3!r}; a new one needs a three-letter code and a name")
                self.countries[iso3] = Country(iso3=iso3, name=str(e["name"]), lat=e.get("lat"), lon=e.get("lon"))
                self.aliases.append((str(e["name"]), "country", iso3))
            self.aliases.extend((str(a), "country", iso3) for a in e.get("aliases") or [])
            self.aliases.extend((str(a), "demonym", iso3) for a in e.get("demonyms") or [])

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
            self.add_metonym(row["phrase"], row["country"], row["sector"], f"{path}:{line}")

    def add_metonym(self, phrase: str, country: str, sector: str, where: str) -> None:
        if country not in self.countries:
            raise DataFileError(where, f"unknown country {country!r}")
        if not sector.isalpha():
            raise DataFileError(where, f"sector must be a letter code, got {sector!r}")
        self.aliases.append((phrase, "metonym", f"{country}:{sector.upper()}"))
        self.exact.add(phrase)

    def _load_people(self, path: Path) -> None:
        records = read_yaml(path) or []
        if not isinstance(records, list):
            raise DataFileError(str(path), "expected a list of people")
        for number, record in enumerate(records, start=1):
            self.add_person(record, f"{path} (person {number})", merge=True)

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
        self._holders = self._surnames = None
        handles = [str(h) for h in record.get("handles") or []]
        if any(not h.startswith("@") or len(h) < 3 or " " in h for h in handles):
            raise DataFileError(where, f"{name}: a handle is one word starting with '@', got {handles}")
        for alias in [name, *[str(a) for a in record.get("aliases") or []], *handles]:
            self.aliases.append((alias, "person", name))

    def _load_orgs(self, path: Path) -> None:
        for line, row in read_tsv(path, ("code", "name", "aliases", "sector", "country")):
            if row["code"] in self.orgs:
                raise DataFileError(f"{path}:{line}", f"duplicate organisation code {row['code']}")
            self.add_org(row["code"], row["name"], _split(row["aliases"]), row["sector"], row["country"], f"{path}:{line}")

    def add_org(self, code: str, name: str, aliases: list[str], sector: str, country: str | None, where: str) -> None:
        if not code or not name:
            raise DataFileError(where, "an organisation needs a code and a name")
        if country and country not in self.countries:
            raise DataFileError(where, f"unknown country {country!r}")
        self.orgs[code] = Org(code=code, name=name, sector=(sector or "IGO").upper(), country=country or None)
        for alias in [name, *aliases]:
            self.aliases.append((alias, "org", code))

    def _load_agents(self, path: Path) -> None:
        for line, row in read_tsv(path, ("phrase", "sector")):
            self.add_agent(row["phrase"], row["sector"], row.get("role") or None, f"{path}:{line}")

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

    def _load_places(self, path: Path) -> None:
        for line, row in read_tsv(path, ("name", "country", "lat", "lon")):
            lat, lon = _float(row["lat"], path, line), _float(row["lon"], path, line)
            self.add_place(row["name"], _split(row.get("aliases", "")), row["country"] or None, lat, lon, f"{path}:{line}",
                           row.get("kind") or "city")

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


def _fold(text: str) -> str:
    """A name's words compared as a reader would: case aside, "el-" and "al-" alike."""
    words = text.lower().replace("-", " - ").split()
    return " ".join("al" if w == "el" else w for w in words)


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


def env_actor_paths() -> list[str]:
    """The user's actor files or folders from DYAD_ACTORS (separated like PATH)."""
    return [p for p in os.environ.get("DYAD_ACTORS", "").split(os.pathsep) if p]


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
        self.tokenizer = nlp.tokenizer
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
        known = _ShortNames(self.tokenizer)  # short forms of the people named in full so far
        doc_matches: dict[int, tuple[list[int], list[Match]]] = {}  # by start, for bisect
        for sentence in article.sentences:
            span = sentence.span
            if id(span.doc) not in doc_matches:
                ordered = sorted(self._dictionary_matches(span.doc), key=lambda m: m[2])
                doc_matches[id(span.doc)] = ([m[2] for m in ordered], ordered)
            starts, matches = doc_matches[id(span.doc)]
            found = [_ethnic(m, span.doc) for m in matches[bisect.bisect_left(starts, span.start) : bisect.bisect_left(starts, span.end)]
                     if m[3] <= span.end and not _us_state(m, span.doc)]
            if sentence.parsed:  # the entity recogniser's people
                found += self._unknown_people(span, found)
            found += self._surnames(span, found, known, sentence.parsed)
            found += self._titled_surnames(span, found, article.date, sentence.parsed)
            for kind, key, s, e, fields in sorted(found, key=lambda m: m[2]):
                # the match's own text: `doc.text` would join the whole block for every mention
                start, end = span.doc[s].idx, span.doc[e - 1].idx + len(span.doc[e - 1])
                article.mentions.append(Mention(
                    start=start + sentence.offset, end=end + sentence.offset, text=span.doc[s:e].text,
                    kind=kind, key=key, sentence=sentence.index, **fields,
                ))
                if kind == "person" and " " in key:
                    known.add(key, fields)
        return article

    def _dictionary_matches(self, doc: Any) -> list[Match]:
        """The dictionary's matches in a doc, kept on the doc: the pre-pass matches each block
        and this stage then reads the unparsed sentences' matches from it."""
        cached = doc.user_data.get("dyad.matches")
        if cached is not None and cached[0] == id(self):
            return list(cached[1])
        spans: list[Match] = []
        for label_id, s, e in [*self.exact(doc), *self.folded(doc)]:
            kind, key = self.labels[doc.vocab.strings[label_id]]
            spans.append((kind, key, s, e, {}))
        found = _longest(spans, self.dictionary.preferred)
        doc.user_data["dyad.matches"] = (id(self), tuple(found))
        return found

    def _unknown_people(self, span: Any, found: list[Match]) -> list[Match]:
        """A PERSON entity after a title in its noun phrase is an actor too: "Japan's Chief
        Cabinet Secretary Yoshihide Suga" -> a JPN GOV person, Yoshihide Suga; without a
        country the events stage looks for one in the context (`discourse.situate`)."""
        taken = {i for _, _, s, e, _ in found for i in range(s, e)}
        extra: list[Match] = []
        for ent in span.ents:
            if ent.label_ != "PERSON" or len(ent) < 2 or any(t.i in taken for t in ent):
                continue
            before = [m for m in found if m[3] <= ent.start and m[2] >= ent.root.left_edge.i]
            countries = [m for m in before if m[0] in COUNTRY_KINDS]
            agents = [m for m in before if m[0] == "agent"]
            if agents:  # "President Obert Example": a person of that sector, country from the context
                country = countries[-1][1].partition(":")[0] if countries else None
                fields = {"country": country, "sector": self.dictionary.agents[agents[-1][1]]}
                extra.append(("person", ent.text, ent.start, ent.end, fields))
        return extra

    def _surnames(self, span: Any, found: list[Match], known: _ShortNames, parsed: bool) -> list[Match]:
        """A short form of someone named in full earlier in the article is that person:
        "Lee" for Lee Jae-myung, "bin Salman", "von der Leyen", "Sisi" for el-Sisi."""
        taken = {i for _, _, s, e, _ in found for i in range(s, e)}
        extra: list[Match] = []
        i = span.start
        while i < span.end:
            hit = None if i in taken else known.match(span.doc, i, span.end, taken, parsed)
            if hit is None:
                i += 1
                continue
            key, fields, end = hit
            extra.append(("person", key, i, end, fields))
            i = end
        return extra

    def _titled_surnames(self, span: Any, found: list[Match], day: dt.date | None, parsed: bool) -> list[Match]:
        """A title and a surname ("President Bush", "Chancellor Merkel") name the one person
        with that surname who held that office on the article's date (with no date: the one
        person who ever held it)."""
        taken = {i for _, _, s, e, _ in found for i in range(s, e)}
        titles = {e: key for kind, key, s, e, _ in found if kind == "agent" and key in self.dictionary.agent_roles}
        extra: list[Match] = []
        for token in span:
            if token.i in taken or not _proper(token, parsed) or token.i not in titles:
                continue
            kind = self.dictionary.agent_roles[titles[token.i]]
            holders = {(p.name, r.country) for p in self.dictionary.by_surname.get(token.text, ()) for r in p.roles
                       if r.kind == kind and (day is None or r.holds_on(day))}
            people = {name for name, _ in holders}
            countries = {country for _, country in holders}
            if len(people) == 1:
                extra.append(("person", people.pop(), token.i, token.i + 1, {}))
            elif len(countries) == 1 and None not in countries:  # two President Bushes: still the USA
                sector = self.dictionary.agents[titles[token.i]]
                extra.append(("person", token.text, token.i, token.i + 1, {"country": countries.pop(), "sector": sector}))
        return extra


Match = tuple[str, str, int, int, dict[str, Any]]


class _ShortNames:
    """The short forms (`short_forms`) of the people an article has named in full so far.
    A family name placed last wins over a first word; the first person named with a form
    keeps it, except that a first word two people share means neither."""

    def __init__(self, tokenizer: Any) -> None:
        self.tokenizer = tokenizer
        self.forms: dict[str, tuple[str, dict[str, Any], int] | None] = {}
        self.longest = 1

    def add(self, key: str, fields: dict[str, Any]) -> None:
        for form, rank in short_forms(key):
            folded = _fold(" ".join(t.text for t in self.tokenizer(form)))
            self.longest = max(self.longest, len(folded.split()))
            held = self.forms.get(folded, ...)
            if held is ...:
                self.forms[folded] = (key, fields, rank)
            elif held is not None and held[0] != key and held[2] == rank == 1:
                self.forms[folded] = None  # "Kim" after Kim Jong-un and Kim Yo-jong: either
            elif held is not None and held[2] > rank:
                self.forms[folded] = (key, fields, rank)

    def match(self, doc: Any, i: int, end: int, taken: set[int], parsed: bool) -> tuple[str, dict[str, Any], int] | None:
        """The person whose short form starts at token `i`, longest form first, with the
        token after it; a first word only when no other name follows ("Kim Yo-jong")."""
        for n in range(min(self.longest, end - i), 0, -1):
            tokens = doc[i : i + n]
            if any(t.i in taken for t in tokens) or not _proper(tokens[-1], parsed):
                continue
            held = self.forms.get(_fold(tokens.text))
            if held is None:
                continue
            key, fields, rank = held
            after = doc[i + n] if i + n < end else None
            if rank == 1 and after is not None and (_proper(after, parsed) or after.text == "-"):
                continue
            return key, fields, i + n
        return None


def _proper(token: Any, parsed: bool) -> bool:
    """A proper noun: by its part of speech in a parsed sentence, by its capital otherwise."""
    return bool(token.pos_ == "PROPN") if parsed else bool(token.is_title)


US_STATE_NAMES = {"Georgia"}  # country names that are also US states


def _us_state(match: Match, doc: Any) -> bool:
    """"Atlanta, Georgia", "the state of Georgia", "Georgia state": the US state, not the country."""
    kind, _, start, end, _ = match
    if kind != "country" or doc[start:end].text not in US_STATE_NAMES:
        return False
    before = [t.lower_ for t in doc[max(0, start - 2) : start]]
    if before[-2:] == ["state", "of"] or (end < len(doc) and doc[end].lower_ in ("state", "governor", "senator")):
        return True
    if len(before) == 2 and before[-1] == "," and doc[start - 2].pos_ == "PROPN":
        from ..attributes.gazetteer import find_city

        city = find_city(doc[start - 2].text, ["USA"])
        return city is not None and city.country == "USA"
    return False


def _ethnic(match: Match, doc: Any) -> Match:
    """"Ethnic Albanians" in Macedonia are not Albania: the demonym names a group, whose
    country the context gives (agents.tsv: "ethnic")."""
    kind, _, start, end, fields = match
    if kind == "demonym" and start > 0 and doc[start - 1].lower_ == "ethnic":
        return ("agent", "ethnic", start, end, fields)
    return match


def _longest(spans: Iterable[Match], preferred: set[tuple[str, str]]) -> list[Match]:
    """Keep the longest of overlapping matches; on ties the user's own entries, then the kind
    earlier in KIND_PRIORITY."""
    ranked = sorted(spans, key=lambda m: (-(m[3] - m[2]), (m[0], m[1]) not in preferred, KIND_PRIORITY.index(m[0]), m[2]))
    kept: list[Match] = []
    used: set[int] = set()
    for match in ranked:
        if used.isdisjoint(range(match[2], match[3])):
            kept.append(match)
            used.update(range(match[2], match[3]))
    return sorted(kept, key=lambda m: m[2])


def compose(mentions: list[Mention], dictionary: ActorDictionary, day: dt.date | None, text: str,
            head: int | None = None) -> Actor | None:
    """One actor from the mentions found inside one noun phrase, or None.

    A person wins, then an organisation, then a country with the sector an agent word gives,
    then a place's country. A country and a title with no name ("the Japanese prime minister")
    name whoever held that office on `day`, when the knowledge base knows. `head` (the offset of
    the phrase's head word) settles "NATO-member Norway": the country heads it, not NATO."""
    if not mentions:
        return None
    if head is not None and any(m.start <= head < m.end and m.kind in COUNTRY_KINDS for m in mentions):
        mentions = [m for m in mentions if m.kind != "org"]
    places = [m for m in mentions if m.kind == "place"]
    mentions = [m for m in mentions if m.kind != "place"]
    if not mentions:
        return _place_actor(places[0], dictionary, text) if places else None
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
            # an international organisation is a party of its own: its country is its code (IGOUNO)
            return Actor(span_text, code, org.country or org_code(org), org.sector, org.name, start, end)
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


def _place_actor(m: Mention, dictionary: ActorDictionary, text: str) -> Actor | None:
    """A place named as an actor ("shelled the Gaza Strip") stands for its country."""
    place = dictionary.places[m.key]
    if place.country is None:
        return None
    return Actor(text[m.start : m.end], place.country, place.country, None, place.name, m.start, m.end,
                 notes=(f"{place.name} stands for {place.country}",))


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
    if m.text.startswith("@"):
        notes = (*notes, f"handle {m.text} is {m.key}'s")
    elif _fold(m.text) in {_fold(form) for form, _ in short_forms(m.key)}:
        notes = (*notes, f"{m.text!r} read as {m.key}, by a short form of the name")
    sector = sector or agent_sector
    code = _code(country, sector)
    if role_org and not country:  # the UN Secretary-General: IGOUNO, the organisation's party
        code = country = f"{sector}{role_org}"
    return Actor(span_text, code, country, sector, m.key, start, end, role=title, notes=notes)


def org_code(org: Org) -> str:
    """IGOUNO for the UN; a national group by its country and sector (Hamas: PSEREB)."""
    return f"{org.country}{org.sector}" if org.country else f"{org.sector}{org.code}"


def is_state(country: str | None) -> TypeGuard[str]:
    """Whether an actor's `country` is a state's (RUS), not an international organisation's
    own code (IGOUNO), which an organisation with no country has as its country."""
    return country is not None and len(country) == 3


def is_placed(actor: Actor) -> bool:
    """Whether an actor says whose it is: a country, or an international organisation."""
    return actor.code is not None and (actor.country is not None or actor.code != (actor.sector or ""))


def _code(country: str | None, sector: str | None) -> str:
    return f"{country or ''}{sector or ''}" or "UNK"


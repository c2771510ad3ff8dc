"""Reading the actor knowledge base's files into an `ActorDictionary`: the built-in
``data/actors/`` (countries.tsv, historical.tsv, pycountry's territories, metonyms.tsv,
agents.tsv, organizations.tsv, people/*.yaml, places.tsv) and the user's YAML files (from
``--actors`` or DYAD_ACTORS), each line or entry checked with its file and place."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...data import read_tsv, read_yaml
from ...errors import DataFileError
from .entries import Country

if TYPE_CHECKING:
    from .knowledge import ActorDictionary

__all__ = ["env_actor_paths", "extend", "read_files"]


def read_files(dictionary: ActorDictionary, folder: Path, extra: Iterable[str | Path] = ()) -> None:
    """Read the knowledge base in `folder` into `dictionary`, then the user's files in `extra`:
    YAML files, or directories of them (see `extend`)."""
    _load_countries(dictionary, folder / "countries.tsv")
    _load_historical(dictionary, folder / "historical.tsv")
    _load_territories(dictionary)
    _load_metonyms(dictionary, folder / "metonyms.tsv")
    _load_agents(dictionary, folder / "agents.tsv")
    _load_orgs(dictionary, folder / "organizations.tsv")
    for path in sorted((folder / "people").glob("*.yaml")):
        _load_people(dictionary, path)
    if (folder / "places.tsv").exists():
        _load_places(dictionary, folder / "places.tsv")
    for given in extra:
        user = Path(given)
        files = sorted(user.glob("*.yaml")) + sorted(user.glob("*.yml")) if user.is_dir() else [user]
        if not files or not all(f.is_file() for f in files):
            raise DataFileError(str(user), "no such actor file, or a directory without .yaml files")
        for file in files:
            extend(dictionary, file)


def extend(dictionary: ActorDictionary, path: Path) -> None:
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
    before = len(dictionary.aliases)
    for section, entries in raw.items():
        if not isinstance(entries, list):
            raise DataFileError(str(path), f"section {section!r} must be a list")
        for number, entry in enumerate(entries, start=1):
            where = f"{path} ({section}[{number}])"
            if not isinstance(entry, dict):
                raise DataFileError(where, "each entry must be a mapping")
            try:
                _extend_one(dictionary, section, entry, where)
            except (KeyError, TypeError, ValueError) as err:
                raise DataFileError(where, f"missing or malformed field: {err}") from None
    dictionary.preferred.update((kind, key) for _, kind, key in dictionary.aliases[before:])
    dictionary.forget_lookups()


def _extend_one(dictionary: ActorDictionary, section: str, e: dict[str, Any], where: str) -> None:
    if section == "people":
        dictionary.add_person(e, where, merge=False)
    elif section == "organizations":
        dictionary.add_org(str(e["code"]), str(e["name"]), list(e.get("aliases") or []), str(e.get("sector") or "IGO"),
                           e.get("country"), where)
    elif section == "agents":
        dictionary.add_agent(str(e["phrase"]), str(e["sector"]), e.get("role"), where)
    elif section == "metonyms":
        dictionary.add_metonym(str(e["phrase"]), str(e["country"]), str(e["sector"]), where)
    elif section == "places":
        dictionary.add_place(str(e["name"]), list(e.get("aliases") or []), e.get("country"), float(e["lat"]), float(e["lon"]), where)
    else:
        iso3 = str(e["iso3"])
        if iso3 not in dictionary.countries:
            if not e.get("name") or len(iso3) != 3 or not iso3.isupper():
                raise DataFileError(where, f"unknown country {iso3!r}; a new one needs a three-letter code and a name")
            dictionary.countries[iso3] = Country(iso3=iso3, name=str(e["name"]), lat=e.get("lat"), lon=e.get("lon"))
            dictionary.aliases.append((str(e["name"]), "country", iso3))
        dictionary.aliases.extend((str(a), "country", iso3) for a in e.get("aliases") or [])
        dictionary.aliases.extend((str(a), "demonym", iso3) for a in e.get("demonyms") or [])


def _load_countries(dictionary: ActorDictionary, path: Path) -> None:
    columns = ("iso3", "name", "aliases", "demonyms", "capital", "capital_lat", "capital_lon", "lat", "lon", "metonyms")
    for line, row in read_tsv(path, columns):
        iso3 = row["iso3"]
        if len(iso3) != 3 or not iso3.isupper():
            raise DataFileError(f"{path}:{line}", f"iso3 must be three capital letters, got {iso3!r}")
        if iso3 in dictionary.countries:
            raise DataFileError(f"{path}:{line}", f"duplicate country {iso3}")
        dictionary.countries[iso3] = Country(
            iso3=iso3, name=row["name"], capital=row["capital"],
            capital_lat=_float(row["capital_lat"], path, line), capital_lon=_float(row["capital_lon"], path, line),
            lat=_float(row["lat"], path, line), lon=_float(row["lon"], path, line),
        )
        for alias in [row["name"], *_split(row["aliases"])]:
            dictionary.aliases.append((alias, "country", iso3))
        for alias in _split(row["demonyms"]):
            dictionary.aliases.append((alias, "demonym", iso3))
        for capital in _split(row["capital"].replace(",", "|").split("|")[0]):
            dictionary.aliases.append((capital, "capital", iso3))
        for alias in _split(row["metonyms"]):
            dictionary.aliases.append((alias, "metonym", iso3))


def _load_historical(dictionary: ActorDictionary, path: Path) -> None:
    for line, row in read_tsv(path, ("code", "name", "aliases", "demonyms", "end", "continuator")):
        code = row["code"]
        if code in dictionary.countries:
            raise DataFileError(f"{path}:{line}", f"duplicate country {code}")
        continuator = row["continuator"] or None
        if continuator is not None and continuator not in dictionary.countries:
            raise DataFileError(f"{path}:{line}", f"unknown continuator {continuator!r}")
        try:
            end = dt.date.fromisoformat(row["end"])
        except ValueError:
            raise DataFileError(f"{path}:{line}", f"end must be YYYY-MM-DD, got {row['end']!r}") from None
        dictionary.countries[code] = Country(iso3=code, name=row["name"], end=end, continuator=continuator)
        for alias in [row["name"], *_split(row["aliases"])]:
            dictionary.aliases.append((alias, "country", code))
        for alias in _split(row["demonyms"]):
            dictionary.aliases.append((alias, "demonym", code))


def _load_territories(dictionary: ActorDictionary) -> None:
    """Every ISO 3166-1 entry that countries.tsv does not describe (dependent territories:
    Greenland, Puerto Rico, Guam, ...), with its names from pycountry."""
    import pycountry

    for entry in pycountry.countries:
        if entry.alpha_3 in dictionary.countries:
            continue
        name = getattr(entry, "common_name", None) or entry.name
        dictionary.countries[entry.alpha_3] = Country(iso3=entry.alpha_3, name=name)
        names = {name, getattr(entry, "official_name", name)}
        for alias in names:
            if "," not in alias and "(" not in alias:  # "Virgin Islands, British" reads as no news does
                dictionary.aliases.append((alias.removeprefix("the "), "country", entry.alpha_3))


def _load_metonyms(dictionary: ActorDictionary, path: Path) -> None:
    for line, row in read_tsv(path, ("phrase", "country", "sector")):
        dictionary.add_metonym(row["phrase"], row["country"], row["sector"], f"{path}:{line}")


def _load_people(dictionary: ActorDictionary, path: Path) -> None:
    records = read_yaml(path) or []
    if not isinstance(records, list):
        raise DataFileError(str(path), "expected a list of people")
    for number, record in enumerate(records, start=1):
        dictionary.add_person(record, f"{path} (person {number})", merge=True)


def _load_orgs(dictionary: ActorDictionary, path: Path) -> None:
    for line, row in read_tsv(path, ("code", "name", "aliases", "sector", "country")):
        if row["code"] in dictionary.orgs:
            raise DataFileError(f"{path}:{line}", f"duplicate organisation code {row['code']}")
        dictionary.add_org(row["code"], row["name"], _split(row["aliases"]), row["sector"], row["country"], f"{path}:{line}")


def _load_agents(dictionary: ActorDictionary, path: Path) -> None:
    for line, row in read_tsv(path, ("phrase", "sector")):
        dictionary.add_agent(row["phrase"], row["sector"], row.get("role") or None, f"{path}:{line}")


def _load_places(dictionary: ActorDictionary, path: Path) -> None:
    for line, row in read_tsv(path, ("name", "country", "lat", "lon")):
        lat, lon = _float(row["lat"], path, line), _float(row["lon"], path, line)
        dictionary.add_place(row["name"], _split(row.get("aliases", "")), row["country"] or None, lat, lon, f"{path}:{line}",
                             row.get("kind") or "city")


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split("|") if v.strip()]


def _float(value: str, path: Path, line: int) -> float | None:
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise DataFileError(f"{path}:{line}", f"not a number: {value!r}") from None


def env_actor_paths() -> list[str]:
    """The user's actor files or folders from DYAD_ACTORS (separated like PATH)."""
    return [p for p in os.environ.get("DYAD_ACTORS", "").split(os.pathsep) if p]

"""Which events a filter's actor code selects: a country (``RUS``), an organisation (``IGOEUR``),
either with a sector (``RUSMIL``, ``IGOUNOMIL``), or a sector alone (``--sector MIL``).

A code is made of three-letter parts. Its *party* is the country-level side it belongs to: the
country for a national code (``RUSMIL`` -> ``RUS``), the organisation for an international one
(``IGOUNOMIL`` -> ``IGOUNO``: the sector and the organisation's own code), which is what an
event's ``actor_country`` holds. A code longer than its party also requires the event's code to
start with it, so ``RUSMIL`` matches ``RUSMIL`` and its sub-sectors, not ``RUSGOV``.

Databases coded before organisations had a country keep a null ``country`` for them; the
filters (and the country-level views) read the party off the code for such rows
(`country_sql`), so they need no re-coding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..errors import DyadError

__all__ = ["SECTORS", "SECTOR_NAMES", "Party", "code_label", "country_sql", "parse_party", "party_condition", "check_known", "check_sector", "load_party_names", "sector_condition", "unknown_code"]

# CAMEO's sector codes (actor types), with what each names. None is an ISO 3166 country code,
# so a code's first part says whether it is an organisation's (IGOUNO) or a country's (RUSMIL).
SECTOR_NAMES = {
    "GOV": "government", "MIL": "military", "REB": "rebels", "OPP": "opposition", "PTY": "political party",
    "COP": "police", "JUD": "judiciary", "SPY": "intelligence", "IGO": "intergovernmental organisation",
    "NGO": "non-governmental organisation", "MED": "media", "EDU": "education", "BUS": "business",
    "CRM": "criminals", "CVL": "civilians", "ELI": "elites", "HLH": "health", "LAB": "labour", "LEG": "legislature",
    "REF": "refugees", "REL": "religion", "AGR": "agriculture", "ENV": "environment", "INS": "insurgents",
    "IMG": "immigrants", "MOD": "moderates", "RAD": "radicals", "UAF": "armed forces (unaffiliated)",
    "SEP": "separatists", "DEV": "development", "HRI": "human rights", "MNC": "multinational corporations",
}
SECTORS = frozenset(SECTOR_NAMES)
_CODE = re.compile(r"(?:[A-Z]{3})+")


@dataclass(frozen=True)
class Party:
    """A filter's code: the country-level party it names, and the code events must start with
    (None when the code is the party itself)."""

    code: str
    country: str
    prefix: str | None


def parse_party(value: str) -> Party:
    """`value` as a Party; a DyadError when it is not made of three-letter parts, or its parts
    after the party are not sectors."""
    code = value.strip().upper()
    if not _CODE.fullmatch(code):
        raise DyadError(f"not an actor code: {value!r}; a country (RUS), a country with a sector (RUSMIL) "
                        "or an organisation (IGOEUR, IGOUNO), in three-letter parts")
    organisation = len(code) >= 6 and code[:3] in SECTORS
    country = code[:6] if organisation else code[:3]
    rest = [code[i : i + 3] for i in range(len(country), len(code), 3)]
    strange = [part for part in rest if part not in SECTORS]
    if strange:  # "Russia" is RUS and SIA, and SIA is no sector
        raise DyadError(f"not an actor code: {value!r} ({strange[0]} is not a sector after {country}); a country "
                        "(RUS), a country with a sector (RUSMIL) or an organisation (IGOEUR, IGOUNO)")
    return Party(code, country, code if code != country else None)


def country_sql(side: str) -> str:
    """The SQL of a side's country-level party: its country, else (a row coded before
    organisations had one) an organisation's own code read off its actor code."""
    return f"coalesce({side}_country, {_code_organisation(side)})"


def _code_organisation(side: str) -> str:
    """The SQL of the organisation a side's actor code names (IGOUNO in IGOUNOMIL), if any."""
    return f"CASE WHEN length({side}_code) >= 6 AND left({side}_code, 3) = {side}_sector THEN left({side}_code, 6) END"


def party_condition(side: str, party: Party) -> tuple[str, list[Any]]:
    """A WHERE condition (and its parameters) on the events table: `side` ("actor" or
    "recipient") belongs to `party`."""
    # country_sql(side) = ?, spelled out so that DuckDB compares the plain column first: three
    # times faster over a million events than the coalesce (bench/pages.py, one dyad)
    country = f"({side}_country = ? OR ({side}_country IS NULL AND {_code_organisation(side)} = ?))"
    if party.prefix is None:
        return country, [party.country, party.country]
    return f"({country} AND starts_with({side}_code, ?))", [party.country, party.country, party.prefix]


def sector_condition(side: str, sector: str) -> tuple[str, list[Any]]:
    """`side` is of `sector`: its sector, or its code's last part (UN peacekeepers, IGOUNOMIL,
    are an organisation's military)."""
    return (f"({side}_sector = ? OR (length({side}_code) > 3 AND ends_with({side}_code, ?)))",
            [sector.upper(), sector.upper()])


def check_sector(value: str) -> str:
    """`value` as a sector code; a DyadError naming the known ones otherwise."""
    sector = value.strip().upper()
    if sector not in SECTORS:
        raise DyadError(f"unknown sector {value!r}; one of {', '.join(sorted(SECTORS))}")
    return sector


def unknown_code(code: str, db: Any) -> str | None:
    """Why `code` (made of a party and sectors, `parse_party`) names no actor (a message for
    the user), or None when it does: some stored event has it, or its party is a country or
    organisation of the knowledge base (with the user's DYAD_ACTORS files)."""
    from ..coding.actors.loading import env_actor_paths

    try:
        party = parse_party(code)
    except DyadError as err:  # "RUSSIA": RUS and SIA, which is no sector
        return str(err)
    for side in ("actor", "recipient"):
        condition, params = party_condition(side, party)
        if db.execute(f"SELECT 1 FROM events WHERE {condition} LIMIT 1", params).fetchone():
            return None
    if party.country in _known_parties(tuple(env_actor_paths())):
        return None
    hint = " (a sector alone is --sector)" if party.code in SECTORS else ""
    return (f"unknown actor code {party.code!r}{hint}: not a country (ISO3, e.g. RUS), an organisation "
            f"(e.g. IGOEUR, IGOUNO) or one of them with a sector (RUSMIL) in the knowledge base, "
            f"and no stored event has it")


@lru_cache(maxsize=4)
def _known_parties(extra: tuple[str, ...]) -> frozenset[str]:
    """The countries and international organisations' own codes of the knowledge base."""
    return frozenset(_party_names(extra))


def load_party_names() -> None:
    """Read the knowledge base's countries and organisations now (a second or two), so that
    the first page or check that names a code does not wait for them (`dyad serve`)."""
    from ..coding.actors.loading import env_actor_paths

    _party_names(tuple(env_actor_paths()))


def code_label(code: str | None) -> str:
    """What an actor code names, in words: its country or organisation, then its sectors
    ("RUSGOV": "Russia · government", "IGOUNOMIL": "United Nations · military"), whoever the
    events under it were; a code of unknown parts keeps them as they are."""
    if not code:
        return ""
    parts = [code[i : i + 3] for i in range(0, len(code), 3)]
    from ..coding.actors.loading import env_actor_paths

    names = _party_names(tuple(env_actor_paths()))
    party = code[:6] if len(code) >= 6 and code[:6] in names else code[:3]
    words = [names[party]] if party in names else []
    rest = parts[len(party) // 3:] if words else parts
    words += [SECTOR_NAMES.get(part, part) for part in rest]
    return " · ".join(words)


@lru_cache(maxsize=4)
def _party_names(extra: tuple[str, ...]) -> dict[str, str]:
    """The names of the knowledge base's countries and international organisations, by code."""
    from ..coding.actors.codes import org_code
    from ..coding.actors.knowledge import ActorDictionary

    dictionary = ActorDictionary.load(extra=extra)
    names = {iso3: country.name for iso3, country in dictionary.countries.items()}
    return names | {org_code(org): org.name for org in dictionary.orgs.values() if org.country is None}


def check_known(db: Any, *codes: str | None) -> None:
    """A DyadError naming the first of `codes` that names no actor (`unknown_code`)."""
    for code in codes:
        problem = unknown_code(code, db) if code else None
        if problem:
            raise DyadError(problem)

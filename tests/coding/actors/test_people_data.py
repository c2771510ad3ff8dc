"""Every person-role record in the knowledge base is checked here."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from dyad.coding.actors.entries import ROLE_KINDS
from dyad.coding.actors.knowledge import default_dictionary
from dyad.data import data_path, read_yaml

SECTORS = {"GOV", "MIL", "COP", "JUD", "LEG", "OPP", "REB", "PTY", "BUS", "MED", "CVL", "IGO", "NGO", "ELI", "SPY", "REL", "LAB", "EDU", "HLH"}
# Countries with collective or rotating heads of state, where overlaps are normal.
SHARED_HEADS = {"CHE", "BIH", "AND", "SMR"}
PEOPLE_FILES = sorted((data_path("actors") / "people").glob("*.yaml"))


@pytest.mark.parametrize("path", PEOPLE_FILES, ids=[p.name for p in PEOPLE_FILES])
def test_people_file_records_are_well_formed(path: object) -> None:
    records = read_yaml(path)  # type: ignore[arg-type]
    assert isinstance(records, list) and records
    for record in records:
        assert set(record) <= {"name", "aliases", "handles", "roles", "wikidata"}, record["name"]
        wikidata = record.get("wikidata")
        assert wikidata is None or (wikidata.startswith("Q") and wikidata[1:].isdigit()), record["name"]
        for role in record["roles"]:
            assert set(role) <= {"country", "sector", "title", "start", "end", "org", "kind"}, record["name"]


def test_every_role_is_dated_coded_and_typed() -> None:
    d = default_dictionary()
    today = dt.date.today()
    for person in d.people.values():
        assert person.roles, person.name
        for role in person.roles:
            assert role.sector in SECTORS, (person.name, role)
            assert role.kind in ROLE_KINDS, (person.name, role)
            assert role.country is None or role.country in d.countries, (person.name, role)
            assert role.country is not None or role.org is not None, (person.name, role)
            assert dt.date(1900, 1, 1) <= role.start <= today, (person.name, role)
            assert role.end is None or role.start <= role.end <= today, (person.name, role)


def test_no_two_people_head_the_same_government_at_once() -> None:
    d = default_dictionary()
    slots: dict[tuple[str, str], list[tuple[dt.date, dt.date, str]]] = {}
    for person in d.people.values():
        for role in person.roles:
            if role.kind in ("head_of_state", "head_of_government") and role.country and role.country not in SHARED_HEADS \
                    and not any(w in role.title.lower() for w in ("acting", "caretaker", "interim", "deputy", "vice", "crown")):
                slots.setdefault((role.country, role.kind), []).append((role.start, role.end or dt.date.today(), person.name))
    clashes = []
    for (country, kind), spans in slots.items():
        for (_, e1, n1), (s2, _, n2) in itertools.combinations(sorted(spans), 2):
            if n1 != n2 and s2 < e1 - dt.timedelta(days=3):  # handovers may share a day or two
                clashes.append((country, kind, n1, n2, str(s2)))
    assert not clashes, clashes[:20]


def test_the_knowledge_base_is_big_enough() -> None:
    d = default_dictionary()
    assert sum(len(p.roles) for p in d.people.values()) >= 1500

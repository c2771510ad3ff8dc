"""International organisations as parties, and filters by actor code and sector (parties.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from dyad.errors import DyadError
from dyad.store.parties import parse_party, unknown_code
from dyad.store.query import trend
from dyad.store.store import Store
from dyad.types import Actor, Article
from tests.store.test_store import _article

# (actor, type, recipient): code, country, sector of each side. The last is a row coded before
# organisations had a country: NATO with a null country.
EVENTS = {
    "eu-sanctions": (("IGOEUR", "IGOEUR", "IGO"), "SANCTION", ("RUS", "RUS", None)),
    "troops-shell": (("RUSMIL", "RUS", "MIL"), "ASSAULT", ("UKRMIL", "UKR", "MIL")),
    "kremlin-condemns": (("RUSGOV", "RUS", "GOV"), "ACCUSE", ("IGOEUR", "IGOEUR", "IGO")),
    "peacekeepers": (("IGOUNOMIL", "IGOUNO", "IGO"), "AID", ("LBNCVL", "LBN", "CVL")),
    "old-nato": (("IGONAT", None, "IGO"), "ACCUSE", ("RUS", "RUS", None)),
}


def _party_article(article_id: str, actor: tuple[Any, ...], event_type: str, recipient: tuple[Any, ...]) -> Article:
    article = _article(article_id, day=dt.date(2024, 3, 4))
    article.events[0] = dataclasses.replace(
        article.events[0], event_type=event_type,
        actor=Actor("someone", actor[0], actor[1], actor[2], None, 0, 6),
        recipient=Actor("someone else", recipient[0], recipient[1], recipient[2], None, 20, 38))
    return article


def write_parties(path: Path) -> None:
    with Store(path) as store:
        store.write([_party_article(i, *spec) for i, spec in EVENTS.items()])


@pytest.fixture
def store(tmp_path: Path) -> Store:
    write_parties(tmp_path / "p.duckdb")
    return Store(tmp_path / "p.duckdb", read_only=True)


def _ids(rows: list[dict[str, Any]]) -> set[str]:
    return {r["article_id"] for r in rows}


def test_an_organisation_is_found_by_every_filter_and_view(store: Store) -> None:
    assert _ids(store.events(actor="IGOEUR")) == {"eu-sanctions"}
    assert _ids(store.events(recipient="igoeur")) == {"kremlin-condemns"}
    assert _ids(store.events(actor="IGOEUR", recipient="RUS", either_way=True)) == {"eu-sanctions", "kremlin-condemns"}
    assert [r["sources"] for r in store.deduplicated(actor="IGOEUR")] == [1]
    assert sum(r["events"] for r in trend(store, "IGOEUR", "RUS")) == 2
    assert sum(r["events"] for r in trend(store, "IGOEUR", "RUS", directed=True)) == 1
    dyads = {(d["actor"], d["recipient"]) for d in store.summary(top=20)["top_dyads"]}
    assert {("IGOEUR", "RUS"), ("RUS", "IGOEUR"), ("IGOUNO", "LBN")} <= dyads


def test_a_code_with_a_sector_is_narrower_than_its_country(store: Store) -> None:
    assert _ids(store.events(actor="RUS")) == {"troops-shell", "kremlin-condemns"}
    assert _ids(store.events(actor="RUSMIL")) == {"troops-shell"}
    assert _ids(store.events(actor="RUSGOV", recipient="IGOEUR")) == {"kremlin-condemns"}
    assert _ids(store.events(actor="IGOUNO")) == {"peacekeepers"}  # the organisation takes in its forces
    assert _ids(store.events(actor="IGOUNOMIL")) == {"peacekeepers"}
    assert _ids(store.events(actor="IGOUNOGOV")) == set()
    assert sum(r["events"] for r in trend(store, "RUSMIL", "UKR")) == 1
    assert trend(store, "RUSGOV", "UKR") == []


def test_sector_filters(store: Store) -> None:
    assert _ids(store.events(sector="MIL")) == {"troops-shell", "peacekeepers"}  # IGOUNOMIL is a military too
    assert _ids(store.events(sector="mil", recipient_sector="MIL")) == {"troops-shell"}
    assert _ids(store.events(sector="GOV")) == {"kremlin-condemns"}
    assert _ids(store.events(recipient_sector="CVL")) == {"peacekeepers"}
    assert len(store.deduplicated(sector="MIL")) == 2
    with pytest.raises(DyadError, match="unknown sector 'XYZ'"):
        store.events(sector="XYZ")


def test_rows_coded_before_organisations_had_a_country_still_match(store: Store) -> None:
    assert _ids(store.events(actor="IGONAT")) == {"old-nato"}
    assert sum(r["events"] for r in trend(store, "RUS", "IGONAT")) == 1
    assert ("IGONAT", "RUS") in {(d["actor"], d["recipient"]) for d in store.summary(top=20)["top_dyads"]}


def test_codes_are_read_by_their_parts() -> None:
    assert (parse_party("rus").country, parse_party("rus").prefix) == ("RUS", None)
    assert (parse_party("RUSMIL").country, parse_party("RUSMIL").prefix) == ("RUS", "RUSMIL")
    assert (parse_party("IGOEUR").country, parse_party("IGOEUR").prefix) == ("IGOEUR", None)
    assert (parse_party("IGOUNOMIL").country, parse_party("IGOUNOMIL").prefix) == ("IGOUNO", "IGOUNOMIL")
    for bad in ("RUSM", "RU", "R1S", "", "Russia", "IGOEURXYZ"):
        with pytest.raises(DyadError, match="not an actor code"):
            parse_party(bad)


def test_an_unknown_code_is_named(store: Store) -> None:
    assert unknown_code("IGOEUR", store.db) is None
    assert unknown_code("IGOWHO", store.db) is None  # in the knowledge base, though no event has it
    assert unknown_code("JPNMIL", store.db) is None
    for bad in ("XYZ", "XYZMIL", "IGOXYZ"):
        message = unknown_code(bad, store.db)
        assert message is not None and repr(bad) in message and "knowledge base" in message
    assert "--sector" in (unknown_code("MIL", store.db) or "")


@pytest.mark.model
def test_an_organisation_coded_from_text_is_its_own_country(code: Any, tmp_path: Path) -> None:
    article = code("The European Union imposed new sanctions on Russia on Monday. NATO criticised Russia.")
    assert {(e.actor.code, e.actor.country) for e in article.events} == {("IGOEUR", "IGOEUR"), ("IGONAT", "IGONAT")}
    with Store(tmp_path / "coded.duckdb") as store:
        store.write([article])
        assert {r["actor"]["code"] for r in store.events(actor="IGOEUR")} == {"IGOEUR"}
        assert sum(r["events"] for r in trend(store, "RUS", "IGONAT")) == 1
    [secretary] = code("Antonio Guterres criticised Russia.", date="2024-03-06").events
    assert (secretary.actor.code, secretary.actor.country) == ("IGOUNO", "IGOUNO")
    [hamas] = code("Hamas attacked Israel.").events
    assert hamas.actor.country == "PSE"  # an organisation of one country keeps that country


@pytest.mark.model
def test_an_organisation_lends_no_country_to_the_other_side(code: Any) -> None:
    """An organisation's own code is no state: unnamed police or protesters facing it do not
    become its own, and its protests are not against a government of its own."""
    [protest] = code("The World Health Organization protested.").events
    assert (protest.actor.code, protest.recipient) == ("IGOWHO", None)
    [condemned] = code("The European Union condemned the police crackdown.").events
    assert condemned.recipient is None or condemned.recipient.country is None

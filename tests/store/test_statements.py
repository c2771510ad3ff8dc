"""Statements (CAMEO 01, QuadClass 0, no PLOVER type) are stored like events and left out of
every listing, count and trend unless asked for."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from dyad import load
from dyad.store.export import export
from dyad.store.query import places, search, top_actors, top_dyads, trend
from dyad.store.store import Store
from dyad.types import Actor, Article
from tests.store.test_store import _article


def _with_statement(article_id: str, day: dt.date) -> Article:
    """An article with one event (Russia expels Japanese diplomats) and one statement (Japan
    denies, about Russia), both in Tokyo."""
    article = _article(article_id, day=day)
    [event] = article.events
    japan = Actor("Japanese diplomats", "JPN", "JPN", None, "Japan", 20, 38)
    russia = Actor("Russia", "RUS", "RUS", None, "Russia", 0, 6)
    statement = replace(event, cameo="016", event_type=None, mode=None, context=None, goldstein=-2.0, quad_class=0,
                        actor=japan, recipient=russia, trigger=(39, 41), pattern="statements[1] deny", notes=[])
    article.events = [event, statement]
    return article


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "s.duckdb")
    store.write([_with_statement("a1", dt.date(2024, 1, 5)), _with_statement("a2", dt.date(2024, 2, 7))])
    return store


def test_a_statement_is_stored_with_quad_class_zero_and_no_plover_type(store: Store) -> None:
    [statement] = [e for e in store.events(statements=True, article_id="a1") if e["cameo"] == "016"]
    assert (statement["event_type"], statement["mode"], statement["quad_class"], statement["goldstein"]) == (None, None, 0, -2.0)
    assert store.events(event_id=statement["id"])[0]["id"] == statement["id"]  # asked for by id: found


def test_events_and_deduplicated_events_leave_statements_out_unless_asked(store: Store) -> None:
    assert {e["cameo"] for e in store.events()} == {"161"}
    assert sorted(e["cameo"] for e in store.events(statements=True)) == ["016", "016", "161", "161"]
    assert {e["cameo"] for e in store.deduplicated()} == {"161"}
    assert sorted(e["cameo"] for e in store.deduplicated(statements=True)) == ["016", "016", "161", "161"]
    assert len(list(store.iter_events())) == 2 and len(list(store.iter_events(statements=True))) == 4


def test_summary_counts_statements_only_when_asked(store: Store) -> None:
    plain, every = store.summary(), store.summary(statements=True)
    assert (plain["events"], plain["by_type"]) == (2, {"SANCTION": 2})
    assert (every["events"], every["by_type"]) == (4, {"SANCTION": 2, "STATEMENT": 2})
    assert [(d["actor"], d["recipient"]) for d in plain["top_dyads"]] == [("RUS", "JPN")]
    assert ("JPN", "RUS") in [(d["actor"], d["recipient"]) for d in every["top_dyads"]]


def test_trend_leaves_statements_out_unless_asked(store: Store) -> None:
    plain = trend(store, "RUS", "JPN", "month")
    assert [(r["events"], r["mean_goldstein"]) for r in plain] == [(1, -4.0), (1, -4.0)] and "statements" not in plain[0]
    every = trend(store, "RUS", "JPN", "month", statements=True)
    assert [(r["events"], r["statements"], r["mean_goldstein"]) for r in every] == [(2, 1, -3.0), (2, 1, -3.0)]


def test_actors_dyads_and_places_leave_statements_out_unless_asked(store: Store) -> None:
    assert [r["code"] for r in top_actors(store)] == ["RUS"]
    assert {r["code"] for r in top_actors(store, statements=True)} == {"RUS", "JPN"}
    assert [(d["actor"], d["recipient"]) for d in top_dyads(store)] == [("RUS", "JPN")]
    assert len(top_dyads(store, statements=True)) == 2
    assert [p["events"] for p in places(store)] == [2]
    assert [p["events"] for p in places(store, statements=True)] == [4]
    assert [len(h["events"]) for h in search(store, "Russia")] == [1, 1]
    assert [len(h["events"]) for h in search(store, "Russia", statements=True)] == [2, 2]


def test_export_and_load_leave_statements_out_unless_asked(store: Store, tmp_path: Path) -> None:
    assert export(store, tmp_path / "plain.csv", "csv") == 2
    assert export(store, tmp_path / "every.csv", "csv", statements=True) == 4
    with (tmp_path / "every.csv").open() as f:
        assert sorted(r["quad_class"] for r in csv.DictReader(f)) == ["0", "0", "3", "3"]
    assert export(store, tmp_path / "dedup.jsonl", "jsonl", dedup=True) == 2
    store.close()
    assert set(load(tmp_path / "s.duckdb")["cameo"]) == {"161"}
    assert set(load(tmp_path / "s.duckdb", statements=True)["cameo"]) == {"161", "016"}
    assert set(load(tmp_path / "s.duckdb", deduplicated=True, statements=True)["cameo"]) == {"161", "016"}


def test_a_statements_quad_class_zero_survives_the_gdelt_table(store: Store, tmp_path: Path) -> None:
    export(store, tmp_path / "every.tsv", "gdelt", statements=True)
    with (tmp_path / "every.tsv").open() as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    assert sorted((r["EventCode"], r["QuadClass"]) for r in rows) == [("016", "0"), ("016", "0"), ("161", "3"), ("161", "3")]

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from dyad import load
from dyad.errors import DyadError
from dyad.store import query
from dyad.store.query import plot_trend, search, top_actors, trend
from dyad.store.store import Store
from tests.store.test_store import _article


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "d.duckdb")
    store.write([_article("a1", day=dt.date(2024, 1, 5)), _article("a2", day=dt.date(2024, 1, 20)),
                 _article("a3", day=dt.date(2024, 3, 2))])
    return store


def test_trend_by_month(store: Store) -> None:
    rows = trend(store, "RUS", "JPN", "month")
    assert [(str(r["period"])[:7], r["verbal_conflict"], r["events"], r["mean_goldstein"]) for r in rows] == [
        ("2024-01", 2, 2, -4.0), ("2024-03", 1, 1, -4.0)]
    assert trend(store, "JPN", "RUS", "month", directed=True) == []
    assert len(trend(store, "JPN", "RUS", "month")) == 2  # both ways by default
    assert trend(store, "RUS", "JPN", "month", min_confidence=0.95) == []
    with pytest.raises(DyadError, match="unknown period"):
        trend(store, "RUS", "JPN", "fortnight")


def test_trend_plot(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "trend.png"
    plot_trend(trend(store, "RUS", "JPN"), "RUS <-> JPN", out)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_top_actors_and_search(store: Store) -> None:
    assert [(r["code"], r["events"]) for r in top_actors(store)] == [("RUS", 3)]
    assert {r["article_id"] for r in search(store, "japanese DIPLOMATS")} == {"a1", "a2", "a3"}
    assert search(store, "nothing like this") == []


def test_load_gives_a_dataframe(store: Store, tmp_path: Path) -> None:
    store.close()
    frame = load(tmp_path / "d.duckdb")
    assert list(frame["article_id"]) == ["a1", "a2", "a3"] and "goldstein" in frame.columns
    real = load(tmp_path / "d.duckdb", deduplicated=True)
    assert list(real["sources"]) == [1, 1, 1]  # three dates, so three real-world events
    assert [[r["article_id"] for r in reports] for reports in real["reported_by"]] == [["a1"], ["a2"], ["a3"]]


@pytest.mark.parametrize(("call", "bad"), [(query.top_actors, -5), (query.top_dyads, 0), (query.places, -1),
                                           (lambda store, n: query.search(store, "Russia", n), -3),
                                           (lambda store, n: query.trend(store, "RUS", "JPN", min_confidence=n), 2)])
def test_bad_numbers_are_named_errors(tmp_path: Path, call: Any, bad: int) -> None:
    with Store(tmp_path / "d.duckdb") as store, pytest.raises(DyadError, match=r"(top|limit|min_confidence) is"):
        call(store, bad)


@pytest.mark.parametrize("name", ["trend.txt", "trend", "no/such/folder/trend.png"])
def test_a_plot_path_that_cannot_be_drawn_is_named(store: Store, tmp_path: Path, name: str) -> None:
    with pytest.raises(DyadError, match="cannot draw a plot as|does not exist"):
        plot_trend(trend(store, "RUS", "JPN"), "RUS <-> JPN", tmp_path / name)

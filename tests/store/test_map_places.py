"""The map's places (`query.places`, `query.place_events`) read from the place each
deduplicated event keeps (schema 11) give what grouping every report gave before: the same
points, counts and events, whatever the filters, for reports placed from their sentence, their
article or a dateline, or not placed at all, with ties between equally good reports."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import pytest

from dyad.errors import StoreError
from dyad.store import views
from dyad.store.grouping import _PLACE_KEY
from dyad.store.migrations import migrate
from dyad.store.query import place_events, places
from dyad.store.schema import SCHEMA_VERSION
from dyad.store.store import Store
from dyad.store.views import MAP_COLUMNS
from dyad.types import FACTUAL, Actor, Article, Location
from tests.store.test_store import _article

DAY = dt.date(2024, 3, 4)
KYIV = Location("Kyiv", "UKR", 50.45, 30.52, 42, 47, "capital", "sentence")
ODESA = Location("Odesa", "UKR", 46.48, 30.72, 42, 47, "city", "sentence")
LVIV = Location("Lviv", "UKR", 49.84, 24.03, 42, 47, "city", "article")
ATHENS = Location("Athens", "GRC", 37.98, 23.73, 42, 47, "capital", "dateline")
WASHINGTON = Location("Washington", "USA", 38.91, -77.04, 42, 47, "capital", "dateline")
LEGACY = Location("Kyiv", "UKR", 50.45, 30.52, 42, 47, "capital", None)  # stored before sources were kept
MILITARY = Actor("Russian troops", "RUSMIL", "RUS", "MIL", "Russia", 0, 6)


def _report(article_id: str, days: int | None, place: Location | None, goldstein: float = -4.0,
            **changes: Any) -> Article:
    article = _article(article_id, day=DAY + dt.timedelta(days=days or 0))
    event = dataclasses.replace(article.events[0], location=place, goldstein=goldstein, **changes)
    article.events[0] = dataclasses.replace(event, date=None) if days is None else event
    return article


# Several reports per real-world event; a batch adds better places to events already stored
FIRST = [
    _report("a1", 0, ATHENS), _report("a2", 0, KYIV, -6.0), _report("a3", 0, LVIV), _report("a4", 0, ODESA, 2.0),
    _report("a5", 0, None), _report("a6", 0, KYIV, actor=MILITARY),  # a sector is one event with the rest
    _report("b1", 1, ATHENS), _report("b2", 1, WASHINGTON, -1.0), _report("b3", 1, None),  # two datelines tie
    _report("c1", 2, None), _report("c2", 2, None),  # never placed
    _report("d1", 3, KYIV, modality="negated"), _report("d2", 3, ATHENS, modality="hypothetical"),
    _report("e1", 4, KYIV, cameo="016", event_type=None, quad_class=0),  # a statement
    _report("f1", 5, LEGACY), _report("f2", 5, LEGACY, 1.0), _report("f3", 6, ATHENS),
    _report("u1", None, KYIV), _report("u2", None, ATHENS),  # undated: each its own event
]
SECOND = [_report("b4", 1, LVIV, 3.0), _report("g1", 7, ATHENS), _report("g2", 7, ATHENS, modality="intended"),
          _report("a2", 0, ATHENS, -6.0)]  # a2 re-coded: its event loses a sentence's place

FILTERS: list[dict[str, Any]] = [
    {}, {"statements": True}, {"event_type": "sanction"}, {"event_type": "REJECT"}, {"either_way": True},
    {"actor": "RUSMIL"}, {"actor": "RUS", "recipient": "JPN", "either_way": True}, {"actor": "JPN"},
    {"since": DAY + dt.timedelta(days=1)}, {"until": DAY + dt.timedelta(days=5)},
]

# What the map read before schema 11: every factual report grouped by its deduplicated event
_PLACE_ORDER = ", ".join(_PLACE_KEY).format(p="")  # the sort the old query ran per column
_OLD_PLACED = f"""SELECT dedup_id, first(location_name ORDER BY {_PLACE_ORDER}) AS name,
        first(location_country ORDER BY {_PLACE_ORDER}) AS country, first(location_lat ORDER BY {_PLACE_ORDER}) AS lat,
        first(location_lon ORDER BY {_PLACE_ORDER}) AS lon,
        coalesce(first(location_source ORDER BY {_PLACE_ORDER}) = 'dateline', false) AS dateline,
        first(id ORDER BY {_PLACE_ORDER}) AS event_id, count(*) AS reports, avg(goldstein) AS goldstein
    FROM ({{events}}) GROUP BY dedup_id"""


def _rows(store: Store, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cursor = store.db.cursor().execute(sql, params)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _old_places(store: Store, statements: bool = False, **filters: Any) -> list[dict[str, Any]]:
    sql, params = views.event_query(modality=FACTUAL, statements=statements, ordered=False, counts=False, **filters)
    return _rows(store, f"""SELECT name, country, lat, lon, dateline, count(*) AS events, sum(reports) AS reports,
                  round(avg(goldstein), 2) AS mean_goldstein
           FROM ({_OLD_PLACED.format(events=sql)}) WHERE lat IS NOT NULL AND lon IS NOT NULL
           GROUP BY ALL ORDER BY events DESC, name, dateline, lat, lon""", params)


def _old_place_events(store: Store, lat: float, lon: float, dateline: bool, statements: bool = False,
                      **filters: Any) -> list[dict[str, Any]]:
    sql, params = views.event_query(modality=FACTUAL, statements=statements, ordered=False, counts=False, **filters)
    return _rows(store, f"""SELECT e.id, e.date, e.actor_code, e.event_type, e.cameo, e.recipient_code, e.goldstein,
                  e.sentence, p.name AS place, p.reports
           FROM ({_OLD_PLACED.format(events=sql)}) p JOIN events e ON e.id = p.event_id
           WHERE p.lat = ? AND p.lon = ? AND p.dateline = ?
           ORDER BY e.date DESC NULLS LAST, e.id""", [*params, lat, lon, dateline])


def _same_answers(store: Store) -> None:
    for filters in FILTERS:
        old = _old_places(store, **filters)
        new = places(store, **filters)
        key = lambda p: (-p["events"], p["name"], p["dateline"], p["lat"], p["lon"])  # noqa: E731
        assert sorted(new, key=key) == old, filters
        for point in old:
            assert place_events(store, point["lat"], point["lon"], point["dateline"], **filters) == \
                _old_place_events(store, point["lat"], point["lon"], point["dateline"], **filters), (filters, point)
    assert place_events(store, 0.0, 0.0, False) == [] == place_events(store, 0.0, 0.0, False, actor="RUS")


@pytest.mark.parametrize("window", [1, 3])
def test_the_map_reads_the_places_grouping_every_report_gave(tmp_path: Path, window: int) -> None:
    with Store(tmp_path / "m.duckdb") as store:
        store.set_dedup_window(window)
        store.write(FIRST)
        _same_answers(store)
        store.write(SECOND)  # the writer refreshes the places of the events it touches
        _same_answers(store)
        drawn = places(store)
        assert {p["dateline"] for p in drawn} == {True, False} and "Kyiv" in {p["name"] for p in drawn}
        assert sum(p["events"] for p in places(store, statements=True)) == sum(p["events"] for p in drawn) + 1


def test_a_schema_10_database_is_upgraded_with_its_places_filled(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    with Store(path) as store:
        store.set_dedup_window(3)
        store.write(FIRST + SECOND)
        stored = store.db.execute("SELECT * FROM deduplicated_events ORDER BY id").fetchall()
        answers = [places(store, **filters) for filters in FILTERS]
    with duckdb.connect(str(path)) as db:  # what schema 10 wrote: no place kept
        for column in MAP_COLUMNS:
            db.execute(f"ALTER TABLE deduplicated_events DROP COLUMN {column}")
        db.execute("UPDATE dyad_meta SET value = '10' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match=r"schema 10.*`dyad migrate .*old.duckdb`"):
        Store(path, read_only=True)
    assert migrate(path) == [SCHEMA_VERSION]
    with Store(path, read_only=True) as store:
        assert store.db.execute("SELECT * FROM deduplicated_events ORDER BY id").fetchall() == stored
        assert store.dedup_window() == 3
        assert [places(store, **filters) for filters in FILTERS] == answers
        _same_answers(store)

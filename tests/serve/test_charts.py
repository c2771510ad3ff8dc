"""The charts behind the pages: the trend's data on a time axis, the map's places (a dateline
only when no report says where), and the network's layout and links."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import re
from pathlib import Path
from typing import Any

import pytest

from dyad.serve.app import create_app
from dyad.serve.charts import network_svg
from dyad.serve.layout import GAP, Node, room, spread
from dyad.store.query import place_events, places
from dyad.store.store import Store
from dyad.types import Location
from tests.serve.test_api import call
from tests.store.test_store import _article

MOSCOW = Location("Moscow", "RUS", 55.75, 37.62, 0, 6, "capital", "dateline")
TOKYO = Location("Tokyo", "JPN", 35.68, 139.69, 42, 47, "capital", "sentence")


def _placed(article_id: str, day: dt.date, place: Location, precision: str = "day") -> Any:
    article = _article(article_id, day=day)
    article.events[0] = dataclasses.replace(article.events[0], location=place, date_precision=precision)
    return article


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "charts.duckdb"
    with Store(path) as store:
        store.write([
            _placed("filed", dt.date(2024, 1, 5), MOSCOW),  # the same event as "told": filed in Moscow,
            _placed("told", dt.date(2024, 1, 5), TOKYO),  # and this report says it happened in Tokyo
            _placed("only-filed", dt.date(2024, 1, 9), MOSCOW),  # no report says where: the dateline
            _placed("march", dt.date(2024, 3, 2), TOKYO),
            _placed("vague", dt.date(2024, 1, 1), TOKYO, precision="month"),
        ])
    return path


def test_a_dateline_places_an_event_only_when_no_report_says_where(db: Path) -> None:
    with Store(db, read_only=True) as store:
        found = {(p["name"], p["dateline"]): (p["events"], p["reports"]) for p in places(store)}
        assert found == {("Tokyo", False): (3, 4), ("Moscow", True): (1, 1)}
        at_moscow = place_events(store, MOSCOW.lat, MOSCOW.lon, dateline=True)  # type: ignore[arg-type]
        assert [e["date"] for e in at_moscow] == [dt.date(2024, 1, 9)]
        assert [p["events"] for p in places(store, since=dt.date(2024, 2, 1))] == [1]  # the events' filters apply


def test_the_overview_counts_the_dateline_places_and_links_each_place_to_its_events(db: Path) -> None:
    app = create_app(db)
    page = call(app, "GET", "/").text
    assert "2 places, 4 real-world events" in page and "1 place\n(1 event, dashed rim) is only where" in page
    links = re.findall(r'<a class="place (own|dateline)" href="([^"]+)"', page)
    assert sorted(kind for kind, _ in links) == ["dateline", "own"]
    dateline_link = next(href for kind, href in links if kind == "dateline").replace("&amp;", "&")
    answer = call(app, "GET", dateline_link).json()
    assert [(e["place"], e["actor_code"]) for e in answer["events"]] == [("Moscow", "RUS")]
    assert call(app, "GET", "/api/places/events", params={"lat": "nan", "lon": 0}).status_code == 422


def test_the_dyad_chart_has_every_period_and_leaves_out_coarser_dates_with_a_note(db: Path) -> None:
    page = call(create_app(db), "GET", "/dyads/RUS/JPN", params={"by": "day"}).text
    chart = json.loads(re.search(r'<script type="application/json" id="trend-data">(.*?)</script>', page, re.S)[1])  # type: ignore[index]
    days = chart["periods"]
    assert len(days) == (dt.date(2024, 3, 2) - dt.date(2024, 1, 5)).days + 1  # every day, the empty ones too
    assert sum(d["events"] for d in days) == 4 and days[0]["label"] == "2024-01-05" and days[1]["events"] == 0
    assert "1 event dated only to the week, month or year is not drawn" in chart["note"]
    assert '<p class="muted" id="left-out">1 event dated only' in page
    ticks = re.findall(r'<text class="tick"[^>]*>([^<]+)</text>', page)
    assert ticks[0] == "2024-01-05" and len(set(ticks)) == len(ticks)  # days named as days, never "2024-01" twice
    assert chart["events_api"].startswith("/api/events?actor=RUS&recipient=JPN&either_way=true&modality=asserted")


def _circles(svg: str) -> list[tuple[float, float, float]]:
    return [(float(x), float(y), float(r)) for x, y, r in
            re.findall(r'<circle class="node" cx="([\d.]+)" cy="([\d.]+)" r="([\d.]+)"', svg)]


def test_busy_dyads_do_not_overlap() -> None:
    codes = [f"{chr(65 + i % 26)}{chr(65 + i // 26)}X" for i in range(40)]
    dyads = [{"actor": codes[i % 40], "recipient": codes[(i * 7 + 1) % 40], "events": 100 - i, "mean_goldstein": -2.0}
             for i in range(60)]
    circles = _circles(str(network_svg(dyads)))
    assert len(circles) == 40
    for i, (x1, y1, r1) in enumerate(circles):
        for x2, y2, r2 in circles[i + 1:]:
            assert math.hypot(x2 - x1, y2 - y1) >= r1 + r2 + GAP - 0.2  # rounding to 0.1 in the SVG


def test_a_layout_keeps_nodes_inside_and_apart_even_when_crowded() -> None:
    nodes = [Node(f"N{i}", 5 + i % 20) for i in range(50)]
    at = spread(nodes, [(f"N{i}", f"N{(i + 1) % 50}") for i in range(50)], room(nodes))
    for n in nodes:
        x, y = at[n.name]
        assert n.radius <= x <= room(nodes) - n.radius and n.radius <= y <= room(nodes) - n.radius
    assert all(math.dist(at[a.name], at[b.name]) >= a.radius + b.radius + GAP - 1e-6
               for i, a in enumerate(nodes) for b in nodes[i + 1:])


def test_each_edge_opens_its_dyad_and_two_ways_are_two_arcs(db: Path) -> None:
    dyads = [{"actor": "RUS", "recipient": "JPN", "events": 5, "mean_goldstein": -4.0},
             {"actor": "JPN", "recipient": "RUS", "events": 2, "mean_goldstein": 1.5}]
    svg = str(network_svg(dyads))
    edges = re.findall(r'<a class="dyad" href="([^"]+)"[^>]*>.*?<path class="edge" d="([^"]+)"', svg)
    assert sorted(href for href, _ in edges) == ["/dyads/JPN/RUS", "/dyads/RUS/JPN"]
    assert edges[0][1] != edges[1][1]
    app = create_app(db)
    assert call(app, "GET", "/", params={"network_top": 1}).text.count('<a class="dyad"') == 1
    assert call(app, "GET", "/", params={"network_top": 0}).status_code == 400  # a page's error is a page


@pytest.mark.parametrize(("by", "first"), [("day", "2024-01-01"), ("week", "2024-W01"), ("quarter", "2024 Q1"),
                                           ("year", "2024")])
def test_the_dyad_table_names_each_period_as_the_chart_does(db: Path, by: str, first: str) -> None:
    page = call(create_app(db), "GET", "/dyads/RUS/JPN", params={"by": by}).text
    table = page[page.index('<table id="periods">'):]
    assert re.findall(r'<td><a href="[^"]+">([^<]+)</a></td>', table)[0] == first

"""The events table (/events), in-process: sort, counts and page numbers, every filter, the
facet counts beside them, downloads of exactly the view, the deduplicated view, and negated and
hypothetical events hidden until asked for."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import html
import io
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from dyad.serve.app import create_app
from dyad.store.store import Store
from dyad.types import Actor, Article, Location, Sentence
from tests.serve.test_api import call
from tests.store.test_store import _article

# cameo, PLOVER type, QuadClass, Goldstein: the kinds of event the table holds
KINDS = [("161", "SANCTION", 3, -4.0), ("190", "ASSAULT", 4, -10.0), ("040", "CONSULT", 1, 1.0), ("1951", "ASSAULT", 4, -9.5)]
PLACES = [Location("Tokyo", "JPN", 35.68, 139.69, 42, 47, "capital", "sentence"),
          Location("Kyiv", "UKR", 50.45, 30.52, 42, 47, "capital", "sentence"), None]
WORDS = ["expelled", "shelled", "met"]
COUNT = 72  # more than a page (50) of events stated as happening


def _event_article(i: int) -> Article:
    """The i-th article: its event's kind, place, words, modality, actor's sector, confidence and
    day vary with i, and each Goldstein score is its own so that a sort has one answer."""
    cameo, kind, quad, goldstein = KINDS[i % len(KINDS)]
    sentence = f"Russia {WORDS[i % len(WORDS)]} two Japanese diplomats in Tokyo on Monday, number {i}."
    article = _article(f"t{i:02d}", cameo=cameo, day=dt.date(2024, 1, 1) + dt.timedelta(days=5 * i), text=sentence)
    article.sentences = [Sentence(index=0, start=0, end=len(sentence), text=sentence)]
    modality = {7: "negated", 6: "hypothetical"}.get(i % 8, "asserted")
    actor = Actor("Russia", "RUSMIL", "RUS", "MIL", "Russia", 0, 6) if i % 4 == 1 else article.events[0].actor
    article.events[0] = dataclasses.replace(
        article.events[0], event_type=kind, quad_class=quad, goldstein=goldstein - i / 100, modality=modality,
        location=PLACES[i % len(PLACES)], confidence=0.5 + (i % 5) / 10, actor=actor,
        coder="model" if i % 9 == 4 else "pattern")
    return article


def _copies_of_the_first() -> list[Article]:
    """Two more reports of t00's event, the same day: one real-world event with three sources."""
    return [dataclasses.replace(_event_article(0), id=f"copy{n}", text=f"Russia expelled two Japanese diplomats, copy {n}.")
            for n in (1, 2)]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = tmp_path_factory.mktemp("table") / "table.duckdb"
    with Store(path) as store:
        store.write([_event_article(i) for i in range(COUNT)] + _copies_of_the_first())
    return create_app(path)


def _every(app: Any, **params: Any) -> list[dict[str, Any]]:
    """Every event /api/events gives for `params`, in its order."""
    return call(app, "GET", "/api/events", params={**params, "limit": 500}).json()["events"]  # type: ignore[no-any-return]


def _page(app: Any, **params: Any) -> tuple[str, list[str], int]:
    """The /events page for `params`: its HTML, the ids of its rows in order, and its total."""
    response = call(app, "GET", "/events", params=params)
    assert response.status_code == 200, response.text[:300]
    page = response.text
    total = re.search(r'<strong id="total">(\d+)</strong>', page)
    assert total
    return page, re.findall(r'<tr class="[^"]*" data-id="([0-9a-f]{16})">', page), int(total[1])


def _link(page: str, anchor: str) -> str:
    found = re.search(rf'<a id="{anchor}" href="([^"]+)"', page)
    assert found, anchor
    return html.unescape(found[1])


FACTUAL = {"modality": ["asserted", "intended", "historical"]}


def test_sorting_by_a_column_orders_every_row_by_it(app: Any) -> None:
    shown = _every(app, **FACTUAL)
    for sort, reverse in (("goldstein", False), ("-goldstein", True)):
        page, ids, total = _page(app, sort=sort)
        by_score = sorted(shown, key=lambda e: e["goldstein"], reverse=reverse)
        assert ids == [e["id"] for e in by_score][:50]
        assert total == len(shown)
    _, newest, _ = _page(app)
    assert newest == [e["id"] for e in sorted(shown, key=lambda e: (e["date"], e["id"]), reverse=True)][:50] != ids
    # a column's header link sorts by it, and again the other way
    page, _, _ = _page(app)
    header = html.unescape(re.search(r'<a class="sort" href="([^"]+)" data-sort="goldstein">', page)[1])  # type: ignore[index]
    assert "sort=goldstein" in header
    again = call(app, "GET", header).text
    assert "sort=-goldstein" in html.unescape(re.search(r'<a class="sort" href="([^"]+)" data-sort="goldstein">', again)[1])  # type: ignore[index]


def test_the_total_and_the_page_numbers_cover_every_match(app: Any) -> None:
    page, first, total = _page(app)
    factual = len(_every(app, **FACTUAL))
    assert total == factual > 50
    numbers = re.findall(r'data-page="(\d+)"', page)
    assert numbers == ["2"] and '<strong class="current">1</strong>' in page
    second, rest, _ = _page(app, offset=50)
    assert len(rest) == factual - 50 and not set(rest) & set(first)
    assert f"51–{factual} shown" in second


@pytest.mark.parametrize(("params", "keeps"), [
    ({"quad_class": 4}, lambda e: e["quad_class"] == 4),
    ({"quad_class": [1, 3]}, lambda e: e["quad_class"] in (1, 3)),
    ({"cameo": "19"}, lambda e: e["cameo"].startswith("19")),
    ({"cameo": "190"}, lambda e: e["cameo"] == "190"),
    ({"sector": "MIL"}, lambda e: e["actor"]["sector"] == "MIL"),
    ({"place_country": "ukr"}, lambda e: (e["location"] or {}).get("country") == "UKR"),
    ({"place": "tok"}, lambda e: (e["location"] or {}).get("name") == "Tokyo"),
    ({"text": "SHELLED diplomats"}, lambda e: "shelled" in e["sentence"]),
    ({"min_confidence": 0.8}, lambda e: e["confidence"] >= 0.8),
    ({"modality": "negated"}, lambda e: e["modality"] == "negated"),
    ({"coder": "model"}, lambda e: e["coder"] == "model"),
    ({"type": "assault", "place_country": "JPN"}, lambda e: e["event_type"] == "ASSAULT" and e["location"]
     and e["location"]["country"] == "JPN"),
])
def test_each_filter_keeps_the_events_it_names(app: Any, params: dict[str, Any], keeps: Any) -> None:
    every = _every(app) if "modality" in params else _every(app, **FACTUAL)
    wanted = [e["id"] for e in every if keeps(e)]
    assert 0 < len(wanted) < len(every)
    _, ids, total = _page(app, **params)
    assert total == len(wanted) and ids == wanted[:50]


@pytest.mark.parametrize("params", [{"cameo": "19"}, {"since": "2024-03-15", "until": "2024-06-20"}])
def test_each_facet_count_is_what_its_link_shows(app: Any, params: dict[str, str]) -> None:
    page, _, total = _page(app, **params)
    facets = re.findall(r'<a href="([^"]+)" data-value="([^"]+)">(?:[^<]|<time[^>]*>[^<]*</time>)*</a> <span class="count">(\d+)</span>', page)
    assert len(facets) >= 4 and any(re.fullmatch(r"\d{4}-\d\d", value) for _, value, _ in facets)
    assert re.search(r'data-value="2024-(12|06)"><time datetime="2024-(12|06)-01">(Dec|Jun) 2024</time></a>', page)
    for link, _, n in facets:
        assert _page(app, **dict(_query(link)))[2] == int(n) > 0
    counted = Counter((e["location"] or {}).get("country") for e in _every(app, **params, **FACTUAL))
    shown = {value: int(n) for link, value, n in facets if "place_country" in link}
    assert shown == {k: v for k, v in counted.items() if k}
    # the type facet adds up to the total; the place facet names the events with no place too
    assert sum(int(n) for link, _, n in facets if "type=" in link) == total
    assert re.search(r'no place</span> <span class="count">(\d+)</span>', page)[1] == str(counted[None])  # type: ignore[index]


def _query(link: str) -> list[tuple[str, str]]:
    from urllib.parse import parse_qsl, urlsplit

    return parse_qsl(urlsplit(html.unescape(link)).query)


def test_the_csv_and_json_links_hold_exactly_the_rows_shown(app: Any) -> None:
    params = {"sort": "goldstein", "place_country": "JPN", "all_modalities": "1"}
    page, ids, total = _page(app, **params)
    assert 0 < total == len(ids)
    assert 'class="unstated"' in page  # the view includes negated and hypothetical events
    rows = list(csv.DictReader(io.StringIO(call(app, "GET", _link(page, "csv")).text)))
    assert [r["id"] for r in rows] == ids
    assert [e["id"] for e in call(app, "GET", _link(page, "json")).json()["events"]] == ids
    whole = list(csv.DictReader(io.StringIO(call(app, "GET", _link(page, "csv-all")).text)))
    assert [r["id"] for r in whole] == ids
    # the second page's link holds the second page
    page2, ids2, _ = _page(app, offset=50)
    assert [r["id"] for r in csv.DictReader(io.StringIO(call(app, "GET", _link(page2, "csv")).text))] == ids2
    # without the toggle the downloads leave out what the page hides
    plain, plain_ids, _ = _page(app, place_country="JPN")
    assert [r["id"] for r in csv.DictReader(io.StringIO(call(app, "GET", _link(plain, "csv-all")).text))] == plain_ids


def test_negated_and_hypothetical_events_are_hidden_until_asked_for(app: Any) -> None:
    every = _every(app)
    unstated = {e["id"] for e in every if e["modality"] in ("negated", "hypothetical")}
    page, ids, total = _page(app, sort="goldstein")
    assert unstated and not unstated & set(ids) and total == len(every) - len(unstated)
    toggled = call(app, "GET", _link(page, "modality-toggle")).text
    assert re.search(r'<strong id="total">(\d+)</strong>', toggled)[1] == str(len(every))  # type: ignore[index]
    marked = set(re.findall(r'<tr class="unstated" data-id="([0-9a-f]{16})">', toggled))
    assert marked and marked <= unstated and "sort=goldstein" in _link(page, "modality-toggle")


def test_the_deduplicated_view_has_one_row_per_real_world_event_with_its_sources(app: Any) -> None:
    page, ids, total = _page(app, dedup="1")
    real = call(app, "GET", "/api/deduplicated", params={**FACTUAL, "limit": 500}).json()["events"]
    assert total == len(real) == len(_every(app, **FACTUAL)) - 2  # two reports joined t00's event
    assert ids == [e["id"] for e in real][:50]
    rows = list(csv.DictReader(io.StringIO(call(app, "GET", _link(page, "csv-all")).text)))
    assert [r["id"] for r in rows] == [e["id"] for e in real]
    [merged] = [e for e in real if e["sources"] == 3]
    busiest, ids, _ = _page(app, dedup="1", sort="-sources")
    row = re.search(rf'data-id="{merged["id"]}">(.*?)</tr>', busiest, re.S)
    assert ids[0] == merged["id"] and row
    assert len(merged["reports"]) == 3 and all(f'href="/events/{r["event_id"]}"' in row[1] for r in merged["reports"])


def test_the_csv_takes_the_filters_the_json_takes(app: Any) -> None:
    for params in ({"coder": "pattern", "cameo": "19"}, {"coder": "model"}, {"involving": "JPN", "either_way": "true"}):
        rows = list(csv.DictReader(io.StringIO(call(app, "GET", "/api/events.csv", params=params).text)))
        assert [r["id"] for r in rows] == [e["id"] for e in _every(app, **params)], params
    assert call(app, "GET", "/api/deduplicated.csv", params={"coder": "model"}).status_code == 422


@pytest.mark.parametrize("params", [{"sort": "sentence"}, {"quad_class": 7}, {"cameo": "1x"}, {"place_country": "UK"},
                                    {"dedup": "maybe"}, {"modality": "rumoured"},
                                    {"coder": "human"}])
def test_a_bad_view_is_an_html_page_naming_the_problem(app: Any, params: dict[str, Any]) -> None:
    page = call(app, "GET", "/events", params=params)
    assert page.status_code == 400 and page.headers["content-type"].startswith("text/html")
    assert str(next(iter(params.values()))) in html.unescape(page.text) and '<a href="/events">' in page.text
    api = call(app, "GET", "/api/events.csv", params=params)
    assert api.status_code == 422 and "error" in api.json()


def test_every_row_links_its_actor_recipient_dyad_article_and_event(app: Any) -> None:
    page, ids, _ = _page(app, sector="MIL")
    row = re.search(rf'data-id="{ids[0]}">(.*?)</tr>', page, re.S)
    assert row
    for link in (f'href="/events/{ids[0]}"', 'href="/actors/RUSMIL"', 'href="/actors/JPNGOV"', 'href="/dyads/RUS/JPN"',
                 'href="/articles/t'):
        assert link in row[1], link


def test_a_page_of_real_world_events_lists_the_reports_of_dated_and_undated_ones(tmp_path: Path) -> None:
    undated = _article("u1")
    undated.events[0] = dataclasses.replace(undated.events[0], date=None, date_span=None)
    with Store(tmp_path / "d.duckdb") as store:
        store.write([_article("d1", day=dt.date(2024, 1, 5)), _article("d2", day=dt.date(2024, 1, 5)), undated,
                     _article("d3", day=dt.date(2021, 6, 1))])
        for limit, offset in ((10, 0), (1, 0), (1, 1), (2, 1)):
            page = store.deduplicated(limit=limit, offset=offset)
            assert page and all(len(e["reports"]) == e["mentions"] for e in page), (limit, offset)
        assert sorted(len(e["reports"]) for e in store.deduplicated(limit=10)) == [1, 1, 2]


def test_either_way_stays_in_the_form_the_downloads_and_the_pages(app: Any) -> None:
    params = {"actor": "JPN", "recipient": "RUS", "either_way": "1"}
    page, ids, total = _page(app, **params)
    both = [e["id"] for e in _every(app, actor="JPN", recipient="RUS", either_way="true", **FACTUAL)]
    assert ids == both[:50] and total == len(both) > 0
    assert '<input type="hidden" name="either_way" value="1">' in page
    for link in ("json", "csv", "csv-all"):
        assert "either_way=true" in _link(page, link)
    assert [e["id"] for e in call(app, "GET", _link(page, "json")).json()["events"]] == ids
    assert "either_way=1" in _link(page, "modality-toggle") and "either_way=1" in _link(page, "dedup-toggle")


def test_the_deduplicated_toggle_keeps_a_sort_both_views_have(app: Any) -> None:
    assert "sort=-actor" in _link(_page(app, sort="-actor")[0], "dedup-toggle")
    assert "sort=" not in _link(_page(app, sort="goldstein")[0], "dedup-toggle")  # real-world events do not sort by it
    assert "sort=" not in _link(_page(app, dedup="1", sort="-sources")[0], "dedup-toggle")
    assert "sort=event" in _link(_page(app, dedup="1", sort="event")[0], "dedup-toggle")


def test_a_view_too_large_for_one_download_points_at_dyad_export(app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from dyad.serve import pages

    assert 'id="csv-all"' in call(app, "GET", "/events").text
    monkeypatch.setattr(pages, "WHOLE_CSV_MOST", 10)
    page = call(app, "GET", "/events").text
    assert 'id="csv-all"' not in page and "dyad export --format csv" in page
    assert 'id="csv"' in page  # this page's rows stay one click away

"""The web pages, in-process: what an analyst sees, and that article text cannot run as code."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest

from dyad.serve.app import create_app
from dyad.serve.web import segments, trend_svg
from dyad.store.series import trend_series
from dyad.store.store import Store
from dyad.types import Actor, Sentence
from tests.serve.test_api import call
from tests.store.test_store import _article

HOSTILE = "Russia expelled <script>alert('owned')</script> Japanese diplomats."


def _hostile_article() -> object:
    article = _article("hostile", day=dt.date(2024, 5, 2), text=HOSTILE)
    article.sentences = [Sentence(index=0, start=0, end=len(HOSTILE), text=HOSTILE)]
    start = HOSTILE.index("Japanese")
    recipient = Actor("Japanese diplomats", "JPNGOV", "JPN", "GOV", "Japan", start, start + 18)
    article.events[0] = dataclasses.replace(article.events[0], recipient=recipient, location=None, date_span=None)
    return article


@pytest.fixture
def app(tmp_path: Path) -> object:
    path = tmp_path / "pages.duckdb"
    with Store(path) as store:
        store.write([_article("a1", day=dt.date(2024, 1, 5)), _article("a2", day=dt.date(2024, 3, 5)),
                     _hostile_article()])  # type: ignore[list-item]
    return create_app(path)


def test_overview_links_actors_and_dyads(app: object) -> None:
    page = call(app, "GET", "/").text
    assert '<a href="/events?actor=RUS">RUS</a>' in page and '<a href="/dyads/RUS/JPN">RUS → JPN</a>' in page


def test_events_table_filters_and_pages(app: object) -> None:
    page = call(app, "GET", "/events", params={"since": "2024-03-01"}).text
    assert len(re.findall(r'<a href="/events/[0-9a-f]{16}">', page)) == 2
    assert call(app, "GET", "/events", params={"type": "ASSAULT"}).text.count('href="/events/') == 0
    bad = call(app, "GET", "/events", params={"since": "someday"})
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.text and '<a href="/events">' in bad.text


def test_event_page_marks_the_evidence_and_escapes_the_article(app: object) -> None:
    [row] = call(app, "GET", "/api/events", params={"since": "2024-05-01"}).json()["events"]
    page = call(app, "GET", f"/events/{row['id']}").text
    assert '<mark class="actor">Russia</mark> <mark class="event">expelled</mark>' in page
    assert '<mark class="recipient">Japanese diplomats</mark>' in page
    assert "<script>" not in page and "&lt;script&gt;alert(&#39;owned&#39;)&lt;/script&gt;" in page
    assert "CAMEO</dt><dd>161:" in page and "verbal conflict" in page


def test_dyad_page_draws_the_trend_and_links_the_events_behind_each_point(app: object) -> None:
    page = call(app, "GET", "/dyads/jpn/rus", params={"by": "month"}).text
    assert page.count('<rect class="q3"') == 3  # January, March and May
    links = re.findall(r'<a href="(/events\?[^"]+)">', page)
    assert len(links) == 3
    behind = call(app, "GET", links[0].replace("&amp;", "&")).text
    assert len(re.findall(r'<a href="/events/[0-9a-f]{16}">', behind)) == 1
    assert call(app, "GET", "/dyads/JPN/RUSSIA").status_code == 404


def test_segments_keep_every_character_and_report_evidence_outside_the_sentence() -> None:
    text = "TOKYO - Russia expelled two diplomats."
    event = {"sentence": text[8:], "evidence": {"actor": [8, 14], "event": [15, 23], "recipient": None,
                                                 "location": [0, 5], "date": None}}
    pieces, outside = segments(event, text)
    assert "".join(t for t, _ in pieces) == text[8:]
    assert [k for _, k in pieces if k] == ["actor", "event"] and outside == [("location", "TOKYO")]


def test_trend_svg_scales_bars_to_the_busiest_period() -> None:
    rows = [{"period": "2024-01-01", "verbal_cooperation": 2, "material_cooperation": 0, "verbal_conflict": 2,
             "material_conflict": 0, "events": 4, "mean_goldstein": 0.0},
            {"period": "2024-02-01", "verbal_cooperation": 0, "material_cooperation": 0, "verbal_conflict": 0,
             "material_conflict": 1, "events": 1, "mean_goldstein": -10.0}]
    svg = str(trend_svg(trend_series(rows, "month"), width=900, height=280))  # bars 230 high at most
    bars = re.findall(r'<rect class="q(\d)" x="([\d.]+)" y="[\d.]+" width="[\d.]+" height="([\d.]+)"', svg)
    by_x: dict[str, float] = {}
    for _, x, h in bars:
        by_x[x] = by_x.get(x, 0) + float(h)
    assert sorted(by_x.values()) == [57.5, 230.0] and [q for q, _, _ in bars] == ["1", "3", "4"]
    assert "No events" in str(trend_svg([]))


def test_an_event_page_says_what_decided_the_event(tmp_path: Path) -> None:
    by_model = _article("m1", day=dt.date(2024, 1, 5))
    by_model.events[0] = dataclasses.replace(by_model.events[0], coder="model", model_version="v7", model_probability=0.81)
    read = _article("p1", day=dt.date(2024, 2, 5))
    read.events[0] = dataclasses.replace(read.events[0], model_version="v7", model_probability=0.12)
    path = tmp_path / "coders.duckdb"
    with Store(path) as store:
        store.write([by_model, read, _article("r1", day=dt.date(2024, 3, 5))])
        ids = {e["article_id"]: e["id"] for e in store.events()}
        assert [e["article_id"] for e in store.events(coder="model")] == ["m1"]
    app = create_app(path)
    assert "the event model v7, probability 0.81" in call(app, "GET", f"/events/{ids['m1']}").text
    pattern = call(app, "GET", f"/events/{ids['p1']}").text
    assert "the verb pattern verbs[1] expel" in pattern and "gave this type probability 0.12" in pattern
    assert "the event model" not in call(app, "GET", f"/events/{ids['r1']}").text
    assert [e["article_id"] for e in call(app, "GET", "/api/events", params={"coder": "model"}).json()["events"]] == ["m1"]
    assert call(app, "GET", "/api/events", params={"coder": "both"}).status_code == 422

"""The overview names an actor code for what it is (country and sector), never after one of
the people coded under it, lists those people apart with their counts, and links a code to
its own events (KORGOV to KORGOV, not all of KOR)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import re
from pathlib import Path
from typing import Any

import pytest

from dyad.serve.app import create_app
from dyad.store.store import Store
from dyad.types import Actor
from tests.serve.test_api import call
from tests.store.test_store import _article

PUTIN = Actor("Vladimir Putin", "RUSGOV", "RUS", "GOV", "Vladimir Putin", 0, 6, role="President")
KREMLIN = Actor("The Kremlin", "RUSGOV", "RUS", "GOV", "Russia", 0, 6)
SEOUL = Actor("Seoul", "KORGOV", "KOR", "GOV", "South Korea", 0, 6)
KOREA = Actor("South Korea", "KOR", "KOR", None, "South Korea", 0, 6)


@pytest.fixture
def app(tmp_path: Path) -> Any:
    articles = []
    for i, actor in enumerate([PUTIN, KREMLIN, KREMLIN, SEOUL, SEOUL, KOREA]):
        article = _article(f"n{i}", day=dt.date(2024, 1, 1 + i))
        article.events[0] = dataclasses.replace(article.events[0], actor=actor)
        articles.append(article)
    path = tmp_path / "names.duckdb"
    with Store(path) as store:
        store.write(articles)
    return create_app(path)


def test_a_code_is_named_for_its_country_and_sector_and_its_people_apart(app: Any) -> None:
    actors = {a["code"]: a for a in call(app, "GET", "/api/actors").json()["actors"]}
    assert actors["RUSGOV"]["name"] == "Russia · government" and actors["RUSGOV"]["events"] == 3
    assert actors["RUSGOV"]["people"] == [{"name": "Vladimir Putin", "events": 1}]
    assert actors["KORGOV"]["name"] == "South Korea · government" and actors["KORGOV"]["people"] == []
    page = call(app, "GET", "/").text
    row = re.search(r'<tr><td><a href="[^"]*">RUSGOV</a></td><td>(.*?)</td>', page, re.S)
    assert row is not None and "Russia · government" in row[1] and "Vladimir Putin (1)" in row[1]


def test_the_name_of_a_code_opens_its_actor_page(app: Any) -> None:
    page = call(app, "GET", "/").text
    link = re.search(r'<a href="(/actors/[^"]+)">South Korea · government</a>', page)
    assert link is not None and link[1] == "/actors/KORGOV"
    assert "South Korea" in call(app, "GET", link[1]).text


def test_a_code_link_opens_that_codes_events_only(app: Any) -> None:
    page = call(app, "GET", "/").text
    link = re.search(r'<a href="([^"]+)">KORGOV</a>', page)
    assert link is not None
    listed = set(re.findall(r'href="/events/([0-9a-f]{16})"', call(app, "GET", html.unescape(link[1])).text))
    codes = [call(app, "GET", f"/api/events/{i}").json()["event"]["actor"]["code"] for i in listed]
    assert codes == ["KORGOV", "KORGOV"]

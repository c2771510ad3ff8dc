"""The API and the events page leave statements out unless asked (statements=true)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from dyad.serve.app import create_app
from dyad.store.store import Store
from tests.serve.test_api import call
from tests.store.test_statements import _with_statement


@pytest.fixture
def app(tmp_path: Path) -> object:
    path = tmp_path / "s.duckdb"
    with Store(path) as store:
        store.write([_with_statement("a1", dt.date(2024, 1, 5)), _with_statement("a2", dt.date(2024, 2, 7))])
    return create_app(path)


@pytest.mark.parametrize("path", ["/api/events", "/api/deduplicated"])
def test_event_listings_hide_statements_unless_asked(app: object, path: str) -> None:
    plain = call(app, "GET", path).json()["events"]
    every = call(app, "GET", path, params={"statements": "true"}).json()["events"]
    assert {e["cameo"] for e in plain} == {"161"}
    assert sorted(e["cameo"] for e in every) == ["016", "016", "161", "161"]
    assert all(e["quad_class"] == 0 and e["event_type"] is None for e in every if e["cameo"] == "016")


def test_a_statement_is_found_by_id(app: object) -> None:
    every = call(app, "GET", "/api/events", params={"statements": "true"}).json()["events"]
    statement = next(e for e in every if e["cameo"] == "016")
    assert call(app, "GET", f"/api/events/{statement['id']}").json()["event"]["id"] == statement["id"]
    page = call(app, "GET", f"/events/{statement['id']}")
    assert page.status_code == 200 and "JPN statement RUS" in page.text and "0: statement" in page.text


def test_trend_actors_dyads_and_places_hide_statements_unless_asked(app: object) -> None:
    def get(path: str, **params: str) -> Any:
        return call(app, "GET", path, params=params).json()

    plain, every = get("/api/trend", a="RUS", b="JPN"), get("/api/trend", a="RUS", b="JPN", statements="true")
    assert [p["events"] for p in plain["periods"]] == [1, 1]
    assert [p["statements"] for p in every["periods"]] == [1, 1]
    assert {a["code"] for a in get("/api/actors")["actors"]} == {"RUS"}
    assert {a["code"] for a in get("/api/actors", statements="true")["actors"]} == {"RUS", "JPN"}
    assert len(get("/api/dyads")["dyads"]) == 1 and len(get("/api/dyads", statements="true")["dyads"]) == 2
    assert [p["events"] for p in get("/api/places")["places"]] == [2]
    assert [p["events"] for p in get("/api/places", statements="true")["places"]] == [4]


def test_the_events_page_has_a_statements_checkbox(app: object) -> None:
    plain = call(app, "GET", "/events").text
    every = call(app, "GET", "/events", params={"statements": "1"}).text
    assert 'name="statements"' in plain and "checked" not in plain.split('name="statements"')[1][:20]
    assert plain.count("/events/") < every.count("/events/")
    assert "statements=true" in every  # the page's JSON link asks the API for the same

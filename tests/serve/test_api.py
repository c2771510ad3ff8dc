"""The JSON API in-process, through httpx's ASGI transport: reading, paging, posting with a
token, and every error as JSON with the right status."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from dyad.serve.app import create_app
from dyad.serve.guards import Limits
from dyad.store.store import Store
from tests.store.test_store import _article

TOKEN = "s3cret-token"


def call(app: Any, method: str, url: str, **kwargs: Any) -> httpx.Response:
    async def go() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app, raise_app_exceptions=False), base_url="http://localhost") as client:
            return await client.request(method, url, **kwargs)

    return asyncio.run(go())


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "api.duckdb"
    with Store(path) as store:
        store.write([_article(f"a{i}", day=dt.date(2024, 1 + i % 3, 1 + i)) for i in range(7)]
                    + [_article("other-day", day=dt.date(2024, 1, 1), text="Expelled. A second outlet's report.")])
    return path


def test_events_pages_and_filters(db: Path) -> None:
    app = create_app(db)
    first = call(app, "GET", "/api/events", params={"limit": 3}).json()
    second = call(app, "GET", "/api/events", params={"limit": 3, "offset": first["next_offset"]}).json()
    last = call(app, "GET", "/api/events", params={"limit": 3, "offset": 6}).json()
    ids = [e["id"] for page in (first, second, last) for e in page["events"]]
    assert len(ids) == len(set(ids)) == 8 and last["next_offset"] is None
    dates = [e["date"] for page in (first, second, last) for e in page["events"]]
    assert dates == sorted(dates, reverse=True)
    assert call(app, "GET", "/api/events", params={"recipient": "jpn", "since": "2024-03-01"}).json()["events"]
    assert call(app, "GET", "/api/events", params={"actor": "JPN"}).json()["events"] == []


@pytest.mark.parametrize("params, problem", [
    ({"limit": 501}, "limit is at most 500"),
    ({"limit": 0}, "invalid request"),
    ({"type": "PARTY"}, "unknown PLOVER type"),
    ({"modality": "rumoured"}, "unknown modality"),
    ({"actor": "RUS' OR '1'='1"}, "invalid request"),
    ({"since": "2024-02-30"}, "invalid request"),
])
def test_bad_filters_are_422_with_a_message(db: Path, params: dict[str, Any], problem: str) -> None:
    response = call(create_app(db), "GET", "/api/events", params=params)
    assert response.status_code == 422 and problem in response.json()["error"]


def test_an_event_with_its_article_and_the_other_reports(db: Path) -> None:
    app = create_app(db)
    [event] = [e for e in call(app, "GET", "/api/events", params={"limit": 20}).json()["events"]
               if e["article_id"] == "other-day"]
    detail = call(app, "GET", f"/api/events/{event['id']}").json()
    assert detail["event"]["evidence"] == event["evidence"] and detail["article"]["id"] == "other-day"
    assert [r["article_id"] for r in detail["other_reports"]] == ["a0"]  # the same day, actor, target, type
    article = call(app, "GET", "/api/articles/other-day").json()
    assert article["events"] == [event["id"]] and article["text"].startswith("Expelled.")


@pytest.mark.parametrize("path", ["/api/events/0123456789abcdef", "/api/events/..%2F..%2Fetc%2Fpasswd",
                                  "/api/events/1'%20OR%20'1'='1", "/api/articles/..%2Fdyad.duckdb",
                                  "/api/articles/nope", "/api/nothing"])
def test_unknown_ids_and_paths_are_404(db: Path, path: str) -> None:
    response = call(create_app(db), "GET", path)
    assert response.status_code == 404 and "error" in response.json()


def test_trend_actors_dyads_and_the_schema(db: Path) -> None:
    app = create_app(db)
    trend = call(app, "GET", "/api/trend", params={"a": "rus", "b": "jpn", "by": "month"}).json()
    assert [p["period"] for p in trend["periods"]] == ["2024-01-01", "2024-02-01", "2024-03-01"]
    assert sum(p["verbal_conflict"] for p in trend["periods"]) == 8
    assert call(app, "GET", "/api/actors", params={"top": 1}).json()["actors"][0]["code"] == "RUS"
    assert call(app, "GET", "/api/dyads").json()["dyads"][0]["actor"] == "RUS"
    assert call(app, "GET", "/api/trend", params={"a": "RUS", "b": "JPN", "by": "decade"}).status_code == 422
    paths = call(app, "GET", "/openapi.json").json()["paths"]
    assert {"/api/events", "/api/events/{event_id}", "/api/trend", "/api/articles"} <= set(paths)
    assert call(app, "GET", "/redoc").status_code == 404  # FastAPI's own pages load scripts from a CDN: off
    assert "swagger" not in call(app, "GET", "/docs").text.lower()  # /docs is Dyad's own page (test_docs)


def test_deduplicated_events(db: Path) -> None:
    page = call(create_app(db), "GET", "/api/deduplicated", params={"since": "2024-01-01", "until": "2024-01-01"})
    [event] = page.json()["events"]
    assert event["sources"] == 2 and {r["article_id"] for r in event["reports"]} == {"a0", "other-day"}


def test_posting_is_off_without_a_token_and_needs_the_right_one(db: Path) -> None:
    body = {"text": "Russia expelled two Japanese diplomats on Monday.", "date": "2024-03-06"}
    reader = create_app(db)
    response = call(reader, "POST", "/api/articles", json=body)
    assert response.status_code == 403 and "--token" in response.json()["error"]
    reader.state.store.close()
    app = create_app(db, token=TOKEN)
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        assert call(app, "POST", "/api/articles", json=body, headers=headers).status_code == 401


def test_post_limits_and_bad_bodies(db: Path) -> None:
    app = create_app(db, token=TOKEN, limits=Limits(body=1000, articles=2))
    auth = {"Authorization": f"Bearer {TOKEN}"}
    big = call(app, "POST", "/api/articles", content=json.dumps({"text": "x" * 2000}), headers=auth)
    assert big.status_code == 413 and "1000 bytes" in big.json()["error"]
    broken = call(app, "POST", "/api/articles", content=b'{"text": "unterminated', headers=auth)
    assert broken.status_code == 400 and "not JSON" in broken.json()["error"]
    many = call(app, "POST", "/api/articles", json=[{"text": "a"}] * 3, headers=auth)
    assert many.status_code == 422


class _Coder:
    """Stands in for the pipeline: codes each article as the test store's one event."""

    def pipe(self, articles: list[Any]) -> list[Any]:
        coded = []
        for a in articles:
            event = _article(a.id, text=a.text)
            event.date, event.title = a.date, a.title
            coded.append(event)
        return coded


def test_posted_articles_are_coded_and_stored_and_bad_items_reported(db: Path) -> None:
    app = create_app(db, token=TOKEN, pipeline=_Coder)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    posted = [{"id": "posted-1", "text": "Russia expelled two Japanese diplomats.", "date": "2024-05-01"},
              {"id": "posted-2", "text": 42}, "not an object"]
    result = call(app, "POST", "/api/articles", json=posted, headers=auth).json()
    assert result["articles"] == ["posted-1"] and result["events"] == 1
    assert [e["item"] for e in result["errors"]] == ["item 1", "item 2"]
    assert call(app, "GET", "/api/articles/posted-1").json()["events"]


def test_errors_never_leak_a_traceback(db: Path) -> None:
    app = create_app(db)

    def broken(**_: Any) -> None:
        raise RuntimeError("secret internals at /home/analyst")

    app.state.store.events = broken
    response = call(app, "GET", "/api/events")
    assert response.status_code == 500 and response.json() == {"error": "internal error"}


def test_a_slow_query_is_stopped(db: Path) -> None:
    app = create_app(db, limits=Limits(query_s=0.2))
    store = app.state.store
    store.events = lambda **_: store.db.execute("SELECT count(*) FROM range(100000000000) a").fetchall()
    response = call(app, "GET", "/api/events")
    assert response.status_code == 503 and "0.2 s" in response.json()["error"]

"""Hostile requests, in-process: SQL in every filter, NUL bytes and long strings, traversal in
ids and static paths, huge pages, oversize bodies and bad tokens. Each is refused with a 4xx
and a JSON error that names nothing of the server, and the database is left as it was."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import httpx
import pytest

import dyad
from dyad.serve.app import create_app
from dyad.serve.guards import Limits
from dyad.store.store import Store
from tests.serve.test_api import _Coder, call
from tests.store.test_store import _article

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
BODY = 20_000  # the hostile app's body limit, small enough to cross cheaply

SQL = ["' OR 1=1 --", "RUS'; DROP TABLE events; --", "1; SELECT * FROM articles", 'RUS" OR "1"="1',
       "RUS) UNION SELECT text FROM articles --", "%' OR 'a' LIKE '%"]
ODD = ["\x00", "RUS\x00", "R\u200bUS", "ＲＵＳ", "\U0001f600\U0001f600\U0001f600", "A" * 100_000]
HOSTILE = SQL + ODD
# sent percent-encoded as they are: NUL, bytes that are not UTF-8, an encoded surrogate, overlong dots
RAW = ["%00", "%FF%FE%FD", "%ED%A0%80", "%C0%AE%C0%AE", "R%00S"]

# every filter of every endpoint, with the other parameters a valid request needs
FILTERS = [
    ("/api/events", {}, ["actor", "recipient", "type", "since", "until", "modality", "limit", "offset",
                         "min_confidence", "either_way"]),
    ("/api/deduplicated", {}, ["actor", "recipient", "type", "since", "until", "modality", "limit", "offset"]),
    ("/api/trend", {"a": "RUS", "b": "JPN"}, ["a", "b", "by", "directed", "min_confidence"]),
    ("/api/actors", {}, ["top"]),
    ("/api/dyads", {}, ["top"]),
    ("/api/places", {}, ["top"]),
    ("/events", {}, ["actor", "recipient", "type", "since", "until", "min_confidence", "offset"]),
    ("/dyads/RUS/JPN", {}, ["by"]),
]
# paths whose last segment is the hostile part; the HTML ones too
ID_ROUTES = ["/api/events/", "/api/articles/", "/events/", "/dyads/RUS/", "/dyads/"]
TRAVERSALS = ["../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "%2e%2e/%2e%2e/etc/passwd",
              "..%5c..%5cwindows%5cwin.ini", "..\\..\\windows", "/etc/passwd", "%2Fetc%2Fpasswd", "C:%5Cwindows",
              "....//....//etc/passwd", "%252e%252e%252fetc", "..", "."]
STATIC = ["/static/../app.py", "/static/%2e%2e/app.py", "/static/..%2fapp.py", "/static/..%5capp.py",
          "/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/static//etc/passwd", "/static/%2Fetc%2Fpasswd",
          "/static/style.css%00.py", "/static/..%2f..%2f..%2f..%2f..%2fetc%2fpasswd", "/static/C:%5Cwindows"]
# what a leak would show: Python, DuckDB, the server's SQL and files
LEAKS = ["Traceback", 'File "', "site-packages", "duckdb", "DuckDB", "Error:", "list_contains", "actor_country",
         "FROM events", "deduplicated_events", "LIMIT ?", str(Path(dyad.__file__).parent), "root:x:0:0"]


def _database(path: Path) -> Path:
    with Store(path) as store:
        store.write([_article(f"a{i}", day=dt.date(2024, 1 + i % 3, 1 + i)) for i in range(5)])
    return path


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _database(tmp_path_factory.mktemp("hostile") / "hostile.duckdb")


@pytest.fixture(scope="module")
def app(db: Path) -> Iterator[Any]:
    """A server that writes (so posts reach the checks behind the token), with a small body limit."""
    app = create_app(db, token=TOKEN, limits=Limits(body=BODY, articles=3), pipeline=_Coder)
    yield app
    app.state.store.close()


@pytest.fixture(scope="module")
def tables(app: Any) -> dict[str, int]:
    return _tables(app)


def _tables(app: Any) -> dict[str, int]:
    """Every table of the database and its row count, read through the app's store."""
    db = app.state.store.db
    names = [n for (n,) in db.execute("SELECT table_name FROM information_schema.tables "
                                      "WHERE table_type = 'BASE TABLE' ORDER BY 1").fetchall()]
    return {n: db.execute(f'SELECT count(*) FROM "{n}"').fetchall()[0][0] for n in names}


def _refused(response: httpx.Response, db: Path, allowed: tuple[int, ...] = (400, 404, 422), url: str = "/api") -> str | None:
    """Why the response is not a clean refusal, or None when it is: a JSON error from the API,
    an HTML page with the site's navigation and the message from a page route (`url`)."""
    if response.status_code not in allowed:
        return f"status {response.status_code}"
    if not url.startswith("/api"):
        page = response.text
        if not (response.headers["content-type"].startswith("text/html") and 'id="error-message"' in page
                and '<a href="/events">' in page):
            return f"not an HTML error page: {page[:200]}"
        leaked = [s for s in [*LEAKS, str(db), str(db.parent)] if s in page]
        return f"leaks {leaked}" if leaked else None
    try:
        body = response.json()
    except ValueError:
        return "not JSON"
    if not (isinstance(body, dict) and isinstance(body.get("error"), str)):
        return f"no error message: {str(body)[:200]}"
    leaked = [s for s in [*LEAKS, str(db), str(db.parent)] if s in response.text]
    return f"leaks {leaked}" if leaked else None


def _get_all(app: Any, urls: list[str]) -> list[httpx.Response]:
    """GET each URL straight through ASGI, as written: httpx would refuse URLs over 64 kB and
    resolve "../" before sending."""
    async def get(target: str) -> httpx.Response:
        path, _, query = target.partition("?")
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
                 "scheme": "http", "path": unquote(path), "raw_path": path.encode(), "root_path": "",
                 "query_string": query.encode(), "headers": [(b"host", b"localhost")],
                 "client": ("127.0.0.1", 50000), "server": ("dyad", 80)}
        sent: list[dict[str, Any]] = []
        requests = [{"type": "http.request", "body": b"", "more_body": False}]
        done = asyncio.Event()

        async def receive() -> dict[str, Any]:
            if requests:
                return requests.pop()
            await done.wait()  # the client goes once the response is whole
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                done.set()

        await app(scope, receive, send)
        start = next(m for m in sent if m["type"] == "http.response.start")
        body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
        return httpx.Response(start["status"], headers=start.get("headers", []), content=body)

    async def go() -> list[httpx.Response]:
        return [await get(url) for url in urls]

    return asyncio.run(go())


@pytest.mark.parametrize("path, base, name", [(p, b, n) for p, b, names in FILTERS for n in names])
def test_hostile_filter_values_are_refused(app: Any, db: Path, tables: dict[str, int], path: str,
                                           base: dict[str, str], name: str) -> None:
    urls = [f"{path}?{httpx.QueryParams({**base, name: value})}" for value in HOSTILE]
    urls += [f"{path}?{httpx.QueryParams(base)}&{name}={raw}".replace("?&", "?") for raw in RAW]
    problems = {url[:120]: why for url, r in zip(urls, _get_all(app, urls), strict=True)
                if (why := _refused(r, db, url=url))}
    assert not problems
    assert _tables(app) == tables


@pytest.mark.parametrize("route", ID_ROUTES)
def test_hostile_ids_are_404(app: Any, db: Path, tables: dict[str, int], route: str) -> None:
    urls = [route + quote(value, safe="") for value in HOSTILE] + [route + raw for raw in RAW + TRAVERSALS]
    problems = {url[:120]: why for url, r in zip(urls, _get_all(app, urls), strict=True)
                if (why := _refused(r, db, allowed=(404,), url=url))}
    assert not problems
    assert _tables(app) == tables


def test_static_files_stay_in_their_folder(app: Any, db: Path) -> None:
    responses = _get_all(app, STATIC)
    problems = {url: why for url, r in zip(STATIC, responses, strict=True)
                if (why := _refused(r, db, allowed=(404,), url=url))}
    assert not problems
    assert not any("create_app" in r.text for r in responses)
    assert _get_all(app, ["/static/style.css"])[0].status_code == 200


@pytest.mark.parametrize("path, params", [
    ("/api/events", {"limit": 10**12}), ("/api/events", {"limit": -1}), ("/api/events", {"limit": "ten"}),
    ("/api/events", {"limit": "1.5"}), ("/api/events", {"limit": 10**30}), ("/api/events", {"limit": "1e3"}),
    ("/api/events", {"offset": -1}), ("/api/events", {"offset": 10**30}), ("/api/events", {"offset": 2**63}),
    ("/api/events", {"offset": "x"}), ("/api/events", {"offset": "1" * 5000}),
    ("/api/deduplicated", {"limit": 10**12}), ("/api/deduplicated", {"offset": 10**30}),
    ("/api/deduplicated", {"limit": -5}),
    ("/api/actors", {"top": 10**12}), ("/api/dyads", {"top": -1}), ("/api/places", {"top": "all"}),
    ("/api/trend", {"a": "RUS", "b": "JPN", "min_confidence": "nan"}),
    ("/api/trend", {"a": "RUS", "b": "JPN", "min_confidence": "1e999"}),
    ("/events", {"offset": -1}), ("/events", {"offset": "²"}), ("/events", {"offset": 10**30}),
    ("/events", {"offset": "1" * 5000}), ("/events", {"offset": "1_000"}), ("/events", {"offset": " 7"}),
    ("/events", {"min_confidence": "nan"}), ("/events", {"min_confidence": "1e999"}),
    ("/events", {"min_confidence": -1}),
])
def test_page_sizes_and_offsets_out_of_range_are_422(app: Any, db: Path, path: str, params: dict[str, Any]) -> None:
    """(400 on a page: an HTML page, the request's fault.)"""
    response = call(app, "GET", path, params=params)
    assert _refused(response, db, allowed=(422,) if path.startswith("/api") else (400,), url=path) is None, response.text[:300]


def test_the_largest_offset_duckdb_takes_is_an_empty_page(app: Any) -> None:
    for path in ("/api/events", "/api/deduplicated"):
        page = call(app, "GET", path, params={"offset": 2**63 - 1}).json()
        assert page == {"events": [], "next_offset": None}


def test_a_code_that_exists_nowhere_is_named(app: Any) -> None:
    """A code in neither the knowledge base nor the database is an error that names it; a known
    code with no events is an empty answer."""
    for url, params in (("/api/events", {"actor": "ZZZ"}), ("/api/events", {"actor": "RUS", "recipient": "QQQ", "either_way": True}),
                        ("/api/deduplicated", {"recipient": "ZZZ"}), ("/api/trend", {"a": "ZZZ", "b": "QQQ"})):
        answer = call(app, "GET", url, params=params)
        assert answer.status_code == 422 and "unknown actor code" in answer.json()["error"]
    page = call(app, "GET", "/events", params={"actor": "zzz"})
    assert page.status_code == 400 and "ZZZ" in page.text
    assert call(app, "GET", "/dyads/ZZZ/QQQ").status_code == 404
    assert call(app, "GET", "/api/events", params={"actor": "NZL"}).json()["events"] == []
    assert call(app, "GET", "/api/trend", params={"a": "NZL", "b": "FJI"}).json()["periods"] == []
    dyad_page = call(app, "GET", "/dyads/NZL/FJI")
    assert dyad_page.status_code == 200 and "No events between these two" in dyad_page.text
    assert call(app, "GET", "/api/events", params={"actor": "RUS"}).json()["events"]  # and a real one is found


def test_unknown_parameters_are_ignored(app: Any) -> None:
    for path in ("/", "/api/events", "/events"):
        response = call(app, "GET", path, params={"x": SQL[1], "'; DROP TABLE events; --": "1"})
        assert response.status_code == 200


@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}, {"Authorization": f"Basic {TOKEN}"},
    {"Authorization": f"Token {TOKEN}"}, {"Authorization": "Bearer "}, {"Authorization": "Bearer"},
    {"Authorization": ""}, {"Authorization": f"Bearer  {TOKEN}"}, {"Authorization": f"Bearer {TOKEN[:4]} {TOKEN[4:]}"},
    {"Authorization": f"Bearer \t{TOKEN}"}, {"Authorization": f"Bearer {TOKEN}x"}, {"Authorization": f"Bearer {TOKEN[:-1]}"},
    {"Authorization": "Bearer " + "x" * 100_000}, {"Authorization": f"Bearer {TOKEN * 1000}"},
    {"Authorization": b"Bearer \xff\xfe"}, {"Authorization": f"Bearer {SQL[0]}"},
], ids=lambda h: repr(h)[:40])
def test_a_bad_token_is_401(app: Any, db: Path, tables: dict[str, int], headers: dict[str, Any]) -> None:
    response = call(app, "POST", "/api/articles", json={"text": "Russia expelled two Japanese diplomats."},
                    headers=headers)
    assert _refused(response, db, allowed=(401,)) is None
    assert _tables(app) == tables


def test_an_empty_token_does_not_open_posting(tmp_path: Path) -> None:
    app = create_app(_database(tmp_path / "empty-token.duckdb"), token="", pipeline=_Coder)
    try:
        response = call(app, "POST", "/api/articles", json={"text": "x"}, headers={"Authorization": "Bearer "})
        assert response.status_code == 403
    finally:
        app.state.store.close()


async def _chunks(total: int) -> AsyncIterator[bytes]:
    """A body sent chunked, with no Content-Length: `total` bytes of one JSON string."""
    yield b'{"text": "'
    for _ in range(total // 1000):
        yield b"x" * 1000
    yield b'"}'


@pytest.mark.parametrize("content, headers, status", [
    (json.dumps({"text": "x" * BODY}), {}, 413),  # declared, and over
    (b"{}", {"Content-Length": str(10**12)}, 413),  # declared over, whatever follows
    (b"x" * (BODY * 2), {"Content-Length": "10"}, 413),  # declared under, sent over
    (b"{}", {"Content-Length": "abc"}, 400),
    (b"{}", {"Content-Length": "-1"}, 400),
    (b"{}", {"Content-Length": "1e9"}, 400),
    (b"[" * 5000 + b"]" * 5000, {}, 400),  # deeper than Python's recursion limit
    (b"\xff\xfe{}", {}, 400),
    (b'{"text": "unterminated', {}, 400),
    (b"", {}, 400),
    (b"[]", {}, 422),
    (b'[{"text": "a"}, {"text": "b"}, {"text": "c"}, {"text": "d"}]', {}, 422),
])
def test_bad_bodies_are_refused(app: Any, db: Path, tables: dict[str, int], content: bytes | str,
                                headers: dict[str, str], status: int) -> None:
    response = call(app, "POST", "/api/articles", content=content, headers={**AUTH, **headers})
    assert _refused(response, db, allowed=(status,)) is None, response.text[:300]
    assert _tables(app) == tables


def test_a_chunked_body_over_the_limit_is_413(app: Any, db: Path, tables: dict[str, int]) -> None:
    response = call(app, "POST", "/api/articles", content=_chunks(BODY * 3), headers=AUTH)
    assert _refused(response, db, allowed=(413,)) is None
    assert _tables(app) == tables


def test_strings_that_are_not_unicode_are_the_items_errors(tmp_path: Path) -> None:
    app = create_app(_database(tmp_path / "surrogates.duckdb"), token=TOKEN, pipeline=_Coder)
    try:
        body = b'[{"id": "fine", "text": "Russia expelled diplomats."}, {"text": "a \\ud800 b"}, {"title": "\\udc00", "text": "c"}]'
        response = call(app, "POST", "/api/articles", content=body, headers=AUTH)
        assert response.status_code == 200
        result = response.json()
        assert result["articles"] == ["fine"] and [e["item"] for e in result["errors"]] == ["item 1", "item 2"]
        assert "not valid Unicode" in result["errors"][0]["reason"]
    finally:
        app.state.store.close()


def test_posting_to_a_reader_is_403_whatever_the_body(tmp_path: Path) -> None:
    db = _database(tmp_path / "reader.duckdb")
    reader = create_app(db)
    try:
        for content in (b"[" * 5000, b"x" * 10**6, b'{"text": "ok"}'):
            response = call(reader, "POST", "/api/articles", content=content, headers=AUTH)
            assert _refused(response, db, allowed=(403,)) is None
    finally:
        reader.state.store.close()

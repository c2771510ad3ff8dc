"""`dyad serve`: a JSON API over a Dyad database, with its OpenAPI schema at /openapi.json.

Reading is open; posting articles to code is off unless the server has a token, and then
needs `Authorization: Bearer <token>`. Every request is bounded (`Limits`): page size, body
size, articles per post and query time. Errors are JSON, `{"error": message}`, with the
status that fits; no stack trace reaches the client.

Each request reads through its own DuckDB connection, in one transaction: it sees one snapshot
(never half of a batch being written), the query timer stops its queries and no other's, and
requests read side by side (`Limits.readers` at once, in the order they came) while a post is
coded and written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hmac
import json
import logging
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, TypeVar

import duckdb
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from .codebook import PLOVER_TYPES
from .errors import DyadError, InputError
from .query import PERIODS, places, top_actors, top_dyads, trend
from .store import Store
from .types import MODALITIES
from .web import LAST_OFFSET, add_pages

__all__ = ["Limits", "create_app"]

T = TypeVar("T")
log = logging.getLogger(__name__)
# what ids look like; any other path is a 404 before the database is asked
EVENT_ID = re.compile(r"^u?[0-9a-f]{16}$")
ARTICLE_ID = re.compile(r"^[\w.:-]{1,200}$")


@dataclass(frozen=True)
class Limits:
    page: int = 500  # most rows one page returns
    body: int = 5_000_000  # bytes one POST may carry
    articles: int = 100  # articles one POST may carry
    query_s: float = 10.0  # a query running longer is stopped
    readers: int = 4  # requests querying at once; DuckDB already spreads each over the cores


class _Turns:
    """Lets `n` threads in at once, in the order they came. (A threading.Semaphore lets a newcomer
    overtake a thread that waits, which stretches the slowest answers.)"""

    def __init__(self, n: int) -> None:
        self.n, self.taken, self.left = n, 0, 0
        self.changed = threading.Condition()

    def __enter__(self) -> None:
        with self.changed:
            ticket = self.taken
            self.taken += 1
            self.changed.wait_for(lambda: ticket < self.left + self.n)

    def __exit__(self, *exc: object) -> None:
        with self.changed:
            self.left += 1
            self.changed.notify_all()


class _Connections:
    """Stands in for the store's connection. In a thread serving a request it is that request's
    own connection, which the store's readers also take for their cursors, so one interrupt
    stops all of the request's queries; in any other thread (the writer) it is the store's."""

    def __init__(self, main: duckdb.DuckDBPyConnection) -> None:
        self.main = main
        self.local = threading.local()

    def current(self) -> duckdb.DuckDBPyConnection:
        own: duckdb.DuckDBPyConnection | None = getattr(self.local, "db", None)
        return own if own is not None else self.main

    def cursor(self) -> duckdb.DuckDBPyConnection:
        current = self.current()
        return current if current is not self.main else self.main.cursor()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.current(), name)

    @contextlib.contextmanager
    def request(self) -> Iterator[duckdb.DuckDBPyConnection]:
        own = self.main.cursor()
        self.local.db = own
        try:
            own.execute("BEGIN TRANSACTION")  # one snapshot for all the request's queries
            yield own
        finally:
            self.local.db = None
            own.close()


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def create_app(db: str | Path, token: str | None = None, limits: Limits | None = None,
               pipeline: Callable[[], Any] | None = None) -> Any:
    """The API over the database at `db`. With a `token` the database is opened for writing
    and POST /api/articles codes articles with `pipeline()` (default: a `Pipeline`, loaded on
    the first post)."""
    limits = limits or Limits()
    token = token or None  # an empty token would let an empty header in
    store = Store(db, read_only=token is None)
    connections = _Connections(store.db)
    store.db = connections  # type: ignore[assignment]  # it forwards all a connection does
    readers = _Turns(limits.readers)
    coding = threading.Lock()  # one pipeline, one writer
    coder: list[Any] = []
    # no /docs or /redoc: FastAPI's pages load their JavaScript from a CDN, and Dyad runs offline
    app = FastAPI(title="Dyad", version="1", description="Political event data coded from news, with its evidence.",
                  docs_url=None, redoc_url=None)

    def run(work: Callable[[], T]) -> T:
        """Run a request's queries on its own connection, stopping them after `limits.query_s`."""
        with readers, connections.request() as own:
            timer = threading.Timer(limits.query_s, own.interrupt)
            timer.start()
            try:
                return work()
            except duckdb.InterruptException:
                raise ApiError(503, f"the query took longer than {limits.query_s:g} s; narrow it") from None
            finally:
                timer.cancel()

    @app.exception_handler(ApiError)
    async def api_error(request: Request, err: ApiError) -> JSONResponse:
        return JSONResponse({"error": err.message}, status_code=err.status)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, err: HTTPException) -> JSONResponse:
        return JSONResponse({"error": str(err.detail)}, status_code=err.status_code)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, err: RequestValidationError) -> JSONResponse:
        details = [{"where": ".".join(str(p) for p in e["loc"]), "problem": e["msg"]} for e in err.errors()]
        return JSONResponse({"error": "invalid request", "details": details}, status_code=422)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, err: Exception) -> JSONResponse:
        return JSONResponse({"error": "internal error"}, status_code=500)

    def page_size(limit: int) -> int:
        if limit > limits.page:
            raise ApiError(422, f"limit is at most {limits.page}")
        return limit

    def filters(actor: str | None, recipient: str | None, event_type: str | None,
                modality: list[str] | None) -> dict[str, Any]:
        if event_type is not None and event_type.upper() not in PLOVER_TYPES:
            raise ApiError(422, f"unknown PLOVER type {event_type!r}; one of {', '.join(PLOVER_TYPES)}")
        for m in modality or []:
            if m not in MODALITIES:
                raise ApiError(422, f"unknown modality {m!r}; one of {', '.join(MODALITIES)}")
        return {"actor": actor, "recipient": recipient, "event_type": event_type, "modality": modality or None}

    def country() -> Any:  # a new Query each time: FastAPI binds one to one parameter
        return Query(None, pattern=r"^[A-Za-z]{3}$", description="ISO 3166-1 alpha-3 code")

    @app.get("/api/events")
    def events(actor: str | None = country(), recipient: str | None = country(),
               type: str | None = Query(None, description="PLOVER event type"),
               since: dt.date | None = None, until: dt.date | None = None,
               modality: Annotated[list[str] | None, Query()] = None, limit: int = Query(100, ge=1),
               offset: int = Query(0, ge=0, le=LAST_OFFSET), min_confidence: float | None = Query(None, ge=0.0, le=1.0),
               either_way: bool = False) -> dict[str, Any]:
        """Events (reports), newest first, with the filters of `dyad events`; page with offset.
        With `either_way`, `actor` and `recipient` match in either role."""
        size = page_size(limit)
        rows = run(lambda: store.events(**filters(actor, recipient, type, modality), since=since, until=until,
                                        limit=size + 1, offset=offset, min_confidence=min_confidence,
                                        either_way=either_way))
        return {"events": rows[:size], "next_offset": offset + size if len(rows) > size else None}

    @app.get("/api/events/{event_id}")
    def event(event_id: str) -> dict[str, Any]:
        """One event with its evidence, its article's metadata, its quote and the other reports
        of the same real-world event."""
        if not EVENT_ID.match(event_id):
            raise ApiError(404, f"no event {event_id!r}")

        def work() -> dict[str, Any] | None:
            found = store.events(event_id=event_id, limit=1)
            if not found:
                return None
            row = found[0]
            article = store.article(row["article_id"]) or {}
            return {
                "event": row,
                "article": {k: article.get(k) for k in ("id", "date", "title", "source", "url")},
                "quotes": store.quotes(quote_id=row["quote"]) if row["quote"] else [],
                "other_reports": store.reports(row["deduplicated_id"], but=row["id"]),
            }

        result = run(work)
        if result is None:
            raise ApiError(404, f"no event {event_id!r}")
        return result

    @app.get("/api/deduplicated")
    def deduplicated(actor: str | None = country(), recipient: str | None = country(),
                     type: str | None = Query(None, description="PLOVER event type"),
                     since: dt.date | None = None, until: dt.date | None = None,
                     modality: Annotated[list[str] | None, Query()] = None, limit: int = Query(100, ge=1),
                     offset: int = Query(0, ge=0, le=LAST_OFFSET)) -> dict[str, Any]:
        """Real-world events, each with every report of it, newest first."""
        size = page_size(limit)
        rows = run(lambda: store.deduplicated(**filters(actor, recipient, type, modality), since=since, until=until,
                                              limit=size + 1, offset=offset))
        return {"events": rows[:size], "next_offset": offset + size if len(rows) > size else None}

    @app.get("/api/trend")
    def dyad_trend(a: str = Query(..., pattern=r"^[A-Za-z]{3}$"), b: str = Query(..., pattern=r"^[A-Za-z]{3}$"),
                   by: str = "month", directed: bool = False,
                   min_confidence: float = Query(0.0, ge=0.0, le=1.0)) -> dict[str, Any]:
        """Per period, the dyad's events by QuadClass and their mean Goldstein score."""
        if by not in PERIODS:
            raise ApiError(422, f"unknown period {by!r}; one of {', '.join(PERIODS)}")
        rows = run(lambda: trend(store, a.upper(), b.upper(), by, directed, min_confidence))
        for row in rows:  # periods are dates, whatever DuckDB's date_trunc gives
            row["period"] = row["period"].date().isoformat() if isinstance(row["period"], dt.datetime) else str(row["period"])
        return {"actor": a.upper(), "recipient": b.upper(), "by": by, "directed": directed, "periods": rows}

    @app.get("/api/actors")
    def actors(top: int = Query(20, ge=1)) -> dict[str, Any]:
        return {"actors": run(lambda: top_actors(store, page_size(top)))}

    @app.get("/api/dyads")
    def dyads(top: int = Query(20, ge=1)) -> dict[str, Any]:
        return {"dyads": run(lambda: top_dyads(store, page_size(top)))}

    @app.get("/api/places")
    def event_places(top: int = Query(500, ge=1)) -> dict[str, Any]:
        """Where events happened: places with coordinates and event counts, busiest first."""
        return {"places": run(lambda: places(store, page_size(top)))}

    @app.get("/api/articles/{article_id}")
    def article(article_id: str) -> dict[str, Any]:
        """An article as ingested (text and the blocks the cleaner removed) and its events' ids."""
        found = run(lambda: store.article(article_id)) if ARTICLE_ID.match(article_id) else None
        if found is None:
            raise ApiError(404, f"no article {article_id!r}")
        return found

    @app.post("/api/articles")
    async def post_articles(request: Request) -> dict[str, Any]:
        """Code and store articles: a JSON object, or a list of them, with the JSON-lines fields
        (`text` or `html`; `id`, `date`, `title`, `source`, `url`)."""
        if token is None:
            raise ApiError(403, "posting articles is off; start the server with --token (or DYAD_TOKEN)")
        given = request.headers.get("authorization", "")
        if not given.startswith("Bearer ") or not hmac.compare_digest(given[7:].encode(), token.encode()):
            raise ApiError(401, "a valid 'Authorization: Bearer <token>' header is needed")
        declared = request.headers.get("content-length")
        if declared is not None and not (declared.isascii() and declared.isdigit()):
            raise ApiError(400, "the Content-Length header is not a number")
        if declared is not None and int(declared) > limits.body:
            raise ApiError(413, f"the body is over {limits.body} bytes")
        body = bytearray()  # bytes += bytes would copy the whole body for each small chunk
        async for chunk in request.stream():
            body += chunk
            if len(body) > limits.body:
                raise ApiError(413, f"the body is over {limits.body} bytes")
        try:
            payload = json.loads(body)
        except (ValueError, RecursionError) as err:  # also bad UTF-8, too many digits, too deep
            raise ApiError(400, f"the body is not JSON: {err}") from None
        records = payload if isinstance(payload, list) else [payload]
        if not records or len(records) > limits.articles:
            raise ApiError(422, f"post 1 to {limits.articles} articles")
        return await _code(records)

    async def _code(records: list[Any]) -> dict[str, Any]:
        items = [_read(r, f"item {i}") for i, r in enumerate(records)]
        errors = [i for i in items if isinstance(i, InputError)]
        articles = [i for i in items if not isinstance(i, InputError)]

        def work() -> dict[str, Any]:
            with coding:  # one pipeline, one batch at a time; readers go on meanwhile
                if not coder:
                    from .pipeline import Pipeline

                    coder.append(pipeline() if pipeline else Pipeline())
                coded = coder[0].pipe(articles)
                store.write(coded, errors)
            return {"articles": [a.id for a in coded], "events": sum(len(a.events) for a in coded),
                    "errors": [{"item": e.where, "reason": e.reason} for e in errors]}

        try:
            return await run_in_threadpool(work)
        except DyadError as err:  # its message may name the server's files
            log.error("coding posted articles failed: %s", err)
            raise ApiError(500, "the articles could not be coded and stored; the server's log says why") from None

    add_pages(app, store, run, page=50)
    app.state.store = store
    return app


def _read(record: Any, where: str) -> Any:
    """One posted item as an `Article`, or the reason it is not one."""
    from .ingest import read_record

    try:  # a lone surrogate escape ("\\ud800") is valid JSON but no text DuckDB can store
        json.dumps(record, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        return InputError(where, "a string in it is not valid Unicode (a lone surrogate)")
    return read_record(record, where)

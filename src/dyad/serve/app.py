"""`dyad serve`'s app: a JSON API over a Dyad database (the routes in `api` and `posts`), with
its OpenAPI schema at /openapi.json, and the web pages (`web`, `pages`).

Reading is open; posting articles to code is off unless the server has a token, and then
needs `Authorization: Bearer <token>`. Every request is bounded (`Limits`): page size, body
size, articles per post and query time. Errors are JSON, `{"error": message}`, with the
status that fits; no stack trace reaches the client.

Every response carries `SECURITY_HEADERS` (a Content-Security-Policy with no inline script or
style, nosniff, no framing, no referrer). A request is refused (400) unless its Host header names
one of the hosts the server was started for, so a DNS-rebinding page cannot read the database
through a visitor's browser, and when it has two Authorization headers (`guards`). `serve`
(`listener`) runs the app under uvicorn with header and body timeouts and a cap on open
connections (`Timeouts`).

Each request reads through its own DuckDB connection, in one transaction: it sees one snapshot
(never half of a batch being written), the query timer stops its queries and no other's, and
requests read side by side (`Limits.readers` at once, in the order they came) while a post is
coded and written.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Collection, Iterator
from pathlib import Path
from typing import Any, TypeVar

import duckdb
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from ..store.store import Store
from .api import ApiError, add_api
from .guards import LOOPBACK_HOSTS, GuardedApp, Limits, host_name
from .pages import error_page
from .posts import add_posting
from .web import add_pages

__all__ = ["create_app"]

T = TypeVar("T")


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


def create_app(db: str | Path, token: str | None = None, limits: Limits | None = None,
               pipeline: Callable[[], Any] | None = None,
               hosts: Collection[str] = LOOPBACK_HOSTS) -> Any:
    """The API over the database at `db`. With a `token` the database is opened for writing
    and POST /api/articles codes articles with `pipeline()` (default: a `Pipeline`, loaded on
    the first post). Requests are answered only when their Host header names one of `hosts`
    (see `allowed_hosts`; the default is this machine's loopback names)."""
    limits = limits or Limits()
    token = token or None  # an empty token would let an empty header in
    store = Store(db, read_only=token is None)
    connections = _Connections(store.db)
    store.db = connections  # type: ignore[assignment]  # it forwards all a connection does
    readers = _Turns(limits.readers)
    # not FastAPI's /docs or /redoc, which load their JavaScript from a CDN: Dyad runs offline, and
    # its own /docs page (web.py) lists the endpoints
    app = GuardedApp(title="Dyad", version="1", description="Political event data coded from news, with its evidence.",
                     docs_url=None, redoc_url=None)
    app.hosts = frozenset(host_name(h) for h in hosts)

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

    # a page route answers with an HTML page with the site's navigation (error_page), the API with JSON
    @app.exception_handler(ApiError)
    async def api_error(request: Request, err: ApiError) -> Response:
        return error_page(request, err.status, err.message) or JSONResponse({"error": err.message}, status_code=err.status)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, err: HTTPException) -> Response:
        return (error_page(request, err.status_code, str(err.detail))
                or JSONResponse({"error": str(err.detail)}, status_code=err.status_code))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, err: RequestValidationError) -> Response:
        details = [{"where": ".".join(str(p) for p in e["loc"]), "problem": e["msg"]} for e in err.errors()]
        named = "; ".join(f"{d['where'].rpartition('.')[2]}: {d['problem']}" for d in details)  # query.limit: limit
        page = error_page(request, 400, named)
        return page or JSONResponse({"error": f"invalid request ({named})", "details": details}, status_code=422)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, err: Exception) -> Response:
        return error_page(request, 500, "the server failed on this page; its log says why") or \
            JSONResponse({"error": "internal error"}, status_code=500)

    add_api(app, store, run, limits)
    add_posting(app, store, limits, token, pipeline)
    add_pages(app, store, run, page=50)
    app.state.store = store
    return app

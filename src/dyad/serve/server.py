"""`dyad serve`: a JSON API over a Dyad database, with its OpenAPI schema at /openapi.json.

Reading is open; posting articles to code is off unless the server has a token, and then
needs `Authorization: Bearer <token>`. Every request is bounded (`Limits`): page size, body
size, articles per post and query time. Errors are JSON, `{"error": message}`, with the
status that fits; no stack trace reaches the client.

Every response carries `SECURITY_HEADERS` (a Content-Security-Policy with no inline script or
style, nosniff, no framing, no referrer). A request is refused (400) unless its Host header names
one of the hosts the server was started for, so a DNS-rebinding page cannot read the database
through a visitor's browser, and when it has two Authorization headers. `serve` runs the app
under uvicorn with header and body timeouts and a cap on open connections (`Timeouts`).

Each request reads through its own DuckDB connection, in one transaction: it sees one snapshot
(never half of a batch being written), the query timer stops its queries and no other's, and
requests read side by side (`Limits.readers` at once, in the order they came) while a post is
coded and written.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import errno
import hmac
import ipaddress
import json
import logging
import re
import socket
import threading
from collections.abc import Awaitable, Callable, Collection, Iterable, Iterator, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, ClassVar, TypeVar

import duckdb
import h11
from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect
from uvicorn.protocols.http.h11_impl import H11Protocol

from ..codebook import PLOVER_TYPES
from ..coding.ingest.readers import load_json, read_record
from ..errors import DyadError, InputError
from ..store.parties import SECTORS, unknown_code
from ..store.query import PERIODS, place_events, places, top_actors, top_dyads, trend
from ..store.store import Store
from ..store.views import deduplicated_order, event_order, view_conditions
from ..types import MODALITIES, Article
from .pages import error_page
from .web import LAST_OFFSET, add_pages

__all__ = ["LOOPBACK_HOSTS", "SECURITY_HEADERS", "Limits", "Timeouts", "allowed_hosts", "create_app", "listen", "serve"]

T = TypeVar("T")
log = logging.getLogger(__name__)
# what ids look like; any other path is a 404 before the database is asked
EVENT_ID = re.compile(r"^u?[0-9a-f]{16}$")
ARTICLE_ID = re.compile(r"^[\w.:-]{1,200}$")
PARTY = r"^(?:[A-Za-z]{3}){1,4}$"  # an actor code a filter takes: RUS, RUSMIL, IGOEUR, IGOUNOMIL
# statements (CAMEO 01) are left out of every listing unless asked for: statements=true
STATEMENTS = Query(False, description="include statements (CAMEO 01: comments, denials, remarks), left out by default")
# the events table's filters, the same on /api/events and /api/deduplicated
QuadClasses = Annotated[list[int] | None, Query(description="QuadClass, 0 (statement) to 4 (material conflict); "
                                                            "several: any of them")]
Cameo = Annotated[str | None, Query(description="a CAMEO code or root: 19 is every fight, 190 the code and its sub-codes")]
PlaceCountry = Annotated[str | None, Query(description="the country the event happened in (ISO3)")]
Place = Annotated[str | None, Query(description="part of the name of the place the event happened in")]
Text = Annotated[str | None, Query(description="words its sentence contains, every one, in any case")]
Involving = Annotated[str | None, Query(pattern=PARTY, description="an actor code on either side")]
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
# The pages need no inline script or style (their CSS is /static/style.css, their charts inline
# SVG with presentation attributes), so the policy allows only the server's own files.
SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
                                 b"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]
Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass(frozen=True)
class Limits:
    page: int = 500  # most rows one page returns
    body: int = 5_000_000  # bytes one POST may carry
    articles: int = 100  # articles one POST may carry
    query_s: float = 10.0  # a query running longer is stopped
    readers: int = 4  # requests querying at once; DuckDB already spreads each over the cores


@dataclass(frozen=True)
class Timeouts:
    """What `dyad serve` allows one connection, so slow or idle clients cannot hold the server."""
    header_s: float = 10.0  # to send a request's line and headers, from connecting or the last answer
    body_s: float = 60.0  # to send a request's whole body, once its headers are in
    keep_alive_s: int = 5  # an idle kept-alive connection is closed after this
    connections: int = 100  # open connections at once; one more is answered 503 and closed


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


class _GuardedApp(FastAPI):
    """FastAPI with `_Gate` outside all of its middleware, its error handlers included, so even
    a 500 answer carries the security headers."""

    hosts: frozenset[str] = frozenset(LOOPBACK_HOSTS)

    def build_middleware_stack(self) -> Any:
        return _Gate(super().build_middleware_stack(), self.hosts)


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
    coding = threading.Lock()  # one pipeline, one writer
    coder: list[Any] = []
    # not FastAPI's /docs or /redoc, which load their JavaScript from a CDN: Dyad runs offline, and
    # its own /docs page (web.py) lists the endpoints
    app = _GuardedApp(title="Dyad", version="1", description="Political event data coded from news, with its evidence.",
                      docs_url=None, redoc_url=None)
    app.hosts = frozenset(_host_name(h) for h in hosts)

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

    def page_size(limit: int) -> int:
        if limit > limits.page:
            raise ApiError(422, f"limit is at most {limits.page}")
        return limit

    def known(*codes: str | None) -> None:
        """A 422 naming a code that names no actor, rather than an empty answer."""
        for code in codes:
            problem = run(lambda: unknown_code(code, store.db)) if code else None  # noqa: B023 (run calls it now)
            if problem:
                raise ApiError(422, problem)

    def filters(actor: str | None, recipient: str | None, event_type: str | None,
                modality: list[str] | None, sector: str | None = None,
                recipient_sector: str | None = None) -> dict[str, Any]:
        for wanted in (sector, recipient_sector):
            if wanted and wanted.upper() not in SECTORS:
                raise ApiError(422, f"unknown sector {wanted!r}; one of {', '.join(sorted(SECTORS))}")
        known(actor, recipient)
        if event_type is not None and event_type.upper() not in PLOVER_TYPES:
            raise ApiError(422, f"unknown PLOVER type {event_type!r}; one of {', '.join(PLOVER_TYPES)}")
        for m in modality or []:
            if m not in MODALITIES:
                raise ApiError(422, f"unknown modality {m!r}; one of {', '.join(MODALITIES)}")
        return {"actor": actor, "recipient": recipient, "event_type": event_type, "modality": modality or None,
                "sector": sector, "recipient_sector": recipient_sector}

    def party_query(default: Any = None) -> Any:  # a new Query each time: FastAPI binds one to one parameter
        return Query(default, pattern=PARTY, description="actor code: a country (RUS), an organisation (IGOEUR), "
                                                         "or either with a sector (RUSMIL)")

    def sector_query() -> Any:
        return Query(None, pattern=r"^[A-Za-z]{3}$", description="CAMEO sector, e.g. MIL")

    def table_view(dedup: bool, sort: str | None, involving: str | None = None, **view: Any) -> dict[str, Any]:
        """The events table's filters and sort (those of the /events page), checked."""
        known(involving)
        try:
            view_conditions(**view)
            (deduplicated_order if dedup else event_order)(sort)
        except DyadError as err:
            raise ApiError(422, str(err)) from None
        return {**view, "sort": sort, "involving": involving}

    @app.get("/api/events")
    def events(actor: str | None = party_query(), recipient: str | None = party_query(),
               sector: str | None = sector_query(), recipient_sector: str | None = sector_query(),
               type: str | None = Query(None, description="PLOVER event type"),
               since: dt.date | None = None, until: dt.date | None = None,
               modality: Annotated[list[str] | None, Query()] = None, limit: int = Query(100, ge=1),
               offset: int = Query(0, ge=0, le=LAST_OFFSET), min_confidence: float | None = Query(None, ge=0.0, le=1.0),
               either_way: bool = False, statements: bool = STATEMENTS,
               coder: str | None = Query(None, pattern="^(pattern|model)$",
                                         description="only the events the patterns (pattern) or the event model (model) decided"),
               quad_class: QuadClasses = None, cameo: Cameo = None, place_country: PlaceCountry = None,
               place: Place = None, text: Text = None, involving: Involving = None,
               sort: str | None = Query(None, description="a column (goldstein), or -column for descending; "
                                                          "default -date, newest first")) -> dict[str, Any]:
        """Events (reports), newest first, with the filters of `dyad events` and of the /events
        page; page with offset. With `either_way`, `actor` and `recipient` match in either role.
        /api/events.csv gives the same rows as CSV."""
        size = page_size(limit)
        chosen = filters(actor, recipient, type, modality, sector, recipient_sector)
        chosen |= table_view(False, sort, involving, quad_class=quad_class, cameo=cameo, place_country=place_country,
                             place=place, text=text)
        rows = run(lambda: store.events(**chosen, since=since, until=until,
                                        limit=size + 1, offset=offset, min_confidence=min_confidence,
                                        either_way=either_way, statements=statements, coder=coder))
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
    def deduplicated(actor: str | None = party_query(), recipient: str | None = party_query(),
                     sector: str | None = sector_query(), recipient_sector: str | None = sector_query(),
                     type: str | None = Query(None, description="PLOVER event type"),
                     since: dt.date | None = None, until: dt.date | None = None,
                     modality: Annotated[list[str] | None, Query()] = None, limit: int = Query(100, ge=1),
                     offset: int = Query(0, ge=0, le=LAST_OFFSET), statements: bool = STATEMENTS,
                     min_confidence: float | None = Query(None, ge=0.0, le=1.0), either_way: bool = False,
                     quad_class: QuadClasses = None, cameo: Cameo = None, place_country: PlaceCountry = None,
                     place: Place = None, text: Text = None, involving: Involving = None,
                     sort: str | None = Query(None, description="date, actor, event, recipient, modality, sources or "
                                                                "mentions; -column for descending")) -> dict[str, Any]:
        """Real-world events, each with every report of it, newest first. A filter on reports
        (actors, place, text, confidence) keeps a real-world event when one of its reports
        matches. /api/deduplicated.csv gives the same rows as CSV."""
        size = page_size(limit)
        chosen = filters(actor, recipient, type, modality, sector, recipient_sector)
        chosen |= table_view(True, sort, involving, quad_class=quad_class, cameo=cameo, place_country=place_country,
                             place=place, text=text)
        rows = run(lambda: store.deduplicated(**chosen, since=since, until=until, min_confidence=min_confidence,
                                              either_way=either_way, limit=size + 1, offset=offset,
                                              statements=statements))
        return {"events": rows[:size], "next_offset": offset + size if len(rows) > size else None}

    @app.get("/api/trend")
    def dyad_trend(a: str = party_query(...), b: str = party_query(...),
                   by: str = "month", directed: bool = False,
                   min_confidence: float = Query(0.0, ge=0.0, le=1.0), statements: bool = STATEMENTS) -> dict[str, Any]:
        """Per period, the dyad's events by QuadClass and their mean Goldstein score."""
        if by not in PERIODS:
            raise ApiError(422, f"unknown period {by!r}; one of {', '.join(PERIODS)}")
        known(a, b)
        rows = run(lambda: trend(store, a.upper(), b.upper(), by, directed, min_confidence, statements=statements))
        for row in rows:  # periods are dates, whatever DuckDB's date_trunc gives
            row["period"] = row["period"].date().isoformat() if isinstance(row["period"], dt.datetime) else str(row["period"])
        return {"actor": a.upper(), "recipient": b.upper(), "by": by, "directed": directed, "periods": rows}

    @app.get("/api/actors")
    def actors(top: int = Query(20, ge=1), statements: bool = STATEMENTS) -> dict[str, Any]:
        return {"actors": run(lambda: top_actors(store, page_size(top), statements=statements))}

    @app.get("/api/dyads")
    def dyads(top: int = Query(20, ge=1), statements: bool = STATEMENTS) -> dict[str, Any]:
        return {"dyads": run(lambda: top_dyads(store, page_size(top), statements=statements))}

    def place_filters(actor: str | None = party_query(), recipient: str | None = party_query(),
                      type: str | None = Query(None, description="PLOVER event type"),
                      since: dt.date | None = None, until: dt.date | None = None,
                      either_way: bool = False, involving: Involving = None) -> dict[str, Any]:
        """The filters the map's two routes take: those of /api/events."""
        chosen = filters(actor, recipient, type, None)
        known(involving)
        return {"actor": chosen["actor"], "recipient": chosen["recipient"], "event_type": chosen["event_type"],
                "since": since, "until": until, "either_way": either_way, "involving": involving}

    @app.get("/api/places")
    def event_places(top: int = Query(500, ge=1), statements: bool = STATEMENTS,
                     chosen: dict[str, Any] = Depends(place_filters)) -> dict[str, Any]:  # noqa: B008 (FastAPI's way)
        """Where events happened: places with coordinates, real-world events and reports,
        busiest first. Each real-world event counts once, at the place its reports say it
        happened; `dateline` marks places known only as where the stories were filed."""
        return {"places": run(lambda: places(store, page_size(top), statements=statements, **chosen))}

    @app.get("/api/places/events")
    def events_at_place(lat: float = Query(ge=-90, le=90), lon: float = Query(ge=-180, le=180),
                        dateline: bool = False, limit: int = Query(100, ge=1), statements: bool = STATEMENTS,
                        chosen: dict[str, Any] = Depends(place_filters)) -> dict[str, Any]:  # noqa: B008
        """The real-world events of one point of /api/places (its lat, lon and dateline), newest
        first, each by the report that gave its place."""
        size = page_size(limit)
        return {"events": run(lambda: place_events(store, lat, lon, dateline, size, statements=statements, **chosen))}

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
        given = request.headers.get("authorization", "")  # _Gate refused two of them
        if not given.startswith("Bearer ") or not hmac.compare_digest(given[7:].encode(), token.encode()):
            raise ApiError(401, "a valid 'Authorization: Bearer <token>' header is needed")
        declared = request.headers.get("content-length")
        if declared is not None and not (declared.isascii() and declared.isdigit()):
            raise ApiError(400, "the Content-Length header is not a number")
        if declared is not None and int(declared) > limits.body:
            raise ApiError(413, f"the body is over {limits.body} bytes")
        body = bytearray()  # bytes += bytes would copy the whole body for each small chunk
        try:
            async for chunk in request.stream():
                body += chunk
                if len(body) > limits.body:
                    raise ApiError(413, f"the body is over {limits.body} bytes")
        except ClientDisconnect:  # gone, or cut off by the body timeout: no one to answer, nothing to log
            raise ApiError(400, "the connection closed before the whole body came") from None
        try:  # load_json: a number too long for Python is one field's problem, not the body's
            payload = load_json(body)
        except (ValueError, RecursionError) as err:  # also bad UTF-8, too deep
            raise ApiError(400, f"the body is not JSON: {err}") from None
        records = payload if isinstance(payload, list) else [payload]
        if not records or len(records) > limits.articles:
            raise ApiError(422, f"post 1 to {limits.articles} articles")
        return await _code(records)

    async def _code(records: list[Any]) -> dict[str, Any]:
        articles, errors = _first_of_each_id([_read(r, f"item {i}") for i, r in enumerate(records)])

        def work() -> dict[str, Any]:
            from ..coding.pipeline import code_safely

            with coding:  # one pipeline, one batch at a time; readers go on meanwhile
                if not coder:
                    from ..coding.pipeline import Pipeline

                    coder.append(pipeline() if pipeline else Pipeline())
                coded, failed = code_safely(coder[0], articles)  # an article that breaks a stage is its own error
                written = store.write(coded, [*errors, *failed])  # and so is one the store cannot hold
            stored = [a for a in coded if a.id not in written.failed_ids]
            reported = sorted([*errors, *failed, *written.failed], key=_item_number)
            return {"articles": [a.id for a in stored], "events": sum(not e.statement for a in stored for e in a.events),
                    "replaced": written.replaced, "errors": [{"item": e.where, "reason": e.reason} for e in reported]}

        try:
            return await run_in_threadpool(work)
        except DyadError as err:  # its message may name the server's files
            log.error("coding posted articles failed: %s", err)
            raise ApiError(500, "the articles could not be coded and stored; the server's log says why") from None

    add_pages(app, store, run, page=50)
    app.state.store = store
    return app


def _read(record: Any, where: str) -> Article | InputError:
    """One posted item as an `Article`, or the reason it is not one."""
    try:  # a lone surrogate escape ("\\ud800") is valid JSON but no text DuckDB can store
        json.dumps(record, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        return InputError(where, "a string in it is not valid Unicode (a lone surrogate)")
    return read_record(record, where)


def _item_number(error: InputError) -> int:
    """The posted item an error is about: its `where` is "item N"."""
    number = error.where.rpartition(" ")[2]
    return int(number) if number.isdigit() else -1


def _first_of_each_id(items: Iterable[Article | InputError]) -> tuple[list[Article], list[InputError]]:
    """The post's articles, the first of each id only (as in one local run: two identical
    articles without ids have the same content id), and its errors, later copies included."""
    articles: dict[str, Article] = {}
    errors: list[InputError] = []
    for item in items:
        if isinstance(item, InputError):
            errors.append(item)
        elif item.id in articles:
            errors.append(InputError(item.origin or item.id, f"duplicate article id {item.id!r} in this post "
                                                              f"({articles[item.id].origin}); the first one was kept"))
        else:
            articles[item.id] = item
    return list(articles.values()), errors


def allowed_hosts(bound: str, extra: Iterable[str] = ()) -> frozenset[str]:
    """The Host names a server bound to `bound` answers: that address, this machine's loopback
    names when it listens on loopback (or on every address), and `extra` (--allowed-host, the
    names a reverse proxy or the network reaches it by)."""
    hosts = {_host_name(bound)} | {_name_in_host_header(_host_name(h)) or _host_name(h) for h in extra}  # a port is dropped
    try:
        address = ipaddress.ip_address(_host_name(bound))
        local = address.is_loopback or address.is_unspecified
        if address.is_unspecified:  # 0.0.0.0 or :: is no name a client sends
            hosts.discard(str(address))
    except ValueError:
        local = _host_name(bound) == "localhost"
    return frozenset(hosts | set(LOOPBACK_HOSTS) if local else hosts)


def _host_name(host: str) -> str:
    """A host as the Host header's name part: lower case, an IPv6 address without brackets."""
    host = host.strip().lower()
    return host[1:-1] if host.startswith("[") and host.endswith("]") else host


def _name_in_host_header(value: str) -> str | None:
    """The name a Host header gives, without its port; None if the header is malformed."""
    if value.startswith("["):  # [IPv6]:port
        name, bracket, after = value[1:].partition("]")
        port: str | None = after[1:] if after.startswith(":") else ("" if bracket and not after else None)
    else:
        name, colon, port = value.partition(":")
        port = port if colon else ""
    if port is None or (port and not (port.isascii() and port.isdigit() and len(port) <= 5)):
        return None
    return name.lower()


class _Gate:
    """The app's outermost layer: refuses a request whose Host is not one of `hosts` (DNS
    rebinding: an attacker's name resolving to this machine) or that has two Authorization
    headers (which one counts would depend on the code reading it), and adds
    `SECURITY_HEADERS` to every answer."""

    def __init__(self, app: ASGIApp, hosts: frozenset[str]) -> None:
        self.app, self.hosts = app, hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def secured(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *SECURITY_HEADERS]}
            await send(message)

        refusal = self.refusal(scope["headers"])
        if refusal is not None:
            await JSONResponse({"error": refusal}, status_code=400)(scope, receive, secured)
            return
        await self.app(scope, receive, secured)

    def refusal(self, headers: Iterable[tuple[bytes, bytes]]) -> str | None:
        hosts = [v for k, v in headers if k.lower() == b"host"]
        if sum(1 for k, _ in headers if k.lower() == b"authorization") > 1:
            return "the request has more than one Authorization header; send one"
        if len(hosts) != 1:
            return "the request needs one Host header"
        name = _name_in_host_header(hosts[0].decode("latin-1"))
        if name not in self.hosts:
            return ("this server does not answer for that Host; use the address it was started on, or start it "
                    "with --allowed-host NAME for each name it is reached by")
        return None


def _raw_answer(status: int, reason: str, message: str) -> bytes:
    """A whole HTTP answer, JSON error and security headers, for the connection layer to write
    when no app is there to answer (timeouts, too many connections, bad HTTP); it closes."""
    body = json.dumps({"error": message}).encode()
    head = [f"HTTP/1.1 {status} {reason}".encode(), b"content-type: application/json",
            b"content-length: " + str(len(body)).encode(), b"connection: close",
            *(name + b": " + value for name, value in SECURITY_HEADERS)]
    return b"\r\n".join(head) + b"\r\n\r\n" + body


class _TimedH11(H11Protocol):
    """uvicorn's HTTP/1.1 connection, timed: uvicorn has no timeout for a request's headers
    or body, so a client sending them a byte at a time holds a connection (and, with enough
    of them, the server) forever. A timer runs while the client owes us headers (from connecting
    or from our last answer) and another while it owes a body; either closes the connection,
    after a 408 when the client had sent part of its request. Connections over the cap are
    answered 503 at once."""

    timeouts: ClassVar[Timeouts] = Timeouts()
    _timer: asyncio.TimerHandle | None = None
    _phase: str | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.timeouts.connections:
            transport.write(_raw_answer(503, "Service Unavailable", "the server has too many connections open; "
                                                                   "try again shortly"))
            transport.close()
            return
        self._follow()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_timer()
        super().connection_lost(exc)

    def handle_events(self) -> None:
        super().handle_events()
        self._follow()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._follow()

    def send_400_response(self, msg: str) -> None:
        self._stop_timer()
        self.transport.write(_raw_answer(400, "Bad Request", "the request is not valid HTTP/1.1 (or its headers "
                                                             "are too long)"))
        self.transport.close()

    def _follow(self) -> None:
        """Time what the client owes now: headers, a body, or nothing (we owe the answer)."""
        if self.transport.is_closing():
            self._stop_timer()
            return
        state = self.conn.their_state
        phase = "headers" if state is h11.IDLE else "body" if state is h11.SEND_BODY else None
        if phase == self._phase:
            return
        self._stop_timer()
        self._phase = phase
        if phase is not None:
            seconds = self.timeouts.header_s if phase == "headers" else self.timeouts.body_s
            self._timer = self.loop.call_later(seconds, self._time_out)

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer, self._phase = None, None

    def _time_out(self) -> None:
        phase, self._timer, self._phase = self._phase, None, None
        if self.transport.is_closing():
            return
        answered = self.cycle is not None and self.cycle.response_started and phase == "body"
        if phase == "body" and not answered:
            self.transport.write(_raw_answer(408, "Request Timeout", f"the request body took over "
                                                                     f"{self.timeouts.body_s:g} s; send it faster "
                                                                     "or in smaller posts"))
        elif phase == "headers" and self.conn.trailing_data[0]:  # a request begun, never finished
            self.transport.write(_raw_answer(408, "Request Timeout", f"the request headers took over "
                                                                     f"{self.timeouts.header_s:g} s"))
        if self.cycle is not None and phase == "body":
            self.cycle.disconnected = True  # the app waiting for the body gets a disconnect
            self.cycle.message_event.set()
        self.transport.close()


def listen(host: str, port: int) -> socket.socket:
    """A socket listening on `host`:`port`, for `serve`; a DyadError saying what to do when it
    cannot be had (the port is taken, not the user's to take, or the host is no address of
    this machine), so that nothing says "serving" before it is."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                             flags=socket.AI_PASSIVE)[0]
    except (socket.gaierror, UnicodeError, OverflowError) as err:
        raise DyadError(f"cannot listen on {host}:{port} ({err}); pass --host an address or name of this "
                        "machine and --port a number from 1 to 65535") from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does: a restart needs no wait
        sock.bind(address)
        sock.listen(2048)
    except OSError as err:
        sock.close()
        if err.errno == errno.EADDRINUSE:
            raise DyadError(f"port {port} on {host} is in use (another `dyad serve`?); stop that server, or "
                            "pass --port another number") from None
        if err.errno == errno.EACCES:
            raise DyadError(f"this user may not listen on port {port}; pass --port a number from 1024 up") from None
        raise DyadError(f"cannot listen on {host}:{port}: {err.strerror}; pass --host an address of this "
                        "machine") from None
    return sock


def serve(app: Any, host: str, port: int, timeouts: Timeouts = Timeouts(), sock: socket.socket | None = None) -> None:
    """Run `app` under uvicorn on `host`:`port` (on `sock`, when `listen` opened it already)
    until Ctrl-C, with `timeouts`."""
    import uvicorn

    protocol = type("TimedH11", (_TimedH11,), {"timeouts": timeouts})
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", http=protocol,
                            timeout_keep_alive=timeouts.keep_alive_s)
    uvicorn.Server(config).run(sockets=[sock] if sock is not None else None)

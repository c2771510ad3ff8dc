"""The JSON API's reading routes (/api/events, /api/deduplicated, /api/trend, /api/actors,
/api/dyads, /api/places, /api/articles/ID), the checks of their filters, and `ApiError`, the
JSON error (`{"error": message}`) any route raises."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Annotated, Any, Protocol, TypeVar

from fastapi import Depends, FastAPI, Query

from ..codebook import PLOVER_TYPES
from ..errors import DyadError
from ..store.parties import SECTORS, unknown_code
from ..store.query import PERIODS, place_events, places, top_actors, top_dyads, trend
from ..store.store import Store
from ..store.views import deduplicated_order, event_order, view_conditions
from ..types import MODALITIES
from .guards import Limits
from .web import LAST_OFFSET

__all__ = ["ApiError", "Checks", "Run", "add_api"]

T = TypeVar("T")

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


class Run(Protocol):
    """Runs a request's queries (`work`) on the request's own connection, in time (`create_app`)."""

    def __call__(self, work: Callable[[], T]) -> T: ...


class ApiError(Exception):
    """An answer of `status` with the JSON `{"error": message}` (or, on a page, an error page)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def party_query(default: Any = None) -> Any:  # a new Query each time: FastAPI binds one to one parameter
    return Query(default, pattern=PARTY, description="actor code: a country (RUS), an organisation (IGOEUR), "
                                                     "or either with a sector (RUSMIL)")


def sector_query() -> Any:
    return Query(None, pattern=r"^[A-Za-z]{3}$", description="CAMEO sector, e.g. MIL")


class Checks:
    """The checks the routes share, each failing with a 422 that says what is wrong: a page no
    longer than `limits.page`, a code that names an actor in `store`, the listings' filters."""

    def __init__(self, store: Store, run: Run, limits: Limits) -> None:
        self.store, self.run, self.limits = store, run, limits

    def page_size(self, limit: int) -> int:
        if limit > self.limits.page:
            raise ApiError(422, f"limit is at most {self.limits.page}")
        return limit

    def known(self, *codes: str | None) -> None:
        """A 422 naming a code that names no actor, rather than an empty answer."""
        for code in codes:
            problem = self.run(lambda: unknown_code(code, self.store.db)) if code else None  # noqa: B023 (run calls it now)
            if problem:
                raise ApiError(422, problem)

    def filters(self, actor: str | None, recipient: str | None, event_type: str | None,
                modality: list[str] | None, sector: str | None = None,
                recipient_sector: str | None = None) -> dict[str, Any]:
        for wanted in (sector, recipient_sector):
            if wanted and wanted.upper() not in SECTORS:
                raise ApiError(422, f"unknown sector {wanted!r}; one of {', '.join(sorted(SECTORS))}")
        self.known(actor, recipient)
        if event_type is not None and event_type.upper() not in PLOVER_TYPES:
            raise ApiError(422, f"unknown PLOVER type {event_type!r}; one of {', '.join(PLOVER_TYPES)}")
        for m in modality or []:
            if m not in MODALITIES:
                raise ApiError(422, f"unknown modality {m!r}; one of {', '.join(MODALITIES)}")
        return {"actor": actor, "recipient": recipient, "event_type": event_type, "modality": modality or None,
                "sector": sector, "recipient_sector": recipient_sector}

    def table_view(self, dedup: bool, sort: str | None, involving: str | None = None, **view: Any) -> dict[str, Any]:
        """The events table's filters and sort (those of the /events page), checked."""
        self.known(involving)
        try:
            view_conditions(**view)
            (deduplicated_order if dedup else event_order)(sort)
        except DyadError as err:
            raise ApiError(422, str(err)) from None
        return {**view, "sort": sort, "involving": involving}


def add_api(app: FastAPI, store: Store, run: Run, limits: Limits) -> None:
    """The reading routes on `app`, over `store`, each request's queries through `run`, pages
    no longer than `limits.page`."""
    check = Checks(store, run, limits)
    _add_event_routes(app, store, run, check)
    _add_summary_routes(app, store, run, check)

    @app.get("/api/articles/{article_id}")
    def article(article_id: str) -> dict[str, Any]:
        """An article as ingested (text and the blocks the cleaner removed) and its events' ids."""
        found = run(lambda: store.article(article_id)) if ARTICLE_ID.match(article_id) else None
        if found is None:
            raise ApiError(404, f"no article {article_id!r}")
        return found


def _add_event_routes(app: FastAPI, store: Store, run: Run, check: Checks) -> None:
    """The events (reports), one event with its evidence, and the real-world events."""

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
        size = check.page_size(limit)
        chosen = check.filters(actor, recipient, type, modality, sector, recipient_sector)
        chosen |= check.table_view(False, sort, involving, quad_class=quad_class, cameo=cameo, place_country=place_country,
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
        size = check.page_size(limit)
        chosen = check.filters(actor, recipient, type, modality, sector, recipient_sector)
        chosen |= check.table_view(True, sort, involving, quad_class=quad_class, cameo=cameo, place_country=place_country,
                             place=place, text=text)
        rows = run(lambda: store.deduplicated(**chosen, since=since, until=until, min_confidence=min_confidence,
                                              either_way=either_way, limit=size + 1, offset=offset,
                                              statements=statements))
        return {"events": rows[:size], "next_offset": offset + size if len(rows) > size else None}


def _add_summary_routes(app: FastAPI, store: Store, run: Run, check: Checks) -> None:
    """What the charts read: a dyad's trend, the top actors and dyads, and the map's places."""

    @app.get("/api/trend")
    def dyad_trend(a: str = party_query(...), b: str = party_query(...),
                   by: str = "month", directed: bool = False,
                   min_confidence: float = Query(0.0, ge=0.0, le=1.0), statements: bool = STATEMENTS) -> dict[str, Any]:
        """Per period, the dyad's events by QuadClass and their mean Goldstein score."""
        if by not in PERIODS:
            raise ApiError(422, f"unknown period {by!r}; one of {', '.join(PERIODS)}")
        check.known(a, b)
        rows = run(lambda: trend(store, a.upper(), b.upper(), by, directed, min_confidence, statements=statements))
        for row in rows:  # periods are dates, whatever DuckDB's date_trunc gives
            row["period"] = row["period"].date().isoformat() if isinstance(row["period"], dt.datetime) else str(row["period"])
        return {"actor": a.upper(), "recipient": b.upper(), "by": by, "directed": directed, "periods": rows}

    @app.get("/api/actors")
    def actors(top: int = Query(20, ge=1), statements: bool = STATEMENTS) -> dict[str, Any]:
        return {"actors": run(lambda: top_actors(store, check.page_size(top), statements=statements))}

    @app.get("/api/dyads")
    def dyads(top: int = Query(20, ge=1), statements: bool = STATEMENTS) -> dict[str, Any]:
        return {"dyads": run(lambda: top_dyads(store, check.page_size(top), statements=statements))}

    def place_filters(actor: str | None = party_query(), recipient: str | None = party_query(),
                      type: str | None = Query(None, description="PLOVER event type"),
                      since: dt.date | None = None, until: dt.date | None = None,
                      either_way: bool = False, involving: Involving = None) -> dict[str, Any]:
        """The filters the map's two routes take: those of /api/events."""
        chosen = check.filters(actor, recipient, type, None)
        check.known(involving)
        return {"actor": chosen["actor"], "recipient": chosen["recipient"], "event_type": chosen["event_type"],
                "since": since, "until": until, "either_way": either_way, "involving": involving}

    @app.get("/api/places")
    def event_places(top: int = Query(500, ge=1), statements: bool = STATEMENTS,
                     chosen: dict[str, Any] = Depends(place_filters)) -> dict[str, Any]:  # noqa: B008 (FastAPI's way)
        """Where events happened: places with coordinates, real-world events and reports,
        busiest first. Each real-world event counts once, at the place its reports say it
        happened; `dateline` marks places known only as where the stories were filed."""
        return {"places": run(lambda: places(store, check.page_size(top), statements=statements, **chosen))}

    @app.get("/api/places/events")
    def events_at_place(lat: float = Query(ge=-90, le=90), lon: float = Query(ge=-180, le=180),
                        dateline: bool = False, limit: int = Query(100, ge=1), statements: bool = STATEMENTS,
                        chosen: dict[str, Any] = Depends(place_filters)) -> dict[str, Any]:  # noqa: B008
        """The real-world events of one point of /api/places (its lat, lon and dateline), newest
        first, each by the report that gave its place."""
        size = check.page_size(limit)
        return {"events": run(lambda: place_events(store, lat, lon, dateline, size, statements=statements, **chosen))}

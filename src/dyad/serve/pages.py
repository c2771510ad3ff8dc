"""The events table (/events: sort, filters with facet counts, page numbers, the deduplicated
toggle, CSV and JSON of the same view), the actor and article pages, their CSV twins in the
API, and the HTML error pages every page route answers with (the API keeps its JSON errors).
"""

from __future__ import annotations

import datetime as dt
import functools
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from markupsafe import Markup, escape
from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException

from ..codebook import PLOVER_TYPES
from ..errors import DyadError
from ..store.export import flat_query
from ..store.parties import SECTORS, parse_party, unknown_code
from ..store.query import Facets, facets, places
from ..store.store import Store
from ..store.views import DEDUPLICATED_SORTS, EVENT_SORTS
from ..types import FACTUAL, MODALITIES
from .charts import map_svg
from .profiles import actor_profile, article_pieces
from .table import View, page_numbers, read_view

__all__ = ["add_table_pages", "error_page", "readable_date"]

HERE = Path(__file__).parent
MAPPED = 500  # the most places an actor's map draws
QUADS = {0: "statement", 1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict"}
# the most rows the page offers as one CSV download: more can outlast the server's query time
# limit (a million events took 8-10 s), and `dyad export` writes any number from the database
WHOLE_CSV_MOST = 100_000
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
Run = Callable[[Callable[[], Any]], Any]


@functools.cache
def _templates() -> jinja2.Environment:
    from .web import web_link

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True)
    env.filters["web_link"] = web_link
    env.filters["day"] = readable_date
    return env


def render(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(_templates().get_template(name).render(**context), status_code=status)


def readable_date(value: object, precision: str | None = "day") -> Markup:
    """An ISO date as people write it, to the precision it is known ("5 Mar 2024", "Mar 2024",
    "2024"), in a <time> element that keeps the ISO form; "-" for none."""
    if value is None or value == "":
        return Markup("-")
    try:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return Markup(escape(str(value)))
    shown = {"year": f"{day.year}", "month": f"{MONTHS[day.month - 1]} {day.year}"}.get(
        precision or "day", f"{day.day} {MONTHS[day.month - 1]} {day.year}")
    return Markup(f'<time datetime="{day.isoformat()}">{shown}</time>')


def is_page(request: Request) -> bool:
    """A request for a page (an HTML error fits) rather than for the API or its schema."""
    path = request.url.path
    return not (path == "/api" or path.startswith("/api/") or path == "/openapi.json")


def error_page(request: Request, status: int, message: str) -> Response | None:
    """The HTML error page for a page route, with the site's navigation; None for the API."""
    if not is_page(request):
        return None
    titles = {400: "Bad request", 404: "Not found", 422: "Bad request", 500: "Something went wrong",
              503: "Too slow"}
    return render("error.html", status=400 if status == 422 else status, code=400 if status == 422 else status,
                  title=titles.get(status, "Error"), message=message)


def add_table_pages(app: FastAPI, store: Store, run: Run, page: int) -> None:
    """Mount /events, /actors/{code}, /articles/{id} and the CSV downloads on the app."""

    def checked(request: Request, api: bool) -> View:
        try:
            view = read_view(request.query_params, api=api)
        except DyadError as err:
            raise HTTPException(400 if not api else 422, str(err)) from None
        for key in ("actor", "recipient", "involving"):
            code = view.filters.get(key)
            problem = run(lambda: unknown_code(code, store.db)) if code else None  # noqa: B023 (run calls it now)
            if problem:
                raise HTTPException(400 if not api else 422, problem)
        return view

    @app.get("/events", response_class=HTMLResponse, include_in_schema=False)
    def events_page(request: Request) -> HTMLResponse:
        view = checked(request, api=False)

        def work() -> tuple[list[dict[str, Any]], int, Facets]:
            listing = store.deduplicated if view.dedup else store.events
            rows = listing(**view.filters, limit=page, offset=view.offset)
            return rows, *facets(store, view.dedup, **view.filters)

        rows, total, counted = run(work)
        sort = view.filters.get("sort")
        other = EVENT_SORTS if view.dedup else DEDUPLICATED_SORTS  # the other view keeps a sort it has too
        toggled_sort = sort if sort and sort.removeprefix("-") in other else None
        return render("events.html", view=view, f=view.given, rows=rows, total=total, facets=counted,
                      facet_links=_facet_links(view, counted), pages=page_numbers(total, view.offset, page),
                      size=page, types=PLOVER_TYPES, modalities=MODALITIES, quads=QUADS, sectors=sorted(SECTORS),
                      factual=FACTUAL, sorts=DEDUPLICATED_SORTS if view.dedup else EVENT_SORTS,
                      sort=sort or "-date", toggled_sort=toggled_sort, whole_most=WHOLE_CSV_MOST)

    def download(request: Request, dedup: bool) -> FileResponse:
        view = checked(request, api=True)
        if dedup and view.filters.get("coder"):
            raise HTTPException(422, "coder filters reports, not real-world events; use /api/events.csv for it")
        filters = dict(view.filters)
        if view.limit:
            filters |= {"limit": view.limit, "offset": view.offset}
        elif view.offset:
            raise HTTPException(422, "offset needs a limit; leave both out for every match")
        out = Path(tempfile.mkstemp(prefix="dyad-", suffix=".csv")[1])

        def work() -> None:
            sql, params = flat_query(store, filters, dedup)
            store.db.cursor().sql(sql, params=params).write_csv(str(out), header=True)

        try:
            run(work)
        except BaseException:
            out.unlink(missing_ok=True)
            raise
        name = "deduplicated.csv" if dedup else "events.csv"
        return FileResponse(out, media_type="text/csv; charset=utf-8", filename=name,
                            background=BackgroundTask(out.unlink, missing_ok=True))

    @app.get("/api/events.csv", response_class=FileResponse)
    def events_csv(request: Request) -> FileResponse:
        """The events /api/events selects (same filters, same sort), every one unless `limit`
        (and `offset`) ask for a page, as CSV with the columns of `dyad export --format csv`."""
        return download(request, dedup=False)

    @app.get("/api/deduplicated.csv", response_class=FileResponse)
    def deduplicated_csv(request: Request) -> FileResponse:
        """The real-world events /api/deduplicated selects, as `dyad export --dedup --format csv`."""
        return download(request, dedup=True)

    @app.get("/actors/{code}", response_class=HTMLResponse, include_in_schema=False)
    def actor_page(code: str) -> HTMLResponse:
        try:
            code = parse_party(code).code
        except DyadError as err:
            raise HTTPException(404, str(err)) from None
        problem = run(lambda: unknown_code(code, store.db))
        if problem:
            raise HTTPException(404, problem)
        profile = run(lambda: actor_profile(store, code))
        # the overview's map, of the events the actor is on either side of; a point lists those
        mapped = run(lambda: places(store, MAPPED, involving=code))
        world = map_svg(mapped, query=urlencode({"involving": code})) if mapped else None
        return render("actor.html", p=profile, quads=QUADS, world=world, top=12)

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(article_id: str) -> HTMLResponse:
        def work() -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
            found = store.article(article_id)
            return found, store.events(article_id=article_id, limit=None, statements=True) if found else []

        article, events = run(work) if len(article_id) <= 200 else (None, [])
        if article is None:
            raise HTTPException(404, f"no article {article_id!r}; article ids are listed on each event's page")
        events.sort(key=lambda e: (e["evidence"]["event"][0], e["id"]))
        unstated = {e["id"]: e["modality"] for e in events if e["modality"] not in FACTUAL}
        return render("article.html", a=article, events=events, quads=QUADS, factual=FACTUAL, unstated=unstated,
                      pieces=article_pieces(article["text"], article["removed"], events))


def _facet_links(view: View, counted: Facets) -> dict[str, list[tuple[str, int, str | None]]]:
    """Each facet value with its count and the link that filters by it (none for a missing value)."""
    def link(name: str, value: str | None) -> str | None:
        if value is None:
            return None
        if name == "month":  # the month, within the view's own dates (which the count kept)
            start = dt.date.fromisoformat(value + "-01")
            end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
            since, until = view.filters.get("since"), view.filters.get("until")
            start, end = max(start, since) if since else start, min(end, until) if until else end
            return view.page_url(since=start.isoformat(), until=end.isoformat(), offset=None)
        return view.page_url(**{"type" if name == "type" else "place_country": value, "offset": None})

    missing = {"type": "statement", "country": "no place", "month": "undated"}
    return {name: [(value or missing[name], n, link(name, value)) for value, n in values]
            for name, values in counted.items()}

"""The web pages of `dyad serve`: overview, events table, event with its evidence, and a dyad's
trend. Server-rendered with autoescaping (article text is untrusted); the charts (`charts`) are
SVG that small scripts in /static make interactive, and every page works without them. Each
page links its JSON twin in the API. A stored URL becomes a link only when it is http(s)
(`web_link`); anything else (`javascript:`, `data:`, ...) is shown as text.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import jinja2
from fastapi import FastAPI, Query
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from markupsafe import Markup
from starlette.exceptions import HTTPException

from ..codebook import default_codebook
from ..store.parties import SECTORS, unknown_code
from ..store.query import (
    PERIODS,
    dyad_events,
    evidence_in_sentence,
    period_end,
    places,
    top_actors,
    top_dyads,
    trend,
    web_query,
)
from ..store.series import left_out_note, period_label, trend_series
from ..store.store import Store
from .apidocs import endpoints
from .charts import map_svg, network_svg, trend_svg
from .pages import add_table_pages, readable_date
from .table import LAST_OFFSET

__all__ = ["LAST_OFFSET", "add_pages", "map_svg", "network_svg", "segments", "trend_svg", "web_link"]

HERE = Path(__file__).parent
NETWORK_TOP, NETWORK_MOST = 30, 100  # dyads the overview's network shows by default, and at most
EVENT_ID = re.compile(r"^[0-9a-f]{16}$")
QUAD_NAMES = {0: "statement", 1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict"}
# what a browser strips from a URL before reading its scheme: C0 controls and space at the ends,
# tabs and newlines anywhere ("java\tscript:" is javascript:)
URL_ENDS = "".join(chr(c) for c in range(0x21))
URL_NOISE = re.compile("[\t\n\r]")
LINK_SCHEMES = ("http", "https")


def web_link(url: object) -> str | None:
    """`url` as a browser would follow it, if that is an http(s) URL; None for anything else
    (javascript:, data:, vbscript:, a relative path, garbage), which a page shows as text."""
    if not isinstance(url, str):
        return None
    cleaned = URL_NOISE.sub("", url.strip(URL_ENDS))
    try:
        parts = urlsplit(cleaned)
    except ValueError:  # a bad [IPv6] host
        return None
    return cleaned if parts.scheme.lower() in LINK_SCHEMES and parts.netloc else None


def segments(event: dict[str, Any], text: str) -> tuple[list[tuple[str, str | None]], list[tuple[str, str]]]:
    """The event's sentence cut into (text, kind) pieces, kind being the evidence it is (actor,
    recipient, event, date, location) or None; and the evidence read outside the sentence (a
    place from the dateline), as (kind, text)."""
    start, end, inside, elsewhere = evidence_in_sentence(event, text)
    pieces: list[tuple[str, str | None]] = []
    outside = [(kind, text[s:e]) for s, e, kind in elsewhere]
    cursor = start
    for s, e, kind in inside:
        if s >= cursor:  # an overlapping span keeps the first
            pieces += [(text[cursor:s], None), (text[s:e], kind)]
            cursor = e
    pieces.append((text[cursor:end], None))
    return [(t, k) for t, k in pieces if t], outside


def add_pages(app: FastAPI, store: Store, run: Callable[[Callable[[], Any]], Any], page: int) -> None:
    """Mount the pages and their stylesheet on the API's app."""
    templates = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True)
    templates.filters["web_link"] = web_link
    templates.filters["day"] = readable_date
    codebook = default_codebook()
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    add_table_pages(app, store, run, page)

    def render(name: str, **context: Any) -> HTMLResponse:
        return HTMLResponse(templates.get_template(name).render(**context))

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def overview(network_top: int = Query(NETWORK_TOP, ge=1, le=NETWORK_MOST)) -> HTMLResponse:
        summary, actors, dyads, spots = run(lambda: (store.summary(), top_actors(store, 15),
                                                      top_dyads(store, max(network_top, 15)), places(store)))
        return render("overview.html", summary=summary, actors=actors, dyads=dyads[:15],
                      network=network_svg(dyads[:network_top]), network_top=network_top, network_most=NETWORK_MOST,
                      world=map_svg(spots), datelines=_dateline_counts(spots), sectors=SECTORS)

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def api_page() -> HTMLResponse:
        return render("docs.html", endpoints=endpoints(app.openapi()))

    @app.get("/events/{event_id}", response_class=HTMLResponse, include_in_schema=False)
    def event_page(event_id: str) -> HTMLResponse:
        found = run(lambda: store.event(event_id)) if EVENT_ID.match(event_id) else None
        if found is None:
            raise HTTPException(404, f"no event {event_id!r}")
        row, text = found
        article, others = run(lambda: (store.article(row["article_id"]) or {}, store.reports(row["deduplicated_id"],
                                                                                             but=row["id"])))
        pieces, outside = segments(row, text)
        code = codebook.get(row["cameo"])
        return render("event.html", e=row, segments=pieces, outside=outside, article=article, others=others,
                      cameo_name=code.name if code else "?", quad_name=QUAD_NAMES.get(row["quad_class"], "-"))

    @app.get("/dyads/{a}/{b}", response_class=HTMLResponse, include_in_schema=False)
    def dyad_page(a: str, b: str, by: str = "month") -> HTMLResponse:
        if not (_party(a) and _party(b)) or by not in PERIODS:
            raise HTTPException(404, "no such dyad page; /dyads/AAA/BBB with actor codes: countries (RUS), "
                                     "organisations (IGOEUR) or either with a sector (RUSMIL)")
        a, b = a.upper(), b.upper()
        problem = run(lambda: _unknown(store, a, b))
        if problem:
            raise HTTPException(404, problem)
        rows, drawn = run(lambda: (trend(store, a, b, by), trend(store, a, b, by, precise=True)))
        chart = _chart_data(a, b, by, drawn, left_out=sum(r["events"] for r in rows) - sum(r["events"] for r in drawn))
        for row in rows:
            start = row["period"].date() if isinstance(row["period"], dt.datetime) else row["period"]
            row["period"], row["label"] = start.isoformat(), period_label(start, by)  # "2024 Q2", as the chart names it
            # a period's link lists exactly the events it counts
            row["link"] = "/events?" + urlencode(web_query(dyad_events(a, b, since=start, until=period_end(start, by))))
        return render("dyad.html", a=a, b=b, by=by, periods=rows, chart=trend_svg(chart["periods"]),
                      chart_data=Markup(json.dumps(chart).replace("<", "\\u003c")), left_out=chart["note"], api_url=f"/api/trend?a={a}&b={b}&by={by}")


def _chart_data(a: str, b: str, by: str, drawn: list[dict[str, Any]], left_out: int) -> dict[str, Any]:
    """What /static/trend.js draws and lists: the charted periods, the note on the events left
    out, and the events of a chosen time range as the period links list them (page and JSON)."""
    sides = urlencode(web_query(dyad_events(a, b)))  # the trend's events, as its period links list them
    return {"by": by, "periods": trend_series(drawn, by), "note": left_out_note(left_out, by),
            "events_page": "/events?" + sides, "events_api": "/api/events?" + sides}


def _dateline_counts(spots: list[dict[str, Any]]) -> dict[str, int]:
    """How many of the map's points, and of their events, are placed at a dateline."""
    return {"points": len(spots), "events": sum(p["events"] for p in spots),
            "dateline_points": sum(1 for p in spots if p["dateline"]),
            "dateline_events": sum(p["events"] for p in spots if p["dateline"])}


def _party(value: str) -> bool:
    """An actor code's shape: three-letter parts (RUS, RUSMIL, IGOEUR, IGOUNOMIL)."""
    return 3 <= len(value) <= 12 and len(value) % 3 == 0 and value.isascii() and value.isalpha()


def _unknown(store: Store, *codes: str | None) -> str | None:
    """The message for the first code that names no actor, or None."""
    for code in codes:
        problem = unknown_code(code, store.db) if code else None
        if problem:
            return problem
    return None

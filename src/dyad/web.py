"""The web pages of `dyad serve`: overview, events table, event with its evidence, and a dyad's
trend. Server-rendered with autoescaping (article text is untrusted), no JavaScript, and each
page links its JSON twin in the API.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from markupsafe import Markup
from starlette.exceptions import HTTPException

from .codebook import PLOVER_TYPES, default_codebook
from .query import PERIODS, top_actors, top_dyads, trend
from .store import Store

__all__ = ["add_pages", "segments", "trend_svg"]

HERE = Path(__file__).parent
EVENT_ID = re.compile(r"^[0-9a-f]{16}$")
QUAD_NAMES = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict"}
QUAD_COLOURS = {1: "#8fc1e3", 2: "#2b7bba", 3: "#f4a582", 4: "#ca0020"}
QUAD_KEYS = {1: "verbal_cooperation", 2: "material_cooperation", 3: "verbal_conflict", 4: "material_conflict"}


def segments(event: dict[str, Any], text: str) -> tuple[list[tuple[str, str | None]], list[tuple[str, str]]]:
    """The event's sentence cut into (text, kind) pieces, kind being the evidence it is (actor,
    recipient, event, date, location) or None; and the evidence read outside the sentence (a
    place from the dateline), as (kind, text)."""
    sentence = event["sentence"]
    event_start = event["evidence"]["event"][0]
    start = text.rfind(sentence, 0, event_start + 1)
    start = start if start >= 0 else max(text.find(sentence), 0)
    end = start + len(sentence)
    spans = sorted((span[0], span[1], kind) for kind, span in event["evidence"].items() if span)
    pieces: list[tuple[str, str | None]] = []
    outside: list[tuple[str, str]] = []
    cursor = start
    for s, e, kind in spans:
        if not (start <= s and e <= end):
            outside.append((kind, text[s:e]))
        elif s >= cursor:  # an overlapping span keeps the first
            pieces += [(text[cursor:s], None), (text[s:e], kind)]
            cursor = e
    pieces.append((text[cursor:end], None))
    return [(t, k) for t, k in pieces if t], outside


def trend_svg(rows: list[dict[str, Any]], width: int = 900, height: int = 280) -> Markup:
    """Stacked QuadClass bars per period and the mean Goldstein line, as inline SVG."""
    if not rows:
        return Markup('<p class="muted">No events between these two.</p>')
    left, right, top, bottom = 40, 40, 10, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    most = max(r["events"] for r in rows) or 1
    step = plot_w / len(rows)
    bar = max(step * 0.7, 1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
             f'aria-label="events by QuadClass and mean Goldstein">']
    for i, row in enumerate(rows):
        x = left + i * step + (step - bar) / 2
        y = top + plot_h
        for quad in (1, 2, 3, 4):
            h = row[QUAD_KEYS[quad]] / most * plot_h
            if h:
                y -= h
                parts.append(f'<rect class="q{quad}" x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                             f'fill="{QUAD_COLOURS[quad]}"><title>{html.escape(str(row["period"]))}: '
                             f'{row[QUAD_KEYS[quad]]} {QUAD_NAMES[quad]}</title></rect>')
        if len(rows) <= 24 or i % (len(rows) // 12 + 1) == 0:
            parts.append(f'<text x="{left + i * step + step / 2:.1f}" y="{height - bottom + 14}" text-anchor="middle">'
                         f'{html.escape(str(row["period"])[:7])}</text>')
    points = " ".join(f"{left + i * step + step / 2:.1f},{top + plot_h / 2 - (r['mean_goldstein'] or 0) / 10 * plot_h / 2:.1f}"
                      for i, r in enumerate(rows))
    parts.append(f'<polyline points="{points}" fill="none" stroke="#111" stroke-width="1.5"/>')
    parts.append(f'<text x="4" y="{top + 10}">{most}</text><text x="{width - right + 4}" y="{top + 10}">+10</text>'
                 f'<text x="{width - right + 4}" y="{top + plot_h}">−10</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def add_pages(app: FastAPI, store: Store, run: Callable[[Callable[[], Any]], Any], page: int) -> None:
    """Mount the pages and their stylesheet on the API's app."""
    templates = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True)
    codebook = default_codebook()
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    def render(name: str, **context: Any) -> HTMLResponse:
        return HTMLResponse(templates.get_template(name).render(**context))

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def overview() -> HTMLResponse:
        summary, actors, dyads = run(lambda: (store.summary(), top_actors(store, 15), top_dyads(store, 15)))
        return render("overview.html", summary=summary, actors=actors, dyads=dyads)

    @app.get("/events", response_class=HTMLResponse, include_in_schema=False)
    def events_page(request: Request) -> HTMLResponse:
        query = {k: v for k, v in request.query_params.items() if v}
        f = _page_filters(query)
        if f["error"]:
            raise HTTPException(422, f["error"])
        offset = _int(query.get("offset"), 0)
        rows = run(lambda: store.events(actor=f["actor"], recipient=f["recipient"], event_type=f["type"],
                                        since=f["since"], until=f["until"], min_confidence=f["min_confidence"],
                                        either_way=bool(query.get("either_way")), limit=page + 1, offset=offset))
        keep = {k: v for k, v in query.items() if k != "offset"}
        api = {k: v for k, v in keep.items() if k != "either_way"}
        return render("events.html", events=rows[:page], f=query, types=PLOVER_TYPES,
                      api_url="/api/events?" + urlencode({**api, "limit": page, "offset": offset}),
                      prev_url="/events?" + urlencode({**keep, "offset": max(offset - page, 0)}) if offset else None,
                      next_url="/events?" + urlencode({**keep, "offset": offset + page}) if len(rows) > page else None)

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
                      cameo_name=code.name if code else "?", quad_name=QUAD_NAMES.get(row["quad_class"] or 0, "-"))

    @app.get("/dyads/{a}/{b}", response_class=HTMLResponse, include_in_schema=False)
    def dyad_page(a: str, b: str, by: str = "month") -> HTMLResponse:
        if not (len(a) == len(b) == 3 and a.isalpha() and b.isalpha()) or by not in PERIODS:
            raise HTTPException(404, "no such dyad page; /dyads/AAA/BBB with ISO3 codes")
        a, b = a.upper(), b.upper()
        rows = run(lambda: trend(store, a, b, by))
        for row in rows:
            start = row["period"].date() if isinstance(row["period"], dt.datetime) else row["period"]
            row["period"] = start.isoformat()
            until = _period_end(start, by)
            row["link"] = "/events?" + urlencode({"actor": a, "recipient": b, "either_way": 1,
                                                  "since": start.isoformat(), "until": until.isoformat()})
        return render("dyad.html", a=a, b=b, by=by, periods=rows, chart=trend_svg(rows),
                      api_url=f"/api/trend?a={a}&b={b}&by={by}")


def _page_filters(query: dict[str, str]) -> dict[str, Any]:
    """The events page's filters, checked; a bad one is named in "error"."""
    out: dict[str, Any] = {"actor": None, "recipient": None, "type": None, "since": None, "until": None,
                           "min_confidence": None, "error": None}
    for key in ("actor", "recipient"):
        value = query.get(key)
        if value and not (len(value) == 3 and value.isalpha()):
            out["error"] = f"{key} must be an ISO3 country code"
        out[key] = value.upper() if value else None
    if query.get("type"):
        out["type"] = query["type"].upper()
        if out["type"] not in PLOVER_TYPES:
            out["error"] = f"unknown PLOVER type {query['type']!r}"
    for key in ("since", "until"):
        if query.get(key):
            try:
                out[key] = dt.date.fromisoformat(query[key])
            except ValueError:
                out["error"] = f"{key} must be a date, YYYY-MM-DD"
    if query.get("min_confidence"):
        try:
            out["min_confidence"] = float(query["min_confidence"])
        except ValueError:
            out["error"] = "min_confidence must be a number"
    return out


def _int(value: str | None, default: int) -> int:
    return int(value) if value and value.isdigit() else default


def _period_end(start: dt.date, by: str) -> dt.date:
    if by == "day":
        return start
    if by == "week":
        return start + dt.timedelta(days=6)
    months = {"month": 1, "quarter": 3, "year": 12}[by]
    month = start.month - 1 + months
    return dt.date(start.year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)

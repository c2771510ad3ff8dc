"""The web pages of `dyad serve`: overview, events table, event with its evidence, and a dyad's
trend. Server-rendered with autoescaping (article text is untrusted), no JavaScript, and each
page links its JSON twin in the API. A stored URL becomes a link only when it is http(s)
(`web_link`); anything else (`javascript:`, `data:`, ...) is shown as text.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import jinja2
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from markupsafe import Markup
from starlette.exceptions import HTTPException

from .codebook import default_codebook
from .pages import add_table_pages, readable_date
from .parties import SECTORS, unknown_code
from .query import PERIODS, evidence_in_sentence, places, top_actors, top_dyads, trend
from .store import Store
from .table import LAST_OFFSET

__all__ = ["LAST_OFFSET", "add_pages", "map_svg", "network_svg", "segments", "trend_svg", "web_link"]

HERE = Path(__file__).parent
EVENT_ID = re.compile(r"^[0-9a-f]{16}$")
QUAD_NAMES = {0: "statement", 1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict"}
QUAD_COLOURS = {1: "#8fc1e3", 2: "#2b7bba", 3: "#f4a582", 4: "#ca0020"}
QUAD_KEYS = {1: "verbal_cooperation", 2: "material_cooperation", 3: "verbal_conflict", 4: "material_conflict"}
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


def _tone(goldstein: float | None) -> str:
    """Red for conflict, blue for cooperation, grey in between."""
    g = goldstein or 0.0
    if g <= -1:
        return "#ca0020"
    return "#2b7bba" if g >= 1 else "#888888"


def network_svg(dyads: list[dict[str, Any]], size: int = 420) -> Markup:
    """Who acts on whom: the countries of the busiest dyads on a circle, a line from actor to
    recipient as wide as their events are many, coloured by mean Goldstein."""
    if not dyads:
        return Markup('<p class="muted">No dyads yet.</p>')
    nodes = sorted({d["actor"] for d in dyads} | {d["recipient"] for d in dyads})
    centre, radius = size / 2, size / 2 - 40
    at = {n: (centre + radius * math.cos(2 * math.pi * i / len(nodes) - math.pi / 2),
              centre + radius * math.sin(2 * math.pi * i / len(nodes) - math.pi / 2)) for i, n in enumerate(nodes)}
    most = max(d["events"] for d in dyads)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="100%" role="img" '
             'aria-label="network of who acts on whom"><defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" '
             'markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto">'
             '<path d="M0,0L10,5L0,10Z" fill="#555"/></marker></defs>']
    for d in dyads:
        (x1, y1), (x2, y2) = at[d["actor"]], at[d["recipient"]]
        length = math.hypot(x2 - x1, y2 - y1) or 1.0
        x2, y2 = x2 - (x2 - x1) * 15 / length, y2 - (y2 - y1) * 15 / length  # the arrow stops at the node's rim
        width = 1 + 5 * d["events"] / most
        parts.append(f'<line class="edge" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                     f'stroke="{_tone(d["mean_goldstein"])}" stroke-width="{width:.1f}" stroke-opacity="0.7" '
                     f'marker-end="url(#arrow)"><title>{html.escape(d["actor"])} → {html.escape(d["recipient"])}: '
                     f'{d["events"]} events, mean Goldstein {d["mean_goldstein"]:+.2f}</title></line>')
    for n, (x, y) in at.items():
        parts.append(f'<a href="/events?actor={html.escape(quote(n, safe=""))}"><circle class="node" cx="{x:.1f}" cy="{y:.1f}" r="13" '
                     f'fill="#23395d"/><text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle" fill="#fff">'
                     f'{html.escape(n)}</text></a>')
    parts.append("</svg>")
    return Markup("".join(parts))


@functools.cache
def _outlines() -> list[tuple[str, str, str]]:
    """The base map shipped with Dyad: (ISO3, name, SVG path) per country (tools/world_map.py)."""
    lines = (HERE / "data" / "world-110m.tsv").read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t")) for line in lines if line and not line.startswith("#")]  # type: ignore[misc]


def map_svg(points: list[dict[str, Any]]) -> Markup:
    """Event places as circles (area by event count, colour by mean Goldstein) on country
    outlines, in an equirectangular projection."""
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 360 180" width="100%" role="img" '
             'aria-label="map of event locations"><rect width="360" height="180" fill="#eef4fa"/>']
    for iso3, name, path in _outlines():
        parts.append(f'<path class="country" data-iso3="{iso3}" d="{path}" fill="#dcdcdc" stroke="#fff" stroke-width="0.2">'
                     f'<title>{html.escape(name)}</title></path>')
    most = max((p["events"] for p in points), default=1)
    for p in points:
        r = 0.8 + 4 * math.sqrt(p["events"] / most)
        parts.append(f'<circle class="place" cx="{p["lon"] + 180:.2f}" cy="{90 - p["lat"]:.2f}" r="{r:.2f}" '
                     f'fill="{_tone(p["mean_goldstein"])}" fill-opacity="0.6" stroke="#333" stroke-width="0.15">'
                     f'<title>{html.escape(p["name"] or "")}: {p["events"]} events</title></circle>')
    parts.append("</svg>")
    return Markup("".join(parts))


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
    def overview() -> HTMLResponse:
        summary, actors, dyads, spots = run(lambda: (store.summary(), top_actors(store, 15), top_dyads(store, 30),
                                                      places(store)))
        return render("overview.html", summary=summary, actors=actors, dyads=dyads[:15], network=network_svg(dyads),
                      world=map_svg(spots), sectors=SECTORS)

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
        rows = run(lambda: trend(store, a, b, by))
        for row in rows:
            start = row["period"].date() if isinstance(row["period"], dt.datetime) else row["period"]
            row["period"] = start.isoformat()
            until = _period_end(start, by)
            row["link"] = "/events?" + urlencode({"actor": a, "recipient": b, "either_way": 1,
                                                  "since": start.isoformat(), "until": until.isoformat()})
        return render("dyad.html", a=a, b=b, by=by, periods=rows, chart=trend_svg(rows),
                      api_url=f"/api/trend?a={a}&b={b}&by={by}")


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


def _period_end(start: dt.date, by: str) -> dt.date:
    if by == "day":
        return start
    if by == "week":
        return start + dt.timedelta(days=6)
    months = {"month": 1, "quarter": 3, "year": 12}[by]
    month = start.month - 1 + months
    return dt.date(start.year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)

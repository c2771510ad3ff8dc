"""The charts of `dyad serve`'s pages, drawn by the server as SVG so they show without
JavaScript: a dyad's trend on a time axis, the network of the busiest dyads and the map of event
places. The page scripts (/static/trend.js, map.js) make the trend and the map interactive; they
read what they need from the SVG's data attributes or a JSON block beside it, never from inline
script. The network needs no script: its arrows and circles are links.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import math
from typing import Any
from urllib.parse import quote, urlencode

from markupsafe import Markup

from ..data import data_path
from ..store.series import COUNTS
from .layout import Node, room, spread

__all__ = ["QUAD_COLOURS", "map_svg", "network_svg", "tone", "trend_svg"]

QUAD_COLOURS = {1: "#8fc1e3", 2: "#2b7bba", 3: "#f4a582", 4: "#ca0020"}
QUAD_NAMES = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict"}


def tone(goldstein: float | None) -> str:
    """Red for conflict, blue for cooperation, grey in between."""
    g = goldstein or 0.0
    if g <= -1:
        return "#ca0020"
    return "#2b7bba" if g >= 1 else "#888888"


def _day(iso: str) -> int:
    return dt.date.fromisoformat(iso).toordinal()


def trend_svg(series: list[dict[str, Any]], width: int = 900, height: int = 280) -> Markup:
    """Stacked QuadClass bars per period of `series.trend_series`, on a time axis (a bar spans
    its period's days; empty periods leave their gap), the mean Goldstein line with its zero."""
    if not series:
        return Markup('<p class="muted">No events between these two.</p>')
    left, right, top, bottom = 40, 40, 10, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    first, after = _day(series[0]["start"]), _day(series[-1]["end"]) + 1
    per_day = plot_w / (after - first)
    most = max(p["events"] for p in series) or 1
    zero = top + plot_h / 2
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
             f'aria-label="events by QuadClass and mean Goldstein, by period">',
             f'<line class="zero" x1="{left}" x2="{width - right}" y1="{zero}" y2="{zero}" stroke="#999" '
             f'stroke-dasharray="4 3"/>']
    line: list[str] = []
    every = max(1, -(-len(series) // 12))  # about 12 labels at most
    for i, p in enumerate(series):
        x, span = left + (_day(p["start"]) - first) * per_day, (_day(p["end"]) + 1 - _day(p["start"])) * per_day
        y = top + plot_h
        for quad, key in enumerate(COUNTS, start=1):
            h = p[key] / most * plot_h
            if h:
                y -= h
                parts.append(f'<rect class="q{quad}" x="{x + span * 0.075:.1f}" y="{y:.1f}" width="{max(span * 0.85, 1):.1f}" '
                             f'height="{h:.1f}" fill="{QUAD_COLOURS[quad]}"><title>{html.escape(p["label"])}: {p[key]} '
                             f'{QUAD_NAMES[quad]}</title></rect>')
        if p["events"]:
            line.append(f"{x + span / 2:.1f},{zero - (p['mean_goldstein'] or 0) / 10 * plot_h / 2:.1f}")
        if i % every == 0:
            parts.append(f'<text class="tick" x="{x + span / 2:.1f}" y="{height - bottom + 14}" text-anchor="middle">'
                         f'{html.escape(p["label"])}</text>')
    parts.append(f'<polyline points="{" ".join(line)}" fill="none" stroke="#111" stroke-width="1.5"/>')
    parts.append(f'<text x="4" y="{top + 10}">{most}</text><text x="{width - right + 4}" y="{top + 10}">+10</text>'
                 f'<text x="{width - right + 4}" y="{zero + 4}">0</text>'
                 f'<text x="{width - right + 4}" y="{top + plot_h}">−10</text></svg>')
    return Markup("".join(parts))


def network_svg(dyads: list[dict[str, Any]], size: int = 460) -> Markup:
    """Who acts on whom: a node per actor of the busiest dyads (area by events), laid out so no
    two overlap (`layout.spread`), and an arrow from actor to recipient as wide as their events
    are many, coloured by mean Goldstein. An edge links its dyad's page; a node its events."""
    if not dyads:
        return Markup('<p class="muted">No dyads yet.</p>')
    weight: dict[str, int] = {}
    for d in dyads:
        for code in (d["actor"], d["recipient"]):
            weight[code] = weight.get(code, 0) + d["events"]
    heaviest = max(weight.values())
    nodes = [Node(code, max(9 + 13 * math.sqrt(w / heaviest), 3.4 * len(code) + 2)) for code, w in sorted(weight.items())]
    size = max(size, math.ceil(room(nodes)))
    at = spread(nodes, [(d["actor"], d["recipient"]) for d in dyads], size)
    radius = {n.name: n.radius for n in nodes}
    pairs = {(d["actor"], d["recipient"]) for d in dyads}
    most = max(d["events"] for d in dyads)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="100%" role="img" '
             'aria-label="network of who acts on whom"><defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" '
             'markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto">'
             '<path d="M0,0L10,5L0,10Z" fill="#555"/></marker></defs>']
    for d in sorted(dyads, key=lambda d: -d["events"]):  # the busiest under, thin ones on top stay clickable
        a, b = d["actor"], d["recipient"]
        bend = 0.18 if (b, a) in pairs else 0.0  # both ways: two arcs, not one line twice
        path = _arc(at[a], at[b], radius[a], radius[b] + 3, bend)
        title = (f'{html.escape(a)} → {html.escape(b)}: {d["events"]} events, mean Goldstein '
                 f'{d["mean_goldstein"]:+.2f}')
        parts.append(f'<a class="dyad" href="/dyads/{quote(a, safe="")}/{quote(b, safe="")}" data-actor="{html.escape(a)}" '
                     f'data-recipient="{html.escape(b)}"><title>{title}</title>'
                     f'<path class="hit" d="{path}" fill="none" stroke="#fff" stroke-opacity="0" stroke-width="12"/>'
                     f'<path class="edge" d="{path}" fill="none" stroke="{tone(d["mean_goldstein"])}" '
                     f'stroke-width="{1 + 6 * d["events"] / most:.1f}" stroke-opacity="0.75" marker-end="url(#arrow)"/></a>')
    for n in nodes:
        x, y = at[n.name]
        parts.append(f'<a class="actor" href="/events?actor={html.escape(quote(n.name, safe=""))}"><title>{html.escape(n.name)}: '
                     f'{weight[n.name]} events in these dyads</title><circle class="node" cx="{x:.1f}" cy="{y:.1f}" '
                     f'r="{n.radius:.1f}" fill="#23395d"/><text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle" '
                     f'fill="#fff">{html.escape(n.name)}</text></a>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _arc(start: tuple[float, float], end: tuple[float, float], r_start: float, r_end: float, bend: float) -> str:
    """An SVG path from one node's rim to the other's, bowed to its right by `bend` of its length."""
    (x1, y1), (x2, y2) = start, end
    length = math.hypot(x2 - x1, y2 - y1) or 1.0
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    cx, cy = (x1 + x2) / 2 - uy * bend * length, (y1 + y2) / 2 + ux * bend * length
    def toward(x: float, y: float, r: float) -> tuple[float, float]:  # the rim point facing the control point
        d = math.hypot(cx - x, cy - y) or 1.0
        return x + (cx - x) * r / d, y + (cy - y) * r / d
    (sx, sy), (ex, ey) = toward(x1, y1, r_start), toward(x2, y2, r_end)
    return f"M{sx:.1f},{sy:.1f}Q{cx:.1f},{cy:.1f} {ex:.1f},{ey:.1f}"


@functools.cache
def _outlines() -> list[tuple[str, str, str]]:
    """The base map shipped with Dyad: (ISO3, name, SVG path) per country (tools/world_map.py)."""
    lines = data_path("world-110m.tsv").read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t")) for line in lines if line and not line.startswith("#")]  # type: ignore[misc]


def map_svg(points: list[dict[str, Any]], events_api: str = "/api/places/events", query: str = "") -> Markup:
    """Event places (`query.places`) as circles on country outlines, in an equirectangular
    projection: area by real-world events, colour by mean Goldstein, a dashed rim for a place
    known only from datelines. Each links the JSON list of its events (`events_api`, with the
    page's filters in `query`); /static/map.js adds zoom, pan, clusters and the dateline toggle."""
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 360 180" width="100%" role="img" '
             'aria-label="map of where events happened"><rect class="sea" width="360" height="180" fill="#eef4fa"/>'
             '<g class="countries">']
    for iso3, name, path in _outlines():
        parts.append(f'<path class="country" data-iso3="{iso3}" d="{path}" fill="#dcdcdc" stroke="#fff" stroke-width="0.2">'
                     f'<title>{html.escape(name)}</title></path>')
    parts.append('</g><g class="places">')
    most = max((p["events"] for p in points), default=1)
    for p in points:
        r = 0.8 + 4 * math.sqrt(p["events"] / most)
        where = urlencode({"lat": p["lat"], "lon": p["lon"], "dateline": str(bool(p["dateline"])).lower()})
        kind = "dateline" if p["dateline"] else "own"
        dash = ' stroke-dasharray="0.6 0.4"' if p["dateline"] else ""
        parts.append(f'<a class="place {kind}" href="{html.escape(events_api)}?{html.escape(where)}{"&amp;" + html.escape(query) if query else ""}">'
                     f'<circle class="place {kind}" cx="{p["lon"] + 180:.2f}" cy="{90 - p["lat"]:.2f}" r="{r:.2f}" '
                     f'data-r="{r:.2f}" data-events="{p["events"]}" fill="{tone(p["mean_goldstein"])}" fill-opacity="0.65" '
                     f'stroke="#333" stroke-width="0.25"{dash}><title>{html.escape(p["name"] or "")}'
                     f'{" (dateline)" if p["dateline"] else ""}: {p["events"]} events, mean Goldstein '
                     f'{p["mean_goldstein"]:+.2f}</title></circle></a>')
    parts.append("</g></svg>")
    return Markup("".join(parts))

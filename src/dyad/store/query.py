"""Questions analysts ask of a store: trends of a dyad over time, top actors and dyads, text
search, and the whole table as a DataFrame.

Only events stated as happening, intended or past count (see `types.FACTUAL`), and statements
(CAMEO 01) only when asked for (`statements=True`; see `views.NOT_STATEMENT`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ..errors import DyadError
from ..types import FACTUAL
from . import views
from .grouping import best_place
from .parties import code_label, parse_party
from .series import COUNTS, coarser_than, left_out_note, period_label, period_start, trend_series
from .store import Store
from .views import NOT_STATEMENT

__all__ = ["FACETS", "PERIODS", "Facets", "check_plot_path", "cli_args", "dyad_events", "evidence_in_sentence", "facets",
           "load", "period_end", "place_events", "places", "plot_trend", "search", "top_actors", "top_dyads", "trend",
           "trend_figure", "web_query"]

PERIODS = ("day", "week", "month", "quarter", "year")


def load(db: str | Path = "dyad.duckdb", polars: bool = False, deduplicated: bool = False,
         statements: bool = False) -> Any:
    """Every stored event as a pandas DataFrame (a polars one with `polars=True`); with
    `deduplicated=True`, one row per real-world event, its reports listed in `reported_by`;
    with `statements=True`, the CAMEO 01 statements too."""
    with Store(db, read_only=True) as store:
        if deduplicated:
            sql, params = views.deduplicated_query(statements=statements)
            relation = store.db.cursor().sql(f"SELECT * FROM ({sql}) ORDER BY date, id", params=params)
        else:
            where = "" if statements else f" WHERE {NOT_STATEMENT}"
            relation = store.db.cursor().sql(f"SELECT * FROM events{where} ORDER BY date, id")
        return relation.pl() if polars else relation.df()


def dyad_events(actor: str, recipient: str, directed: bool = False, since: dt.date | None = None,
                until: dt.date | None = None, min_confidence: float = 0.0,
                statements: bool = False) -> dict[str, Any]:
    """The one definition of "the events of a dyad" (in a period: from `since` to `until`), as
    `Store.events` filters: between the two parties in either role (only `actor` on
    `recipient` when `directed`), stated as happening, intended or past (`FACTUAL`: a negated or
    hypothetical event did not happen, so it is not counted), with a confidence of at least
    `min_confidence`, and statements only with `statements`. `trend` counts these; the dyad
    page's periods, the API and `dyad events` list them (`web_query` and `cli_args` spell
    them as those take filters)."""
    if not 0.0 <= min_confidence <= 1.0:
        raise DyadError(f"min_confidence is from 0 to 1, not {min_confidence!r}")
    return {"actor": actor, "recipient": recipient, "either_way": not directed, "modality": list(FACTUAL),
            "since": since, "until": until, "min_confidence": min_confidence or None, "statements": statements}


def web_query(filters: dict[str, Any]) -> list[tuple[str, str]]:
    """`dyad_events` filters as the query string of the events page and of /api/events."""
    pairs = [(key, str(filters[key])) for key in ("actor", "recipient") if filters.get(key)]
    pairs += [("either_way", "true")] if filters.get("either_way") else []
    pairs += [("modality", m) for m in filters.get("modality") or ()]
    pairs += [(key, filters[key].isoformat()) for key in ("since", "until") if filters.get(key)]
    pairs += [("min_confidence", f"{filters['min_confidence']:g}")] if filters.get("min_confidence") else []
    return pairs + ([("statements", "true")] if filters.get("statements") else [])


def cli_args(filters: dict[str, Any]) -> list[str]:
    """`dyad_events` filters as `dyad events` flags."""
    return [arg for key, value in web_query(filters)
            for arg in (f"--{key.replace('_', '-')}", *([] if value == "true" else [value]))]


def period_end(start: dt.date, by: str) -> dt.date:
    """The last day of the period (of `PERIODS`) that begins on `start`."""
    if by == "day":
        return start
    if by == "week":
        return start + dt.timedelta(days=6)
    months = {"month": 1, "quarter": 3, "year": 12}[by]
    month = start.month - 1 + months
    return dt.date(start.year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)


def trend(store: Store, actor: str, recipient: str, by: str = "month", directed: bool = False,
          min_confidence: float = 0.0, statements: bool = False, precise: bool = False) -> list[dict[str, Any]]:
    """Per dated period: the events of the dyad (`dyad_events`) in each QuadClass and their mean
    Goldstein score, actor codes as `parties` reads them: countries (RUS), organisations
    (IGOEUR) or either with a sector (RUSMIL); with `statements`, the statements (QuadClass 0)
    too, counted in `statements` and in `events` and the mean. A period's events are
    `dyad_events(..., since=period, until=period_end(period, by))`. With `precise`, only the
    events whose date is known at least to the period (a chart's bars; see `series`)."""
    if by not in PERIODS:
        raise DyadError(f"unknown period {by!r}; one of {', '.join(PERIODS)}")
    parse_party(actor), parse_party(recipient)  # a bad code is a DyadError, not an SQL one
    sql, params = views.event_query(**dyad_events(actor, recipient, directed, min_confidence=min_confidence,
                                                  statements=statements), ordered=False, counts=False)
    statement_count = f"\n                   count(*) FILTER (WHERE NOT ({NOT_STATEMENT})) AS statements," if statements else ""
    coarse = coarser_than(by) if precise else ()
    precision = f" AND coalesce(date_precision, 'day') NOT IN ({', '.join(repr(p) for p in coarse)})" if coarse else ""
    rows = store.db.execute(
        f"""SELECT CAST(date_trunc('{by}', date) AS DATE) AS period,
                   count(*) FILTER (WHERE quad_class = 1) AS verbal_cooperation,
                   count(*) FILTER (WHERE quad_class = 2) AS material_cooperation,
                   count(*) FILTER (WHERE quad_class = 3) AS verbal_conflict,
                   count(*) FILTER (WHERE quad_class = 4) AS material_conflict,{statement_count}
                   count(*) AS events,
                   round(avg(goldstein), 2) AS mean_goldstein
            FROM ({sql}) WHERE date IS NOT NULL{precision}
            GROUP BY 1 ORDER BY 1""", params)
    columns = [d[0] for d in rows.description]
    return [dict(zip(columns, row, strict=True)) for row in rows.fetchall()]


def check_plot_path(out: Path) -> None:
    """A DyadError unless `out` names a file of a format the plot can be drawn in, in a folder
    that exists."""
    import matplotlib

    matplotlib.use("Agg")  # no display needed
    from matplotlib.backend_bases import FigureCanvasBase

    formats = FigureCanvasBase.get_supported_filetypes()
    if out.suffix.lower().lstrip(".") not in formats:
        raise DyadError(f"cannot draw a plot as {out.suffix or 'a file without a suffix'}; name a .png or .svg "
                        f"file (or {', '.join('.' + f for f in sorted(formats) if f not in ('png', 'svg'))})")
    if not out.parent.is_dir():
        raise DyadError(f"the folder {out.parent} does not exist; create it first")


def plot_trend(rows: list[dict[str, Any]], title: str, out: Path, by: str = "month", left_out: int = 0) -> None:
    """The trend as PNG or SVG (by `out`'s suffix): see `trend_figure`."""
    check_plot_path(out)
    import matplotlib.pyplot as plt

    fig = trend_figure(rows, title, by, left_out)
    fig.savefig(out)
    plt.close(fig)


def trend_figure(rows: list[dict[str, Any]], title: str, by: str = "month", left_out: int = 0) -> Any:
    """Stacked QuadClass counts per period and the mean Goldstein line with its zero, on a time
    axis that shows empty periods and names ticks by `by`; `left_out` events too coarsely dated
    to draw are named in a note under the chart."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FixedLocator, FuncFormatter

    series = trend_series(rows, by)
    starts = [mdates.date2num(dt.date.fromisoformat(p["start"])) for p in series]  # type: ignore[no-untyped-call]
    widths = [mdates.date2num(dt.date.fromisoformat(p["end"])) + 1 - s for p, s in zip(series, starts, strict=True)]  # type: ignore[no-untyped-call]
    middles = [s + w / 2 for s, w in zip(starts, widths, strict=True)]
    fig, counts = plt.subplots(figsize=(10, 4.5))
    bottom = [0] * len(series)
    for key, colour in zip(COUNTS, ("#8fc1e3", "#2b7bba", "#f4a582", "#ca0020"), strict=True):
        values = [p[key] for p in series]
        counts.bar(middles, values, width=[w * 0.85 for w in widths], bottom=bottom, color=colour,
                   label=key.replace("_", " "))
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    counts.xaxis_date()
    counts.set_ylabel("events")
    goldstein = counts.twinx()
    goldstein.axhline(0, color="#888", linewidth=0.8, linestyle="--")
    goldstein.plot(middles, [p["mean_goldstein"] if p["events"] else float("nan") for p in series],
                   color="black", marker="o", label="mean Goldstein")
    goldstein.set_ylim(-10, 10)
    goldstein.set_ylabel("mean Goldstein")
    every = max(1, -(-len(starts) // 12))  # at most about 12 labels
    counts.xaxis.set_major_locator(FixedLocator(middles[::every]))  # a label under the middle of its bar
    counts.xaxis.set_major_formatter(FuncFormatter(lambda x, _: _period_named(x, by)))
    bars, line = counts.get_legend_handles_labels(), goldstein.get_legend_handles_labels()
    counts.legend(bars[0] + line[0], bars[1] + line[1], loc="upper left", fontsize="small")  # one legend for both axes
    counts.set_title(title)
    counts.tick_params(axis="x", labelrotation=45)
    if left_out:
        fig.text(0.01, 0.01, left_out_note(left_out, by), fontsize="small", color="#555")
    fig.tight_layout(rect=(0, 0.04 if left_out else 0, 1, 1))
    return fig


def _period_named(number: float, by: str) -> str:
    """The label of the period a matplotlib date number lies in."""
    import matplotlib.dates as mdates

    day: dt.datetime = mdates.num2date(number)  # type: ignore[no-untyped-call]
    return period_label(period_start(day.date(), by), by)


def _count(name: str, value: int) -> int:
    """`value` if it is a whole number of at least 1, for a LIMIT; else a DyadError naming `name`."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise DyadError(f"{name} is a whole number of at least 1, not {value!r}")
    return value


def top_actors(store: Store, top: int = 20, statements: bool = False, people: int = 3) -> list[dict[str, Any]]:
    """The actor codes with the most events, each named for what the code is (`code_label`:
    "Russia · government", never one of the people coded under it), with its `people`: the
    named people among its events (at most `people`, busiest first) and their event counts."""
    _count("top", top)
    kinds = "" if statements else f" AND {NOT_STATEMENT}"
    rows = store.db.execute(
        f"""SELECT actor_code AS code, count(*) AS events, round(avg(goldstein), 2) AS mean_goldstein
           FROM events WHERE actor_code IS NOT NULL AND list_contains(?, modality){kinds}
           GROUP BY 1 ORDER BY events DESC, 1 LIMIT ?""", [list(FACTUAL), top])
    columns = [d[0] for d in rows.description]
    found = [dict(zip(columns, row, strict=True)) for row in rows.fetchall()]
    named: dict[str, list[dict[str, Any]]] = {row["code"]: [] for row in found}
    if found:  # a person is an actor with an office (a role) and a name
        for code, name, n in store.db.execute(
                f"""SELECT actor_code, actor_name, count(*) AS n FROM events
                    WHERE list_contains(?, actor_code) AND actor_role IS NOT NULL AND actor_name IS NOT NULL
                      AND list_contains(?, modality){kinds}
                    GROUP BY 1, 2 ORDER BY n DESC, 2""", [list(named), list(FACTUAL)]).fetchall():
            if len(named[code]) < people:
                named[code].append({"name": name, "events": n})
    return [{"code": row["code"], "name": code_label(row["code"]), **row, "people": named[row["code"]]}
            for row in found]


def top_dyads(store: Store, top: int = 20, statements: bool = False) -> list[dict[str, Any]]:
    _count("top", top)
    return list(store.summary(top=top, statements=statements)["top_dyads"])


def search(store: Store, text: str, limit: int = 20, statements: bool = False) -> list[dict[str, Any]]:
    """Sentences containing every word of `text` (case-insensitive), newest first, each with
    its article and the ids of the events (and with `statements`, statements) coded from it."""
    _count("limit", limit)
    words = [w for w in text.lower().split() if w]
    if not words:
        raise DyadError("search for at least one word")
    where = " AND ".join("contains(lower(s.text), ?)" for _ in words)
    kinds = "" if statements else f" AND e.{NOT_STATEMENT}"  # NOT_STATEMENT names a column of the events table
    cursor = store.db.cursor().execute(
        f"""SELECT s.article_id, a.date, a.title, s.sentence_index, s.start_offset, s.end_offset, s.text,
                   coalesce((SELECT list(e.id ORDER BY e.id) FROM events e
                             WHERE e.article_id = s.article_id AND e.sentence_index = s.sentence_index{kinds}), []) AS events
            FROM sentences s JOIN articles a ON a.id = s.article_id
            WHERE {where} ORDER BY a.date DESC NULLS LAST, s.article_id, s.sentence_index LIMIT ?""", [*words, limit])
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


# Each real-world event is drawn once, at the place its best report gives (grouping's _PLACE_KEY:
# its own sentence, then its article, and a dateline only when no report says where it happened).
_PLACED = """SELECT dedup_id, place.name, place.country, place.lat, place.lon,
        coalesce(place.source = 'dateline', false) AS dateline, place.event_id, reports, goldstein
    FROM (SELECT dedup_id, {place} AS place, count(*) AS reports, avg(goldstein) AS goldstein
          FROM ({events}) {at} GROUP BY dedup_id)"""
# The same from the place the writer keeps for each deduplicated event (no sort of its reports)
_STORED_PLACE = """SELECT id AS dedup_id, place_name AS name, place_country AS country, place_lat AS lat,
        place_lon AS lon, coalesce(place_source = 'dateline', false) AS dateline, place_event_id AS event_id,
        reports, goldstein
    FROM deduplicated_events {where}"""
# filters that keep or drop a deduplicated event with all its reports (its reports share a type)
_WHOLE_EVENT_FILTERS = {"event_type", "either_way"}


def _placed(store: Store, statements: bool, filters: dict[str, Any],
            at: tuple[float, float] | None = None) -> tuple[str, list[Any]]:
    """SQL for the real-world events (of factual reports matching `filters`, as `Store.events`
    takes them) and the place, report count and mean Goldstein of each, with its parameters;
    with `at`, at least those placed at that (lat, lon). Without a filter that keeps only some
    of an event's reports (an actor, a date range), the writer's stored places answer."""
    if all(key in _WHOLE_EVENT_FILTERS or not value for key, value in filters.items()):
        event_type = filters.get("event_type")
        where = " AND ".join(["list_contains(?, modality)", *([] if statements else [NOT_STATEMENT]),
                              *(["event_type = ?"] if event_type else [])])
        return (_STORED_PLACE.format(where=f"WHERE {where}"),
                [list(FACTUAL), *([event_type.upper()] if event_type else [])])
    sql, params = views.event_query(modality=FACTUAL, statements=statements, ordered=False, counts=False, **filters)
    if at is None:
        return _PLACED.format(place=best_place(), events=sql, at=""), params
    # only the events with a report at the point can be placed there: read just their reports
    near = f"WHERE dedup_id IN (SELECT dedup_id FROM ({sql}) WHERE location_lat = ? AND location_lon = ?)"
    return _PLACED.format(place=best_place(), events=sql, at=near), [*params, *params, *at]


def places(store: Store, top: int = 500, statements: bool = False, **filters: Any) -> list[dict[str, Any]]:
    """The places events happened in, busiest first: coordinates, real-world `events` and their
    `reports`, mean Goldstein, and `dateline` when the place is only where the stories were filed
    (no report said where the event happened). `filters` are `Store.events`' (actor, since, ...)."""
    _count("top", top)
    sql, params = _placed(store, statements, filters)
    cursor = store.db.cursor().execute(
        f"""SELECT name, country, lat, lon, dateline, count(*) AS events, sum(reports) AS reports,
                  round(avg(goldstein), 2) AS mean_goldstein
           FROM ({sql}) WHERE lat IS NOT NULL AND lon IS NOT NULL
           GROUP BY ALL ORDER BY events DESC, name, dateline LIMIT ?""", [*params, top])
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def place_events(store: Store, lat: float, lon: float, dateline: bool, limit: int = 100, statements: bool = False,
                 **filters: Any) -> list[dict[str, Any]]:
    """The real-world events a map point of `places` stands for, newest first: the report that
    gave the place (`id`), its date, sides, type, Goldstein and sentence."""
    _count("limit", limit)
    sql, params = _placed(store, statements, filters, at=(lat, lon))
    cursor = store.db.cursor().execute(
        f"""SELECT e.id, e.date, e.actor_code, e.event_type, e.cameo, e.recipient_code, e.goldstein, e.sentence,
                  p.name AS place, p.reports
           FROM ({sql}) p JOIN events e ON e.id = p.event_id
           WHERE p.lat = ? AND p.lon = ? AND p.dateline = ?
           ORDER BY e.date DESC NULLS LAST, e.id LIMIT ?""", [*params, lat, lon, dateline, limit])
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


Span = tuple[int, int, str]


def evidence_in_sentence(event: dict[str, Any], text: str) -> tuple[int, int, list[Span], list[Span]]:
    """Where an event's sentence lies in its article's `text`, and its evidence as (start, end,
    kind) spans, earliest and then longest first: those inside the sentence, and those read
    elsewhere (a place from the dateline)."""
    sentence = event["sentence"]
    start = text.rfind(sentence, 0, event["evidence"]["event"][0] + 1)
    start = start if start >= 0 else max(text.find(sentence), 0)
    end = start + len(sentence)
    spans = sorted(((s, e, kind) for kind, span in event["evidence"].items() if span for s, e in [span]),
                   key=lambda x: (x[0], -x[1]))
    inside = [x for x in spans if start <= x[0] and x[1] <= end]
    return start, end, inside, [x for x in spans if x not in inside]


# What the events table counts its matches by, as SQL on the events table: the type, the
# country the event happened in and its month. A facet's value is a filter (`facet_filter`),
# so a count is the number of matches that filter leaves.
FACETS = {"type": "event_type", "country": "location_country", "month": "strftime(date, '%Y-%m')"}
Facets = dict[str, list[tuple[str | None, int]]]


def facets(store: Store, dedup: bool = False, top: int = 12, **filters: Any) -> tuple[int, Facets]:
    """How many events (with `dedup`, real-world events) match `filters` (those of
    `Store.events`, `Store.deduplicated`), and for each of `FACETS` their values and how many
    have each: the `top` busiest types and countries, the latest `top` months. One scan of the
    matches counts them all (GROUPING SETS). With `dedup`, real-world events are counted by
    their own type and first day; they have no country facet (its count, the real-world events
    one of whose reports names a country, scans every report: 400 ms over a million)."""
    _count("top", top)
    filters = {k: v for k, v in filters.items() if k not in ("sort", "limit", "offset")}
    if dedup:
        where, params = views.deduplicated_where(**filters)
        rows = f"SELECT * FROM deduplicated_events {where}"
    else:
        rows, params = views.event_query(**filters, counts=False, ordered=False)
    names = [name for name in FACETS if not (dedup and name == "country")]
    cursor = store.db.cursor()
    found: Facets
    counted = cursor.execute(
        f"""SELECT {", ".join(f"GROUPING({FACETS[n]})" for n in names)}, {", ".join(FACETS[n] for n in names)}, count(*)
            FROM ({rows}) GROUP BY GROUPING SETS ({", ".join(f"({FACETS[n]})" for n in names)}, ())""", params).fetchall()
    total, found = 0, {name: [] for name in FACETS}
    for row in counted:
        grouped = [i for i, flag in enumerate(row[: len(names)]) if flag == 0]
        if grouped:
            found[names[grouped[0]]].append((row[len(names) + grouped[0]], int(row[-1])))
        else:
            total = int(row[-1])
    for name, values in found.items():
        if name == "month":  # the latest first, the undated last
            values.sort(key=lambda x: (x[0] is not None, x[0] or ""), reverse=True)
        else:  # the busiest first
            values.sort(key=lambda x: (-x[1], x[0] is None, x[0] or ""))
        del values[top:]
    return total, found

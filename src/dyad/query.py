"""Questions analysts ask of a store: trends of a dyad over time, top actors and dyads, text
search, and the whole table as a DataFrame.

Only events stated as happening, intended or past count (see `types.FACTUAL`), and statements
(CAMEO 01) only when asked for (`statements=True`; see `store.NOT_STATEMENT`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import DyadError
from .parties import parse_party, party_condition
from .store import NOT_STATEMENT, Store
from .types import FACTUAL

__all__ = ["FACETS", "PERIODS", "Facets", "check_plot_path", "evidence_in_sentence", "facets", "load", "places", "plot_trend",
           "search", "top_actors", "top_dyads", "trend"]

PERIODS = ("day", "week", "month", "quarter", "year")


def load(db: str | Path = "dyad.duckdb", polars: bool = False, deduplicated: bool = False,
         statements: bool = False) -> Any:
    """Every stored event as a pandas DataFrame (a polars one with `polars=True`); with
    `deduplicated=True`, one row per real-world event, its reports listed in `reported_by`;
    with `statements=True`, the CAMEO 01 statements too."""
    with Store(db, read_only=True) as store:
        if deduplicated:
            sql, params = store.deduplicated_query(statements=statements)
            relation = store.db.cursor().sql(f"SELECT * FROM ({sql}) ORDER BY date, id", params=params)
        else:
            where = "" if statements else f" WHERE {NOT_STATEMENT}"
            relation = store.db.cursor().sql(f"SELECT * FROM events{where} ORDER BY date, id")
        return relation.pl() if polars else relation.df()


def trend(store: Store, actor: str, recipient: str, by: str = "month", directed: bool = False,
          min_confidence: float = 0.0, statements: bool = False) -> list[dict[str, Any]]:
    """Per period: events in each QuadClass and the mean Goldstein score between two parties,
    actor codes as `parties` reads them: countries (RUS), organisations (IGOEUR) or either with
    a sector (RUSMIL) (either way round unless `directed`); with `statements`, the statements (QuadClass 0) too,
    counted in `statements` and in `events` and the mean."""
    if by not in PERIODS:
        raise DyadError(f"unknown period {by!r}; one of {', '.join(PERIODS)}")
    if not 0.0 <= min_confidence <= 1.0:
        raise DyadError(f"min_confidence is from 0 to 1, not {min_confidence!r}")
    one, other = parse_party(actor), parse_party(recipient)
    forward = [party_condition("actor", one), party_condition("recipient", other)]
    back = [party_condition("actor", other), party_condition("recipient", one)]
    pairs = [forward] if directed else [forward, back]
    dyad = "(" + " OR ".join(f"({a[0]} AND {r[0]})" for a, r in pairs) + ")"
    params: list[Any] = [p for a, r in pairs for p in (*a[1], *r[1])]
    statement_count = f"\n                   count(*) FILTER (WHERE NOT ({NOT_STATEMENT})) AS statements," if statements else ""
    kinds = "" if statements else f" AND {NOT_STATEMENT}"
    rows = store.db.execute(
        f"""SELECT date_trunc('{by}', date) AS period,
                   count(*) FILTER (WHERE quad_class = 1) AS verbal_cooperation,
                   count(*) FILTER (WHERE quad_class = 2) AS material_cooperation,
                   count(*) FILTER (WHERE quad_class = 3) AS verbal_conflict,
                   count(*) FILTER (WHERE quad_class = 4) AS material_conflict,{statement_count}
                   count(*) AS events,
                   round(avg(goldstein), 2) AS mean_goldstein
            FROM events
            WHERE {dyad} AND date IS NOT NULL AND confidence >= ? AND list_contains(?, modality){kinds}
            GROUP BY 1 ORDER BY 1""",
        [*params, min_confidence, list(FACTUAL)],
    )
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


def plot_trend(rows: list[dict[str, Any]], title: str, out: Path) -> None:
    """Stacked QuadClass counts and the mean Goldstein line, as PNG or SVG (by `out`'s suffix)."""
    check_plot_path(out)
    import matplotlib.pyplot as plt

    periods = [str(r["period"])[:10] for r in rows]
    fig, counts = plt.subplots(figsize=(10, 4.5))
    bottom = [0] * len(rows)
    for key, colour in (("verbal_cooperation", "#8fc1e3"), ("material_cooperation", "#2b7bba"),
                        ("verbal_conflict", "#f4a582"), ("material_conflict", "#ca0020")):
        values = [r[key] for r in rows]
        counts.bar(periods, values, bottom=bottom, color=colour, label=key.replace("_", " "))
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    counts.set_ylabel("events")
    goldstein = counts.twinx()
    goldstein.plot(periods, [r["mean_goldstein"] for r in rows], color="black", marker="o", label="mean Goldstein")
    goldstein.set_ylim(-10, 10)
    goldstein.set_ylabel("mean Goldstein")
    counts.legend(loc="upper left", fontsize="small")
    counts.set_title(title)
    counts.tick_params(axis="x", labelrotation=45)
    fig.tight_layout()
    fig.savefig(out)
    plt.close(fig)


def _count(name: str, value: int) -> int:
    """`value` if it is a whole number of at least 1, for a LIMIT; else a DyadError naming `name`."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise DyadError(f"{name} is a whole number of at least 1, not {value!r}")
    return value


def top_actors(store: Store, top: int = 20, statements: bool = False) -> list[dict[str, Any]]:
    _count("top", top)
    kinds = "" if statements else f" AND {NOT_STATEMENT}"
    rows = store.db.execute(
        f"""SELECT actor_code AS code, any_value(actor_name) AS name, count(*) AS events,
                  round(avg(goldstein), 2) AS mean_goldstein
           FROM events WHERE actor_code IS NOT NULL AND list_contains(?, modality){kinds}
           GROUP BY 1 ORDER BY events DESC, 1 LIMIT ?""", [list(FACTUAL), top])
    columns = [d[0] for d in rows.description]
    return [dict(zip(columns, row, strict=True)) for row in rows.fetchall()]


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


def places(store: Store, top: int = 500, statements: bool = False) -> list[dict[str, Any]]:
    """The places events happened in, busiest first, with their coordinates and event counts."""
    _count("top", top)
    kinds = "" if statements else f" AND {NOT_STATEMENT}"
    cursor = store.db.cursor().execute(
        f"""SELECT location_name AS name, location_country AS country, location_lat AS lat, location_lon AS lon,
                  count(*) AS events, round(avg(goldstein), 2) AS mean_goldstein
           FROM events WHERE location_lat IS NOT NULL AND location_lon IS NOT NULL AND list_contains(?, modality){kinds}
           GROUP BY 1, 2, 3, 4 ORDER BY events DESC, 1 LIMIT ?""", [list(FACTUAL), top])
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
        where, params = store.deduplicated_where(**filters)
        rows = f"SELECT * FROM deduplicated_events {where}"
    else:
        rows, params = store.event_query(**filters, counts=False, ordered=False)
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

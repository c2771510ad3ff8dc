"""A dyad's trend as a chart draws it: every period from the first to the last, the empty ones
too, each with its start, end and a label for the period it is ("2024-05-03" for a day,
"2024-W18" for a week, "2024-05" for a month, "2024 Q2", "2024"). The web chart
(`dyad.serve.charts`, /static/trend.js) and `dyad trend --plot` both draw this series, on a time axis.

Dates known less precisely than the period (only the month, when plotting by day) are not
charted: `date_trunc` would put them on the period's first day as spikes that never happened.
`query.trend(..., precise=True)` leaves them out and the chart says how many it left out.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

__all__ = ["COUNTS", "PRECISIONS", "coarser_than", "left_out_note", "next_period", "period_label", "period_start",
           "trend_series"]

# from finest to coarsest; dates.py gives day, week, month or year
PRECISIONS = ("day", "week", "month", "quarter", "year")
COUNTS = ("verbal_cooperation", "material_cooperation", "verbal_conflict", "material_conflict")


def coarser_than(by: str) -> list[str]:
    """The date precisions too coarse to place a date in one period of `by`."""
    return list(PRECISIONS[PRECISIONS.index(by) + 1:])


def period_start(day: dt.date, by: str) -> dt.date:
    """The first day of the period of `by` that `day` is in (weeks start on Monday, as DuckDB's)."""
    if by == "day":
        return day
    if by == "week":
        return day - dt.timedelta(days=day.weekday())
    if by == "month":
        return day.replace(day=1)
    if by == "quarter":
        return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return dt.date(day.year, 1, 1)


def next_period(start: dt.date, by: str) -> dt.date:
    """The first day of the period after the one starting on `start`."""
    if by in ("day", "week"):
        return start + dt.timedelta(days=1 if by == "day" else 7)
    month = start.month - 1 + {"month": 1, "quarter": 3, "year": 12}[by]
    return dt.date(start.year + month // 12, month % 12 + 1, 1)


def period_label(start: dt.date, by: str) -> str:
    """How a period is named on an axis and in a table."""
    if by == "day":
        return start.isoformat()
    if by == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    if by == "month":
        return start.strftime("%Y-%m")
    if by == "quarter":
        return f"{start.year} Q{(start.month - 1) // 3 + 1}"
    return str(start.year)


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def trend_series(rows: list[dict[str, Any]], by: str) -> list[dict[str, Any]]:
    """`query.trend`'s rows as consecutive periods, the empty ones filled in with zero events
    and no mean; each period has `start`, `end` (its last day) and `label` (ISO dates and text)."""
    if not rows:
        return []
    found = {period_start(_as_date(r["period"]), by): r for r in rows}
    start, last = min(found), max(found)
    series = []
    while start <= last:
        after = next_period(start, by)
        row = found.get(start, {})
        series.append({"start": start.isoformat(), "end": (after - dt.timedelta(days=1)).isoformat(),
                       "label": period_label(start, by), **{k: row.get(k, 0) for k in COUNTS},
                       "events": row.get("events", 0), "mean_goldstein": row.get("mean_goldstein")})
        start = after
    return series


def left_out_note(left_out: int, by: str) -> str:
    """What a chart says about the events it did not draw because their dates are too coarse."""
    if not left_out:
        return ""
    names = [p for p in coarser_than(by) if p != "quarter"]  # no date is known to the quarter only
    known = " or ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
    return (f"{left_out} event{'s' if left_out != 1 else ''} dated only to the {known} "
            f"{'are' if left_out != 1 else 'is'} not drawn: no single {by} holds {'them' if left_out != 1 else 'it'}.")

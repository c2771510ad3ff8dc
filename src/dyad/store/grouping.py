"""Real-world events: grouping the reports of `events` into `deduplicated_events`.

Two tables of events: `events` holds every report (one row per sentence that states an
event) and `deduplicated_events` one row per real-world event. Reports are the same event when
they share the actor's and recipient's country (an organisation's code when it has none), the
PLOVER type, whether the event is claimed (asserted, intended, historical), denied or
conjectured, and the date window: the same day, or the same block of `dedup_window_days` days
(a setting in `dyad_meta`); sector is a detail of the event, not a split. A report with no
recipient joins its block's event when the block has exactly one recipient. Each report's
`dedup_id` names its deduplicated event, which carries `sources` (distinct articles, wire
copies and reprints counted once), `mentions` (reporting sentences) and `reports`. Each write
regroups the blocks it touches and refreshes their deduplicated events, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from ..types import MODALITIES
from .rows import registered
from .schema import SCHEMA

__all__ = ["BLOCK", "DEDUP_ID", "Touched", "assign_blocks", "best_place", "mode", "refresh", "regroup"]

# Who a report's actor and recipient are, for grouping: the country (an international
# organisation's own code when it has no country), else the code, else the actor's own words;
# the sector is a detail, not part of the key. The recipient's key is NULL when it has none.
_ACTOR_KEY = "coalesce(actor_country, actor_code, '~' || lower(actor_text), '')"
_RECIPIENT_KEY = "coalesce(recipient_country, recipient_code, '~' || lower(recipient_text))"
# Intended and past events are the same real-world event as one stated as happening (the
# plan for Friday's summit is Friday's summit); a denial or a conjecture is another claim.
_MODALITY_KEY = "CASE WHEN modality IN ('negated', 'hypothetical') THEN modality ELSE 'factual' END"
# The block of a dated report: its actor, type, modality and date window; `$1` is the window in
# days. The reports of a block with the same recipient are one deduplicated event.
BLOCK = f"""CASE WHEN date IS NOT NULL THEN md5(concat_ws('|', {_ACTOR_KEY}, coalesce(event_type, cameo),
    {_MODALITY_KEY}, CAST((date - DATE '1970-01-01') // $1 AS VARCHAR)))[:16] END"""
# A report's own deduplicated event, before a report with no recipient joins its block's one
# recipient (`_ASSIGN`); an undated report stands alone. `$1` is the window in days.
DEDUP_ID = f"""CASE WHEN date IS NULL THEN 'u' || id
    ELSE md5(({BLOCK}) || '|' || coalesce({_RECIPIENT_KEY}, ''))[:16] END"""
# Sets the deduplicated event of every dated report that {where} selects, whole blocks at a
# time: a report with no recipient joins the recipient of its block when the block has exactly
# one, else stands in the block's own recipient-less event. The result depends only on the
# set of reports in the block, never on the order they came in. Returns the new ids and dates.
_ASSIGN = f"""
UPDATE events SET dedup_id = g.dedup_id FROM (
    WITH keyed AS (SELECT id, {BLOCK} AS block, {_RECIPIENT_KEY} AS recipient FROM events
                   WHERE date IS NOT NULL AND {{where}}),
    sole AS (SELECT block, CASE WHEN count(DISTINCT recipient) = 1 THEN min(recipient) END AS recipient
             FROM keyed WHERE recipient IS NOT NULL GROUP BY block)
    SELECT k.id, md5(k.block || '|' || coalesce(k.recipient, s.recipient, ''))[:16] AS dedup_id
    FROM keyed k LEFT JOIN sole s ON s.block = k.block
) g
WHERE events.id = g.id AND events.dedup_id IS DISTINCT FROM g.dedup_id
RETURNING events.dedup_id, events.date
"""
# A report a write touched: its deduplicated event, date and (when dated) block; or only the
# first two, for a deduplicated event that needs no regrouping.
Touched = tuple[Any, ...]


def mode(column: str) -> str:
    """SQL for the most common value of a column in a group, the smallest on a tie (DuckDB's
    `mode` takes the first met), so a deduplicated event reads the same whatever order its
    reports came in; NULL when every value is NULL."""
    return (f"list_sort(list_transform(map_entries(histogram({column})), "
            "lambda v: struct_pack(n := -CAST(v.value AS BIGINT), value := v.key)))[1].value")


# the modality a deduplicated event shows: the first of MODALITIES among its reports
_FIRST_MODALITY = f"min_by(e.modality, list_position({list(MODALITIES)!r}, e.modality))"

# The place of a deduplicated event: a report's that says where it happened (its sentence, then
# the same event elsewhere in its article) before one read off a dateline; then the earliest.
# `{p}` is the events table's alias, if any.
_PLACE_KEY = ("{p}location_name IS NULL", "CASE {p}location_source WHEN 'sentence' THEN 0 WHEN 'article' THEN 1 "
              "WHEN 'dateline' THEN 2 ELSE 3 END", "{p}date", "{p}id")


def best_place(prefix: str = "") -> str:
    """SQL for the place of a group of reports (columns named with `prefix`) by _PLACE_KEY: a
    struct of its name, country, lat, lon, source and the report's event_id. One arg_min of the
    whole key rather than a sort per column; ids are unique, so no two reports tie."""
    place = ", ".join(f"{field} := {prefix}{column}" for field, column in (
        ("name", "location_name"), ("country", "location_country"), ("lat", "location_lat"),
        ("lon", "location_lon"), ("source", "location_source"), ("event_id", "id")))
    key = ", ".join(f"k{i} := {part.format(p=prefix)}" for i, part in enumerate(_PLACE_KEY))
    return f"arg_min(struct_pack({place}), struct_pack({key}))"


# Rebuilds the rows of `deduplicated_events` whose ids are in _dyad_affected. {dates} bounds
# the dates to read: all of a deduplicated event's reports lie in one window, so the bounds
# skip the rest of the table. Actor and recipient show their country and most common sector;
# the place is kept so that the map need not sort every event's reports (`query.places`).
_REFRESH = f"""
INSERT INTO deduplicated_events
SELECT * EXCLUDE (place), place.name, place.country, place.lat, place.lon, place.source, place.event_id FROM (
SELECT e.dedup_id, min(e.date), max(e.date), any_value(e.event_type), {_FIRST_MODALITY},
    max(e.actor_country), {mode("e.actor_sector")}, max(e.recipient_country),
    {mode("e.recipient_sector")},
    count(DISTINCT coalesce(a.duplicate_of, e.article_id)), sum(e.mentions), count(*),
    avg(CAST(e.goldstein AS DECIMAL(18, 6))),  -- summed exactly: the same whatever order reports came in
    {best_place("e.")} AS place
FROM events e LEFT JOIN articles a ON a.id = e.article_id
WHERE e.dedup_id IN (SELECT id FROM _dyad_affected) AND {{dates}}
GROUP BY e.dedup_id)
"""


def regroup(db: Any, days: int) -> None:
    """Recompute every report's deduplicated event, and those events, for a window of `days`."""
    db.execute(f"UPDATE events SET dedup_id = {DEDUP_ID}", [days])
    db.execute(_ASSIGN.format(where="true"), [days])
    # made anew from SCHEMA, so that a migration from any older schema gets this one's columns
    db.execute("DROP TABLE IF EXISTS deduplicated_events")
    db.execute(SCHEMA)
    db.execute("CREATE OR REPLACE TEMP VIEW _dyad_affected AS SELECT DISTINCT dedup_id AS id FROM events")
    db.execute(_REFRESH.format(dates="true"))
    db.execute("DROP VIEW _dyad_affected")


def assign_blocks(db: Any, touched: list[Touched], window: int) -> list[Touched]:
    """Regroup every report in the blocks of these reports (`_ASSIGN`), so a report with no
    recipient follows what its block now holds; return the deduplicated events the block's
    reports belonged to before and belong to now, with a date of each."""
    import pandas

    blocks = sorted({t[2] for t in touched if len(t) > 2 and t[2] is not None})
    dates = [t[1] for t in touched if t[1] is not None]
    if not blocks or not dates:
        return []
    # the windows first: hashing the block of every report in a long span of dates costs more
    window_of = "(date - DATE '1970-01-01') // $1"
    where = (f"date BETWEEN $2 AND $3 AND {window_of} IN (SELECT DISTINCT {window_of} FROM _dyad_dates) "
             f"AND ({BLOCK}) IN (SELECT block FROM _dyad_blocks)")
    params = [window, _days_after(min(dates), -window), _days_after(max(dates), window)]
    with (registered(db, "_dyad_blocks", pandas.DataFrame({"block": blocks})),
          registered(db, "_dyad_dates", pandas.DataFrame({"date": sorted(set(dates))}))):
        before = db.execute(f"SELECT DISTINCT dedup_id, date FROM events WHERE {where}", params).fetchall()
        after = db.execute(_ASSIGN.format(where=where), params).fetchall()
    return [*before, *after]


def refresh(db: Any, affected: Sequence[Touched], window: int) -> None:
    """Recompute the deduplicated events with these ids (each given with the date of one of its
    reports, or None when undated) from their reports, dropping those left with none."""
    import pandas

    dates = [t[1] for t in affected if t[1] is not None]
    bounds = "e.date IS NULL"
    params: list[Any] = []
    if dates:
        bounds = "(e.date BETWEEN ? AND ? OR e.date IS NULL)"
        params = [_days_after(min(dates), -window), _days_after(max(dates), window)]
    with registered(db, "_dyad_affected", pandas.DataFrame({"id": sorted({t[0] for t in affected})})):
        db.execute("DELETE FROM deduplicated_events WHERE id IN (SELECT id FROM _dyad_affected)")
        db.execute(_REFRESH.format(dates=bounds), params)


def _days_after(day: dt.date, days: int) -> dt.date:
    """`day` moved by `days`, stopping at the first or last date Python has (a CMS's zero date,
    0001-01-01, minus a window is no date at all)."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.min if days < 0 else dt.date.max

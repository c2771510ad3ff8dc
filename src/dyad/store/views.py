"""The listings of events and of real-world events: their filters, their sort orders and the
SQL that selects a page of them (`Store.events`, `Store.deduplicated`, the exports, the map
and the web table all filter and sort the same way)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from ..errors import DyadError
from .grouping import mode
from .parties import check_sector, parse_party, party_condition, sector_condition

__all__ = ["DEDUPLICATED_SORTS", "EVENT_SORTS", "MAP_COLUMNS", "NOT_STATEMENT", "deduplicated_order",
           "deduplicated_query", "deduplicated_where", "event_order", "event_query", "filters", "view_conditions"]

# Statements (CAMEO 01: comments, denials, optimistic and pessimistic remarks; QuadClass 0) are
# stored as events, and are the only events with no PLOVER type. Listings, counts and trends
# leave them out unless asked for (`statements=True`): this is the one place that says how, in
# both the events and the deduplicated_events tables.
NOT_STATEMENT = "event_type IS NOT NULL"
# the columns of deduplicated_events the map reads (`query.places`); pages take theirs from the reports
MAP_COLUMNS = ("goldstein", "place_name", "place_country", "place_lat", "place_lon", "place_source", "place_event_id")
# The rest of a page of deduplicated events, from their reports: the codes most reports agree
# on and the list of reports (the best-placed report's place is stored with the event). Their reports are read between
# the page's first and last dates (and undated ones only when the page has one), which skips
# most of a large table: without an index on dedup_id, matching ids alone scans every report.
_DETAILS = f"""
SELECT dedup_id, {mode("mode")} AS mode, {mode("cameo")} AS cameo, round(avg(goldstein), 2) AS goldstein,
    {mode("quad_class")} AS quad_class, {mode("actor_code")} AS actor_code,
    {mode("coalesce(actor_name, actor_text)")} AS actor_name, {mode("recipient_code")} AS recipient_code,
    {mode("coalesce(recipient_name, recipient_text)")} AS recipient_name,
    round(max(confidence), 3) AS confidence,
    list({{'event_id': id, 'article_id': article_id, 'sentence_index': sentence_index, 'date': date,
          'sentence': sentence}} ORDER BY date, article_id, sentence_index, id) AS reported_by
FROM (SELECT * FROM events WHERE date BETWEEN (SELECT min(date) FROM page) AND (SELECT max(last_date) FROM page)
      UNION ALL SELECT * FROM events WHERE date IS NULL AND (SELECT bool_or(date IS NULL) FROM page))
WHERE dedup_id IN (SELECT id FROM page) GROUP BY dedup_id
"""


def event_query(actor: str | None = None, recipient: str | None = None, event_type: str | None = None,
                since: dt.date | None = None, until: dt.date | None = None, article_id: str | None = None,
                modality: Sequence[str] | None = None, event_id: str | None = None, dedup_id: str | None = None,
                limit: int | None = None, ordered: bool = True, offset: int = 0, either_way: bool = False,
                min_confidence: float | None = None, counts: bool = True,
                statements: bool = False, coder: str | None = None, sector: str | None = None,
                recipient_sector: str | None = None, sort: str | None = None,
                **view: Any) -> tuple[str, list[Any]]:
    """The SQL (and its parameters) selecting events, newest first (or by `sort`, see
    `event_order`), with (unless `counts` is False) the `sources` and `mentions` of their
    deduplicated event (as `sources_n` and `mentions_n`). Unordered (`ordered=False`), the
    rows stream in bounded memory: exports want that. Statements are left out unless
    `statements`, or asked for by id. `view` holds the events table's other filters
    (`view_conditions`)."""
    where, params = filters(
        ("list_contains(?, modality)", list(modality) if modality else None),
        (NOT_STATEMENT, not (statements or event_id or dedup_id)),
        *_side_filters(actor, recipient, sector, recipient_sector, either_way),
        ("confidence >= ?", min_confidence),
        ("coder = ?", coder),
        ("article_id = ?", article_id),
        ("id = ?", event_id),
        ("dedup_id = ?", dedup_id),
        ("event_type = ?", event_type.upper() if event_type else None),
        ("date >= ?", since),
        ("date <= ?", until),
        *view_conditions(**view),
    )
    order = event_order(sort)
    rows = f"SELECT * FROM events {where}"
    if limit:  # the page first, then its counts: a join over every event would be slower
        # sorting the row ids only, then reading the page's rows: sorting whole rows to a far
        # offset under a filter was five times slower (DuckDB does this itself only unfiltered)
        rows = (f"SELECT events.* FROM events SEMI JOIN (SELECT rowid AS r FROM events {where} {order} LIMIT ? OFFSET ?) p "
                "ON events.rowid = p.r")
        params += [limit, offset]
    if not counts:
        return f"{rows}{' ' + order if ordered or limit else ''}", params
    counted, page = "SELECT id, sources, mentions FROM deduplicated_events", ""
    if limit:  # the page's deduplicated events only: joining every one was slower
        page, rows = f"WITH page AS MATERIALIZED ({rows}) ", "SELECT * FROM page"
        counted += " WHERE id IN (SELECT dedup_id FROM page)"
    sql = f"""{page}SELECT e.*, d.sources AS sources_n, d.mentions AS mentions_n
              FROM ({rows}) e LEFT JOIN ({counted}) d ON d.id = e.dedup_id
              {event_order(sort, "e.") if ordered or limit else ""}"""
    return sql, params


def deduplicated_query(actor: str | None = None, recipient: str | None = None, event_type: str | None = None,
                       since: dt.date | None = None, until: dt.date | None = None,
                       modality: Sequence[str] | None = None, limit: int | None = None,
                       ordered: bool = True, offset: int = 0, statements: bool = False, sector: str | None = None,
                       recipient_sector: str | None = None, sort: str | None = None,
                       **view: Any) -> tuple[str, list[Any]]:
    """The SQL (and its parameters) selecting deduplicated events with the details their
    reports give (`_DETAILS`), newest first (or by `sort`, `deduplicated_order`) unless
    `ordered=False`; statements only with `statements`."""
    where, params = deduplicated_where(actor=actor, recipient=recipient, event_type=event_type, since=since,
                                       until=until, modality=modality, statements=statements, sector=sector,
                                       recipient_sector=recipient_sector, **view)
    order = deduplicated_order(sort) if ordered else ""
    page = f"SELECT * FROM deduplicated_events {where} {order}"
    if limit:
        page += " LIMIT ? OFFSET ?"
        params += [limit, offset]
    sql = f"""WITH page AS {"MATERIALIZED " if limit else ""}({page})
              SELECT p.* EXCLUDE ({", ".join(MAP_COLUMNS)}), d.* EXCLUDE (dedup_id, confidence, reported_by),
                     {", ".join(f"p.place_{c} AS location_{c}" for c in ("name", "country", "lat", "lon"))},
                     d.confidence, d.reported_by
              FROM page p JOIN ({_DETAILS}) d ON d.dedup_id = p.id
              {deduplicated_order(sort, "p.") if ordered else ""}"""
    return sql, params


def deduplicated_where(actor: str | None = None, recipient: str | None = None, event_type: str | None = None,
                       since: dt.date | None = None, until: dt.date | None = None,
                       modality: Sequence[str] | None = None, statements: bool = False, sector: str | None = None,
                       recipient_sector: str | None = None, min_confidence: float | None = None,
                       either_way: bool = False, **view: Any) -> tuple[str, list[Any]]:
    """The WHERE clause (and its parameters) on `deduplicated_events` for these filters: a
    real-world event matches a filter on its reports (actors, sectors, confidence,
    `view_conditions`) when one of its reports does."""
    sides, side_params = filters(*_side_filters(actor, recipient, sector, recipient_sector, either_way),
                                  ("confidence >= ?", min_confidence), *view_conditions(**view))
    reported = _one_filter(f"id IN (SELECT dedup_id FROM events {sides})", side_params) if sides else ("", None)
    return filters(
        ("list_contains(?, modality)", list(modality) if modality else None),
        (NOT_STATEMENT, not statements),
        reported,
        ("event_type = ?", event_type.upper() if event_type else None),
        ("date >= ?", since),
        ("date <= ?", until),
    )


def _side_filters(actor: str | None, recipient: str | None, sector: str | None = None,
                  recipient_sector: str | None = None, either_way: bool = False) -> list[tuple[str, Any]]:
    """`filters` conditions on the events table for an actor and recipient code (`either_way`:
    the two in either role) and their sectors; a DyadError for a code that is not one."""
    conditions: list[tuple[str, Any]] = []
    if either_way and actor and recipient:
        one, other = parse_party(actor), parse_party(recipient)
        forward = [party_condition("actor", one), party_condition("recipient", other)]
        back = [party_condition("actor", other), party_condition("recipient", one)]
        sql = f"(({forward[0][0]} AND {forward[1][0]}) OR ({back[0][0]} AND {back[1][0]}))"
        conditions.append((sql, [p for _, params in (*forward, *back) for p in params]))
        actor = recipient = None
    for side, code in (("actor", actor), ("recipient", recipient)):
        if code:
            conditions.append(_one_filter(*party_condition(side, parse_party(code))))
    for side, wanted in (("actor", sector), ("recipient", recipient_sector)):
        if wanted:
            conditions.append(_one_filter(*sector_condition(side, check_sector(wanted))))
    return conditions


def view_conditions(quad_class: Sequence[int] | None = None, cameo: str | None = None,
                    place_country: str | None = None, place: str | None = None,
                    text: str | None = None, involving: str | None = None) -> list[tuple[str, Any]]:
    """`filters` conditions on the events table for the events table's filters: QuadClasses,
    a CAMEO code or root (the code and its sub-codes: 19 is every fight, 190 its own code and
    1901...), the country (ISO3) and place (part of its name) an event happened in, words its
    sentence contains (every word, in any case, as `dyad search`) and an actor code on either
    side (`involving`). A DyadError names a bad value."""
    for quad in quad_class or []:
        if isinstance(quad, bool) or quad not in range(5):
            raise DyadError(f"QuadClass is 0 (statement) to 4 (material conflict), not {quad!r}")
    if cameo is not None and not (cameo.strip().isascii() and cameo.strip().isdigit() and 2 <= len(cameo.strip()) <= 4):
        raise DyadError(f"a CAMEO code or root is 2 to 4 digits (19 for every fight, 190, 1951), not {cameo!r}")
    if place_country is not None and not (place_country.isascii() and place_country.isalpha() and len(place_country) == 3):
        raise DyadError(f"the country an event happened in is an ISO3 code (UKR), not {place_country!r}")
    words = (text or "").lower().split()
    either: tuple[str, Any] = ("", None)
    if involving:
        party = parse_party(involving)
        (as_actor, one), (as_recipient, other) = party_condition("actor", party), party_condition("recipient", party)
        either = _one_filter(f"({as_actor} OR {as_recipient})", [*one, *other])
    return [
        either,
        ("list_contains(?, quad_class)", list(quad_class) if quad_class else None),
        ("starts_with(cameo, ?)", cameo.strip() if cameo else None),
        ("location_country = ?", place_country.upper() if place_country else None),
        ("contains(lower(location_name), ?)", place.strip().lower() if place and place.strip() else None),
        *(("contains(lower(sentence), ?)", word) for word in words),
    ]


# What the events table sorts by: a column's name as the user gives it, and its SQL ({p} is the
# table's alias). Ties fall back to the default order, which ends in the unique id, so a page
# boundary never moves between two requests.
EVENT_SORTS = {
    "date": "{p}date", "actor": "coalesce({p}actor_code, {p}actor_text)", "event": "{p}event_type",
    "cameo": "{p}cameo", "recipient": "coalesce({p}recipient_code, {p}recipient_text)", "goldstein": "{p}goldstein",
    "quad_class": "{p}quad_class", "modality": "{p}modality", "place": "{p}location_name",
    "country": "{p}location_country", "confidence": "{p}confidence", "article": "{p}article_id",
}
# the deduplicated view's columns (its codes and goldstein come from its reports, after paging)
DEDUPLICATED_SORTS = {
    "date": "{p}date", "actor": "{p}actor_country", "event": "{p}event_type", "recipient": "{p}recipient_country",
    "modality": "{p}modality", "sources": "{p}sources", "mentions": "{p}mentions",
}


def _order(sort: str | None, p: str, columns: dict[str, str], tail: str) -> str:
    """ORDER BY `sort` ("goldstein" ascending, "-goldstein" descending), nulls last, then `tail`;
    a DyadError names the columns for one not in `columns`."""
    default = f"ORDER BY {p}date DESC NULLS LAST, {tail.format(p=p)}"
    if not sort or sort == "-date":
        return default
    name = sort.removeprefix("-")
    if name not in columns:
        raise DyadError(f"cannot sort by {name!r}; one of {', '.join(columns)} (-name for descending)")
    direction = "DESC" if sort.startswith("-") else "ASC"
    return f"ORDER BY {columns[name].format(p=p)} {direction} NULLS LAST, {default.removeprefix('ORDER BY ')}"


def event_order(sort: str | None = None, p: str = "") -> str:
    """The events table's ORDER BY: by `sort` (one of `EVENT_SORTS`), then newest first."""
    return _order(sort, p, EVENT_SORTS, "{p}article_id, {p}sentence_index, {p}id")


def deduplicated_order(sort: str | None = None, p: str = "") -> str:
    """The deduplicated view's ORDER BY: by `sort` (one of `DEDUPLICATED_SORTS`), then newest first."""
    return _order(sort, p, DEDUPLICATED_SORTS, "{p}id")


def _one_filter(sql: str, params: list[Any]) -> tuple[str, Any]:
    """A condition as `filters` takes it: one parameter bare, several as a list."""
    return sql, params[0] if len(params) == 1 else params


def filters(*conditions: tuple[str, Any]) -> tuple[str, list[Any]]:
    """A WHERE clause from (condition, value) pairs, leaving out empty values. A condition has
    one ?, or as many as its value (a list of several) has items, or none (its value True)."""
    used = [(sql, value) for sql, value in conditions if value]
    params: list[Any] = []
    for sql, value in used:
        params += value if sql.count("?") > 1 else [value] if "?" in sql else []
    return ("WHERE " + " AND ".join(sql for sql, _ in used) if used else ""), params


"""The reading half of a store: events, real-world events, articles, quotes, runs and a summary,
as JSON-ready dicts, from an open database. `Store` adds opening and writing to it."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ..types import FACTUAL
from . import views
from .parties import country_sql
from .rows import deduplicated_dict, event_dict
from .views import NOT_STATEMENT, filters

if TYPE_CHECKING:
    import duckdb

__all__ = ["SHORT_ID", "Reader"]

SHORT_ID = 8  # the characters of an event id `dyad events` shows (16 when 8 name two events)


class Reader:
    """Queries on an open DuckDB connection of a Dyad database (`db`)."""

    def __init__(self, db: duckdb.DuckDBPyConnection) -> None:
        self.db = db

    def events(self, actor: str | None = None, recipient: str | None = None, event_type: str | None = None,
               since: dt.date | None = None, until: dt.date | None = None, limit: int | None = 100,
               article_id: str | None = None, modality: Sequence[str] | None = None,
               event_id: str | None = None, dedup_id: str | None = None, offset: int = 0,
               either_way: bool = False, min_confidence: float | None = None,
               statements: bool = False, coder: str | None = None, sector: str | None = None,
               recipient_sector: str | None = None, **view: Any) -> list[dict[str, Any]]:
        """Events as JSON-ready dicts, newest first. `actor`/`recipient` are actor codes: a
        country (RUS), an organisation (IGOEUR) or either with a sector (RUSMIL), as
        `parties` reads them (`either_way`: the two in either role); `sector` and
        `recipient_sector` keep the sides of a sector (MIL); `modality` keeps only events stated so (default:
        all, negated and hypothetical too); `statements` adds the CAMEO 01 statements; `coder`
        keeps the events that "pattern" or "model" decided; `view` takes the table's filters
        and sort (`view_conditions`, `sort`)."""
        sql, params = views.event_query(actor=actor, recipient=recipient, event_type=event_type, since=since,
                                        until=until, article_id=article_id, modality=modality, event_id=event_id,
                                        dedup_id=dedup_id, limit=limit, offset=offset, either_way=either_way,
                                        min_confidence=min_confidence, counts=not limit, statements=statements,
                                        coder=coder, sector=sector, recipient_sector=recipient_sector, **view)
        if not limit:
            return list(map(event_dict, self._stream(sql, params)))
        # a page: its events, then their deduplicated events' counts by id (a join scans them all)
        rows = list(self._stream(sql, params))
        ids = sorted({r["dedup_id"] for r in rows})
        counts = {i: (n, m) for i, n, m in self.db.cursor().execute(
            f"SELECT id, sources, mentions FROM deduplicated_events WHERE id IN ({', '.join('?' * len(ids))})",
            ids).fetchall()} if ids else {}
        for row in rows:
            row["sources_n"], row["mentions_n"] = counts[row["dedup_id"]]
        return list(map(event_dict, rows))

    def iter_events(self, **filters: Any) -> Iterator[dict[str, Any]]:
        """The same as `events`, streamed in chunks and with no limit."""
        yield from map(event_dict, self._stream(*views.event_query(**filters)))

    def _stream(self, sql: str, params: list[Any]) -> Iterator[dict[str, Any]]:
        cursor = self.db.cursor()
        cursor.execute(sql, params)
        columns = [d[0] for d in cursor.description]
        while True:
            chunk = cursor.fetchmany(5000)
            if not chunk:
                return
            for row in chunk:
                yield dict(zip(columns, row, strict=True))

    def reports(self, dedup_id: str, but: str | None = None) -> list[dict[str, Any]]:
        """Every report (as `events` gives it) of one deduplicated event, oldest first; `but`
        leaves one out."""
        rows = self.events(dedup_id=dedup_id, limit=None)
        rows.sort(key=lambda r: (r["date"] or "", r["article_id"], r["evidence"]["event"][0]))
        return [r for r in rows if r["id"] != but]

    def deduplicated(self, actor: str | None = None, recipient: str | None = None, event_type: str | None = None,
                     since: dt.date | None = None, until: dt.date | None = None,
                     modality: Sequence[str] | None = None, limit: int | None = 100,
                     offset: int = 0, statements: bool = False, sector: str | None = None,
                     recipient_sector: str | None = None, **view: Any) -> list[dict[str, Any]]:
        """Real-world events, each with the reports (article, sentence) behind it, newest first;
        `statements` adds the CAMEO 01 statements. The actor and sector filters are those of
        `events`: a real-world event matches when one of its reports does."""
        sql, params = views.deduplicated_query(actor=actor, recipient=recipient, event_type=event_type, since=since,
                                               until=until, modality=modality, limit=limit, offset=offset,
                                               statements=statements, sector=sector, recipient_sector=recipient_sector,
                                               **view)
        return [deduplicated_dict(row) for row in self._stream(sql, params)]

    def iter_deduplicated(self, **filters: Any) -> Iterator[dict[str, Any]]:
        """The same as `deduplicated`, streamed and with no limit."""
        yield from map(deduplicated_dict, self._stream(*views.deduplicated_query(**filters)))

    def runs(self) -> list[dict[str, Any]]:
        cursor = self.db.cursor().execute("SELECT * FROM runs ORDER BY started_at")
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]

    def event(self, event_id: str) -> tuple[dict[str, Any], str] | None:
        """One event (as `events` gives it) and the text of its article, or None."""
        rows = self.events(limit=None, event_id=event_id)
        if not rows:
            return None
        found = self.db.execute("SELECT text FROM articles WHERE id = ?", [rows[0]["article_id"]]).fetchone()
        return rows[0], str(found[0]) if found else ""

    def ids_starting(self, prefix: str, most: int = 5) -> list[str]:
        """The ids of (at most `most`) stored events that start with `prefix`: what a short
        id, as `dyad events` shows it, names."""
        rows = self.db.cursor().execute("SELECT id FROM events WHERE starts_with(id, ?) ORDER BY id LIMIT ?",
                                        [prefix.lower(), most]).fetchall()
        return [row[0] for row in rows]

    def short_ids(self, ids: Sequence[str], length: int = SHORT_ID) -> dict[str, str]:
        """Each of `ids` by its first `length` characters, or whole when another stored event's
        id starts the same, so that a short id names one event (`ids_starting`)."""
        prefixes = sorted({i[:length] for i in ids})
        shared = {p for p, in self.db.cursor().execute(
            "SELECT left(id, ?) AS p FROM events WHERE list_contains(?, left(id, ?)) GROUP BY p HAVING count(*) > 1",
            [length, prefixes, length]).fetchall()} if prefixes else set()
        return {i: i if i[:length] in shared else i[:length] for i in ids}

    def reprints(self, article_ids: Sequence[str]) -> dict[str, str]:
        """Of `article_ids`, those stored as a near-copy (a wire copy, a reprint) of an earlier
        article, with that article's id."""
        found = self.db.cursor().execute(
            "SELECT id, duplicate_of FROM articles WHERE list_contains(?, id) AND duplicate_of IS NOT NULL",
            [sorted(set(article_ids))]).fetchall() if article_ids else []
        return dict(found)

    def article(self, article_id: str) -> dict[str, Any] | None:
        """One article as stored, with the ids of its events, or None."""
        cursor = self.db.cursor().execute(
            """SELECT id, date, title, source, url, origin, text, removed, n_sentences, n_events, coded_at, duplicate_of,
                      (SELECT list(e.id ORDER BY e.sentence_index, e.id) FROM events e WHERE e.article_id = a.id) AS events
               FROM articles a WHERE id = ?""", [article_id])
        columns = [d[0] for d in cursor.description]
        row = cursor.fetchone()
        if row is None:
            return None
        found = dict(zip(columns, row, strict=True))
        found["removed"] = json.loads(found["removed"]) if found["removed"] else []
        found["events"] = found["events"] or []
        return found

    def quotes(self, article_id: str | None = None, speaker: str | None = None, limit: int | None = 100,
               quote_id: str | None = None) -> list[dict[str, Any]]:
        """Quotes with their speakers; `speaker` is an ISO3 country code."""
        where, params = filters(
            ("id = ?", quote_id), ("article_id = ?", article_id), ("speaker_country = ?", speaker.upper() if speaker else None))
        sql = f"SELECT * FROM quotes {where} ORDER BY article_id, start_offset"
        if limit:
            sql += " LIMIT ?"
            params.append(limit)
        cursor = self.db.execute(sql, params)
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]

    def summary(self, top: int = 5, statements: bool = False) -> dict[str, Any]:
        """Articles, events by type and the top dyads; statements (by_type "STATEMENT") only
        with `statements`."""
        one = self.db.execute("SELECT count(*) FROM articles").fetchone()
        factual = list(FACTUAL)
        kinds = "TRUE" if statements else NOT_STATEMENT
        two = self.db.execute(f"SELECT count(*) FROM events WHERE list_contains(?, modality) AND {kinds}", [factual]).fetchone()
        by_type = self.db.execute(
            f"""SELECT coalesce(event_type, 'STATEMENT'), count(*) AS n FROM events
                WHERE list_contains(?, modality) AND {kinds} GROUP BY 1 ORDER BY n DESC, 1""", [factual]).fetchall()
        actor, recipient = country_sql("actor"), country_sql("recipient")  # an organisation is a party
        dyads = self.db.execute(
            f"""SELECT {actor}, {recipient}, count(*) AS n, round(avg(goldstein), 2) AS g
               FROM events WHERE {actor} IS NOT NULL AND {recipient} IS NOT NULL
                 AND {actor} <> {recipient} AND list_contains(?, modality) AND {kinds}
               GROUP BY 1, 2 ORDER BY n DESC, 1, 2 LIMIT ?""", [factual, top]).fetchall()
        unfactual = self.db.execute(f"SELECT count(*) FROM events WHERE NOT list_contains(?, modality) AND {kinds}",
                                    [factual]).fetchone()
        errors = self.db.execute("SELECT count(*) FROM input_errors").fetchone()
        return {
            "articles": one[0] if one else 0,
            "events": two[0] if two else 0,
            "negated_or_hypothetical": unfactual[0] if unfactual else 0,
            "input_errors": errors[0] if errors else 0,
            "by_type": dict(by_type),
            "top_dyads": [{"actor": a, "recipient": r, "events": n, "mean_goldstein": g} for a, r, n, g in dyads],
        }

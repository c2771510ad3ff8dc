"""Stage 7, store: articles and events in DuckDB, one transaction per batch.

Re-coding an article replaces its earlier rows, so running ``dyad code`` twice on the same
input leaves the database as one run would. An article the database cannot take is found by
writing its batch in parts, and recorded as an input error; a failure of the machine (a full
disk, say) stops the write instead, with a message from `errors.environment_problem`.

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

import contextlib
import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..coding.signature import BANDS, THRESHOLD, band_keys, signature, similarity
from ..errors import DyadError, InputError, StoreError, environment_problem
from ..types import FACTUAL, MODALITIES, Actor, Article, Event, Location
from .parties import check_sector, country_sql, parse_party, party_condition, sector_condition

__all__ = ["DEDUP_WINDOW_RANGE", "EVENT_FIELDS", "SCHEMA_VERSION", "Store", "Written", "event_id"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id VARCHAR PRIMARY KEY,
    date DATE,
    title VARCHAR,
    source VARCHAR,
    url VARCHAR,
    origin VARCHAR,
    text VARCHAR NOT NULL,
    removed JSON,            -- blocks the cleaner dropped: [{start, end, reason}]
    n_sentences INTEGER,
    n_events INTEGER,
    coded_at TIMESTAMP,
    duplicate_of VARCHAR,    -- the earlier article this one near-duplicates (a wire copy, a reprint)
    minhash BLOB             -- its MinHash signature (dedup.py), as little-endian unsigned 64-bit integers
);
CREATE TABLE IF NOT EXISTS article_bands (
    band_key UBIGINT,        -- an LSH band of the article's MinHash signature (dedup.py)
    article_id VARCHAR
);
CREATE TABLE IF NOT EXISTS sentences (
    article_id VARCHAR NOT NULL,
    sentence_index INTEGER,
    start_offset INTEGER,    -- offsets into the article's text
    end_offset INTEGER,
    text VARCHAR
);
CREATE TABLE IF NOT EXISTS mentions (
    article_id VARCHAR NOT NULL,
    sentence_index INTEGER,
    start_offset INTEGER,
    end_offset INTEGER,
    text VARCHAR,
    kind VARCHAR,            -- country, demonym, capital, metonym, person, agent, org or place
    key VARCHAR,             -- the dictionary entry it matched
    country VARCHAR,
    sector VARCHAR
);
CREATE TABLE IF NOT EXISTS events (
    id VARCHAR,              -- unique: the writer replaces an article's events as a whole
    article_id VARCHAR NOT NULL,
    sentence_index INTEGER,
    date DATE,
    date_precision VARCHAR,
    date_text VARCHAR,
    event_type VARCHAR,
    mode VARCHAR,
    modality VARCHAR,        -- asserted, intended, negated, hypothetical, historical
    context VARCHAR,
    cameo VARCHAR NOT NULL,
    goldstein DOUBLE,
    quad_class INTEGER,
    actor_text VARCHAR, actor_code VARCHAR, actor_country VARCHAR, actor_sector VARCHAR, actor_name VARCHAR,
    actor_role VARCHAR, actor_ner VARCHAR,
    recipient_text VARCHAR, recipient_code VARCHAR, recipient_country VARCHAR, recipient_sector VARCHAR,
    recipient_name VARCHAR, recipient_role VARCHAR, recipient_ner VARCHAR,
    location_name VARCHAR, location_country VARCHAR, location_lat DOUBLE, location_lon DOUBLE, location_type VARCHAR,
    sentence VARCHAR,
    evidence JSON,           -- {actor: [start, end], recipient: [...], event: [...], location: [...]}
    confidence DOUBLE,
    mentions INTEGER,
    pattern VARCHAR,
    quote_id VARCHAR,
    notes JSON,
    dedup_id VARCHAR,        -- the deduplicated event this report belongs to
    coder VARCHAR,           -- what decided its type and roles: pattern or model
    model_version VARCHAR,   -- the event model that read its sentence, if one did
    model_probability DOUBLE, -- that model's probability for the event's type
    location_source VARCHAR  -- where its place was read: sentence, article or dateline
);
CREATE TABLE IF NOT EXISTS deduplicated_events (  -- what defines each one, and its counts
    id VARCHAR PRIMARY KEY,
    date DATE, last_date DATE,
    event_type VARCHAR, modality VARCHAR,
    actor_country VARCHAR, actor_sector VARCHAR, recipient_country VARCHAR, recipient_sector VARCHAR,
    sources INTEGER,         -- distinct articles, a near-duplicate counted with its original
    mentions INTEGER,        -- reporting sentences
    reports INTEGER,         -- rows in events
    goldstein DOUBLE,        -- the mean of its reports' scores, unrounded
    place_name VARCHAR, place_country VARCHAR, place_lat DOUBLE, place_lon DOUBLE,
    place_source VARCHAR,    -- where it happened, as its best-placed report says (best_place)
    place_event_id VARCHAR   -- that report
);
CREATE TABLE IF NOT EXISTS quotes (
    id VARCHAR PRIMARY KEY,
    article_id VARCHAR NOT NULL,
    kind VARCHAR,            -- direct (in quotation marks) or indirect (reported)
    text VARCHAR,
    start_offset INTEGER,
    end_offset INTEGER,
    speaker_text VARCHAR,
    speaker_code VARCHAR,
    speaker_country VARCHAR,
    speaker_name VARCHAR
);
CREATE TABLE IF NOT EXISTS dyad_meta (
    key VARCHAR PRIMARY KEY,
    value VARCHAR
);
CREATE TABLE IF NOT EXISTS runs (
    id VARCHAR PRIMARY KEY,
    started_at TIMESTAMP,
    finished_at TIMESTAMP,   -- null while running, or if the run was killed
    dyad_version VARCHAR,
    codebook VARCHAR,        -- digest of the codebook and pattern files the run coded with
    model VARCHAR,
    inputs JSON,
    articles INTEGER,
    events INTEGER,
    input_errors INTEGER
);
CREATE TABLE IF NOT EXISTS input_errors (
    item VARCHAR,
    reason VARCHAR,
    seen_at TIMESTAMP
);
"""

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


def _mode(column: str) -> str:
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
    max(e.actor_country), {_mode("e.actor_sector")}, max(e.recipient_country),
    {_mode("e.recipient_sector")},
    count(DISTINCT coalesce(a.duplicate_of, e.article_id)), sum(e.mentions), count(*),
    avg(CAST(e.goldstein AS DECIMAL(18, 6))),  -- summed exactly: the same whatever order reports came in
    {best_place("e.")} AS place
FROM events e LEFT JOIN articles a ON a.id = e.article_id
WHERE e.dedup_id IN (SELECT id FROM _dyad_affected) AND {{dates}}
GROUP BY e.dedup_id)
"""
# The rest of a page of deduplicated events, from their reports: the codes most reports agree
# on and the list of reports (the best-placed report's place is stored with the event). Their reports are read between
# the page's first and last dates (and undated ones only when the page has one), which skips
# most of a large table: without an index on dedup_id, matching ids alone scans every report.
_DETAILS = f"""
SELECT dedup_id, {_mode("mode")} AS mode, {_mode("cameo")} AS cameo, round(avg(goldstein), 2) AS goldstein,
    {_mode("quad_class")} AS quad_class, {_mode("actor_code")} AS actor_code,
    {_mode("coalesce(actor_name, actor_text)")} AS actor_name, {_mode("recipient_code")} AS recipient_code,
    {_mode("coalesce(recipient_name, recipient_text)")} AS recipient_name,
    round(max(confidence), 3) AS confidence,
    list({{'event_id': id, 'article_id': article_id, 'sentence_index': sentence_index, 'date': date,
          'sentence': sentence}} ORDER BY date, article_id, sentence_index, id) AS reported_by
FROM (SELECT * FROM events WHERE date BETWEEN (SELECT min(date) FROM page) AND (SELECT max(last_date) FROM page)
      UNION ALL SELECT * FROM events WHERE date IS NULL AND (SELECT bool_or(date IS NULL) FROM page))
WHERE dedup_id IN (SELECT id FROM page) GROUP BY dedup_id
"""

EVENT_FIELDS = (
    "id", "article_id", "date", "event_type", "mode", "modality", "cameo", "goldstein", "quad_class", "actor", "recipient",
    "location", "sentence", "evidence", "confidence", "sources", "mentions", "coder", "model_version",
    "model_probability",
)
_ACTOR_COLUMNS = ("text", "code", "country", "sector", "name", "role", "ner")
# the events table's columns as `_event_row` gives them: all but dedup_id, which DuckDB computes
_EVENT_COLUMNS = [
    "id", "article_id", "sentence_index", "date", "date_precision", "date_text", "event_type", "mode", "modality",
    "context", "cameo", "goldstein", "quad_class", *[f"actor_{c}" for c in _ACTOR_COLUMNS],
    *[f"recipient_{c}" for c in _ACTOR_COLUMNS], "location_name", "location_country", "location_lat", "location_lon",
    "location_type", "sentence", "evidence", "confidence", "mentions", "pattern", "quote_id", "notes",
    "coder", "model_version", "model_probability", "location_source",
]
SCHEMA_VERSION = "11"
# the columns of deduplicated_events the map reads (`query.places`); pages take theirs from the reports
MAP_COLUMNS = ("goldstein", "place_name", "place_country", "place_lat", "place_lon", "place_source", "place_event_id")
SHORT_ID = 8  # the characters of an event id `dyad events` shows (16 when 8 name two events)
# Statements (CAMEO 01: comments, denials, optimistic and pessimistic remarks; QuadClass 0) are
# stored as events, and are the only events with no PLOVER type. Listings, counts and trends
# leave them out unless asked for (`statements=True`): this is the one place that says how, in
# both the events and the deduplicated_events tables.
NOT_STATEMENT = "event_type IS NOT NULL"
# the tables a batch writes rows to (deduplicated_events is derived from events)
TABLES = ("articles", "article_bands", "sentences", "mentions", "events", "quotes", "input_errors")
DEDUP_WINDOW_DAYS = 1
# the windows a database may be set to: a day to ten years
DEDUP_WINDOW_RANGE = (1, 3650)
CHECKPOINT_MB = 256
# Articles compared per shared LSH band, earliest first. A band common to many articles is
# boilerplate, not a copy; an original is found through the bands it shares with few others.
CANDIDATES_PER_BAND = 20


def event_id(article_id: str, event: Event) -> str:
    key = f"{article_id}|{event.trigger[0]}|{event.actor.code}|{event.recipient.code if event.recipient else ''}|{event.cameo}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


@dataclass
class Written:
    """What a write did beyond storing its batch: the articles that could not be stored (each
    recorded as an input error), and how many stored articles it replaced with a different
    text under the same id (re-coding an article with the same text is not counted)."""

    failed: list[InputError] = field(default_factory=list)
    failed_ids: set[str] = field(default_factory=set)
    replaced: int = 0


class Store:
    """A DuckDB file of articles and events. `read_only` opens it for queries only."""

    def __init__(self, path: str | Path = "dyad.duckdb", read_only: bool = False) -> None:
        import duckdb

        self.path = str(path)
        if read_only and self.path != ":memory:" and not Path(self.path).exists():
            raise StoreError(f"no database at {self.path}; run `dyad code` first")
        try:
            self.db = duckdb.connect(self.path, read_only=read_only)
            version = schema_version(self.db)
            if version is None and not read_only:
                self.db.execute("BEGIN TRANSACTION")
                self.db.execute(SCHEMA)
                self.db.execute("INSERT INTO dyad_meta VALUES ('schema_version', ?), ('dedup_window_days', ?)",
                                [SCHEMA_VERSION, str(DEDUP_WINDOW_DAYS)])
                self.db.execute("COMMIT")
                version = SCHEMA_VERSION
        except duckdb.Error as err:
            raise StoreError(environment_problem(err, self.path) or f"cannot open {self.path}: {_describe(err)}") from None
        if version is None:
            self.db.close()
            raise StoreError(f"{self.path} holds no Dyad data yet; run `dyad code` first")
        if version != SCHEMA_VERSION:
            self.db.close()
            raise StoreError(_version_message(self.path, version))
        if not read_only:
            # Fold the write-ahead log into the file every CHECKPOINT_MB rather than DuckDB's
            # default 16: large batches then are not rewritten on every commit. Commits stay
            # durable; a reopened database replays the log.
            self.db.execute(f"SET checkpoint_threshold = '{CHECKPOINT_MB}MB'")

    def close(self) -> None:
        """Close the database; DuckDB folds its write-ahead log into the file (a checkpoint)."""
        try:
            self.db.close()
        except Exception as err:
            cause = environment_problem(err, self.path) or _describe(err)
            raise StoreError(f"could not finish writing {self.path} on closing it: {cause}. What was written "
                             f"before is kept in its write-ahead log ({self.path}.wal), which is applied when the "
                             f"database is next opened") from err

    def __enter__(self) -> Store:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        if kind is None:
            self.close()
            return
        with contextlib.suppress(Exception):  # the error already on its way says more than this one
            self.close()

    # -- writing -------------------------------------------------------------------------

    def write(self, articles: Sequence[Article], errors: Sequence[InputError] = ()) -> Written:
        """Store a batch in one transaction, with the input errors met on the way. When an
        article cannot be stored, the batch is split and written in parts until that article
        is found: it is recorded as an input error (and returned in `Written.failed`), and the
        rest are stored. A failure that is the machine's, not an article's (a full disk, a
        read-only file), stops the write with a StoreError and stores nothing."""
        window = self.dedup_window()  # a bad setting stops the run; it is no article's fault
        try:
            return Written(replaced=self._transaction(articles, errors, window))
        except Exception as err:  # noqa: BLE001 - sorted below: the machine's, or an article's
            self._stop_unless_per_item(err)
        written = Written()
        self._write_parts(list(articles), window, written)
        try:
            self._transaction([], [*errors, *written.failed], window)
        except Exception as err:
            raise _store_error(err, self.path, "write input errors to") from err
        return written

    def _write_parts(self, articles: list[Article], window: int, written: Written) -> None:
        """Write the articles in halves, each its own transaction, down to single articles:
        those that still fail are the ones to blame."""
        if len(articles) > 1:
            half = len(articles) // 2
            for part in (articles[:half], articles[half:]):
                try:
                    written.replaced += self._transaction(part, (), window)
                except Exception as err:  # noqa: BLE001
                    self._stop_unless_per_item(err)
                    self._write_parts(part, window, written)
            return
        for article in articles:
            try:
                written.replaced += self._transaction([article], (), window)
            except Exception as err:  # noqa: BLE001
                self._stop_unless_per_item(err)
                written.failed_ids.add(article.id)
                written.failed.append(InputError(_printable(article.origin or article.id),
                                                 f"could not be stored ({_describe(err)})"))

    def _stop_unless_per_item(self, err: Exception) -> None:
        """Raise a StoreError when `err` is not an article's fault: a full disk, a read-only
        or vanished file, a database DuckDB gave up on, running out of memory."""
        import duckdb

        machine = (OSError, MemoryError, DyadError, duckdb.IOException, duckdb.FatalException,
                   duckdb.InterruptException, duckdb.OutOfMemoryException)
        if isinstance(err, machine) or environment_problem(err, self.path):
            raise _store_error(err, self.path, "write to") from err

    def _transaction(self, articles: Sequence[Article], errors: Sequence[InputError], window: int) -> int:
        """Store a batch in one transaction: all of it or, on failure, none of it. Rows go in
        as whole tables, not one statement per row. Returns how many stored articles it
        replaced with a different text."""
        import pandas

        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        try:
            self.db.execute("BEGIN TRANSACTION")
            affected, replaced = self._write_articles(articles, now, window)
            # one row per id: an article stating the same event twice in a sentence keeps the last
            events = list({row[0]: row for row in (_event_row(a, e) for a in articles for e in a.events)}.values())
            if events:
                with _registered(self.db, "_dyad_batch", pandas.DataFrame(events, columns=_EVENT_COLUMNS)):
                    self.db.execute(f"INSERT INTO events BY NAME SELECT *, {DEDUP_ID} AS dedup_id FROM _dyad_batch",
                                    [window])
                    affected += self.db.execute(f"SELECT DISTINCT {DEDUP_ID}, date, {BLOCK} FROM _dyad_batch",
                                                [window]).fetchall()
            if affected:  # regroup their blocks, then recompute their events (dropping those left with none)
                _refresh(self.db, [*affected, *_assign_blocks(self.db, affected, window)], window)
            self._insert("quotes", list({q.id: _quote_row(a, q) for a in articles for q in a.quotes}.values()))
            self._insert("input_errors", [(_printable(e.where), _printable(e.reason), now) for e in errors])
            self.db.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(Exception):  # after a fatal error there is nothing to roll back
                self.db.execute("ROLLBACK")
            raise
        return replaced

    def _write_articles(self, articles: Sequence[Article], now: dt.datetime,
                        window: int) -> tuple[list[Touched], int]:
        """Store the articles with their sentences and mentions, replacing earlier copies; return
        the deduplicated events the replaced reports belonged to, with a date and block of each
        (for a window of `window` days), and how many of the copies had a different text."""
        if not articles:
            return [], 0
        affected, replaced = self._forget(articles, window)
        signatures = {a.id: a.signature or signature(a.text) for a in articles}
        keys = band_keys([signatures[a.id] for a in articles])
        originals = self._originals(articles, signatures, keys)
        self._insert("articles", [(*_article_row(a, now), originals[a.id], _pack(signatures[a.id]))
                                  for a in articles])
        self._insert_frame("article_bands", _bands_frame([a.id for a in articles], keys))
        self._insert("sentences", [(a.id, s.index, s.start, s.end, s.text) for a in articles for s in a.sentences])
        self._insert("mentions", [(a.id, m.sentence, m.start, m.end, m.text, m.kind, m.key, m.country, m.sector)
                                  for a in articles for m in a.mentions])
        return affected, replaced

    def _forget(self, articles: Sequence[Article], window: int) -> tuple[list[Touched], int]:
        """Delete what earlier runs stored for these articles, so re-coding replaces it; return
        the deduplicated events its reports belonged to, with a date and block of each, and how
        many of the stored articles had a different text (another article under the same id)."""
        import pandas

        with _registered(self.db, "_dyad_ids", pandas.DataFrame({"id": [a.id for a in articles],
                                                                  "text": [a.text for a in articles]})):
            found = self.db.execute("SELECT count(*), count(*) FILTER (WHERE a.text <> n.text) FROM articles a "
                                    "JOIN _dyad_ids n ON a.id = n.id").fetchall()
            if not found[0][0]:
                return [], 0
            affected = self.db.execute(f"SELECT DISTINCT dedup_id, date, {BLOCK} FROM events "
                                       "WHERE article_id IN (SELECT id FROM _dyad_ids)", [window]).fetchall()
            delete_articles(self.db, "SELECT id FROM _dyad_ids")
            return affected, int(found[0][1])

    def dedup_window(self) -> int:
        """The deduplication window in days, as set (`set_dedup_window`); a value outside
        `DEDUP_WINDOW_RANGE` (written by an older Dyad, or by hand) is a StoreError naming the fix."""
        row = self.db.execute("SELECT value FROM dyad_meta WHERE key = 'dedup_window_days'").fetchall()
        if not row:
            return DEDUP_WINDOW_DAYS
        value = str(row[0][0])
        low, high = DEDUP_WINDOW_RANGE
        if not (value.isascii() and value.isdigit() and low <= int(value) <= high):
            raise StoreError(f"{self.path} has a deduplication window of {value[:40]!r} days, outside {low} to "
                             f"{high}; set a valid one with `dyad regroup --window DAYS --db {self.path}`")
        return int(value)

    def set_dedup_window(self, days: int) -> int:
        """Group reports into blocks of `days` days (`DEDUP_WINDOW_RANGE`: 1 to 3650) from now
        on, and regroup every stored one; return how many deduplicated events there are then."""
        low, high = DEDUP_WINDOW_RANGE
        if isinstance(days, bool) or not isinstance(days, int) or not low <= days <= high:
            raise StoreError(f"the deduplication window is a whole number of days from {low} to {high}, "
                             f"not {days!r}")
        self.db.execute("BEGIN TRANSACTION")
        try:
            self.db.execute("INSERT OR REPLACE INTO dyad_meta VALUES ('dedup_window_days', ?)", [str(days)])
            _regroup(self.db, days)
            self.db.execute("COMMIT")
        except Exception as err:
            with contextlib.suppress(Exception):
                self.db.execute("ROLLBACK")
            raise _store_error(err, self.path, "regroup the events of") from err
        return int(self.db.execute("SELECT count(*) FROM deduplicated_events").fetchall()[0][0])

    def _insert(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        if rows:
            import pandas

            self._insert_frame(table, pandas.DataFrame(rows))

    def _insert_frame(self, table: str, frame: Any) -> None:
        with _registered(self.db, "_dyad_batch", frame):
            self.db.execute(f"INSERT INTO {table} SELECT * FROM _dyad_batch")

    def _originals(self, articles: Sequence[Article], signatures: dict[str, list[int]],
                   keys: Any) -> dict[str, str | None]:
        """For each article, the earliest article (stored, or earlier in the batch) it
        near-duplicates: sharing an LSH band and similar enough (dedup.py). Candidates are
        found with joins on the band keys; only they are compared one by one."""
        import numpy as np
        import pandas

        bands = pandas.DataFrame({"band_key": keys.ravel(), "position": np.repeat(np.arange(len(articles)), BANDS)})
        with _registered(self.db, "_dyad_keys", bands):
            stored = self.db.execute(
                """SELECT k.position, a.id, a.duplicate_of, a.minhash
                   FROM (SELECT b.band_key, b.article_id FROM article_bands b
                         WHERE b.band_key IN (SELECT band_key FROM _dyad_keys)) b
                   JOIN articles a ON a.id = b.article_id
                   JOIN _dyad_keys k ON k.band_key = b.band_key
                   QUALIFY row_number() OVER (PARTITION BY k.position, b.band_key ORDER BY a.coded_at, a.id)
                           <= ?
                   ORDER BY k.position, a.coded_at, a.id""", [CANDIDATES_PER_BAND]).fetchall()
        earlier: dict[int, list[tuple[str, str | None, list[int]]]] = {}
        for position, other, duplicate_of, minhash in stored:
            earlier.setdefault(position, []).append((other, duplicate_of, _unpack(minhash)))
        # earlier articles of this batch sharing a band, the first few per band
        bands["rank"] = bands.groupby("band_key").cumcount()
        pairs = bands.merge(bands[bands["rank"] < CANDIDATES_PER_BAND], on="band_key", suffixes=("", "_other"))
        pairs = pairs[pairs["position_other"] < pairs["position"]].sort_values(["position", "position_other"])
        in_batch: dict[int, list[int]] = {}
        for position, other in zip(pairs["position"].tolist(), pairs["position_other"].tolist(), strict=True):
            in_batch.setdefault(position, []).append(other)
        originals: dict[str, str | None] = {}
        for position, article in enumerate(articles):
            found = None
            if position in earlier or position in in_batch:
                sig, tried = signatures[article.id], {article.id}
                batch_candidates = [(articles[o].id, originals[articles[o].id], signatures[articles[o].id])
                                    for o in in_batch.get(position, [])]
                for other, duplicate_of, minhash in [*earlier.get(position, []), *batch_candidates]:
                    if duplicate_of == article.id:  # re-coding an original whose copies are stored
                        continue
                    if other not in tried:
                        tried.add(other)
                        if similarity(sig, minhash) >= THRESHOLD:
                            found = duplicate_of or other
                            break
            originals[article.id] = found
        return originals

    # -- reading -------------------------------------------------------------------------

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
        sql, params = self.event_query(actor=actor, recipient=recipient, event_type=event_type, since=since,
                                       until=until, article_id=article_id, modality=modality, event_id=event_id,
                                       dedup_id=dedup_id, limit=limit, offset=offset, either_way=either_way,
                                       min_confidence=min_confidence, counts=not limit, statements=statements,
                                       coder=coder, sector=sector, recipient_sector=recipient_sector, **view)
        if not limit:
            return list(map(_event_dict, self._stream(sql, params)))
        # a page: its events, then their deduplicated events' counts by id (a join scans them all)
        rows = list(self._stream(sql, params))
        ids = sorted({r["dedup_id"] for r in rows})
        counts = {i: (n, m) for i, n, m in self.db.cursor().execute(
            f"SELECT id, sources, mentions FROM deduplicated_events WHERE id IN ({', '.join('?' * len(ids))})",
            ids).fetchall()} if ids else {}
        for row in rows:
            row["sources_n"], row["mentions_n"] = counts[row["dedup_id"]]
        return list(map(_event_dict, rows))

    def iter_events(self, **filters: Any) -> Iterator[dict[str, Any]]:
        """The same as `events`, streamed in chunks and with no limit."""
        yield from map(_event_dict, self._stream(*self.event_query(**filters)))

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

    def event_query(self, actor: str | None = None, recipient: str | None = None, event_type: str | None = None,
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
        where, params = _filters(
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
        sql, params = self.deduplicated_query(actor=actor, recipient=recipient, event_type=event_type, since=since,
                                              until=until, modality=modality, limit=limit, offset=offset,
                                              statements=statements, sector=sector, recipient_sector=recipient_sector,
                                              **view)
        return [_deduplicated_dict(row) for row in self._stream(sql, params)]

    def iter_deduplicated(self, **filters: Any) -> Iterator[dict[str, Any]]:
        """The same as `deduplicated`, streamed and with no limit."""
        yield from map(_deduplicated_dict, self._stream(*self.deduplicated_query(**filters)))

    def deduplicated_query(self, actor: str | None = None, recipient: str | None = None, event_type: str | None = None,
                           since: dt.date | None = None, until: dt.date | None = None,
                           modality: Sequence[str] | None = None, limit: int | None = None,
                           ordered: bool = True, offset: int = 0, statements: bool = False, sector: str | None = None,
                           recipient_sector: str | None = None, sort: str | None = None,
                           **view: Any) -> tuple[str, list[Any]]:
        """The SQL (and its parameters) selecting deduplicated events with the details their
        reports give (`_DETAILS`), newest first (or by `sort`, `deduplicated_order`) unless
        `ordered=False`; statements only with `statements`."""
        where, params = self.deduplicated_where(actor=actor, recipient=recipient, event_type=event_type, since=since,
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

    @staticmethod
    def deduplicated_where(actor: str | None = None, recipient: str | None = None, event_type: str | None = None,
                           since: dt.date | None = None, until: dt.date | None = None,
                           modality: Sequence[str] | None = None, statements: bool = False, sector: str | None = None,
                           recipient_sector: str | None = None, min_confidence: float | None = None,
                           either_way: bool = False, **view: Any) -> tuple[str, list[Any]]:
        """The WHERE clause (and its parameters) on `deduplicated_events` for these filters: a
        real-world event matches a filter on its reports (actors, sectors, confidence,
        `view_conditions`) when one of its reports does."""
        sides, side_params = _filters(*_side_filters(actor, recipient, sector, recipient_sector, either_way),
                                      ("confidence >= ?", min_confidence), *view_conditions(**view))
        reported = _one_filter(f"id IN (SELECT dedup_id FROM events {sides})", side_params) if sides else ("", None)
        return _filters(
            ("list_contains(?, modality)", list(modality) if modality else None),
            (NOT_STATEMENT, not statements),
            reported,
            ("event_type = ?", event_type.upper() if event_type else None),
            ("date >= ?", since),
            ("date <= ?", until),
        )

    def start_run(self, inputs: Sequence[str], model: str) -> str:
        """Record that a coding run began; `finish_run` closes it."""
        from .. import __version__
        from ..data import codebook_digest

        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        run_id = hashlib.sha256(f"{now.isoformat()}|{list(inputs)}".encode("utf-8", "backslashreplace")).hexdigest()[:16]
        try:
            self.db.execute("INSERT INTO runs VALUES (?, ?, NULL, ?, ?, ?, ?, 0, 0, 0)",
                            [run_id, now, __version__, codebook_digest(), model, _printable(json.dumps(list(inputs)))])
        except Exception as err:
            raise _store_error(err, self.path, "record the run in") from err
        return run_id

    def finish_run(self, run_id: str, articles: int, events: int, errors: int) -> None:
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        try:
            self.db.execute("UPDATE runs SET finished_at = ?, articles = ?, events = ?, input_errors = ? WHERE id = ?",
                            [now, articles, events, errors, run_id])
        except Exception as err:
            raise _store_error(err, self.path, "record the run in") from err

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
        where, params = _filters(
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


def schema_version(db: Any) -> str | None:
    """The schema version of an open database: None when it holds no Dyad data, "1" for the
    first releases, which kept no version."""
    tables = {row[0] for row in db.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    if "dyad_meta" in tables:
        row = db.execute("SELECT value FROM dyad_meta WHERE key = 'schema_version'").fetchall()
        return str(row[0][0]) if row else "1"
    return "1" if "events" in tables else None


def _version_message(path: str, version: str) -> str:
    if version in MIGRATIONS:
        return (f"{path} uses schema {version}; this Dyad uses {SCHEMA_VERSION}. Upgrade it in place with "
                f"`dyad migrate {path}`")
    newer = version.isdigit() and int(version) > int(SCHEMA_VERSION)
    return (f"{path} uses schema {version}, {'newer' if newer else 'older'} than this Dyad's {SCHEMA_VERSION}"
            + (" (upgrade Dyad to read it as it is)" if newer else "")
            + f". Re-code its articles into a new database with `dyad migrate {path} --out NEW.duckdb`")


def _migrate_7(db: Any) -> None:
    """Schema 7 to 8: sentences and mentions tables (empty for articles coded before; re-code
    them to fill them), integer LSH band keys with the numpy MinHash, and deduplicated
    events."""
    db.execute("DROP TABLE article_bands")
    db.execute("ALTER TABLE events ADD COLUMN dedup_id VARCHAR")
    db.execute("ALTER TABLE articles DROP COLUMN minhash")
    db.execute("ALTER TABLE articles ADD COLUMN minhash BLOB")
    db.execute(SCHEMA)
    rows = db.execute("SELECT id, text FROM articles ORDER BY coded_at, id").fetchall()
    if rows:
        import pandas

        signatures = {i: signature(text) for i, text in rows}
        sigs = pandas.DataFrame({"id": list(signatures), "minhash": [_pack(sig) for sig in signatures.values()]})
        with _registered(db, "_dyad_sigs", sigs):
            db.execute("UPDATE articles SET minhash = s.minhash FROM _dyad_sigs s WHERE articles.id = s.id")
        with _registered(db, "_dyad_bands", _bands_frame(list(signatures), band_keys(list(signatures.values())))):
            db.execute("INSERT INTO article_bands SELECT * FROM _dyad_bands")
    db.execute("INSERT OR REPLACE INTO dyad_meta VALUES ('dedup_window_days', ?)", [str(DEDUP_WINDOW_DAYS)])
    # the events are grouped by the step to schema 11, when every column they read is there


def delete_articles(db: Any, ids_sql: str) -> None:
    """Delete the articles whose ids `ids_sql` selects, with every row kept for them."""
    for table in TABLES:
        if table != "input_errors":  # kept per input item, not per article
            db.execute(f"DELETE FROM {table} WHERE {'id' if table == 'articles' else 'article_id'} IN ({ids_sql})")


def _regroup(db: Any, days: int) -> None:
    """Recompute every report's deduplicated event, and those events, for a window of `days`."""
    db.execute(f"UPDATE events SET dedup_id = {DEDUP_ID}", [days])
    db.execute(_ASSIGN.format(where="true"), [days])
    # made anew from SCHEMA, so that a migration from any older schema gets this one's columns
    db.execute("DROP TABLE IF EXISTS deduplicated_events")
    db.execute(SCHEMA)
    db.execute("CREATE OR REPLACE TEMP VIEW _dyad_affected AS SELECT DISTINCT dedup_id AS id FROM events")
    db.execute(_REFRESH.format(dates="true"))
    db.execute("DROP VIEW _dyad_affected")


def _assign_blocks(db: Any, touched: list[Touched], window: int) -> list[Touched]:
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
    with (_registered(db, "_dyad_blocks", pandas.DataFrame({"block": blocks})),
          _registered(db, "_dyad_dates", pandas.DataFrame({"date": sorted(set(dates))}))):
        before = db.execute(f"SELECT DISTINCT dedup_id, date FROM events WHERE {where}", params).fetchall()
        after = db.execute(_ASSIGN.format(where=where), params).fetchall()
    return [*before, *after]


def _refresh(db: Any, affected: Sequence[Touched], window: int) -> None:
    """Recompute the deduplicated events with these ids (each given with the date of one of its
    reports, or None when undated) from their reports, dropping those left with none."""
    import pandas

    dates = [t[1] for t in affected if t[1] is not None]
    bounds = "e.date IS NULL"
    params: list[Any] = []
    if dates:
        bounds = "(e.date BETWEEN ? AND ? OR e.date IS NULL)"
        params = [_days_after(min(dates), -window), _days_after(max(dates), window)]
    with _registered(db, "_dyad_affected", pandas.DataFrame({"id": sorted({t[0] for t in affected})})):
        db.execute("DELETE FROM deduplicated_events WHERE id IN (SELECT id FROM _dyad_affected)")
        db.execute(_REFRESH.format(dates=bounds), params)


def _days_after(day: dt.date, days: int) -> dt.date:
    """`day` moved by `days`, stopping at the first or last date Python has (a CMS's zero date,
    0001-01-01, minus a window is no date at all)."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.min if days < 0 else dt.date.max


def _store_error(err: BaseException, path: str, doing: str) -> StoreError:
    """The StoreError to raise when `doing` something to the database at `path` failed: the
    machine's cause in plain words when it is one (`errors.environment_problem`)."""
    if isinstance(err, StoreError):
        return err
    return StoreError(environment_problem(err, path) or f"could not {doing} {path}: {_describe(err)}")


def _describe(err: BaseException) -> str:
    """An exception in one short line, for a message."""
    text = " ".join(str(err).split())
    text = text if len(text) <= 300 else text[:299] + "…"
    return _printable(f"{type(err).__name__}: {text}" if text else type(err).__name__)


def _printable(text: object) -> str:
    """`text` as the database can store it: a lone surrogate (from a broken escape) is written
    as its backslash escape, the six characters "\\ud800" for U+D800."""
    return str(text).encode("utf-8", "backslashreplace").decode("utf-8")


def _migrate_8(db: Any) -> None:
    """Schema 8 to 9: which coder decided each event (the events stored before were all coded
    by the patterns) and the event model's version and probability."""
    db.execute("ALTER TABLE events ADD COLUMN coder VARCHAR")
    db.execute("ALTER TABLE events ADD COLUMN model_version VARCHAR")
    db.execute("ALTER TABLE events ADD COLUMN model_probability DOUBLE")
    db.execute("UPDATE events SET coder = 'pattern'")


def _migrate_9(db: Any) -> None:
    """Schema 9 to 10: where each event's place was read (sentence, article or dateline;
    unknown for the events stored before: re-code their articles to fill it). The step to 11
    groups the events again."""
    db.execute("ALTER TABLE events ADD COLUMN location_source VARCHAR")


def _stored_window(db: Any) -> int:
    """The deduplication window a database was grouped with (the default when it says none)."""
    row = db.execute("SELECT value FROM dyad_meta WHERE key = 'dedup_window_days'").fetchall()
    return int(row[0][0]) if row and str(row[0][0]).isdigit() else DEDUP_WINDOW_DAYS


def _migrate_10(db: Any) -> None:
    """Schema 10 to 11: each deduplicated event keeps its place and mean Goldstein score (the
    map's): the events are grouped again for the stored window, which fills them. Every older
    schema passes here, so this is where their events are grouped with today's columns."""
    _regroup(db, _stored_window(db))


# schema version -> the step that upgrades it to the next version, in place
MIGRATIONS = {"7": _migrate_7, "8": _migrate_8, "9": _migrate_9, "10": _migrate_10}


def migrate(path: str | Path) -> list[str]:
    """Upgrade a database in place to this Dyad's schema, one step at a time, each in a
    transaction. Returns the versions it went through; raises StoreError when no in-place path
    exists (then re-code the stored articles instead: `stored_articles`, `dyad migrate --out`)."""
    import duckdb

    if not Path(path).exists():
        raise StoreError(f"no database at {path}")
    steps: list[str] = []
    with duckdb.connect(str(path)) as db:
        version = schema_version(db)
        if version is None:
            raise StoreError(f"{path} holds no Dyad data")
        while version != SCHEMA_VERSION:
            if version not in MIGRATIONS:
                raise StoreError(_version_message(str(path), version))
            db.execute("BEGIN TRANSACTION")
            try:
                MIGRATIONS[version](db)
                version = str(int(version) + 1)
                db.execute("UPDATE dyad_meta SET value = ? WHERE key = 'schema_version'", [version])
                db.execute("COMMIT")
            except Exception as err:
                db.execute("ROLLBACK")
                raise StoreError(f"could not migrate {path} from schema {version}: {err}") from err
            steps.append(version)
    return steps


def stored_articles(path: str | Path) -> Iterator[Article]:
    """The articles of a Dyad database of any schema version, as they were ingested, for
    re-coding into a new one."""
    import duckdb

    with duckdb.connect(str(path), read_only=True) as db:
        columns = {row[0] for row in db.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'articles'").fetchall()}
        if "text" not in columns:
            raise StoreError(f"{path} keeps no article texts to re-code")
        wanted = [c for c in ("id", "text", "title", "date", "source", "url", "origin") if c in columns]
        cursor = db.cursor().execute(f"SELECT {', '.join(wanted)} FROM articles ORDER BY id")
        while chunk := cursor.fetchmany(1000):
            for row in chunk:
                yield Article(**dict(zip(wanted, row, strict=True)))


@contextlib.contextmanager
def _registered(db: Any, name: str, frame: Any) -> Iterator[None]:
    """A DataFrame visible to SQL as `name` for the length of the block."""
    db.register(name, frame)
    try:
        yield
    except BaseException:
        with contextlib.suppress(Exception):  # in an aborted transaction this fails too, hiding the cause
            db.unregister(name)
        raise
    db.unregister(name)


def _pack(sig: Sequence[int]) -> bytes:
    import numpy as np

    return np.asarray(sig, dtype="<u8").tobytes()


def _unpack(blob: bytes) -> Any:
    import numpy as np

    return np.frombuffer(blob, dtype="<u8")


def _bands_frame(ids: list[str], keys: Any) -> Any:
    """The article_bands rows of articles with these ids and band keys (`dedup.band_keys`)."""
    import numpy as np
    import pandas

    return pandas.DataFrame({"band_key": keys.ravel(), "article_id": np.repeat(np.array(ids, dtype=object), BANDS)})


def _side_filters(actor: str | None, recipient: str | None, sector: str | None = None,
                  recipient_sector: str | None = None, either_way: bool = False) -> list[tuple[str, Any]]:
    """`_filters` conditions on the events table for an actor and recipient code (`either_way`:
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
    """`_filters` conditions on the events table for the events table's filters: QuadClasses,
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
    """A condition as `_filters` takes it: one parameter bare, several as a list."""
    return sql, params[0] if len(params) == 1 else params


def _filters(*conditions: tuple[str, Any]) -> tuple[str, list[Any]]:
    """A WHERE clause from (condition, value) pairs, leaving out empty values. A condition has
    one ?, or as many as its value (a list of several) has items, or none (its value True)."""
    used = [(sql, value) for sql, value in conditions if value]
    params: list[Any] = []
    for sql, value in used:
        params += value if sql.count("?") > 1 else [value] if "?" in sql else []
    return ("WHERE " + " AND ".join(sql for sql, _ in used) if used else ""), params


def _article_row(article: Article, now: dt.datetime) -> tuple[Any, ...]:
    removed = [{"start": b.start, "end": b.end, "reason": b.removed} for b in article.blocks if b.removed]
    return (article.id, article.date, article.title, article.source, article.url, article.origin, article.text,
            json.dumps(removed), len(article.sentences), len(article.events), now)


def _event_row(article: Article, event: Event) -> tuple[Any, ...]:
    a, r, loc = event.actor, event.recipient, event.location
    # the evidence JSON written directly: this runs once per event, a million times a large batch
    evidence = (f'{{"actor": [{a.start}, {a.end}], "recipient": {_span(r)}, "event": [{event.trigger[0]}, '
                f'{event.trigger[1]}], "location": {_span(loc)}, "date": {_pair(event.date_span)}}}')
    recipient = (r.text, r.code, r.country, r.sector, r.name, r.role, r.ner) if r else _NO_ACTOR
    location = (loc.name, loc.country, loc.lat, loc.lon, loc.kind) if loc else _NO_LOCATION
    return (
        event_id(article.id, event), article.id, event.sentence, event.date, event.date_precision, event.date_text,
        event.event_type, event.mode, event.modality, event.context, event.cameo, event.goldstein, event.quad_class,
        a.text, a.code, a.country, a.sector, a.name, a.role, a.ner, *recipient, *location,
        article.sentences[event.sentence].text, evidence, event.confidence, event.mentions, event.pattern, event.quote,
        json.dumps(event.notes) if event.notes else "[]", event.coder, event.model_version, event.model_probability,
        loc.source if loc else None,
    )


_NO_ACTOR = (None,) * len(_ACTOR_COLUMNS)
_NO_LOCATION = (None,) * 5


def _span(thing: Actor | Location | None) -> str:
    return f"[{thing.start}, {thing.end}]" if thing is not None else "null"


def _pair(span: tuple[int, int] | None) -> str:
    return f"[{span[0]}, {span[1]}]" if span else "null"


def _quote_row(article: Article, quote: Any) -> tuple[Any, ...]:
    speaker = quote.speaker
    return (quote.id, article.id, quote.kind, quote.text, quote.start, quote.end, quote.speaker_text,
            speaker.code if speaker else None, speaker.country if speaker else None, speaker.name if speaker else None)


def _actor(row: dict[str, Any], prefix: str) -> dict[str, Any] | None:
    if row[f"{prefix}_text"] is None:
        return None
    return {c: row[f"{prefix}_{c}"] for c in _ACTOR_COLUMNS}


def _event_dict(row: dict[str, Any]) -> dict[str, Any]:
    location = None
    if row["location_name"] is not None:
        location = {"name": row["location_name"], "country": row["location_country"],
                    "lat": row["location_lat"], "lon": row["location_lon"], "type": row["location_type"],
                    "source": row["location_source"]}
    return {
        "id": row["id"],
        "article_id": row["article_id"],
        "date": row["date"].isoformat() if row["date"] else None,
        "date_precision": row["date_precision"],
        "event_type": row["event_type"],
        "mode": row["mode"],
        "modality": row["modality"],
        "context": row["context"],
        "cameo": row["cameo"],
        "goldstein": row["goldstein"],
        "quad_class": row["quad_class"],
        "actor": _actor(row, "actor"),
        "recipient": _actor(row, "recipient"),
        "location": location,
        "sentence": row["sentence"],
        "evidence": json.loads(row["evidence"]),
        "confidence": row["confidence"],
        "sources": int(row["sources_n"]),
        "mentions": int(row["mentions_n"]),
        "pattern": row["pattern"],
        "quote": row["quote_id"],
        "notes": json.loads(row["notes"]),
        "deduplicated_id": row["dedup_id"],
        "coder": row["coder"],
        "model_version": row["model_version"],
        "model_probability": row["model_probability"],
    }


def _deduplicated_dict(row: dict[str, Any]) -> dict[str, Any]:
    def actor(prefix: str) -> dict[str, Any] | None:
        if row[f"{prefix}_code"] is None and row[f"{prefix}_name"] is None:
            return None
        return {c: row[f"{prefix}_{c}"] for c in ("code", "country", "sector", "name")}

    location = None
    if row["location_name"] is not None:
        location = {"name": row["location_name"], "country": row["location_country"],
                    "lat": row["location_lat"], "lon": row["location_lon"]}
    return {
        "id": row["id"],
        "date": row["date"].isoformat() if row["date"] else None,
        "last_date": row["last_date"].isoformat() if row["last_date"] else None,
        **{k: row[k] for k in ("event_type", "mode", "modality", "cameo", "goldstein", "quad_class")},
        "actor": actor("actor"),
        "recipient": actor("recipient"),
        "location": location,
        "confidence": row["confidence"],
        "sources": int(row["sources"]),
        "mentions": int(row["mentions"]),
        "reports": [{**r, "date": r["date"].isoformat() if r["date"] else None} for r in row["reported_by"]],
    }

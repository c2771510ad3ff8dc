"""Stage 7, store: articles and events in DuckDB, one transaction per batch.

Re-coding an article replaces its earlier rows, so running ``dyad code`` twice on the same
input leaves the database as one run would. Reads compute `sources` (how many articles report
the same actor, recipient, CAMEO code and date) and `mentions` (how many sentences) across the
whole store.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from .dedup import THRESHOLD, band_keys, signature, similarity
from .errors import InputError, StoreError
from .types import FACTUAL, Article, Event

__all__ = ["EVENT_FIELDS", "Store", "event_id"]

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
    minhash UBIGINT[]        -- its MinHash signature (dedup.py)
);
CREATE TABLE IF NOT EXISTS article_bands (
    band_key VARCHAR,
    article_id VARCHAR
);
CREATE TABLE IF NOT EXISTS events (
    id VARCHAR PRIMARY KEY,
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
    notes JSON
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

EVENT_FIELDS = (
    "id", "article_id", "date", "event_type", "mode", "modality", "cameo", "goldstein", "quad_class", "actor", "recipient",
    "location", "sentence", "evidence", "confidence", "sources", "mentions",
)
_ACTOR_COLUMNS = ("text", "code", "country", "sector", "name", "role", "ner")
SCHEMA_VERSION = "7"


def event_id(article_id: str, event: Event) -> str:
    key = f"{article_id}|{event.trigger[0]}|{event.actor.code}|{event.recipient.code if event.recipient else ''}|{event.cameo}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


class Store:
    """A DuckDB file of articles and events. `read_only` opens it for queries only."""

    def __init__(self, path: str | Path = "dyad.duckdb", read_only: bool = False) -> None:
        import duckdb

        self.path = str(path)
        if read_only and self.path != ":memory:" and not Path(self.path).exists():
            raise StoreError(f"no database at {self.path}; run `dyad code` first")
        try:
            self.db = duckdb.connect(self.path, read_only=read_only)
            version = self._schema_version()
            if version is None and not read_only:
                self.db.execute(SCHEMA)
                self.db.execute("INSERT INTO dyad_meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])
                version = SCHEMA_VERSION
        except duckdb.Error as err:
            raise StoreError(f"cannot open {self.path}: {err}") from None
        if version is None:
            self.db.close()
            raise StoreError(f"{self.path} holds no Dyad data yet; run `dyad code` first")
        if version != SCHEMA_VERSION:
            self.db.close()
            raise StoreError(f"{self.path} was written by another version of Dyad (schema {version}, this one "
                             f"uses {SCHEMA_VERSION}); code into a new file, or delete this one and code again")

    def _schema_version(self) -> str | None:
        """None for an empty database; "1" for the first releases, which kept no version."""
        tables = {row[0] for row in self.db.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if "dyad_meta" in tables:
            row = self.db.execute("SELECT value FROM dyad_meta WHERE key = 'schema_version'").fetchone()
            return str(row[0]) if row else "1"
        return "1" if "events" in tables else None

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing -------------------------------------------------------------------------

    def write(self, articles: Sequence[Article], errors: Sequence[InputError] = ()) -> None:
        """Store a batch in one transaction: all of it or, on failure, none of it. Rows go in
        as whole tables, not one statement per row."""
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        try:
            self.db.execute("BEGIN TRANSACTION")
            if articles:
                ids = [a.id for a in articles]
                for table, column in (("events", "article_id"), ("quotes", "article_id"), ("articles", "id"),
                                      ("article_bands", "article_id")):
                    self.db.execute(f"DELETE FROM {table} WHERE list_contains(?, {column})", [ids])
                signatures = {a.id: signature(a.text) for a in articles}
                keys = {a.id: band_keys(signatures[a.id]) for a in articles}
                originals = self._originals(articles, signatures, keys)
                self._insert("articles", [(*_article_row(a, now), originals[a.id], signatures[a.id]) for a in articles])
                self._insert("article_bands", [(k, a.id) for a in articles for k in keys[a.id]])
            self._insert("events", [_event_row(a, e) for a in articles for e in a.events], replace=True)
            self._insert("quotes", [_quote_row(a, q) for a in articles for q in a.quotes], replace=True)
            self._insert("input_errors", [(e.where, e.reason, now) for e in errors])
            self.db.execute("COMMIT")
        except Exception as err:
            self.db.execute("ROLLBACK")
            raise StoreError(f"could not write batch to {self.path}: {err}") from err

    def _insert(self, table: str, rows: list[tuple[Any, ...]], replace: bool = False) -> None:
        if not rows:
            return
        import pandas

        self.db.register("_dyad_batch", pandas.DataFrame(rows))
        try:
            self.db.execute(f"INSERT {'OR REPLACE ' if replace else ''}INTO {table} SELECT * FROM _dyad_batch")
        finally:
            self.db.unregister("_dyad_batch")

    def _originals(self, articles: Sequence[Article], signatures: dict[str, list[int]],
                   keys: dict[str, list[str]]) -> dict[str, str | None]:
        """For each article, the earliest article (stored, or earlier in the batch) it
        near-duplicates: sharing an LSH band and similar enough (dedup.py)."""
        every_key = [k for ks in keys.values() for k in ks]
        stored = self.db.execute(
            """SELECT b.band_key, a.id, a.duplicate_of, a.minhash FROM article_bands b JOIN articles a ON a.id = b.article_id
               WHERE list_contains(?, b.band_key) ORDER BY a.coded_at, a.id""", [every_key]).fetchall()
        candidates: dict[str, list[tuple[str, str | None, list[int]]]] = {}
        for key, other, duplicate_of, minhash in stored:
            candidates.setdefault(key, []).append((other, duplicate_of, minhash))
        originals: dict[str, str | None] = {}
        for article in articles:
            sig = signatures[article.id]
            found = None
            for key in keys[article.id]:
                for other, duplicate_of, minhash in candidates.get(key, []):
                    if other != article.id and similarity(sig, minhash) >= THRESHOLD:
                        found = duplicate_of or other
                        break
                if found:
                    break
            originals[article.id] = found
            for key in keys[article.id]:  # later articles of this batch may copy this one
                candidates.setdefault(key, []).append((article.id, found, sig))
        return originals

    def events(self, actor: str | None = None, recipient: str | None = None, event_type: str | None = None,
               since: dt.date | None = None, until: dt.date | None = None, limit: int | None = 100,
               article_id: str | None = None, modality: Sequence[str] | None = None,
               event_id: str | None = None) -> list[dict[str, Any]]:
        """Events as JSON-ready dicts, newest first. `actor`/`recipient` are ISO3 country codes;
        `modality` keeps only events stated so (default: all, negated and hypothetical too)."""
        rows = self.iter_events(actor=actor, recipient=recipient, event_type=event_type, since=since, until=until,
                                article_id=article_id, modality=modality, event_id=event_id)
        return list(itertools.islice(rows, limit or None))

    def iter_events(self, **filters: Any) -> Iterator[dict[str, Any]]:
        """The same as `events`, streamed in chunks and with no limit."""
        sql, params = self.event_query(**filters)
        cursor = self.db.cursor()
        cursor.execute(sql, params)
        columns = [d[0] for d in cursor.description]
        while True:
            chunk = cursor.fetchmany(5000)
            if not chunk:
                return
            for row in chunk:
                yield _event_dict(dict(zip(columns, row, strict=True)))

    def event_query(self, actor: str | None = None, recipient: str | None = None, event_type: str | None = None,
                    since: dt.date | None = None, until: dt.date | None = None, article_id: str | None = None,
                    modality: Sequence[str] | None = None, event_id: str | None = None) -> tuple[str, list[Any]]:
        """The SQL (and its parameters) selecting events with their `sources_n` and `mentions_n`."""
        where, params = _filters(
            ("list_contains(?, modality)", list(modality) if modality else None),
            ("actor_country = ?", actor.upper() if actor else None),
            ("recipient_country = ?", recipient.upper() if recipient else None),
            ("article_id = ?", article_id),
            ("id = ?", event_id),
            ("event_type = ?", event_type.upper() if event_type else None),
            ("date >= ?", since),
            ("date <= ?", until),
        )
        sql = f"""
            WITH counted AS (
                SELECT e.*,
                    -- a wire copy or reprint is another mention, not another source
                    count(DISTINCT coalesce(a.duplicate_of, e.article_id)) OVER dup AS sources_n,
                    sum(e.mentions) OVER dup AS mentions_n
                FROM events e LEFT JOIN articles a ON a.id = e.article_id
                WINDOW dup AS (PARTITION BY e.date, e.actor_code, e.recipient_code, e.cameo, e.modality)
            )
            SELECT * FROM counted {where}
            ORDER BY date DESC NULLS LAST, article_id, sentence_index, id
        """
        return sql, params

    def start_run(self, inputs: Sequence[str], model: str) -> str:
        """Record that a coding run began; `finish_run` closes it."""
        from . import __version__
        from .data import codebook_digest

        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        run_id = hashlib.sha256(f"{now.isoformat()}|{list(inputs)}".encode()).hexdigest()[:16]
        self.db.execute("INSERT INTO runs VALUES (?, ?, NULL, ?, ?, ?, ?, 0, 0, 0)",
                        [run_id, now, __version__, codebook_digest(), model, json.dumps(list(inputs))])
        return run_id

    def finish_run(self, run_id: str, articles: int, events: int, errors: int) -> None:
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        self.db.execute("UPDATE runs SET finished_at = ?, articles = ?, events = ?, input_errors = ? WHERE id = ?",
                        [now, articles, events, errors, run_id])

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

    def summary(self, top: int = 5) -> dict[str, Any]:
        one = self.db.execute("SELECT count(*) FROM articles").fetchone()
        factual = list(FACTUAL)
        two = self.db.execute("SELECT count(*) FROM events WHERE list_contains(?, modality)", [factual]).fetchone()
        by_type = self.db.execute(
            "SELECT event_type, count(*) AS n FROM events WHERE list_contains(?, modality) GROUP BY 1 ORDER BY n DESC, 1",
            [factual]).fetchall()
        dyads = self.db.execute(
            """SELECT actor_country, recipient_country, count(*) AS n, round(avg(goldstein), 2) AS g
               FROM events WHERE actor_country IS NOT NULL AND recipient_country IS NOT NULL
                 AND actor_country <> recipient_country AND list_contains(?, modality)
               GROUP BY 1, 2 ORDER BY n DESC, 1, 2 LIMIT ?""", [factual, top]).fetchall()
        unfactual = self.db.execute("SELECT count(*) FROM events WHERE NOT list_contains(?, modality)", [factual]).fetchone()
        errors = self.db.execute("SELECT count(*) FROM input_errors").fetchone()
        return {
            "articles": one[0] if one else 0,
            "events": two[0] if two else 0,
            "negated_or_hypothetical": unfactual[0] if unfactual else 0,
            "input_errors": errors[0] if errors else 0,
            "by_type": dict(by_type),
            "top_dyads": [{"actor": a, "recipient": r, "events": n, "mean_goldstein": g} for a, r, n, g in dyads],
        }


def _filters(*conditions: tuple[str, Any]) -> tuple[str, list[Any]]:
    """A WHERE clause from (condition with one ?, value) pairs, leaving out empty values."""
    used = [(sql, value) for sql, value in conditions if value]
    return ("WHERE " + " AND ".join(sql for sql, _ in used) if used else ""), [value for _, value in used]


def _article_row(article: Article, now: dt.datetime) -> tuple[Any, ...]:
    removed = [{"start": b.start, "end": b.end, "reason": b.removed} for b in article.blocks if b.removed]
    return (article.id, article.date, article.title, article.source, article.url, article.origin, article.text,
            json.dumps(removed), len(article.sentences), len(article.events), now)


def _event_row(article: Article, event: Event) -> tuple[Any, ...]:
    sentence = article.sentences[event.sentence]
    evidence: dict[str, list[int] | None] = {
        "actor": [event.actor.start, event.actor.end],
        "recipient": [event.recipient.start, event.recipient.end] if event.recipient else None,
        "event": list(event.trigger),
        "location": [event.location.start, event.location.end] if event.location else None,
        "date": list(event.date_span) if event.date_span else None,
    }
    actor = [getattr(event.actor, c) for c in _ACTOR_COLUMNS]
    recipient = [getattr(event.recipient, c) for c in _ACTOR_COLUMNS] if event.recipient else [None] * len(_ACTOR_COLUMNS)
    loc = event.location
    location = [loc.name, loc.country, loc.lat, loc.lon, loc.kind] if loc else [None] * 5
    return (
        event_id(article.id, event), article.id, event.sentence, event.date, event.date_precision, event.date_text,
        event.event_type, event.mode, event.modality, event.context, event.cameo, event.goldstein, event.quad_class,
        *actor, *recipient, *location, sentence.text, json.dumps(evidence), event.confidence, event.mentions,
        event.pattern, event.quote, json.dumps(event.notes),
    )


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
                    "lat": row["location_lat"], "lon": row["location_lon"], "type": row["location_type"]}
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
    }

"""Stage 7, store: articles and events in DuckDB, one transaction per batch.

Re-coding an article replaces its earlier rows, so running ``dyad code`` twice on the same
input leaves the database as one run would. An article the database cannot take is found by
writing its batch in parts, and recorded as an input error; a failure of the machine (a full
disk, say) stops the write instead, with a message from `errors.environment_problem`.

The tables are `schema` (older ones are upgraded by `migrations`); an article's rows are made
by `rows`, its original by `near_copies`, and its events' real-world events by `grouping`.
`Store` opens the file and writes to it; reading is `Reader`'s, which it extends.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..coding.signature import band_keys, signature
from ..errors import DyadError, InputError, StoreError, environment_problem
from ..types import Article
from .grouping import BLOCK, DEDUP_ID, Touched, assign_blocks, refresh, regroup
from .migrations import version_message
from .near_copies import bands_frame, find_originals, pack
from .reader import Reader
from .rows import EVENT_COLUMNS, article_row, event_row, quote_row, registered
from .schema import DEDUP_WINDOW_DAYS, DEDUP_WINDOW_RANGE, SCHEMA, SCHEMA_VERSION, TABLES, schema_version

if TYPE_CHECKING:
    import duckdb

__all__ = ["CHECKPOINT_MB", "Store", "Written", "delete_articles", "open_database"]

CHECKPOINT_MB = 256


@dataclass
class Written:
    """What a write did beyond storing its batch: the articles that could not be stored (each
    recorded as an input error), and how many stored articles it replaced with a different
    text under the same id (re-coding an article with the same text is not counted)."""

    failed: list[InputError] = field(default_factory=list)
    failed_ids: set[str] = field(default_factory=set)
    replaced: int = 0


class Store(Reader):
    """A DuckDB file of articles and events. `read_only` opens it for queries only; the
    queries are `Reader`'s."""

    def __init__(self, path: str | Path = "dyad.duckdb", read_only: bool = False) -> None:
        self.path = str(path)
        super().__init__(open_database(self.path, read_only))

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
            events = list({row[0]: row for row in (event_row(a, e) for a in articles for e in a.events)}.values())
            if events:
                with registered(self.db, "_dyad_batch", pandas.DataFrame(events, columns=EVENT_COLUMNS)):
                    self.db.execute(f"INSERT INTO events BY NAME SELECT *, {DEDUP_ID} AS dedup_id FROM _dyad_batch",
                                    [window])
                    affected += self.db.execute(f"SELECT DISTINCT {DEDUP_ID}, date, {BLOCK} FROM _dyad_batch",
                                                [window]).fetchall()
            if affected:  # regroup their blocks, then recompute their events (dropping those left with none)
                refresh(self.db, [*affected, *assign_blocks(self.db, affected, window)], window)
            self._insert("quotes", list({q.id: quote_row(a, q) for a in articles for q in a.quotes}.values()))
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
        originals = find_originals(self.db, articles, signatures, keys)
        self._insert("articles", [(*article_row(a, now), originals[a.id], pack(signatures[a.id]))
                                  for a in articles])
        self._insert_frame("article_bands", bands_frame([a.id for a in articles], keys))
        self._insert("sentences", [(a.id, s.index, s.start, s.end, s.text) for a in articles for s in a.sentences])
        self._insert("mentions", [(a.id, m.sentence, m.start, m.end, m.text, m.kind, m.key, m.country, m.sector)
                                  for a in articles for m in a.mentions])
        return affected, replaced

    def _forget(self, articles: Sequence[Article], window: int) -> tuple[list[Touched], int]:
        """Delete what earlier runs stored for these articles, so re-coding replaces it; return
        the deduplicated events its reports belonged to, with a date and block of each, and how
        many of the stored articles had a different text (another article under the same id)."""
        import pandas

        with registered(self.db, "_dyad_ids", pandas.DataFrame({"id": [a.id for a in articles],
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
            regroup(self.db, days)
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
        with registered(self.db, "_dyad_batch", frame):
            self.db.execute(f"INSERT INTO {table} SELECT * FROM _dyad_batch")

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


def open_database(path: str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to the Dyad database at `path`, made with this schema when the file is new
    (unless `read_only`); a StoreError when it cannot be opened, holds no Dyad data or has
    another schema version (`dyad migrate` upgrades an older one)."""
    import duckdb

    if read_only and path != ":memory:" and not Path(path).exists():
        raise StoreError(f"no database at {path}; run `dyad code` first")
    try:
        db = duckdb.connect(path, read_only=read_only)
        version = schema_version(db)
        if version is None and not read_only:
            db.execute("BEGIN TRANSACTION")
            db.execute(SCHEMA)
            db.execute("INSERT INTO dyad_meta VALUES ('schema_version', ?), ('dedup_window_days', ?)",
                       [SCHEMA_VERSION, str(DEDUP_WINDOW_DAYS)])
            db.execute("COMMIT")
            version = SCHEMA_VERSION
    except duckdb.Error as err:
        raise StoreError(environment_problem(err, path) or f"cannot open {path}: {_describe(err)}") from None
    if version is None:
        db.close()
        raise StoreError(f"{path} holds no Dyad data yet; run `dyad code` first")
    if version != SCHEMA_VERSION:
        db.close()
        raise StoreError(version_message(path, version))
    if not read_only:
        # Fold the write-ahead log into the file every CHECKPOINT_MB rather than DuckDB's
        # default 16: large batches then are not rewritten on every commit. Commits stay
        # durable; a reopened database replays the log.
        db.execute(f"SET checkpoint_threshold = '{CHECKPOINT_MB}MB'")
    return db


def delete_articles(db: Any, ids_sql: str) -> None:
    """Delete the articles whose ids `ids_sql` selects, with every row kept for them."""
    for table in TABLES:
        if table != "input_errors":  # kept per input item, not per article
            db.execute(f"DELETE FROM {table} WHERE {'id' if table == 'articles' else 'article_id'} IN ({ids_sql})")


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


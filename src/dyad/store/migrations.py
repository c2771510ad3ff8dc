"""Upgrading a database of an older schema in place, one version at a time, and reading the
articles of any version back for re-coding (`dyad migrate`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..coding.signature import band_keys, signature
from ..errors import StoreError
from ..types import Article
from .grouping import regroup
from .near_copies import bands_frame, pack
from .rows import registered
from .schema import DEDUP_WINDOW_DAYS, SCHEMA, SCHEMA_VERSION, schema_version

__all__ = ["MIGRATIONS", "migrate", "stored_articles", "version_message"]

def version_message(path: str, version: str) -> str:
    """Why a database of schema `version` cannot be opened, and what to run: `dyad migrate`."""
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
        sigs = pandas.DataFrame({"id": list(signatures), "minhash": [pack(sig) for sig in signatures.values()]})
        with registered(db, "_dyad_sigs", sigs):
            db.execute("UPDATE articles SET minhash = s.minhash FROM _dyad_sigs s WHERE articles.id = s.id")
        with registered(db, "_dyad_bands", bands_frame(list(signatures), band_keys(list(signatures.values())))):
            db.execute("INSERT INTO article_bands SELECT * FROM _dyad_bands")
    db.execute("INSERT OR REPLACE INTO dyad_meta VALUES ('dedup_window_days', ?)", [str(DEDUP_WINDOW_DAYS)])
    # the events are grouped by the step to schema 11, when every column they read is there


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
    regroup(db, _stored_window(db))


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
                raise StoreError(version_message(str(path), version))
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

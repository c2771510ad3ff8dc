"""Export stored events for other tools: Parquet, CSV, JSON lines, PLOVER records, GDELT table.

Rows are streamed from the database in chunks, unsorted, so an export's memory does not grow
with the number of events. Parquet and CSV are written by DuckDB itself.
"""

from __future__ import annotations

import csv
import json
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

from ..coding.actors.codes import is_state
from ..errors import DyadError, StoreError, environment_problem
from . import views
from .store import Store

__all__ = ["FORMATS", "GDELT_COLUMNS", "export", "flat_query", "write_csv"]

FORMATS = ("parquet", "csv", "jsonl", "plover", "gdelt")
GDELT_COLUMNS = (
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year",
    "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1Type1Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2Type1Code",
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles",
    "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_Lat", "ActionGeo_Long",
    "SOURCEURL",
)
# the flat columns Parquet and CSV carry, in this order
FLAT_COLUMNS = (
    "id", "article_id", "date", "date_precision", "event_type", "mode", "modality", "context", "cameo", "goldstein",
    "quad_class", "actor_code", "actor_country", "actor_sector", "actor_name", "actor_text", "recipient_code",
    "recipient_country", "recipient_sector", "recipient_name", "recipient_text", "location_name", "location_country",
    "location_lat", "location_lon", "location_type", "location_source", "sentence", "evidence", "confidence", "mentions", "pattern",
    "quote_id", "notes", "coder", "model_version", "model_probability",
)


def export(store: Store, out: Path, fmt: str, force: bool = False, by_month: bool = False, dedup: bool = False,
           **filters: Any) -> int:
    """Write the events matching `filters` (those of `Store.events`) to `out`; return how many.
    With `by_month`, Parquet goes to a folder of `month=YYYY-MM` partitions. With `dedup`, one
    row per real-world event (`Store.deduplicated`), listing its reports."""
    if fmt not in FORMATS:
        raise DyadError(f"unknown export format {fmt!r}; one of {', '.join(FORMATS)}")
    if out.exists() and not force:
        raise DyadError(f"{out} exists; pass --force to overwrite it")
    if by_month and fmt != "parquet":
        raise DyadError("--by-month partitions Parquet exports only")
    if dedup and fmt not in ("parquet", "csv", "jsonl"):
        raise DyadError(f"{fmt} records are one per report; --dedup exports parquet, csv or jsonl")
    if not out.parent.is_dir():
        raise DyadError(f"the folder {out.parent} does not exist; create it first, or name a file in another folder")
    if out.is_dir() and not by_month:  # --force replaces a file, never a folder of the user's
        raise DyadError(f"{out} is a folder; name a file (only --by-month writes a folder)")
    try:
        return _export(store, out, fmt, by_month, dedup, filters)
    except (OSError, _duckdb_error()) as err:
        _remove(out)  # a half-written export is worse than none
        raise StoreError(environment_problem(err, out) or f"could not write {out}: {type(err).__name__}: {err}") from err


def write_csv(store: Store, stream: TextIO, dedup: bool = False, **filters: Any) -> int:
    """The CSV `export` writes (the same columns in the same order), to an open `stream`
    (`dyad events --format csv` on stdout), its rows newest first; return how many."""
    with tempfile.TemporaryDirectory(prefix="dyad-") as folder:
        out = Path(folder) / "events.csv"
        count = _export(store, out, "csv", False, dedup, {**filters, "ordered": True})
        with out.open(encoding="utf-8", newline="") as f:
            shutil.copyfileobj(f, stream)
    return count


def _duckdb_error() -> type[Exception]:
    import duckdb

    return duckdb.Error


def _remove(out: Path) -> None:
    try:
        if out.is_dir():
            shutil.rmtree(out)
        elif out.exists():
            out.unlink()
    except OSError:  # what cannot be removed stays; the error says why the export failed
        pass


def _export(store: Store, out: Path, fmt: str, by_month: bool, dedup: bool, filters: dict[str, Any]) -> int:
    filters.setdefault("ordered", False)  # streamed in bounded memory; a sort would hold every row
    if dedup:
        filters.pop("article_id", None)
        if fmt == "jsonl":
            return _jsonl(out, store.iter_deduplicated(**filters))
    if fmt in ("parquet", "csv"):
        return _write(store, out, fmt, *flat_query(store, filters, dedup, parquet=fmt == "parquet"), by_month)
    rows = store.iter_events(**filters)
    if fmt == "jsonl":
        return _jsonl(out, rows)
    count = 0
    with out.open("w", encoding="utf-8", newline="") as f:
        if fmt == "gdelt":
            writer = csv.writer(f, delimiter="\t", lineterminator="\n")
            writer.writerow(GDELT_COLUMNS)
            for row in rows:
                writer.writerow(_gdelt(row))
                count += 1
        else:
            for row in rows:
                f.write(json.dumps(_plover(row), ensure_ascii=False) + "\n")
                count += 1
    return count


def _jsonl(out: Path, rows: Iterable[dict[str, Any]]) -> int:
    count = 0
    with out.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count


def flat_query(store: Store, filters: dict[str, Any], dedup: bool = False, parquet: bool = False) -> tuple[str, list[Any]]:
    """The SQL (and its parameters) of the flat table Parquet and CSV exports hold, for the
    events (with `dedup`, real-world events) `filters` select, in their order. DuckDB writes
    those files from the query itself, never through Python rows."""
    if dedup:
        sql, params = views.deduplicated_query(**filters)
        # CSV cells cannot hold records: there, the reports are listed by event id
        reports = ("list_transform(reported_by, lambda r: {'event_id': r.event_id, 'article_id': r.article_id, "
                   "'sentence_index': r.sentence_index})" if parquet
                   else "list_transform(reported_by, lambda r: r.event_id)")
        return (f"SELECT * EXCLUDE (reported_by), {reports} AS reported_by, "
                f"coalesce(strftime(date, '%Y-%m'), 'undated') AS month FROM ({sql})"), params
    sql, params = views.event_query(**filters)
    columns = ", ".join(FLAT_COLUMNS)
    return (f"SELECT {columns}, sources_n AS sources, mentions_n AS all_mentions, dedup_id AS deduplicated_id, "
            f"coalesce(strftime(date, '%Y-%m'), 'undated') AS month FROM ({sql})"), params


def _write(store: Store, out: Path, fmt: str, sql: str, params: list[Any], by_month: bool) -> int:
    count = store.db.cursor().execute(f"SELECT count(*) FROM ({sql})", params).fetchone()
    relation = store.db.cursor().sql(sql, params=params)
    _remove(out)
    if fmt == "parquet":
        relation.write_parquet(str(out), partition_by=["month"] if by_month else None)
    else:
        relation.write_csv(str(out), header=True)
    return int(count[0]) if count else 0


def _plover(row: dict[str, Any]) -> dict[str, Any]:
    """A PLOVER event record (the PLOVER manual's JSON fields), with Dyad's evidence kept."""
    def actor(a: dict[str, Any] | None) -> dict[str, Any] | None:
        if a is None:
            return None
        return {"actorText": a["text"], "code": a["country"] or a["code"], "sector": a["sector"], "name": a["name"]}

    return {
        "id": row["id"],
        "date": row["date"],
        "event": row["event_type"],
        "mode": row["mode"],
        "context": row["context"],
        "source": [actor(row["actor"])],
        "target": [actor(row["recipient"])] if row["recipient"] else [],
        "text": row["sentence"],
        "location": row["location"],
        "cameo": row["cameo"],
        "goldstein": row["goldstein"],
        "modality": row["modality"],
        "confidence": row["confidence"],
        "evidence": row["evidence"],
        "articleId": row["article_id"],
        "coder": {"by": row["coder"], "modelVersion": row["model_version"], "modelProbability": row["model_probability"]},
    }


def _state(country: str | None) -> str:
    """GDELT's country code column: a state's ISO3; empty for an organisation (its code says it)."""
    return country if is_state(country) else ""


def _gdelt(row: dict[str, Any]) -> list[Any]:
    date = (row["date"] or "").replace("-", "")
    a, b, place = row["actor"], row["recipient"] or {}, row["location"] or {}
    cameo = row["cameo"]
    return [
        row["id"], date, date[:6], date[:4],
        a["code"] or "", a["name"] or a["text"], _state(a["country"]), a["sector"] or "",
        b.get("code") or "", b.get("name") or b.get("text") or "", _state(b.get("country")), b.get("sector") or "",
        1, cameo, cameo[:3], cameo[:2], "" if row["quad_class"] is None else row["quad_class"], row["goldstein"],
        row["mentions"], row["sources"], row["sources"],
        {"country": 1, "city": 4, "capital": 4}.get(place.get("type") or "", 2 if place else 0),
        place.get("name") or "", place.get("country") or "", place.get("lat") or "", place.get("lon") or "",
        "",
    ]

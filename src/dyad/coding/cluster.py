"""Coding on a Dask cluster: `dyad code PATH... --dask SCHEDULER|local --out DIR`.

The input is cut into partitions (line ranges of JSON-lines files, whole CSV files, groups of
other files), which the workers read from shared storage themselves. Each partition is coded
by a worker's own `Pipeline` and written as one Parquet file per table under
`DIR/<table>/part-NNNNN.parquet`, with the same rows `dyad code` stores. `load_parquet` then
loads a folder into a DuckDB database and redoes what needs every article at once: near-
duplicates across partitions and the deduplicated events.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import DyadError, InputError
from ..store.grouping import regroup
from ..store.near_copies import unpack
from ..store.schema import TABLES
from ..store.store import Store, delete_articles
from ..types import Article
from .ingest.files import Stream, file_kind, listing, read
from .ingest.formats import read_jsonl_range
from .ingest.records import MAX_CHARS
from .nlp import MAX_SENTENCE_TOKENS
from .signature import THRESHOLD, similarity

__all__ = ["Partition", "code_on_dask", "code_partition", "dask_setup", "load_parquet", "partitions"]


@dataclass(frozen=True)
class Partition:
    number: int
    files: tuple[str, ...]
    first_line: int = 0  # for one JSON-lines file: its lines [first_line, last_line)
    last_line: int | None = None
    errors: tuple[InputError, ...] = ()  # paths the listing could not read, reported by this partition


def partitions(paths: Sequence[str], size: int = 500) -> list[Partition]:
    """Cut the input into partitions of about `size` articles. Directories are listed as a
    local run lists them (`ingest.files.listing`), and what cannot be read there (an unsupported
    file, an unreadable directory, a link loop) is reported by a partition of its own."""
    files: list[Path] = []
    errors: list[InputError] = []
    for raw in paths:
        for entry in listing(Path(raw)) if raw != "-" else [Stream(Path(raw))]:
            if isinstance(entry, Stream):
                raise DyadError(f"a Dask run reads files its workers can reach, not stdin or a stream ({entry.path})")
            if isinstance(entry, InputError):
                errors.append(entry)
            else:
                files.append(entry)
    out: list[Partition] = []
    loose: list[str] = []
    for file in files:
        kind = file_kind(file.name)
        if kind == ("jsonl", False):  # plain JSON lines can be cut by line; a gzipped file is read whole
            with file.open("rb") as f:
                lines = sum(1 for _ in f)
            for first in range(0, max(lines, 1), size):
                out.append(Partition(len(out), (str(file),), first, first + size))
        elif kind is not None and (kind[0] == "csv" or kind[1]):
            out.append(Partition(len(out), (str(file),)))
        else:
            loose.append(str(file))
    for start in range(0, len(loose), size):
        out.append(Partition(len(out), tuple(loose[start : start + size])))
    if errors:
        out.append(Partition(len(out), (), errors=tuple(errors)))
    return out


def _items(part: Partition, default_date: dt.date | None, source: str | None,
           max_chars: int) -> Iterator[Article | InputError]:
    yield from part.errors
    if part.last_line is None:
        yield from read(part.files, default_date, source, max_chars)
    else:
        yield from read_jsonl_range(part.files[0], part.first_line, part.last_line, default_date, source, max_chars)


_PIPELINE: Any = None  # this worker's Pipeline, with the options it was built for
_OPTIONS: tuple[tuple[str, ...], bool, int, str, str | None] | None = None


def _pipeline(actors: Sequence[str], parse_all: bool, max_tokens: int = MAX_SENTENCE_TOKENS, coder: str = "combined",
              model: str | None = None) -> Any:
    """This process's Pipeline for these options: built once (by `dask_setup`, by the parent
    of a forked local cluster, or by the first task), then reused by every task."""
    global _PIPELINE, _OPTIONS
    from .pipeline import Pipeline

    options = (tuple(actors), parse_all, max_tokens, coder, model)
    if _PIPELINE is None or options != _OPTIONS:
        _PIPELINE = Pipeline(actors=list(actors), parse_all=parse_all, max_sentence_tokens=max_tokens, coder=coder, model=model)
        _OPTIONS = options
    return _PIPELINE


def dask_setup(worker: Any = None) -> None:
    """Load the pipeline when a worker starts, before any task: `dask worker SCHEDULER
    --nthreads 1 --preload dyad.coding.cluster`. Actors from DYAD_ACTORS, as `dyad code` reads them."""
    from .actors.loading import env_actor_paths

    _pipeline(env_actor_paths(), False)


def code_partition(part: Partition, out: str, actors: Sequence[str] = (), default_date: dt.date | None = None,
                   source: str | None = None, parse_all: bool = False, max_tokens: int = MAX_SENTENCE_TOKENS,
                   max_chars: int = MAX_CHARS, coder: str = "combined", model: str | None = None) -> dict[str, int]:
    """A worker's task: code one partition into `out/<table>/part-NNNNN.parquet`."""
    import resource

    from .pipeline import code_articles

    pipeline = _pipeline(actors, parse_all, max_tokens, coder, model)
    with Store(":memory:") as store:
        report = code_articles(_items(part, default_date, source, max_chars), store, pipeline, list(part.files))
        for table in TABLES:
            folder = Path(out) / table
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / f"part-{part.number:05d}.parquet"
            store.db.execute(f"COPY {table} TO '{target}' (FORMAT parquet)")
    return {"articles": report.articles, "events": report.events, "errors": len(report.errors),
            "words": report.words, "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}


def code_on_dask(paths: Sequence[str], out: Path, scheduler: str = "local", workers: int | None = None,
                 size: int = 500, actors: Sequence[str] = (), default_date: dt.date | None = None,
                 source: str | None = None, parse_all: bool = False, max_tokens: int = MAX_SENTENCE_TOKENS,
                 max_chars: int = MAX_CHARS, coder: str = "combined", model: str | None = None) -> dict[str, int]:
    """Code `paths` on a Dask cluster (`scheduler` is its address, or "local" for a
    LocalCluster of `workers` processes on this machine) into Parquet under `out`.

    A local cluster's workers are forked from this process after it has loaded the pipeline,
    as `dyad code --workers` does, so none of them loads it again."""
    import dask
    import dask.bag as db
    from distributed import Client, LocalCluster

    parts = partitions(paths, size)
    out.mkdir(parents=True, exist_ok=True)
    if scheduler == "local":
        fork = "fork" in multiprocessing.get_all_start_methods()
        if fork:
            _pipeline(actors, parse_all, max_tokens, coder, model)
        with dask.config.set({"distributed.worker.multiprocessing-method": "fork" if fork else "spawn"}):
            cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                                   dashboard_address=None)
        client = Client(cluster)
    else:
        cluster, client = None, Client(scheduler)
    try:
        bag = db.from_sequence(parts, npartitions=len(parts) or 1)
        results = bag.map(code_partition, out=str(out.resolve()), actors=list(actors), default_date=default_date,
                          source=source, parse_all=parse_all, max_tokens=max_tokens,
                          max_chars=max_chars, coder=coder, model=model).compute()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    totals = {"partitions": len(parts), "peak_mib": max((r["peak_mib"] for r in results), default=0)}
    for key in ("articles", "events", "errors", "words"):
        totals[key] = sum(r[key] for r in results)
    return totals


def load_parquet(folder: Path, db: Path) -> dict[str, int]:
    """Load a folder that `code_on_dask` wrote into a DuckDB database (new or of this
    schema), replacing articles coded before; then find near-duplicates across partitions and
    regroup the deduplicated events."""
    if not (folder / "articles").is_dir():
        raise DyadError(f"{folder} holds no Parquet written by a Dask run (no articles/ folder)")
    with Store(db) as store:
        con = store.db
        con.execute("BEGIN TRANSACTION")
        try:
            delete_articles(con, f"SELECT id FROM read_parquet('{folder}/articles/*.parquet')")
            if any((folder / "input_errors").glob("*.parquet")):  # the same rejected items, once
                con.execute(f"""DELETE FROM input_errors WHERE (item, reason) IN
                                (SELECT (item, reason) FROM read_parquet('{folder}/input_errors/*.parquet'))""")
            for table in TABLES:
                if any((folder / table).glob("*.parquet")):
                    con.execute(f"INSERT INTO {table} SELECT * FROM read_parquet('{folder}/{table}/*.parquet')")
            # near-duplicates across partitions: an article sharing a band with an earlier one
            pairs = con.execute(
                """SELECT DISTINCT a.id, o.id, o.duplicate_of, a.minhash, o.minhash, o.coded_at, o.id
                   FROM article_bands ba JOIN article_bands bo ON ba.band_key = bo.band_key
                   JOIN articles a ON a.id = ba.article_id JOIN articles o ON o.id = bo.article_id
                   WHERE a.duplicate_of IS NULL AND (o.coded_at < a.coded_at OR (o.coded_at = a.coded_at AND o.id < a.id))
                   ORDER BY 1, 6, 7""").fetchall()
            originals: dict[str, str] = {}
            for article, other, other_original, sig, other_sig, _, _ in pairs:
                if article in originals or other_original == article:
                    continue
                if similarity(unpack(sig), unpack(other_sig)) >= THRESHOLD:
                    originals[article] = other_original or other
            for article, original in originals.items():
                con.execute("UPDATE articles SET duplicate_of = ? WHERE id = ?", [original, article])
            regroup(con, store.dedup_window())
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in ("articles", "events")}
    return counts


"""`dyad code`: code articles into a database here, on a Dask cluster (--dask), or on a
running `dyad serve` (--server), with a progress bar and the items a run skipped."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from ..coding.ingest.records import MAX_CHARS
from ..coding.nlp import MAX_SENTENCE_TOKENS
from ..errors import DyadError
from ..store.store import Store
from . import flags
from .flags import coder_settings
from .queries import print_summary

__all__ = ["add_code_parser", "code_command"]


def code_command(args: argparse.Namespace) -> int:
    from ..coding.actors.loading import env_actor_paths
    from ..coding.pipeline import Pipeline, code_paths

    if args.dask:
        return _code_on_dask(args)
    if args.server:
        return _code_on_server(args)
    with Store(args.db) as store:  # before the model loads: a database that cannot be used fails at once
        bar = _progress_bar(args, "coding")
        actors = [*args.actors, *env_actor_paths()]
        pipeline = Pipeline(actors=actors, parse_all=args.parse_all, max_sentence_tokens=args.max_sentence_tokens,
                            **coder_settings(args))
        report = code_paths(args.paths, store, pipeline, default_date=args.date, source=args.source,
                            progress=bar.update if bar is not None else None, workers=args.workers,
                            max_chars=args.max_chars)
        summary = store.summary()
    return _finish(args, report, bar, f"into {args.db}", f"{args.workers} worker(s); coded with {pipeline.label}",
                   summary)


def _finish(args: argparse.Namespace, report: Any, bar: Any, where: str, how: str,
            summary: dict[str, Any] | None = None) -> int:
    """After a run: close its progress bar, list what it skipped or replaced, say what it coded
    `where` and `how` fast; exit status 1 when any item was skipped."""
    if bar is not None:
        bar.close()
    _print_problems(report)
    if not args.quiet:
        print(f"coded {report.articles} articles, {report.events} events {where} ({len(report.errors)} items skipped)")
        if summary is not None:
            print_summary(summary)
        print(f"throughput: {report.throughput()}, {how}", file=sys.stderr)
    return 1 if report.errors else 0


def _print_problems(report: Any) -> None:
    """The items a run skipped, and the stored articles it replaced with another text."""
    for error in report.errors:
        print(f"dyad: skipped {error}", file=sys.stderr)
    if report.replaced:
        print(f"dyad: replaced {report.replaced} stored article(s) that had the same id and a different text",
              file=sys.stderr)


def _progress_bar(args: argparse.Namespace, what: str) -> Any:
    """A progress bar with an ETA on a terminal, None otherwise (or with --quiet)."""
    if args.quiet or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    from ..coding.ingest.files import estimate

    return tqdm(desc=what, unit=" articles", total=estimate(args.paths), file=sys.stderr)


def _code_on_server(args: argparse.Namespace) -> int:
    from ..coding.ingest.files import read
    from .client import post_articles

    bar = _progress_bar(args, "posting")
    report = post_articles(read(args.paths, args.date, args.source, args.max_chars), args.server,
                           args.token or os.environ.get("DYAD_TOKEN"), progress=bar.update if bar is not None else None)
    return _finish(args, report, bar, f"on {args.server}", "on the server")


def _code_on_dask(args: argparse.Namespace) -> int:
    import time

    from ..coding.actors.loading import env_actor_paths
    from ..coding.cluster import code_on_dask, load_parquet
    from ..coding.pipeline import RunReport

    if args.out is None:
        raise DyadError("--dask needs --out DIR, a folder the workers can write to and this machine can read")
    actors = [*args.actors, *env_actor_paths()]
    started = time.perf_counter()
    totals = code_on_dask(args.paths, args.out, args.dask, args.workers, args.partition_size, actors, args.date,
                          args.source, args.parse_all, args.max_sentence_tokens, args.max_chars,
                          "rules" if args.rules_only else "combined", str(args.model) if args.model else None)
    counts = load_parquet(args.out, Path(args.db))
    report = RunReport(articles=totals["articles"], events=totals["events"], words=totals["words"],
                       seconds=time.perf_counter() - started)
    if not args.quiet:
        print(f"coded {totals['articles']} articles, {totals['events']} events in {totals['partitions']} partitions "
              f"into {args.out}, loaded into {args.db} ({counts['articles']} articles, {counts['events']} events; "
              f"{totals['errors']} items skipped; largest worker {totals['peak_mib']} MiB)")
        print(f"throughput: {report.throughput()}, Dask ({args.dask})", file=sys.stderr)
    return 1 if totals["errors"] else 0


def add_code_parser(sub: Any) -> None:
    """`dyad code`'s flags."""
    code = sub.add_parser("code", help="code articles and store their events")
    code.add_argument("paths", nargs="+", metavar="PATH", help=".txt .jsonl .csv .html files, directories, or - for stdin")
    code.add_argument("--db", default="dyad.duckdb", help="DuckDB file (default: %(default)s)")
    code.add_argument("--date", type=flags.publication_date, help="publication date for articles that have none")
    code.add_argument("--source", help="source name for articles that have none")
    code.add_argument("--actors", action="append", default=[], metavar="PATH",
                      help="your own actor file or folder of .yaml files, added to the built-in knowledge base and "
                           "winning over it; repeatable (also: DYAD_ACTORS, paths separated by ':')")
    code.add_argument("--workers", type=flags.whole(1, flags.MAX_WORKERS), default=min(os.cpu_count() or 1, flags.MAX_WORKERS),
                      help="processes coding at once, each with its own model, 1 to 256 (default: all %(default)s "
                           "cores)")
    code.add_argument("--dask", metavar="SCHEDULER",
                      help="code on a Dask cluster: its scheduler's address, or 'local' for one on this machine "
                           "with --workers processes; needs --out")
    code.add_argument("--out", type=Path, help="with --dask: folder for the Parquet the workers write")
    code.add_argument("--server", metavar="URL",
                      help="code into the database a running `dyad serve --token` holds, by posting the articles "
                           "to it (e.g. http://127.0.0.1:8000); needs --token")
    code.add_argument("--token", help="with --server: the server's token (also: DYAD_TOKEN)")
    code.add_argument("--partition-size", type=flags.whole(1), default=500, help="with --dask: articles a task codes")
    code.add_argument("--parse-all", action="store_true",
                      help="parse every sentence; by default only those naming an actor with a word that can "
                           "trigger an event are parsed (see the README's 'Speed')")
    code.add_argument("--max-chars", type=flags.positive, default=MAX_CHARS,
                      help="longest article accepted, in characters (default: %(default)s)")
    code.add_argument("--max-sentence-tokens", type=flags.positive, default=MAX_SENTENCE_TOKENS,
                      help="longer sentences (tables, lists, run-on scrapes) are stored but not coded "
                           "(default: %(default)s)")
    flags.coder_flags(code)
    code.add_argument("--quiet", action="store_true", help="no progress bar, summary or throughput line")

"""The `dyad` command: a thin layer over the Python API."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import shutil
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn

from .. import __version__
from ..codebook import PLOVER_TYPES
from ..coding.ingest.readers import MAX_CHARS, parse_date
from ..coding.nlp import MAX_SENTENCE_TOKENS
from ..errors import DyadError, InputError, environment_problem
from ..store.export import FORMATS, write_csv
from ..store.parties import check_known, check_sector, parse_party
from ..store.query import PERIODS
from ..store.schema import DEDUP_WINDOW_RANGE
from ..store.store import Store
from ..types import MODALITIES
from .tables import STATEMENT, event_table, table_lines
from .tables import clip as _clip

__all__ = ["main"]

DEFAULT_GOLD = Path("..") / "shared" / "gold"
MAX_WORKERS = 256  # each worker holds a model; more would only exhaust memory
MAX_ROWS = 2**63 - 1  # the largest LIMIT DuckDB takes
MIN_SHORT_ID = 6  # the fewest characters of an event id `dyad show` looks up


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def _whole(low: int, high: int | None = None) -> Any:
    """An argparse type: a whole number from `low` to `high` (no upper bound when None)."""
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
        if high is not None and high < MAX_ROWS and not low <= number <= high:
            raise argparse.ArgumentTypeError(f"must be from {low} to {high}, not {number}")
        if number < low:  # the upper bound that only keeps a number in DuckDB's range is said only when met
            raise argparse.ArgumentTypeError(f"must be at least {low}, not {number}")
        if high is not None and number > high:
            raise argparse.ArgumentTypeError(f"must be at most {high}, not {number}")
        return number

    parse.__name__ = "whole number"  # what argparse calls the type in its messages
    return parse


def _fraction(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number from 0 to 1, got {value!r}") from None
    if not 0.0 <= number <= 1.0:
        raise argparse.ArgumentTypeError(f"must be from 0 to 1, not {value}")
    return number


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {value!r} (use YYYY-MM-DD)") from None


def _publication_date(value: str) -> dt.date:
    """`--date`: a publication date, held to the same range as the input's own dates."""
    try:
        return parse_date(value, "--date")
    except InputError as err:
        raise argparse.ArgumentTypeError(err.reason) from None


def _party(value: str) -> str:
    """An actor code a filter takes: RUS, RUSMIL, IGOEUR (see `parties`)."""
    try:
        return parse_party(value).code
    except DyadError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _sector(value: str) -> str:
    try:
        return check_sector(value)
    except DyadError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _side_flags(parser: argparse.ArgumentParser) -> None:
    """--actor, --recipient and their sectors, as `dyad events` and `dyad export` take them."""
    parser.add_argument("--actor", type=_party,
                        help="actor (source): a country (RUS), an organisation (IGOEUR, IGOUNO), or either with a "
                             "sector (RUSMIL: RUSMIL and its sub-sectors)")
    parser.add_argument("--recipient", type=_party, help="recipient (target), as --actor")
    parser.add_argument("--sector", type=_sector, help="only actors of this sector, e.g. MIL (IGOUNOMIL too)")
    parser.add_argument("--recipient-sector", type=_sector, help="only recipients of this sector")


def _plover(value: str) -> str:
    if value.upper() not in PLOVER_TYPES:
        raise argparse.ArgumentTypeError(f"unknown PLOVER type {value!r}; one of {', '.join(PLOVER_TYPES)}")
    return value.upper()


class _Parser(argparse.ArgumentParser):
    """argparse, with a mistake told in one line (what is wrong, and where the options are
    listed) instead of the whole usage before it; exit status 2 as argparse's."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="dyad", description="Turn news articles into political event data.")
    parser.add_argument("--version", action="version", version=f"dyad {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    code = sub.add_parser("code", help="code articles and store their events")
    code.add_argument("paths", nargs="+", metavar="PATH", help=".txt .jsonl .csv .html files, directories, or - for stdin")
    code.add_argument("--db", default="dyad.duckdb", help="DuckDB file (default: %(default)s)")
    code.add_argument("--date", type=_publication_date, help="publication date for articles that have none")
    code.add_argument("--source", help="source name for articles that have none")
    code.add_argument("--actors", action="append", default=[], metavar="PATH",
                      help="your own actor file or folder of .yaml files, added to the built-in knowledge base and "
                           "winning over it; repeatable (also: DYAD_ACTORS, paths separated by ':')")
    code.add_argument("--workers", type=_whole(1, MAX_WORKERS), default=min(os.cpu_count() or 1, MAX_WORKERS),
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
    code.add_argument("--partition-size", type=_whole(1), default=500, help="with --dask: articles a task codes")
    code.add_argument("--parse-all", action="store_true",
                      help="parse every sentence; by default only those naming an actor with a word that can "
                           "trigger an event are parsed (see the README's 'Speed')")
    code.add_argument("--max-chars", type=_positive, default=MAX_CHARS,
                      help="longest article accepted, in characters (default: %(default)s)")
    code.add_argument("--max-sentence-tokens", type=_positive, default=MAX_SENTENCE_TOKENS,
                      help="longer sentences (tables, lists, run-on scrapes) are stored but not coded "
                           "(default: %(default)s)")
    _coder_flags(code)
    code.add_argument("--quiet", action="store_true", help="no progress bar, summary or throughput line")

    events = sub.add_parser("events", help="list stored events")
    events.add_argument("--db", default="dyad.duckdb")
    _side_flags(events)
    events.add_argument("--type", type=_plover, dest="event_type", help="PLOVER event type, e.g. REQUEST")
    events.add_argument("--since", type=_date)
    events.add_argument("--until", type=_date)
    events.add_argument("--modality", action="append", choices=MODALITIES,
                        help="only events stated so; repeatable (default: all, negated and hypothetical too)")
    events.add_argument("--either-way", action="store_true",
                        help="--actor and --recipient in either role (the events `dyad trend` counts)")
    events.add_argument("--min-confidence", type=_fraction, help="only events coded with at least this confidence")
    events.add_argument("--limit", type=_whole(0, MAX_ROWS), default=100, help="at most this many (0: all; default %(default)s)")
    events.add_argument("--format", choices=("table", "jsonl", "csv"), default="table")
    _statements_flag(events)
    events.add_argument("--coder", choices=("pattern", "model"),
                        help="only the events the verb patterns (pattern) or the event model (model) decided")
    events.add_argument("--dedup", action="store_true",
                        help="one row per real-world event, with its sources, mentions and reporting sentences")

    evaluate = sub.add_parser("eval", help="score event coding and actors against gold data")
    evaluate.add_argument("--gold", type=Path, default=DEFAULT_GOLD,
                          help="folder of gold files (default: ../shared/gold beside the working directory)")
    evaluate.add_argument("--report", type=Path, help="write every score, per type and confusion matrices, as JSON")
    evaluate.add_argument("--json", action="store_true", help="print the whole report as JSON")
    evaluate.add_argument("--coder", action="append", choices=("rules", "model", "combined"),
                          help="score this coder: the patterns alone, the event model alone, or both combined "
                               "as `dyad code` does; repeatable (default: all three)")
    evaluate.add_argument("--model", type=Path, metavar="DIR",
                          help="folder of another trained event model (default: the one Dyad ships)")
    evaluate.add_argument("--confusion", action="store_true",
                          help="also print the confusion matrices (PLOVER types, PentaClass)")

    export = sub.add_parser("export", help="write events as Parquet, CSV, JSON lines, PLOVER records or a GDELT table")
    export.add_argument("--db", default="dyad.duckdb")
    export.add_argument("--format", choices=FORMATS, required=True, dest="fmt")
    export.add_argument("--out", type=Path, required=True, help="file to write")
    export.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    export.add_argument("--by-month", action="store_true", help="Parquet: a folder of month=YYYY-MM partitions")
    export.add_argument("--dedup", action="store_true",
                        help="parquet, csv, jsonl: one row per real-world event instead of one per report")
    _side_flags(export)
    export.add_argument("--type", type=_plover, dest="event_type")
    export.add_argument("--modality", action="append", choices=MODALITIES)
    export.add_argument("--since", type=_date)
    export.add_argument("--until", type=_date)
    _statements_flag(export)

    trend = sub.add_parser("trend", help="a dyad's events by QuadClass and mean Goldstein over time")
    trend.add_argument("actor", type=_party, help="a country (RUS), an organisation (IGOEUR) or either with a sector")
    trend.add_argument("recipient", type=_party, help="as actor")
    trend.add_argument("--db", default="dyad.duckdb")
    trend.add_argument("--by", choices=PERIODS, default="month")
    trend.add_argument("--directed", action="store_true", help="only actor -> recipient, not both ways")
    trend.add_argument("--min-confidence", type=_fraction, default=0.0)
    trend.add_argument("--plot", type=Path, help="also draw it to this .png or .svg file")
    _statements_flag(trend)

    for name, what in (("actors", "the most active actors"), ("dyads", "the most active dyads")):
        listing = sub.add_parser(name, help=what)
        listing.add_argument("--db", default="dyad.duckdb")
        listing.add_argument("--top", type=_whole(1, MAX_ROWS), default=20)
        _statements_flag(listing)

    search = sub.add_parser("search", help="sentences containing every word of TEXT, with their events")
    search.add_argument("text")
    search.add_argument("--db", default="dyad.duckdb")
    search.add_argument("--limit", type=_whole(1, MAX_ROWS), default=20)
    _statements_flag(search)

    show = sub.add_parser("show", help="one event, with its evidence marked in the article's sentence")
    show.add_argument("event_id", metavar="EVENT_ID", help="an event's id, or its short id as `dyad events` shows it")
    show.add_argument("--db", default="dyad.duckdb")

    migrate = sub.add_parser("migrate", help="upgrade a database written by an earlier Dyad")
    migrate.add_argument("db", metavar="DB")
    migrate.add_argument("--out", type=Path,
                         help="re-code DB's stored articles into this new database (for versions with no in-place "
                              "upgrade, newer ones included)")
    migrate.add_argument("--actors", action="append", default=[], metavar="PATH", help="as for `dyad code`")

    serve = sub.add_parser("serve", help="the JSON API (and web pages) over a database, in a browser")
    serve.add_argument("--db", default="dyad.duckdb")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s, this machine only)")
    serve.add_argument("--port", type=_whole(0, 65535), default=8000,
                       help="port to listen on, 0 for any free one (default: %(default)s); one in use stops "
                            "`dyad serve` with exit status 2 before it says it is serving")
    serve.add_argument("--token", help="allow POST /api/articles with 'Authorization: Bearer TOKEN' "
                                       "(also: DYAD_TOKEN); without one, the server only reads")
    serve.add_argument("--allowed-host", action="append", default=[], metavar="NAME",
                       help="also answer requests for this Host name (a reverse proxy's, or this machine's name "
                            "on the network); repeatable. Any other Host is refused")
    serve.add_argument("--header-timeout", type=_positive_seconds, default=10.0, metavar="S",
                       help="close a connection whose request line and headers take longer (default: %(default)g)")
    serve.add_argument("--body-timeout", type=_positive_seconds, default=60.0, metavar="S",
                       help="answer 408 and close when a request body takes longer (default: %(default)g)")
    _coder_flags(serve)  # how POST /api/articles codes
    serve.add_argument("--max-connections", type=int, default=100, metavar="N",
                       help="open connections at once; more are answered 503 (default: %(default)s)")

    regroup = sub.add_parser("regroup", help="set the deduplication window and regroup stored reports")
    regroup.add_argument("--window", type=_whole(*DEDUP_WINDOW_RANGE), required=True, metavar="DAYS",
                         help="reports in the same block of DAYS days (1 to 3650) are one event (default when "
                              "coding: 1)")
    regroup.add_argument("--db", default="dyad.duckdb")

    summary = sub.add_parser("summary", help="articles, events by type and top dyads in a database")
    summary.add_argument("--db", default="dyad.duckdb")
    summary.add_argument("--json", action="store_true", help="print JSON instead of text")
    _statements_flag(summary)
    return parser


def _statements_flag(command: argparse.ArgumentParser) -> None:
    command.add_argument("--statements", action="store_true",
                         help="include statements (CAMEO 01: comments, denials, optimistic and pessimistic remarks), "
                              "which are left out by default")


class Terminated(BaseException):
    """SIGTERM arrived: unwind like Ctrl-C (a BaseException, so no `except Exception` that
    reports an item swallows it), stopping the workers and closing the database."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


def _coder_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rules-only", action="store_true",
                        help="code with the verb patterns alone, without the event model (faster; the results "
                             "of Dyad before the model)")
    parser.add_argument("--model", type=Path, metavar="DIR",
                        help="folder of another trained event model (default: the one Dyad ships)")


def _coder(args: argparse.Namespace) -> dict[str, Any]:
    """The Pipeline settings for the coder the flags choose."""
    return {"coder": "rules" if args.rules_only else "combined", "model": args.model}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "code":
            with _on_sigterm(_terminate):
                return _code(args)
        if args.command == "events":
            return _events(args)
        if args.command == "eval":
            return _eval(args)
        if args.command == "show":
            return _show(args)
        if args.command == "export":
            return _export(args)
        if args.command in ("trend", "actors", "dyads", "search"):
            return _query(args)
        if args.command == "migrate":
            return _migrate(args)
        if args.command == "serve":
            return _serve(args)
        if args.command == "regroup":
            with Store(args.db) as store:
                count = store.set_dedup_window(args.window)
            print(f"{count} deduplicated events with a window of {args.window} day(s)")
            return 0
        return _summary(args)
    except DyadError as err:
        print(f"dyad: error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `dyad events | head`
        return 0
    except KeyboardInterrupt:
        print("dyad: interrupted; what was written before stays, and running the same command again "
              "finishes the job", file=sys.stderr)
        return 130
    except Terminated:
        print("dyad: stopped (SIGTERM); what was written before stays, and running the same command again "
              "finishes the job", file=sys.stderr)
        return 143
    except Exception as err:
        cause = environment_problem(err, getattr(args, "db", None) or "the file")
        if cause is not None:  # the machine's fault (a full disk, say), not a bug
            print(f"dyad: error: {cause}", file=sys.stderr)
            return 2
        if os.environ.get("DYAD_DEBUG"):  # a bug: one line for the user, the traceback on request
            raise
        print(f"dyad: internal error ({type(err).__name__}: {err}); set DYAD_DEBUG=1 to see where",
              file=sys.stderr)
        return 2


@contextlib.contextmanager
def _on_sigterm(handler: Any) -> Iterator[None]:
    """`handler` for SIGTERM inside the block (only the main thread may set one)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _code(args: argparse.Namespace) -> int:
    from ..coding.actors.dictionary import env_actor_paths
    from ..coding.pipeline import Pipeline, code_paths

    if args.dask:
        return _code_on_dask(args)
    if args.server:
        return _code_on_server(args)
    with Store(args.db) as store:  # before the model loads: a database that cannot be used fails at once
        bar = _progress_bar(args, "coding")
        actors = [*args.actors, *env_actor_paths()]
        pipeline = Pipeline(actors=actors, parse_all=args.parse_all, max_sentence_tokens=args.max_sentence_tokens,
                            **_coder(args))
        report = code_paths(args.paths, store, pipeline, default_date=args.date, source=args.source,
                            progress=bar.update if bar is not None else None, workers=args.workers,
                            max_chars=args.max_chars)
        summary = store.summary()
    if bar is not None:
        bar.close()
    _print_problems(report)
    if not args.quiet:
        print(f"coded {report.articles} articles, {report.events} events into {args.db}"
              f" ({len(report.errors)} items skipped)")
        _print_summary(summary)
        print(f"throughput: {report.throughput()}, {args.workers} worker(s); coded with {pipeline.label}",
              file=sys.stderr)
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

    from ..coding.ingest.readers import estimate

    return tqdm(desc=what, unit=" articles", total=estimate(args.paths), file=sys.stderr)


def _code_on_server(args: argparse.Namespace) -> int:
    from ..coding.ingest.readers import read
    from .client import post_articles

    bar = _progress_bar(args, "posting")
    report = post_articles(read(args.paths, args.date, args.source, args.max_chars), args.server,
                           args.token or os.environ.get("DYAD_TOKEN"), progress=bar.update if bar is not None else None)
    if bar is not None:
        bar.close()
    _print_problems(report)
    if not args.quiet:
        print(f"coded {report.articles} articles, {report.events} events on {args.server}"
              f" ({len(report.errors)} items skipped)")
        print(f"throughput: {report.throughput()}, on the server", file=sys.stderr)
    return 1 if report.errors else 0


def _code_on_dask(args: argparse.Namespace) -> int:
    import time

    from ..coding.actors.dictionary import env_actor_paths
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


def _events(args: argparse.Namespace) -> int:
    filters = {"actor": args.actor, "recipient": args.recipient, "event_type": args.event_type, "since": args.since,
               "until": args.until, "limit": args.limit or None, "modality": args.modality,
               "statements": args.statements, "sector": args.sector, "recipient_sector": args.recipient_sector}
    if args.either_way or args.min_confidence:
        if args.dedup:
            raise DyadError("--either-way and --min-confidence list reports; leave them out with --dedup")
        filters.update(either_way=args.either_way, min_confidence=args.min_confidence)
    if args.coder and args.dedup:
        raise DyadError("--coder lists the events one coder decided, and a deduplicated event gathers reports that "
                        "either may have decided: use one or the other")
    if not args.dedup:
        filters["coder"] = args.coder
    out = sys.stdout
    with Store(args.db, read_only=True) as store:
        check_known(store.db, args.actor, args.recipient)
        if args.format == "csv":  # the very table `dyad export --format csv` writes, newest first
            write_csv(store, out, dedup=args.dedup, **filters)
            return 0
        rows = store.deduplicated(**filters) if args.dedup else store.events(**filters)
        if args.format == "jsonl":
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        elif args.dedup:
            _deduplicated(rows, out)
        else:
            _table(store, rows, out)
    return 0


def _deduplicated(rows: list[dict[str, Any]], out: Any) -> None:
    lines = [("date", "actor", "type", "cameo", "recipient", "sources", "mentions", "first report")]
    for r in rows:
        lines.append((r["date"] or "-", (r["actor"] or {}).get("code") or "-", r["event_type"] or STATEMENT, r["cameo"],
                      (r["recipient"] or {}).get("code") or "-", r["sources"], r["mentions"],
                      _clip(r["reports"][0]["sentence"], 50)))
    _columns(lines, out)
    out.write(f"({len(rows)} deduplicated events)\n")


def _columns(lines: Sequence[Sequence[Any]], out: Any) -> None:
    for line in table_lines(lines):
        out.write(line + "\n")


def _flat(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else value


def _table(store: Store, rows: list[dict[str, Any]], out: Any) -> None:
    """`rows` as a table as wide as the terminal, each event by its short id, reprints marked."""
    short = store.short_ids([r["id"] for r in rows])
    reprints = store.reprints([r["article_id"] for r in rows])
    for line in event_table(rows, short, reprints, shutil.get_terminal_size().columns):
        out.write(line + "\n")


def _eval(args: argparse.Namespace) -> int:
    from ..coding.nlp import load_model
    from ..coding.pipeline import Pipeline
    from ..evaluation.gold import compare

    if not args.gold.is_dir():
        print(f"gold data not found at {args.gold}; nothing to score (pass --gold DIR)")
        return 0
    nlp = load_model()
    coders = list(dict.fromkeys(args.coder or ("rules", "model", "combined")))
    result = compare(args.gold, {name: Pipeline(nlp, coder=name, model=args.model) for name in coders})
    if args.report:
        args.report.write_text(json.dumps(result, indent=2) + "\n")
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    _print_scores(result, coders, args.confusion)
    return 0


def _print_scores(result: dict[str, Any], coders: list[str], confusion: bool) -> None:
    """The scores as one table, a column per coder; a file the model was trained on is shown
    with its cross-validated figures, never scored in-sample."""
    reports = result["coders"]
    # the name column as wide as the longest figure's name (team_news has long ones)
    width = max([34, *(len(k) + 1 for name in coders for section in reports[name].values() for k in section)])
    print(f"{'':<{width + 2}}" + "".join(f"{name:>12}" for name in coders))
    for section in reports[coders[0]]:
        print(section)
        keys = list(dict.fromkeys(k for name in coders for k, v in reports[name][section].items()
                                  if not isinstance(v, (dict, list)) and k not in ("trained_on", "note")))
        for key in keys:
            cells = [reports[name][section].get(key, "") for name in coders]
            print(f"  {key:<{width}}" + "".join(f"{cell!s:>12}" for cell in cells))
        for name in coders:
            trained = reports[name][section]
            trained = trained if trained.get("trained_on") else trained.get("spans", {})
            if trained.get("trained_on"):
                cv = ", ".join(f"{k} {v}" for k, v in trained["cross_validated"].items())
                print(f"  {name}: trained on this file, not scored here; {result['model']['cv'].get('folds', 'k')}-fold "
                      f"cross-validation: {cv}")
    if confusion:
        for name in coders:
            for section in ("plover_gsr", "conflibert_pentaclass"):
                cells = reports[name][section].get("confusion")
                if cells:
                    print(f"\n{name}, {section} (rows gold, columns coded):")
                    _print_matrix(cells)
    if result["model"]:
        print(f"\nevent model {result['model']['version']}; trained on the gold files: "
              f"{', '.join(result['model']['gold_used']) or 'none'}")


def _print_matrix(cells: list[list[Any]]) -> None:
    labels = sorted({str(g) for g, _, _ in cells} | {str(p) for _, p, _ in cells})
    counts = {(str(g), str(p)): n for g, p, n in cells}
    width = max(6, *(len(label) for label in labels)) + 1
    print(" " * width + "".join(f"{label[:width - 1]:>{width}}" for label in labels))
    for gold in labels:
        print(f"{gold:<{width}}" + "".join(f"{counts.get((gold, p), 0) or '.':>{width}}" for p in labels))


MARKS = {"actor": ("[", "]ACTOR"), "recipient": ("[", "]RECIPIENT"), "event": ("[", "]EVENT"),
         "date": ("[", "]DATE"), "location": ("[", "]PLACE")}


def _query(args: argparse.Namespace) -> int:
    from ..store import query

    if getattr(args, "plot", None):  # before the query: a bad path fails at once
        query.check_plot_path(args.plot)
    with Store(args.db, read_only=True) as store:
        if args.command == "trend":
            check_known(store.db, args.actor, args.recipient)
            rows = query.trend(store, args.actor, args.recipient, args.by, args.directed, args.min_confidence,
                               statements=args.statements)
            _print_rows(rows)
            if rows:
                print(_period_events_command(args))
            if args.plot:
                arrow = "->" if args.directed else "<->"
                drawn = query.trend(store, args.actor, args.recipient, args.by, args.directed, args.min_confidence,
                                    statements=args.statements, precise=True)  # no month-dated spikes by day
                query.plot_trend(drawn, f"{args.actor} {arrow} {args.recipient} by {args.by}", args.plot, args.by,
                                 left_out=sum(r["events"] for r in rows) - sum(r["events"] for r in drawn))
                print(f"plot written to {args.plot}")
        elif args.command == "actors":
            _print_rows([{**row, "people": ", ".join(f"{p['name']} ({p['events']})" for p in row["people"]) or "-"}
                         for row in query.top_actors(store, args.top, statements=args.statements)])
        elif args.command == "dyads":
            _print_rows(query.top_dyads(store, args.top, statements=args.statements))
        else:
            hits = query.search(store, args.text, args.limit, statements=args.statements)
            lines: list[Sequence[Any]] = [("date", "article", "sentence", "events")]
            lines += [(h["date"] or "-", h["article_id"], _clip(h["text"], 70), ",".join(h["events"]) or "-")
                      for h in hits]
            _columns(lines, sys.stdout)
            print(f"({len(hits)} sentences)")
    return 0


def _period_events_command(args: argparse.Namespace) -> str:
    """How to list the events a trend counts in one period (`query.dyad_events`)."""
    from ..store.query import cli_args, dyad_events

    filters = dyad_events(args.actor, args.recipient, args.directed, min_confidence=args.min_confidence,
                          statements=args.statements)
    flags = " ".join(cli_args(filters))
    return f"(the events of a period: dyad events {flags} --since PERIOD --until END --limit 0)"


def _print_rows(rows: list[dict[str, Any]]) -> None:
    if not rows:
        print("(nothing)")
        return
    header = list(rows[0])
    _columns([header] + [[str(r[k])[:10] if k == "period" else str(r[k]) for k in header] for r in rows], sys.stdout)


def _export(args: argparse.Namespace) -> int:
    from ..store.export import export

    with Store(args.db, read_only=True) as store:
        check_known(store.db, args.actor, args.recipient)
        count = export(store, args.out, args.fmt, force=args.force, by_month=args.by_month, dedup=args.dedup,
                       actor=args.actor, recipient=args.recipient, sector=args.sector,
                       recipient_sector=args.recipient_sector,
                       event_type=args.event_type, modality=args.modality, since=args.since, until=args.until,
                       statements=args.statements)
    print(f"wrote {count} {'deduplicated ' if args.dedup else ''}events to {args.out} ({args.fmt})")
    return 0


def _serve(args: argparse.Namespace) -> int:
    from ..serve.server import Timeouts, allowed_hosts, create_app, listen, serve
    from ..store.parties import load_party_names

    if args.max_connections < 1:
        raise DyadError("--max-connections must be at least 1")
    hosts = allowed_hosts(args.host, args.allowed_host)
    from ..coding.pipeline import Pipeline

    coder = _coder(args)
    if coder["coder"] != "rules":  # a missing or changed event model stops here, not at the first post
        from ..model.infer import EventModel

        EventModel.load(args.model)
    app = create_app(args.db, token=args.token or os.environ.get("DYAD_TOKEN") or None, hosts=hosts,
                     pipeline=lambda: Pipeline(**coder))
    with listen(args.host, args.port) as sock:  # a port in use stops here, before "serving"
        port = sock.getsockname()[1]
        load_party_names()  # here, not in the first visitor's overview
        print(f"serving {args.db} at http://{_url_host(args.host)}:{port}/ (the API at /docs; "
              f"Ctrl-C stops); answering for {', '.join(sorted(hosts)) or 'no host name: add --allowed-host'}",
              flush=True)
        serve(app, args.host, port, Timeouts(header_s=args.header_timeout, body_s=args.body_timeout,
                                             connections=args.max_connections), sock=sock)
    return 0


def _positive_seconds(value: str) -> float:
    seconds = float(value)
    if not 0 < seconds < 86_400:  # also refuses nan and inf
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds from 0 to 86400")
    return seconds


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def _migrate(args: argparse.Namespace) -> int:
    from ..store.migrations import migrate

    if args.out is None:
        steps = migrate(args.db)
        print(f"{args.db} upgraded to schema {steps[-1]}" if steps else f"{args.db} is up to date")
        return 0
    from ..coding.pipeline import Pipeline, code_articles
    from ..store.migrations import stored_articles

    if args.out.exists():
        raise DyadError(f"{args.out} exists; migrate into a new file")
    with Store(args.out) as store:
        report = code_articles(stored_articles(args.db), store, Pipeline(actors=args.actors), [args.db])
    print(f"re-coded {report.articles} articles from {args.db}: {report.events} events into {args.out}")
    return 0


def _show(args: argparse.Namespace) -> int:
    with Store(args.db, read_only=True) as store:
        event_id = _whole_id(store, args.event_id)
        found = store.event(event_id)
        quotes = store.quotes(quote_id=found[0]["quote"]) if found and found[0]["quote"] else []
        others = store.reports(found[0]["deduplicated_id"], but=event_id) if found else []
    if found is None:
        print(f"dyad: error: no event {args.event_id!r} in {args.db}", file=sys.stderr)
        return 2
    row, text = found
    print(marked_sentence(row, text))
    actor, recipient = row["actor"], row["recipient"]
    print(f"  {row['event_type'] or STATEMENT} ({row['mode'] or '-'}), CAMEO {row['cameo']}, Goldstein {row['goldstein']:+.1f}, "
          f"QuadClass {row['quad_class']}, {row['modality']}, confidence {row['confidence']}")
    print(f"  actor      {actor['code'] or '?'}  {actor['name'] or actor['text']}" + (f" ({actor['role']})" if actor["role"] else ""))
    if recipient:
        print(f"  recipient  {recipient['code'] or '?'}  {recipient['name'] or recipient['text']}")
    print(f"  date       {row['date'] or '-'} ({row['date_precision'] or '-'})")
    if row["location"]:
        place = row["location"]
        print(f"  place      {place['name']}, {place['country']} ({place['lat']}, {place['lon']}), {place['type']}")
    print(f"  article    {row['article_id']}; {row['sources']} source(s), {row['mentions']} mention(s)")
    for other in others:
        print(f"  also       {other['article_id']} ({other['date'] or '-'}): {_clip(other['sentence'], 70)}")
    print(f"  pattern    {row['pattern']}")
    for quote in quotes:
        print(f"  quote      {quote['kind']}, {quote['speaker_text'] or '?'}"
              f" ({quote['speaker_code'] or 'unresolved'}): {quote['text']!r}")
    for note in row["notes"]:
        print(f"  note       {note}")
    return 0


def _whole_id(store: Store, given: str) -> str:
    """The id of the event `given` names: its whole id, or its first characters (at least
    `MIN_SHORT_ID`) as `dyad events` shows them; a DyadError when they start several ids."""
    given = given.strip().lower()
    if len(given) < MIN_SHORT_ID or len(given) >= 16 or not all(c in "0123456789abcdef" for c in given):
        return given
    matches = store.ids_starting(given)
    if len(matches) > 1:
        raise DyadError(f"several events have ids starting {given!r} ({', '.join(matches[:3])}, ...); give more "
                        "of the id")
    return matches[0] if matches else given


def marked_sentence(row: dict[str, Any], text: str) -> str:
    """The event's sentence with each piece of evidence bracketed and labelled; evidence outside
    the sentence (a place from the dateline) is quoted after it."""
    from ..store.query import evidence_in_sentence

    start, end, inside, outside = evidence_in_sentence(row, text)
    inserts: list[tuple[int, int, str]] = []
    for s, e, name in inside:
        inserts += [(s, 1, MARKS[name][0]), (e, 0, MARKS[name][1])]
    out, last = [], start
    for position, _, mark in sorted(inserts):
        out += [text[last:position], mark]
        last = position
    out.append(text[last:end])
    lines = ["".join(out)]
    lines += [f"  ({name}: {text[s:e]!r})" for s, e, name in outside]
    return "\n".join(lines)


def _summary(args: argparse.Namespace) -> int:
    with Store(args.db, read_only=True) as store:
        summary = store.summary(statements=args.statements)
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        _print_summary(summary)
    return 0


def _print_summary(summary: dict[str, Any]) -> None:
    print(f"{summary['articles']} articles, {summary['events']} events "
          f"(and {summary['negated_or_hypothetical']} negated or hypothetical), {summary['input_errors']} input errors")
    if summary["by_type"]:
        print("events by type:")
        for kind, n in summary["by_type"].items():
            print(f"  {kind:<10} {n}")
    if summary["top_dyads"]:
        print("top dyads (actor -> recipient, events, mean Goldstein):")
        for d in summary["top_dyads"]:
            print(f"  {d['actor']} -> {d['recipient']}  {d['events']}  {d['mean_goldstein']:+.2f}")


if __name__ == "__main__":
    raise SystemExit(main())


"""The `dyad` command line: every command and flag, the types that check their values, and
the one-line mistake message."""

from __future__ import annotations

import argparse
import datetime as dt
import os
from pathlib import Path
from typing import Any, NoReturn

from .. import __version__
from ..codebook import PLOVER_TYPES
from ..coding.ingest.records import MAX_CHARS, parse_date
from ..coding.nlp import MAX_SENTENCE_TOKENS
from ..errors import DyadError, InputError
from ..store.export import FORMATS
from ..store.parties import check_sector, parse_party
from ..store.query import PERIODS
from ..store.schema import DEDUP_WINDOW_RANGE
from ..types import MODALITIES

__all__ = ["build_parser", "coder_settings"]

DEFAULT_GOLD = Path("..") / "shared" / "gold"
MAX_WORKERS = 256  # each worker holds a model; more would only exhaust memory
MAX_ROWS = 2**63 - 1  # the largest LIMIT DuckDB takes


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

def _coder_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rules-only", action="store_true",
                        help="code with the verb patterns alone, without the event model (faster; the results "
                             "of Dyad before the model)")
    parser.add_argument("--model", type=Path, metavar="DIR",
                        help="folder of another trained event model (default: the one Dyad ships)")


def coder_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The Pipeline settings for the coder the flags choose."""
    return {"coder": "rules" if args.rules_only else "combined", "model": args.model}


def _positive_seconds(value: str) -> float:
    seconds = float(value)
    if not 0 < seconds < 86_400:  # also refuses nan and inf
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds from 0 to 86400")
    return seconds


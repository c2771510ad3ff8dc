"""What several commands' flags share: the types that check a flag's value (each mistake one
line, through argparse), the actor and recipient flags, --statements, and the coder flags."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from ..codebook import PLOVER_TYPES
from ..coding.ingest.records import parse_date
from ..errors import DyadError, InputError
from ..store.parties import check_sector, parse_party

__all__ = ["coder_flags", "coder_settings", "fraction", "iso_date", "party", "plover", "positive", "positive_seconds", "publication_date", "sector", "side_flags", "statements_flag", "whole"]

MAX_WORKERS = 256  # each worker holds a model; more would only exhaust memory
MAX_ROWS = 2**63 - 1  # the largest LIMIT DuckDB takes


def positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def whole(low: int, high: int | None = None) -> Any:
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


def fraction(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number from 0 to 1, got {value!r}") from None
    if not 0.0 <= number <= 1.0:
        raise argparse.ArgumentTypeError(f"must be from 0 to 1, not {value}")
    return number


def iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {value!r} (use YYYY-MM-DD)") from None


def publication_date(value: str) -> dt.date:
    """`--date`: a publication date, held to the same range as the input's own dates."""
    try:
        return parse_date(value, "--date")
    except InputError as err:
        raise argparse.ArgumentTypeError(err.reason) from None


def party(value: str) -> str:
    """An actor code a filter takes: RUS, RUSMIL, IGOEUR (see `parties`)."""
    try:
        return parse_party(value).code
    except DyadError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def sector(value: str) -> str:
    try:
        return check_sector(value)
    except DyadError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def side_flags(parser: argparse.ArgumentParser) -> None:
    """--actor, --recipient and their sectors, as `dyad events` and `dyad export` take them."""
    parser.add_argument("--actor", type=party,
                        help="actor (source): a country (RUS), an organisation (IGOEUR, IGOUNO), or either with a "
                             "sector (RUSMIL: RUSMIL and its sub-sectors)")
    parser.add_argument("--recipient", type=party, help="recipient (target), as --actor")
    parser.add_argument("--sector", type=sector, help="only actors of this sector, e.g. MIL (IGOUNOMIL too)")
    parser.add_argument("--recipient-sector", type=sector, help="only recipients of this sector")


def plover(value: str) -> str:
    if value.upper() not in PLOVER_TYPES:
        raise argparse.ArgumentTypeError(f"unknown PLOVER type {value!r}; one of {', '.join(PLOVER_TYPES)}")
    return value.upper()





def statements_flag(command: argparse.ArgumentParser) -> None:
    command.add_argument("--statements", action="store_true",
                         help="include statements (CAMEO 01: comments, denials, optimistic and pessimistic remarks), "
                              "which are left out by default")

def coder_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rules-only", action="store_true",
                        help="code with the verb patterns alone, without the event model (faster; the results "
                             "of Dyad before the model)")
    parser.add_argument("--model", type=Path, metavar="DIR",
                        help="folder of another trained event model (default: the one Dyad ships)")


def coder_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The Pipeline settings for the coder the flags choose."""
    return {"coder": "rules" if args.rules_only else "combined", "model": args.model}


def positive_seconds(value: str) -> float:
    seconds = float(value)
    if not 0 < seconds < 86_400:  # also refuses nan and inf
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds from 0 to 86400")
    return seconds


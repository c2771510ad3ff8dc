"""Looking after a database: `dyad migrate` (upgrade or re-code one an earlier Dyad wrote)
and `dyad regroup` (a new deduplication window)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..errors import DyadError
from ..store.schema import DEDUP_WINDOW_RANGE
from ..store.store import Store
from . import flags

__all__ = ["add_migrate_parser", "add_regroup_parser", "migrate_command", "regroup_command"]


def migrate_command(args: argparse.Namespace) -> int:
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


def regroup_command(args: argparse.Namespace) -> int:
    with Store(args.db) as store:
        count = store.set_dedup_window(args.window)
    print(f"{count} deduplicated events with a window of {args.window} day(s)")
    return 0


def add_migrate_parser(sub: Any) -> None:
    """`dyad migrate`'s arguments and flags."""
    migrate = sub.add_parser("migrate", help="upgrade a database written by an earlier Dyad")
    migrate.add_argument("db", metavar="DB")
    migrate.add_argument("--out", type=Path,
                         help="re-code DB's stored articles into this new database (for versions with no in-place "
                              "upgrade, newer ones included)")
    migrate.add_argument("--actors", action="append", default=[], metavar="PATH", help="as for `dyad code`")


def add_regroup_parser(sub: Any) -> None:
    """`dyad regroup`'s flags."""
    regroup = sub.add_parser("regroup", help="set the deduplication window and regroup stored reports")
    regroup.add_argument("--window", type=flags.whole(*DEDUP_WINDOW_RANGE), required=True, metavar="DAYS",
                         help="reports in the same block of DAYS days (1 to 3650) are one event (default when "
                              "coding: 1)")
    regroup.add_argument("--db", default="dyad.duckdb")

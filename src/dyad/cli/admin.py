"""Looking after a database: `dyad migrate` (upgrade or re-code one an earlier Dyad wrote)
and `dyad regroup` (a new deduplication window)."""

from __future__ import annotations

import argparse

from ..errors import DyadError
from ..store.store import Store

__all__ = ["migrate_command", "regroup_command"]


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

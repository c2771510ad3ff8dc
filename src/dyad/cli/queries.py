"""Questions asked of a database: `dyad trend`, `actors`, `dyads`, `search` and `summary`."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..store.parties import check_known
from ..store.query import PERIODS
from ..store.store import Store
from . import flags
from .tables import clip as _clip
from .tables import write_table

__all__ = ["add_listing_parsers", "add_search_parser", "add_summary_parser", "add_trend_parser", "print_summary", "query_command", "summary_command"]


def query_command(args: argparse.Namespace) -> int:
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
            write_table(lines, sys.stdout)
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
    write_table([header] + [[str(r[k])[:10] if k == "period" else str(r[k]) for k in header] for r in rows], sys.stdout)


def summary_command(args: argparse.Namespace) -> int:
    with Store(args.db, read_only=True) as store:
        summary = store.summary(statements=args.statements)
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print_summary(summary)
    return 0


def print_summary(summary: dict[str, Any]) -> None:
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


def add_trend_parser(sub: Any) -> None:
    """`dyad trend`'s arguments and flags."""
    trend = sub.add_parser("trend", help="a dyad's events by QuadClass and mean Goldstein over time")
    trend.add_argument("actor", type=flags.party, help="a country (RUS), an organisation (IGOEUR) or either with a sector")
    trend.add_argument("recipient", type=flags.party, help="as actor")
    trend.add_argument("--db", default="dyad.duckdb")
    trend.add_argument("--by", choices=PERIODS, default="month")
    trend.add_argument("--directed", action="store_true", help="only actor -> recipient, not both ways")
    trend.add_argument("--min-confidence", type=flags.fraction, default=0.0)
    trend.add_argument("--plot", type=Path, help="also draw it to this .png or .svg file")
    flags.statements_flag(trend)


def add_listing_parsers(sub: Any) -> None:
    """`dyad actors` and `dyad dyads`."""
    for name, what in (("actors", "the most active actors"), ("dyads", "the most active dyads")):
        listing = sub.add_parser(name, help=what)
        listing.add_argument("--db", default="dyad.duckdb")
        listing.add_argument("--top", type=flags.whole(1, flags.MAX_ROWS), default=20)
        flags.statements_flag(listing)


def add_search_parser(sub: Any) -> None:
    """`dyad search`'s arguments and flags."""
    search = sub.add_parser("search", help="sentences containing every word of TEXT, with their events")
    search.add_argument("text")
    search.add_argument("--db", default="dyad.duckdb")
    search.add_argument("--limit", type=flags.whole(1, flags.MAX_ROWS), default=20)
    flags.statements_flag(search)


def add_summary_parser(sub: Any) -> None:
    """`dyad summary`'s flags."""
    summary = sub.add_parser("summary", help="articles, events by type and top dyads in a database")
    summary.add_argument("--db", default="dyad.duckdb")
    summary.add_argument("--json", action="store_true", help="print JSON instead of text")
    flags.statements_flag(summary)

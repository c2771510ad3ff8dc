"""Reading stored events: `dyad events` (a table, JSON lines or CSV), `dyad show` (one
event with its evidence marked) and `dyad export` (a file)."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any

from ..errors import DyadError
from ..store.export import FORMATS, write_csv
from ..store.parties import check_known
from ..store.store import Store
from ..types import MODALITIES
from . import flags
from .tables import STATEMENT, event_table, write_table
from .tables import clip as _clip

__all__ = ["add_events_parser", "add_export_parser", "add_show_parser", "events_command", "export_command", "marked_sentence", "show_command"]

MIN_SHORT_ID = 6  # the fewest characters of an event id `dyad show` looks up
MARKS = {"actor": ("[", "]ACTOR"), "recipient": ("[", "]RECIPIENT"), "event": ("[", "]EVENT"),
         "date": ("[", "]DATE"), "location": ("[", "]PLACE")}


def events_command(args: argparse.Namespace) -> int:
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
    write_table(lines, out)
    out.write(f"({len(rows)} deduplicated events)\n")


def _table(store: Store, rows: list[dict[str, Any]], out: Any) -> None:
    """`rows` as a table as wide as the terminal, each event by its short id, reprints marked."""
    short = store.short_ids([r["id"] for r in rows])
    reprints = store.reprints([r["article_id"] for r in rows])
    for line in event_table(rows, short, reprints, shutil.get_terminal_size().columns):
        out.write(line + "\n")


def export_command(args: argparse.Namespace) -> int:
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


def show_command(args: argparse.Namespace) -> int:
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


def add_events_parser(sub: Any) -> None:
    """`dyad events`' flags."""
    events = sub.add_parser("events", help="list stored events")
    events.add_argument("--db", default="dyad.duckdb")
    flags.side_flags(events)
    events.add_argument("--type", type=flags.plover, dest="event_type", help="PLOVER event type, e.g. REQUEST")
    events.add_argument("--since", type=flags.iso_date)
    events.add_argument("--until", type=flags.iso_date)
    events.add_argument("--modality", action="append", choices=MODALITIES,
                        help="only events stated so; repeatable (default: all, negated and hypothetical too)")
    events.add_argument("--either-way", action="store_true",
                        help="--actor and --recipient in either role (the events `dyad trend` counts)")
    events.add_argument("--min-confidence", type=flags.fraction, help="only events coded with at least this confidence")
    events.add_argument("--limit", type=flags.whole(0, flags.MAX_ROWS), default=100, help="at most this many (0: all; default %(default)s)")
    events.add_argument("--format", choices=("table", "jsonl", "csv"), default="table")
    flags.statements_flag(events)
    events.add_argument("--coder", choices=("pattern", "model"),
                        help="only the events the verb patterns (pattern) or the event model (model) decided")
    events.add_argument("--dedup", action="store_true",
                        help="one row per real-world event, with its sources, mentions and reporting sentences")


def add_export_parser(sub: Any) -> None:
    """`dyad export`'s flags."""
    export = sub.add_parser("export", help="write events as Parquet, CSV, JSON lines, PLOVER records or a GDELT table")
    export.add_argument("--db", default="dyad.duckdb")
    export.add_argument("--format", choices=FORMATS, required=True, dest="fmt")
    export.add_argument("--out", type=Path, required=True, help="file to write")
    export.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    export.add_argument("--by-month", action="store_true", help="Parquet: a folder of month=YYYY-MM partitions")
    export.add_argument("--dedup", action="store_true",
                        help="parquet, csv, jsonl: one row per real-world event instead of one per report")
    flags.side_flags(export)
    export.add_argument("--type", type=flags.plover, dest="event_type")
    export.add_argument("--modality", action="append", choices=MODALITIES)
    export.add_argument("--since", type=flags.iso_date)
    export.add_argument("--until", type=flags.iso_date)
    flags.statements_flag(export)


def add_show_parser(sub: Any) -> None:
    """`dyad show`'s argument."""
    show = sub.add_parser("show", help="one event, with its evidence marked in the article's sentence")
    show.add_argument("event_id", metavar="EVENT_ID", help="an event's id, or its short id as `dyad events` shows it")
    show.add_argument("--db", default="dyad.duckdb")

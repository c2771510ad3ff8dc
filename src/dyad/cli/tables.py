"""`dyad events` as a table on a terminal: one line per event, as wide as the terminal.

Each event is shown by its short id (what `dyad show` takes), its columns named as in the
Event schema (`goldstein`, `sentence`), an event read from a reprint marked so, and the
sentence given what room the other columns leave; on a narrow terminal `mode` and then
`cameo` give theirs up, then the sentence goes on a line of its own, and a line that is still
too long is cut at the edge.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["COLUMNS", "REPRINT", "STATEMENT", "clip", "event_table", "table_lines", "write_table"]

COLUMNS = ("id", "date", "actor", "type", "modality", "goldstein", "recipient", "cameo", "mode", "sentence")
OPTIONAL = ("mode", "cameo")  # given up, in this order, when the sentence would get less than MIN_SENTENCE
MIN_SENTENCE = 24
NAME_WIDTH = 12  # an actor shown by its text (no code) is cut to this
GAP = "  "
INDENT = "    "  # a sentence on its own line, below its event
STATEMENT = "statement"  # what a statement (CAMEO 01, no PLOVER type) shows as its type in tables
REPRINT = "(reprint) "  # before the sentence of an event read from a near-copy of an earlier article


def clip(text: str, width: int) -> str:
    """`text` on one line, cut to `width` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def event_table(rows: Sequence[dict[str, Any]], short_ids: Mapping[str, str], reprints: Mapping[str, str],
                width: int) -> list[str]:
    """The lines of the table of `rows` (as `Store.events` gives them) for a terminal `width`
    characters wide, and a last line counting them. The sentence takes the room the other
    columns leave (`mode` and `cameo` give theirs up first); when that is too little, each
    sentence goes on its own indented line below its event."""
    cells = [_cells(row, short_ids, reprints) for row in rows]
    columns = list(COLUMNS)
    for optional in (None, *OPTIONAL):
        if optional:
            columns.remove(optional)
        room = width - _fixed(columns, cells)
        if room >= MIN_SENTENCE:
            body = table_lines([columns, *([c[k] for k in columns[:-1]] + [clip(c["sentence"], room)] for c in cells)])
            break
    else:  # too narrow: the sentence below its event, and what fits of the rest above it
        columns = [c for c in COLUMNS if c != "sentence"]
        for optional in OPTIONAL:
            if _fixed(columns, cells) - len(GAP) <= width:
                break
            columns.remove(optional)
        lines = table_lines([columns, *([c[k] for k in columns] for c in cells)])
        body = [lines[0], INDENT + "sentence"]
        for line, c in zip(lines[1:], cells, strict=True):
            body += [line, INDENT + clip(c["sentence"], width - len(INDENT))]
    reprinted = sum(1 for row in rows if row["article_id"] in reprints)
    note = f", {reprinted} from reprints" if reprinted else ""
    return [_cut(line, width) for line in [*body, f"({len(rows)} events{note})"]]


def _cut(line: str, width: int) -> str:
    """A table line cut at the terminal's edge (its spacing kept)."""
    return line if len(line) <= width else line[: max(width - 1, 0)] + "…"


def table_lines(lines: Sequence[Sequence[Any]]) -> list[str]:
    """Rows of cells as left-aligned columns, each as wide as its widest cell."""
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(lines[0]))]
    return ["  ".join(str(v).ljust(w) for v, w in zip(line, widths, strict=True)).rstrip() for line in lines]


def write_table(lines: Sequence[Sequence[Any]], out: Any) -> None:
    """Rows of cells written to `out` as `table_lines` lines them up."""
    for line in table_lines(lines):
        out.write(line + "\n")


def _cells(row: dict[str, Any], short_ids: Mapping[str, str], reprints: Mapping[str, str]) -> dict[str, str]:
    recipient = row["recipient"]
    return {
        "id": short_ids.get(row["id"], row["id"]), "date": row["date"] or "-",
        "actor": row["actor"]["code"] or clip(row["actor"]["text"], NAME_WIDTH),
        "type": row["event_type"] or STATEMENT, "modality": row["modality"], "goldstein": f"{row['goldstein']:+.1f}",
        "recipient": (recipient["code"] or clip(recipient["text"], NAME_WIDTH)) if recipient else "-",
        "cameo": row["cameo"], "mode": row["mode"] or "-",
        "sentence": (REPRINT if row["article_id"] in reprints else "") + " ".join(row["sentence"].split()),
    }


def _fixed(columns: Sequence[str], cells: Sequence[dict[str, str]]) -> int:
    """The characters every column but the sentence takes, with the gaps between all."""
    shown = [c for c in columns if c != "sentence"]
    return sum(max([len(c)] + [len(cell[c]) for cell in cells]) for c in shown) + len(GAP) * len(shown)

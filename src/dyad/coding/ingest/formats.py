"""The formats Dyad reads: JSON lines (streamed, line by line), a JSON document, CSV
(streamed, row by row), and a whole text or HTML file, each item turned into a record for
`records` to build an `Article` from."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
from collections.abc import Iterable, Iterator
from typing import IO

from ...errors import InputError
from ...types import Article
from .decode import BOMS, decode, decode_html, read_up_to
from .records import MAX_CHARS, Options, from_fields, from_record, from_txt, guard, load_json

__all__ = ["MAX_JSON_BYTES", "lines_of", "read_format", "read_jsonl_range"]

# A `.json` file is parsed whole (JSON lines are streamed): past this, ask for JSON lines.
MAX_JSON_BYTES = 100 * 1024 * 1024


def read_format(f: IO[bytes], kind: str, where: str, options: Options) -> Iterator[Article | InputError]:
    if kind == "jsonl":
        yield from _read_jsonl(lines_of(f, options.max_bytes), where, options)
    elif kind == "csv":
        yield from _read_csv(f, where, options)
    else:
        yield from _read_whole(f, kind, where, options)


def _read_whole(f: IO[bytes], kind: str, where: str, options: Options) -> Iterator[Article | InputError]:
    limit = max(MAX_JSON_BYTES, options.max_bytes) if kind == "json" else options.max_bytes
    data = read_up_to(f, limit + 1)
    if len(data) > limit:
        yield InputError(where, f"over {limit:,} bytes, more than the limit for one article "
                                f"({options.max_chars:,} characters)" if kind != "json" else
                         f"JSON file over {limit:,} bytes; it is parsed whole: write it as JSON lines, "
                         "which are read as a stream (jq -c '.[]' FILE.json > FILE.jsonl)")
        return
    try:
        text = decode_html(data, where) if kind == "html" else decode(data, where)
    except InputError as err:
        yield err
        return
    if kind == "unicode":
        start = text.lstrip("\ufeff \t\r\n")[:1]
        if start in ("{", "["):
            yield InputError(where, "JSON must be UTF-8 and this is UTF-16 or UTF-32; re-encode it: "
                                    "iconv -f utf-16 -t utf-8")
            return
        kind = "html" if start == "<" else "txt"
    if not text.strip():
        yield InputError(where, "empty file")
    elif kind == "json":
        yield from _read_json(text, where, options)
    elif kind == "html":
        yield guard(lambda: from_fields({"html": text}, where, options), where)
    else:
        yield guard(lambda: from_txt(text, where, options), where)


def read_jsonl_range(path: str, first: int, last: int, default_date: dt.date | None = None,
                     source: str | None = None, max_chars: int = MAX_CHARS) -> Iterator[Article | InputError]:
    """The articles on lines [first, last) (counted from 0) of a JSON-lines file, each item
    named by its line in the whole file: one partition of a Dask run."""
    return _read_jsonl_range(path, first, last, Options(default_date, source, max_chars))


def _read_jsonl_range(path: str, first: int, last: int, options: Options) -> Iterator[Article | InputError]:
    try:
        with open(path, "rb") as f:
            lines = itertools.islice(lines_of(f, options.max_bytes), first, last)
            yield from _read_jsonl(lines, path, options, start=first + 1)
    except OSError as err:
        yield InputError(path, f"cannot read file: {err.strerror or err}")


def lines_of(f: IO[bytes], limit: int) -> Iterator[bytes | int]:
    """The lines of a binary stream; a line longer than `limit` comes as its length instead,
    read past in pieces, so that one absurd line (or a gzip bomb) never sits in memory."""
    while line := f.readline(limit + 1):
        if len(line) <= limit:
            yield line
            continue
        size = len(line)
        while not line.endswith(b"\n") and (line := f.readline(1 << 20)):
            size += len(line)
        yield size


def _read_jsonl(lines: Iterable[bytes | str | int], where: str, options: Options,
                start: int = 1) -> Iterator[Article | InputError]:
    for number, raw in enumerate(lines, start=start):
        item = f"{where}:{number}"
        if number == 1 and isinstance(raw, bytes) and any(raw.startswith(bom) for bom, _ in BOMS):
            yield InputError(where, "JSON lines must be UTF-8 and this file is UTF-16 or UTF-32; re-encode it: "
                                    "iconv -f utf-16 -t utf-8")
            return
        size = raw if isinstance(raw, int) else len(raw)
        if isinstance(raw, int) or size > options.max_bytes:
            yield InputError(item, f"line is {size:,} bytes, over the limit for one article "
                                   f"({options.max_chars:,} characters)")
            continue
        try:
            line = decode(raw, item, boms=False) if isinstance(raw, bytes) else raw
        except InputError as err:
            yield err
            continue
        if not line.strip():
            continue
        try:
            record = load_json(line)
        except json.JSONDecodeError as err:
            yield InputError(item, f"malformed JSON ({err.msg} at column {err.colno})")
            continue
        except RecursionError:
            yield InputError(item, "malformed JSON (nested too deeply)")
            continue
        yield from_record(record, item, options)


def _read_json(text: str, where: str, options: Options) -> Iterator[Article | InputError]:
    """A JSON document: one article object, or an array of them named `where:#index`."""
    try:
        doc = load_json(text)
    except json.JSONDecodeError as err:
        yield InputError(where, f"malformed JSON ({err.msg} at line {err.lineno} column {err.colno}); "
                                "no article of this file was read")
        return
    except RecursionError:
        yield InputError(where, "malformed JSON (nested too deeply)")
        return
    if isinstance(doc, list):
        if not doc:
            yield InputError(where, "empty JSON array: no articles")
        for index, record in enumerate(doc):
            yield from_record(record, f"{where}:#{index}", options)
    elif isinstance(doc, dict):
        yield from_record(doc, where, options)
    else:
        yield InputError(where, f"expected a JSON object or an array of objects, got {type(doc).__name__}")


class _Lines:
    """The lines given to the csv module, counted, with the parity of the quotes in those read
    since the last complete row: after a broken row the reader can skip to the end of it."""

    def __init__(self, stream: Iterable[str]) -> None:
        self._lines = iter(stream)
        self.count = 0
        self.open_quote = False

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.count += 1
        self.open_quote ^= line.count('"') % 2 == 1
        return line

    def row_done(self) -> None:
        self.open_quote = False

    def skip_rest_of_row(self) -> None:
        """Skip lines up to the end of a quoted field that the broken row left open."""
        while self.open_quote:
            try:
                next(self)
            except StopIteration:
                return
        self.open_quote = False


def _read_csv(data: IO[bytes], where: str, options: Options) -> Iterator[Article | InputError]:
    # The csv module's field limit (131,072 by default) is global; a field up to the article
    # limit is read, and then refused or not like any other article.
    csv.field_size_limit(max(csv.field_size_limit(), options.max_chars))
    lines = _Lines(io.TextIOWrapper(data, encoding="utf-8-sig", newline=""))
    reader = csv.reader(lines, strict=True)  # an unclosed quote is an error, not the rest of the file
    try:
        header = next(reader, [])
    except csv.Error as err:
        yield InputError(where, f"malformed CSV header: {err}")
        return
    except UnicodeDecodeError as err:
        yield InputError(where, f"not UTF-8 text (at byte {err.start} of a block); re-encode the file as UTF-8")
        return
    if "text" not in header and "html" not in header:
        yield InputError(where, f"CSV has no 'text' or 'html' column (columns: {', '.join(header) or 'none'})")
        return
    while True:
        item = f"{where}:{lines.count + 1}"  # the line the next row starts on
        lines.row_done()
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            yield InputError(item, _csv_problem(err, options))
            lines.skip_rest_of_row()
            continue
        except UnicodeDecodeError:
            yield InputError(item, "not UTF-8 text from here on; re-encode the file as UTF-8")
            return
        if not row:
            continue  # a blank line
        if len(row) > len(header):
            yield InputError(item, f"row has more fields than the header ({len(header)})")
            continue
        record = dict(itertools.zip_longest(header, row))
        yield guard(lambda r=record, i=item: from_fields(r, i, options), item)


def _csv_problem(err: csv.Error, options: Options) -> str:
    if "field limit" in str(err):
        return (f"a field is over {csv.field_size_limit():,} characters, more than the limit for one article "
                f"({options.max_chars:,}); row skipped (raise --max-chars to read it)")
    return f"malformed CSV row: {err}"

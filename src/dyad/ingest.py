"""Stage 1, ingest: read articles from files, directories or stdin.

Formats, chosen by file ending (stdin is sniffed):

- ``.txt``: one article; the first line is the title when a blank line follows it;
- ``.jsonl`` / ``.ndjson``: one article per line, fields ``id, date, title, source, url, text``
  (or ``html`` instead of ``text``);
- ``.csv``: the same fields as columns;
- ``.html`` / ``.htm``: a web page; trafilatura extracts the main text, title and date.

`read` yields an `Article` or an `InputError` per item, so one bad line never stops a batch.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import itertools
import json
import sys
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .errors import InputError
from .types import Article

__all__ = ["MAX_CHARS", "SUFFIXES", "article_id", "parse_date", "read", "read_text_item"]

SUFFIXES = {".txt": "txt", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".html": "html", ".htm": "html"}
# An article longer than this is almost certainly a concatenated dump, not one article.
MAX_CHARS = 1_000_000
FIELDS = ("id", "date", "title", "source", "url", "text", "html")


def read(paths: Iterable[str], default_date: dt.date | None = None, source: str | None = None) -> Iterator[Article | InputError]:
    """Yield every article found under `paths` ("-" is stdin), in a stable order."""
    for raw in paths:
        if raw == "-":
            yield from _read_stdin(default_date, source)
            continue
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
            if not files:
                yield InputError(str(path), f"no article files ({', '.join(sorted(SUFFIXES))}) in this directory")
            for file in files:
                yield from _read_file(file, default_date, source)
        elif path.is_file():
            yield from _read_file(path, default_date, source)
        else:
            yield InputError(str(path), "no such file or directory")


def estimate(paths: Iterable[str]) -> int | None:
    """About how many items `read` will yield, for a progress bar's ETA: lines of JSON-lines
    files, rows of CSV files, one per other file. None when reading stdin."""
    total = 0
    for raw in paths:
        if raw == "-":
            return None
        path = Path(raw)
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            kind = SUFFIXES.get(file.suffix.lower())
            if kind in ("jsonl", "csv"):
                try:
                    with file.open("rb") as f:
                        lines = sum(1 for line in f if line.strip())
                except OSError:
                    lines = 1
                total += max(lines - (kind == "csv"), 1)
            elif kind is not None or not path.is_dir():
                total += 1
    return total


def _read_stdin(default_date: dt.date | None, source: str | None) -> Iterator[Article | InputError]:
    data = sys.stdin.buffer.read()
    try:
        text = _decode(data, "-")
    except InputError as err:
        yield err
        return
    head = text.lstrip()[:1]
    kind = "jsonl" if head == "{" else "html" if head == "<" else "txt"
    yield from _read_kind(kind, text, "-", default_date, source)


def _read_file(path: Path, default_date: dt.date | None, source: str | None) -> Iterator[Article | InputError]:
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        yield InputError(str(path), f"unsupported file type {path.suffix!r}; use one of {', '.join(sorted(SUFFIXES))}")
        return
    try:
        text = _decode(path.read_bytes(), str(path))
    except OSError as err:
        yield InputError(str(path), f"cannot read file: {err.strerror or err}")
        return
    except InputError as err:
        yield err
        return
    yield from _read_kind(kind, text, str(path), default_date, source)


def _decode(data: bytes, where: str) -> str:
    if b"\x00" in data[:8192]:
        raise InputError(where, "binary data, not text (contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(where, f"not UTF-8 text (invalid byte at offset {err.start}); re-encode the file as UTF-8") from None


def _read_kind(kind: str, text: str, where: str, default_date: dt.date | None, source: str | None) -> Iterator[Article | InputError]:
    if kind == "jsonl":
        yield from _read_jsonl(text, where, default_date, source)
    elif kind == "csv":
        yield from _read_csv(text, where, default_date, source)
    elif kind == "html":
        yield _guard(lambda: _from_fields({"html": text}, where, default_date, source), where)
    else:
        yield _guard(lambda: _from_txt(text, where, default_date, source), where)


def _guard(make: Any, where: str) -> Article | InputError:
    try:
        result: Article = make()
    except InputError as err:
        return err
    return result


def read_jsonl_range(path: str, first: int, last: int, default_date: dt.date | None = None,
                     source: str | None = None) -> Iterator[Article | InputError]:
    """The articles on lines [first, last) (counted from 0) of a JSON-lines file, each item
    named by its line in the whole file: one partition of a Dask run."""
    try:
        with open(path, "rb") as f:
            text = _decode(b"".join(itertools.islice(f, first, last)), path)
    except OSError as err:
        yield InputError(path, f"cannot read file: {err.strerror or err}")
        return
    except InputError as err:
        yield err
        return
    yield from _read_jsonl(text, path, default_date, source, start=first + 1)


def _read_jsonl(text: str, where: str, default_date: dt.date | None, source: str | None,
                start: int = 1) -> Iterator[Article | InputError]:
    for number, line in enumerate(text.splitlines(), start=start):
        if not line.strip():
            continue
        item = f"{where}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            yield InputError(item, f"malformed JSON ({err.msg} at column {err.colno})")
            continue
        if not isinstance(record, dict):
            yield InputError(item, f"expected a JSON object, got {type(record).__name__}")
            continue
        yield _guard(lambda r=record, i=item: _from_fields(r, i, default_date, source), item)


def _read_csv(text: str, where: str, default_date: dt.date | None, source: str | None) -> Iterator[Article | InputError]:
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = reader.fieldnames or []
    except csv.Error as err:
        yield InputError(where, f"malformed CSV: {err}")
        return
    if "text" not in header and "html" not in header:
        yield InputError(where, f"CSV has no 'text' or 'html' column (columns: {', '.join(header) or 'none'})")
        return
    row_number = 1
    while True:
        item = f"{where}:{row_number + 1}"  # +1: the header is line 1 of the file
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            yield InputError(item, f"malformed CSV row: {err}")
            return  # the csv module cannot resynchronise after a broken quote
        row_number += 1
        if None in row:
            yield InputError(item, f"row has more fields than the header ({len(header)})")
            continue
        yield _guard(lambda r=row, i=item: _from_fields(r, i, default_date, source), item)


def _from_txt(text: str, where: str, default_date: dt.date | None, source: str | None) -> Article:
    title = None
    lines = text.lstrip("\ufeff").split("\n", 2)
    if len(lines) >= 2 and lines[0].strip() and not lines[1].strip() and len(lines[0]) <= 300:
        title = lines[0].strip()
    return _build(text, where, {"title": title}, default_date, source)


def _from_fields(record: dict[str, Any], where: str, default_date: dt.date | None, source: str | None) -> Article:
    unknown_types = [k for k in FIELDS if record.get(k) is not None and not isinstance(record[k], str)]
    if unknown_types:
        raise InputError(where, f"field {unknown_types[0]!r} must be a string")
    fields = {k: (record.get(k) or None) for k in FIELDS}
    text = record.get("text")  # "" is an empty article, not a missing field
    if not text and fields["html"] is not None:
        text, meta = _extract_html(fields["html"], where)
        fields["title"] = fields["title"] or meta.get("title")
        fields["date"] = fields["date"] or meta.get("date")
    if text is None:
        raise InputError(where, "no 'text' (or 'html') field")
    if not isinstance(text, str):
        raise InputError(where, "field 'text' must be a string")
    return _build(text, where, fields, default_date, source)


def _extract_html(html: str, where: str) -> tuple[str, dict[str, str | None]]:
    import trafilatura  # imported here: only HTML input pays for it

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            doc: Any = trafilatura.bare_extraction(
                html, with_metadata=True, include_comments=False, include_tables=False,
                date_extraction_params={"extensive_search": False, "original_date": True},
            )
    except Exception as err:  # trafilatura raises many lxml errors on broken pages
        raise InputError(where, f"cannot parse HTML: {err}") from None
    if doc is None or not (doc.text or "").strip():
        raise InputError(where, "no article text found in the HTML page")
    return doc.text, {"title": doc.title, "date": doc.date}


def _build(text: str, where: str, fields: dict[str, Any], default_date: dt.date | None, source: str | None) -> Article:
    if not text.strip():
        raise InputError(where, "empty article text")
    if len(text) > MAX_CHARS:
        raise InputError(where, f"article text is {len(text):,} characters, over the {MAX_CHARS:,} limit")
    raw_date = fields.get("date")
    date = parse_date(raw_date, where) if raw_date else default_date
    title = fields.get("title")
    return Article(
        id=fields.get("id") or article_id(text, title),
        text=text,
        title=title,
        date=date,
        source=fields.get("source") or source,
        url=fields.get("url"),
        origin=where,
    )


def parse_date(value: str, where: str = "date") -> dt.date:
    """Read an ISO date or timestamp ("2018-09-12", "2018-09-12T08:00:00Z")."""
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise InputError(where, f"unreadable date {value!r}; use YYYY-MM-DD") from None


def article_id(text: str, title: str | None = None) -> str:
    """A stable id from the content, so re-ingesting the same article replaces it."""
    digest = hashlib.sha256(f"{title or ''}\n{text}".encode()).hexdigest()
    return digest[:16]


def read_record(record: Any, where: str) -> Article | InputError:
    """One article from a JSON value with the JSON-lines fields, or the reason it is not one."""
    if not isinstance(record, dict):
        return InputError(where, f"expected a JSON object, got {type(record).__name__}")
    return _guard(lambda: _from_fields(record, where, None, None), where)


def read_text_item(text: str, **fields: Any) -> Article:
    """Build one `Article` from text in memory (the Python API's entry point)."""
    return _from_fields({"text": text, **fields}, fields.get("id") or "<text>", None, None)

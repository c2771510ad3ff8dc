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
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .errors import InputError
from .types import Article

__all__ = ["MAX_CHARS", "MAX_FUTURE_DAYS", "SUFFIXES", "Options", "article_id", "load_json", "parse_date", "read",
           "read_text_item"]

SUFFIXES = {".txt": "txt", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".html": "html", ".htm": "html"}
# An article longer than this is almost certainly a concatenated dump, not one article.
MAX_CHARS = 1_000_000
# A publication date further ahead than this is a wrong date, not tomorrow's paper in another
# time zone.
MAX_FUTURE_DAYS = 2
FIELDS = ("id", "date", "title", "source", "url", "text", "html")
_BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe", "utf-16-le"),
         (b"\xfe\xff", "utf-16-be"))


@dataclass(frozen=True)
class Options:
    """How items are read: the date and source for items without one, and the size limit."""

    default_date: dt.date | None = None
    source: str | None = None
    max_chars: int = MAX_CHARS

    @property
    def max_bytes(self) -> int:  # UTF-8 takes at most 4 bytes a character
        return 4 * self.max_chars


def read(paths: Iterable[str], default_date: dt.date | None = None, source: str | None = None,
         max_chars: int = MAX_CHARS) -> Iterator[Article | InputError]:
    """Yield every article found under `paths` ("-" is stdin), in a stable order. JSON-lines
    and CSV files are streamed, so memory does not grow with the file."""
    options = Options(default_date, source, max_chars)
    for raw in paths:
        if raw == "-":
            yield from _read_stdin(options)
            continue
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
            if not files:
                yield InputError(str(path), f"no article files ({', '.join(sorted(SUFFIXES))}) in this directory")
            for file in files:
                yield from _read_file(file, options)
        elif path.is_file():
            yield from _read_file(path, options)
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


def _read_stdin(options: Options) -> Iterator[Article | InputError]:
    data = sys.stdin.buffer.read()
    try:
        text = _decode(data, "-")
    except InputError as err:
        yield err
        return
    head = text.lstrip()[:1]
    if head == "{":
        yield from _read_jsonl(io.StringIO(text), "-", options)
    else:
        yield _one_article("html" if head == "<" else "txt", text, "-", options)


def _read_file(path: Path, options: Options) -> Iterator[Article | InputError]:
    kind = SUFFIXES.get(path.suffix.lower())
    where = str(path)
    if kind is None:
        yield InputError(where, f"unsupported file type {path.suffix!r}; use one of {', '.join(sorted(SUFFIXES))}")
        return
    try:
        if kind == "jsonl":
            with path.open("rb") as f:
                yield from _read_jsonl(f, where, options)
            return
        if kind == "csv":
            with path.open("rb") as f:
                yield from _read_csv(f, where, options)
            return
        size = path.stat().st_size
        if size > options.max_bytes:  # one file is one article: don't read a dump into memory
            yield InputError(where, f"file is {size:,} bytes, over the limit for one article "
                                    f"({options.max_chars:,} characters)")
            return
        text = _decode(path.read_bytes(), where)
        if not text.strip():
            raise InputError(where, "empty file")
    except OSError as err:
        yield InputError(where, f"cannot read file: {err.strerror or err}")
        return
    except InputError as err:
        yield err
        return
    yield _one_article(kind, text, where, options)


def _one_article(kind: str, text: str, where: str, options: Options) -> Article | InputError:
    """A whole text or HTML file (or stdin) as one article."""
    if kind == "html":
        return _guard(lambda: _from_fields({"html": text}, where, options), where)
    return _guard(lambda: _from_txt(text, where, options), where)


def _decode(data: bytes, where: str, boms: bool = True) -> str:
    for bom, encoding in _BOMS if boms else ():  # UTF-16 and UTF-32 files say so in their first bytes
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as err:
                raise InputError(where, f"broken {encoding.upper()} text (at byte {err.start + len(bom)})") from None
    if b"\x00" in data[:8192]:
        raise InputError(where, "binary data, not text (contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(where, f"not UTF-8 text (byte 0x{data[err.start]:02x} at offset {err.start}); if it is "
                                "Latin-1 or Windows-1252, re-encode it: iconv -f cp1252 -t utf-8") from None


def _guard(make: Any, where: str) -> Article | InputError:
    try:
        result: Article = make()
    except InputError as err:
        return err
    return result


def load_json(text: str | bytes | bytearray) -> Any:
    """`json.loads`, except that an integer longer than Python converts (4,300 digits) is read as
    a float (infinite) instead of failing the whole document: a JSON line or a posted body with
    one absurd number still parses, and the field holding it is refused on its own."""
    return json.loads(text, parse_int=_int)


def _int(digits: str) -> int | float:
    try:
        return int(digits)
    except ValueError:  # over sys.get_int_max_str_digits()
        return float(digits)


def read_jsonl_range(path: str, first: int, last: int, default_date: dt.date | None = None,
                     source: str | None = None, max_chars: int = MAX_CHARS) -> Iterator[Article | InputError]:
    """The articles on lines [first, last) (counted from 0) of a JSON-lines file, each item
    named by its line in the whole file: one partition of a Dask run."""
    try:
        with open(path, "rb") as f:
            yield from _read_jsonl(itertools.islice(f, first, last), path, Options(default_date, source, max_chars),
                                   start=first + 1)
    except OSError as err:
        yield InputError(path, f"cannot read file: {err.strerror or err}")


def _read_jsonl(lines: Iterable[bytes | str], where: str, options: Options,
                start: int = 1) -> Iterator[Article | InputError]:
    for number, raw in enumerate(lines, start=start):
        item = f"{where}:{number}"
        if number == 1 and isinstance(raw, bytes) and any(raw.startswith(bom) for bom, _ in _BOMS):
            yield InputError(where, "JSON lines must be UTF-8 and this file is UTF-16 or UTF-32; re-encode it: "
                                    "iconv -f utf-16 -t utf-8")
            return
        if len(raw) > options.max_bytes:
            yield InputError(item, f"line is {len(raw):,} bytes, over the limit for one article "
                                   f"({options.max_chars:,} characters)")
            continue
        try:
            line = _decode(raw, item, boms=False) if isinstance(raw, bytes) else raw
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
        if not isinstance(record, dict):
            yield InputError(item, f"expected a JSON object, got {type(record).__name__}")
            continue
        yield _guard(lambda r=record, i=item: _from_fields(r, i, options), item)


def _read_csv(data: IO[bytes], where: str, options: Options) -> Iterator[Article | InputError]:
    stream = io.TextIOWrapper(data, encoding="utf-8-sig", newline="")
    try:
        reader = csv.DictReader(stream, strict=True)  # an unclosed quote is an error, not the rest of the file
        header = reader.fieldnames or []
    except csv.Error as err:
        yield InputError(where, f"malformed CSV: {err}")
        return
    except UnicodeDecodeError as err:
        yield InputError(where, f"not UTF-8 text (at byte {err.start} of a block); re-encode the file as UTF-8")
        return
    if "text" not in header and "html" not in header:
        yield InputError(where, f"CSV has no 'text' or 'html' column (columns: {', '.join(header) or 'none'})")
        return
    while True:
        item = f"{where}:{reader.line_num + 1}"  # the line the next row starts on
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            yield InputError(item, f"malformed CSV row: {err}")
            return  # the csv module cannot resynchronise after a broken quote
        except UnicodeDecodeError:
            yield InputError(item, "not UTF-8 text from here on; re-encode the file as UTF-8")
            return
        if None in row:
            yield InputError(item, f"row has more fields than the header ({len(header)})")
            continue
        yield _guard(lambda r=row, i=item: _from_fields(r, i, options), item)


def _from_txt(text: str, where: str, options: Options) -> Article:
    title = None
    lines = text.lstrip("\ufeff").split("\n", 2)
    if len(lines) >= 2 and lines[0].strip() and not lines[1].strip() and len(lines[0]) <= 300:
        title = lines[0].strip()
    return _build(text, where, {"title": title}, options)


def _from_fields(record: dict[str, Any], where: str, options: Options) -> Article:
    unknown_types = [k for k in FIELDS if record.get(k) is not None and not isinstance(record[k], str)]
    if unknown_types:
        raise InputError(where, f"field {unknown_types[0]!r} must be a string")
    for key in FIELDS:  # JSON may carry lone surrogates ("\ud800"): no text a database can store
        value = record.get(key)
        if isinstance(value, str) and not _encodable(value):
            raise InputError(where, f"field {key!r} is not valid Unicode (it has a lone surrogate)")
    fields = {k: (record.get(k) or None) for k in FIELDS}
    text = record.get("text")  # "" is an empty article, not a missing field
    if not text and fields["html"] is not None:
        if len(fields["html"]) > options.max_bytes:
            raise InputError(where, f"HTML is {len(fields['html']):,} characters, over the limit")
        text, meta = _extract_html(fields["html"], where)
        fields["title"] = fields["title"] or meta.get("title")
        fields["date"] = fields["date"] or meta.get("date")
    if text is None:
        raise InputError(where, "no 'text' (or 'html') field")
    if not isinstance(text, str):
        raise InputError(where, "field 'text' must be a string")
    return _build(text, where, fields, options)


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _extract_html(html: str, where: str) -> tuple[str, dict[str, str | None]]:
    import trafilatura  # imported here: only HTML input pays for it

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            doc: Any = trafilatura.bare_extraction(
                html, with_metadata=True, include_comments=False, include_tables=False,
                date_extraction_params={"extensive_search": False, "original_date": True},
            )
    except RecursionError:
        raise InputError(where, "cannot parse HTML: nested too deeply") from None
    except Exception as err:  # trafilatura raises many lxml errors on broken pages
        raise InputError(where, f"cannot parse HTML: {err}") from None
    if doc is None or not (doc.text or "").strip():
        raise InputError(where, "no article text found in the HTML page")
    return doc.text, {"title": doc.title, "date": doc.date}


def _build(text: str, where: str, fields: dict[str, Any], options: Options) -> Article:
    if not text.strip():
        raise InputError(where, "empty article text")
    if len(text) > options.max_chars:
        raise InputError(where, f"article text is {len(text):,} characters, over the {options.max_chars:,} limit")
    if "\x00" in text:
        raise InputError(where, "binary data, not text (contains NUL characters)")
    raw_date = fields.get("date")
    date = parse_date(raw_date, where) if raw_date else options.default_date
    title = fields.get("title")
    return Article(
        id=fields.get("id") or article_id(text, title),
        text=text,
        title=title,
        date=date,
        source=fields.get("source") or options.source,
        url=fields.get("url"),
        origin=where,
    )


def parse_date(value: str, where: str = "date") -> dt.date:
    """Read an ISO date or timestamp ("2018-09-12", "2018-09-12T08:00:00Z"); a date more than
    `MAX_FUTURE_DAYS` ahead of today is refused."""
    try:
        date = dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise InputError(where, f"unreadable date {value!r}; use YYYY-MM-DD") from None
    if (date - dt.date.today()).days > MAX_FUTURE_DAYS:
        raise InputError(where, f"date {date} is in the future; check the input's dates")
    return date


def article_id(text: str, title: str | None = None) -> str:
    """A stable id from the content, so re-ingesting the same article replaces it."""
    digest = hashlib.sha256(f"{title or ''}\n{text}".encode()).hexdigest()
    return digest[:16]


def read_record(record: Any, where: str) -> Article | InputError:
    """One article from a JSON value with the JSON-lines fields, or the reason it is not one."""
    if not isinstance(record, dict):
        return InputError(where, f"expected a JSON object, got {type(record).__name__}")
    return _guard(lambda: _from_fields(record, where, Options()), where)


def read_text_item(text: str, **fields: Any) -> Article:
    """Build one `Article` from text in memory (the Python API's entry point)."""
    return _from_fields({"text": text, **fields}, fields.get("id") or "<text>", Options())

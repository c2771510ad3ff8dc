"""Stage 1, ingest: read articles from files, directories, streams or stdin.

Formats, chosen by file ending (stdin, FIFOs and ``/dev/stdin`` are sniffed):

- ``.txt``: one article; the first line is the title when a blank line and more text follow it;
- ``.jsonl`` / ``.ndjson``: one article per line, fields ``id, date, title, source, url, text``
  (or ``html`` instead of ``text``);
- ``.json``: one such object, or an array of them (items named ``file:#index``, from 0);
- ``.csv``: the same fields as columns;
- ``.html`` / ``.htm``: a web page; trafilatura extracts the main text, title and date;
- any of these with ``.gz`` after the ending (``.jsonl.gz``): gzip-compressed.

`read` yields an `Article` or an `InputError` per item, so one bad line never stops a batch, and
nothing is skipped silently: unreadable directories, files of other types and broken links are
items with their reason too. Only hidden entries (names starting with ".") are passed over.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import gzip
import hashlib
import io
import itertools
import json
import os
import re
import stat
import sys
import warnings
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import IO, Any, cast

from ...errors import InputError
from ...types import Article

__all__ = ["MAX_CHARS", "MAX_FUTURE_DAYS", "MIN_DATE", "SUFFIXES", "Options", "Stream", "article_id", "check_date",
           "estimate", "file_kind", "listing", "load_json", "parse_date", "read", "read_text_item"]

SUFFIXES = {".txt": "txt", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv", ".html": "html",
            ".htm": "html"}
COMPRESSED = ".gz"
# An article longer than this is almost certainly a concatenated dump, not one article.
MAX_CHARS = 1_000_000
# A publication date further ahead than this is a wrong date, not tomorrow's paper in another
# time zone.
MAX_FUTURE_DAYS = 2
# A publication date before this is a placeholder (CMSs write 0001-01-01 or 1900-01-01 for "no
# date" less often than 0001) or a typo, not a news article; it would also throw every date
# window computed from it off the calendar.
MIN_DATE = dt.date(1800, 1, 1)
# A `.json` file is parsed whole (JSON lines are streamed): past this, ask for JSON lines.
MAX_JSON_BYTES = 100 * 1024 * 1024
FIELDS = ("id", "date", "title", "source", "url", "text", "html")
_BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe", "utf-16-le"),
         (b"\xfe\xff", "utf-16-be"))
_GZIP_MAGIC = b"\x1f\x8b"
_SNIFF_BYTES = 64 * 1024  # how much of a stream is looked at to tell its format
_READABLE = f"{', '.join(sorted(SUFFIXES))} (each also gzipped, as .gz)"
_GZIP_ERRORS = (gzip.BadGzipFile, EOFError, zlib.error)


@dataclass(frozen=True)
class Options:
    """How items are read: the date and source for items without one, and the size limit."""

    default_date: dt.date | None = None
    source: str | None = None
    max_chars: int = MAX_CHARS

    def __post_init__(self) -> None:  # a wrong default date would be stamped on every article
        if self.default_date is not None:
            check_date(self.default_date, "default date (--date)")

    @property
    def max_bytes(self) -> int:  # UTF-8 takes at most 4 bytes a character
        return 4 * self.max_chars


def read(paths: Iterable[str], default_date: dt.date | None = None, source: str | None = None,
         max_chars: int = MAX_CHARS) -> Iterator[Article | InputError]:
    """Yield every article found under `paths` ("-" is stdin; a FIFO or /dev/stdin is read as
    a stream too), and an `InputError` for every item that cannot be read, in a stable order.
    JSON-lines and CSV files are streamed, so memory does not grow with the file. A default
    date outside the accepted range raises `InputError` here, before anything is read."""
    return _read_all(paths, Options(default_date, source, max_chars))


def _read_all(paths: Iterable[str], options: Options) -> Iterator[Article | InputError]:
    for raw in paths:
        if raw == "-":
            yield from _read_stream(sys.stdin.buffer, "-", options)
            continue
        for entry in listing(Path(raw)):
            if isinstance(entry, InputError):
                yield entry
            elif isinstance(entry, Stream):
                yield from _read_stream_path(entry.path, options)
            else:
                yield from _read_file(entry, options)


def estimate(paths: Iterable[str]) -> int | None:
    """About how many items `read` will yield, for a progress bar's ETA: lines of JSON-lines
    files, rows of CSV files, objects of JSON arrays, one per other file or reported entry.
    None when reading stdin or another stream."""
    total = 0
    for raw in paths:
        if raw == "-":
            return None
        for entry in listing(Path(raw)):
            if isinstance(entry, Stream):
                return None
            total += 1 if isinstance(entry, InputError) else _count(entry)
    return total


def _count(path: Path) -> int:
    spec = file_kind(path.name)
    if spec is None or spec[0] not in ("jsonl", "csv", "json"):
        return 1
    kind, compressed = spec
    try:
        with _open(path, compressed) as f:
            if kind == "json":
                doc = load_json(f.read(MAX_JSON_BYTES + 1))
                return len(doc) if isinstance(doc, list) and doc else 1
            lines = sum(1 for line in _lines(f, 1 << 20) if not isinstance(line, bytes) or line.strip())
    except (OSError, ValueError, RecursionError, *_GZIP_ERRORS):
        return 1
    return max(lines - (kind == "csv"), 1)


def file_kind(name: str) -> tuple[str, bool] | None:
    """The format of a file by its name, and whether it is gzipped: ("jsonl", True) for
    "a.jsonl.gz"; None when Dyad does not read it."""
    lower = name.lower()
    compressed = lower.endswith(COMPRESSED)
    kind = SUFFIXES.get(PurePath(lower.removesuffix(COMPRESSED) if compressed else lower).suffix)
    return (kind, compressed) if kind is not None else None


# Listing paths ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stream:
    """A path that is read as a stream and sniffed, like stdin: a FIFO, /dev/stdin, a device."""

    path: Path


def listing(path: Path) -> Iterator[Path | Stream | InputError]:
    """What a command-line path stands for: the files to read (a directory's, recursively, in
    name order), a stream, or the reason it cannot be read."""
    where = str(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        yield InputError(where, _missing(path))
        return
    except PermissionError:
        yield InputError(where, "permission denied: cannot reach this path (a directory above it is not searchable); "
                                "give yourself access (chmod u+x on that directory) or run as a user who has it")
        return
    except OSError as err:
        yield InputError(where, f"cannot open this path: {err.strerror or err}")
        return
    if stat.S_ISDIR(info.st_mode):
        found = False
        for entry in _walk(path, {(info.st_dev, info.st_ino)}):
            found = True
            yield entry
        if not found:
            yield InputError(where, f"no article files ({_READABLE}) in this directory")
    elif _is_stream(path, info.st_mode):
        yield Stream(path)
    elif stat.S_ISREG(info.st_mode):
        yield path
    else:
        yield InputError(where, "not a file, directory or stream (a socket?); give a file, a directory or -")


def _is_stream(path: Path, mode: int) -> bool:
    """FIFOs and devices, and whatever /dev/stdin, /dev/fd/N or /proc/self/fd/N stand for (a
    pipe, or a file redirected with <, whose name says nothing of its format)."""
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode) or str(path).startswith(("/dev/", "/proc/"))


def _missing(path: Path) -> str:
    if path.is_symlink():
        return f"broken symbolic link (to {os.readlink(path)}, which does not exist)"
    return "no such file or directory"


def _walk(directory: Path, seen: set[tuple[int, int]]) -> Iterator[Path | InputError]:
    """The entries of a directory tree that `read` reads or reports, depth first in name order.
    Symbolic links are followed; `seen` holds the directories on the way (and read before), so
    a link back up the tree, or a second link to the same directory, is reported, not looped
    over or read twice. Hidden entries (".git", ".DS_Store") are not articles and are passed over."""
    try:
        with os.scandir(directory) as scan:
            entries = sorted((e for e in scan if not e.name.startswith(".")), key=lambda e: e.name)
    except PermissionError:
        yield InputError(str(directory), "permission denied: cannot list this directory; give yourself access "
                                         f"(chmod u+rx '{directory}') or run as a user who has it")
        return
    except OSError as err:
        yield InputError(str(directory), f"cannot list this directory: {err.strerror or err}")
        return
    for entry in entries:
        path = Path(entry.path)
        try:
            info = entry.stat()  # follows symbolic links
        except FileNotFoundError:
            yield InputError(str(path), _missing(path))
            continue
        except OSError as err:
            yield InputError(str(path), f"cannot open this entry: {err.strerror or err}")
            continue
        if stat.S_ISDIR(info.st_mode):
            key = (info.st_dev, info.st_ino)
            if key in seen:
                yield InputError(str(path), "symbolic link to a directory that is already being read (a loop, or a "
                                            "second way to the same files); skipped so no file is read twice")
                continue
            seen.add(key)
            yield from _walk(path, seen)
        elif not stat.S_ISREG(info.st_mode):
            yield InputError(str(path), "not a regular file (a FIFO, socket or device); name it on the command line "
                                        "to read it as a stream")
        elif file_kind(entry.name) is None:
            yield InputError(str(path), _unsupported(path))
        else:
            yield path


def _unsupported(path: Path) -> str:
    ending = "".join(path.suffixes[-2:]) or "without an ending"
    return f"Dyad does not read files of this type ({ending}); it reads {_READABLE}"


# Reading files and streams ------------------------------------------------------------------


def _open(path: Path, compressed: bool) -> IO[bytes]:
    return cast(IO[bytes], gzip.open(path, "rb")) if compressed else path.open("rb")


def _read_file(path: Path, options: Options) -> Iterator[Article | InputError]:
    where = str(path)
    spec = file_kind(path.name)
    if spec is None:
        yield InputError(where, _unsupported(path))
        return
    kind, compressed = spec
    try:
        size = path.stat().st_size
        if not compressed and kind in ("txt", "html") and size > options.max_bytes:
            # one file is one article: don't read a dump into memory
            yield InputError(where, f"file is {size:,} bytes, over the limit for one article "
                                    f"({options.max_chars:,} characters)")
            return
        with _open(path, compressed) as f:
            yield from _reading(f, kind, where, options)
    except PermissionError:
        yield InputError(where, f"permission denied: cannot read this file; give yourself read access "
                                f"(chmod u+r '{where}') or run as a user who has it")
    except _GZIP_ERRORS as err:
        yield _broken_gzip(where, err)
    except OSError as err:
        yield InputError(where, f"cannot read file: {err.strerror or err}")


def _broken_gzip(where: str, err: BaseException) -> InputError:
    detail = str(err) or type(err).__name__
    return InputError(where, f"broken gzip stream ({detail}): truncated or corrupt, so nothing after the break "
                             "could be read (items before it were); check it with gzip -t and fetch or compress "
                             "it again")


def _read_stream_path(path: Path, options: Options) -> Iterator[Article | InputError]:
    where = str(path)
    try:
        with path.open("rb") as f:
            yield from _read_stream(f, where, options)
    except PermissionError:
        yield InputError(where, "permission denied: cannot read this stream; run as a user who can")
    except OSError as err:
        yield InputError(where, f"cannot read stream: {err.strerror or err}")


def _read_stream(raw: IO[bytes], where: str, options: Options, unzipped: bool = False
                 ) -> Iterator[Article | InputError]:
    """Stdin or another stream: its format is sniffed from its first bytes (gzip magic, a
    JSON array or object, HTML, a CSV header naming a text or html column, else plain text);
    JSON lines and CSV are then streamed like files."""
    try:
        head = _read_up_to(raw, _SNIFF_BYTES)
        stream = io.BufferedReader(_Replay(head, raw))
        if head.startswith(_GZIP_MAGIC) and not unzipped:
            with gzip.GzipFile(fileobj=stream, mode="rb") as unzipping:
                yield from _read_stream(cast(IO[bytes], unzipping), where, options, unzipped=True)
            return
        if not head.strip():
            yield InputError(where, "empty input")
            return
        yield from _reading(stream, _sniff(head), where, options)
    except _GZIP_ERRORS as err:
        yield _broken_gzip(where, err)
    except OSError as err:
        yield InputError(where, f"cannot read stream: {err.strerror or err}")


def _reading(f: IO[bytes], kind: str, where: str, options: Options) -> Iterator[Article | InputError]:
    if kind == "jsonl":
        yield from _read_jsonl(_lines(f, options.max_bytes), where, options)
    elif kind == "csv":
        yield from _read_csv(f, where, options)
    else:
        yield from _read_whole(f, kind, where, options)


def _read_whole(f: IO[bytes], kind: str, where: str, options: Options) -> Iterator[Article | InputError]:
    limit = max(MAX_JSON_BYTES, options.max_bytes) if kind == "json" else options.max_bytes
    data = _read_up_to(f, limit + 1)
    if len(data) > limit:
        yield InputError(where, f"over {limit:,} bytes, more than the limit for one article "
                                f"({options.max_chars:,} characters)" if kind != "json" else
                         f"JSON file over {limit:,} bytes; it is parsed whole: write it as JSON lines, "
                         "which are read as a stream (jq -c '.[]' FILE.json > FILE.jsonl)")
        return
    try:
        text = _decode_html(data, where) if kind == "html" else _decode(data, where)
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
        yield _guard(lambda: _from_fields({"html": text}, where, options), where)
    else:
        yield _guard(lambda: _from_txt(text, where, options), where)


def _read_up_to(f: IO[bytes], size: int) -> bytes:
    """Up to `size` bytes; fewer only at the end (a pipe's read may return less)."""
    parts: list[bytes] = []
    left = size
    while left > 0:
        part = f.read(left)
        if not part:
            break
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


class _Replay(io.RawIOBase):
    """A stream whose first bytes were read already (to sniff its format), from its start."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._head:
            size = min(len(buffer), len(self._head))
            buffer[:size] = self._head[:size]
            self._head = self._head[size:]
            return size
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _sniff(head: bytes) -> str:
    """The format of a stream from its first bytes."""
    if any(head.startswith(bom) for bom, _ in _BOMS):
        return "unicode"  # UTF-16/32 text or HTML: told apart once decoded
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    first, _, rest = text.partition("\n")
    if text.startswith("["):
        return "json"
    if text.startswith("{"):
        # JSON lines, unless the object spans lines (one pretty-printed object): each JSON line
        # is an object, so the next line starts another one.
        if not rest or _is_object(first) or rest.lstrip().startswith("{"):
            return "jsonl"
        return "json"
    if text.startswith("<"):
        return "html"
    return "csv" if _is_csv_header(first.rstrip("\r")) else "txt"


def _is_object(line: str) -> bool:
    try:
        return isinstance(load_json(line), dict)
    except (ValueError, RecursionError):
        return False


def _is_csv_header(line: str) -> bool:
    try:
        names = next(csv.reader([line]))
    except (csv.Error, StopIteration):
        return False
    return len(names) >= 2 and ("text" in names or "html" in names) and all(_COLUMN.fullmatch(n) for n in names)


_COLUMN = re.compile(r"\w(?:[\w .-]{0,30}[\w.])?")  # a column name: short, no edge spaces or punctuation


# Decoding -----------------------------------------------------------------------------------


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


# <meta charset="x">, <meta http-equiv="Content-Type" content="text/html; charset=x">, or the
# XML declaration of an XHTML page: <?xml version="1.0" encoding="x"?>
_META_CHARSET = re.compile(rb"""<(?:meta\b[^>]*?charset|\?xml\b[^>]*?encoding)\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""",
                           re.IGNORECASE)
# Browsers read these labels as other encodings (the WHATWG Encoding standard): pages labelled
# Latin-1 are in practice Windows-1252, and a UTF-16 label on a page without a BOM is wrong.
_CHARSET_ALIASES = {"iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252",
                    "us-ascii": "cp1252", "ascii": "cp1252", "utf-16": "utf-8", "utf-16le": "utf-8",
                    "utf-16be": "utf-8", "x-sjis": "shift_jis"}


def _decode_html(data: bytes, where: str) -> str:
    """An HTML page's text: by its byte-order mark, else by the charset its <meta> declares in
    its first 4 KB, else as UTF-8."""
    if data.startswith(codecs.BOM_UTF8) or any(data.startswith(bom) for bom, _ in _BOMS):
        return _decode(data, where)
    match = _META_CHARSET.search(data[:4096])
    declared = match.group(1).decode("ascii") if match else "utf-8"
    try:
        encoding = codecs.lookup(_CHARSET_ALIASES.get(declared.lower(), declared)).name
        "".encode(encoding)  # a text encoding, not a codec such as rot13 or base64
    except LookupError:
        raise InputError(where, f"the page declares charset {declared!r}, which Dyad does not know; re-encode it "
                                "as UTF-8 (iconv -f CHARSET -t utf-8) and fix its <meta charset>") from None
    if encoding == "utf-8":
        return _decode(data, where)
    if b"\x00" in data[:8192]:
        raise InputError(where, "binary data, not text (contains NUL bytes)")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        raise InputError(where, f"not {declared} text, though the page declares it (byte 0x{data[err.start]:02x} "
                                f"at offset {err.start}); fix its <meta charset> or re-encode it as UTF-8") from None


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


# Formats ------------------------------------------------------------------------------------


def read_jsonl_range(path: str, first: int, last: int, default_date: dt.date | None = None,
                     source: str | None = None, max_chars: int = MAX_CHARS) -> Iterator[Article | InputError]:
    """The articles on lines [first, last) (counted from 0) of a JSON-lines file, each item
    named by its line in the whole file: one partition of a Dask run."""
    return _read_jsonl_range(path, first, last, Options(default_date, source, max_chars))


def _read_jsonl_range(path: str, first: int, last: int, options: Options) -> Iterator[Article | InputError]:
    try:
        with open(path, "rb") as f:
            lines = itertools.islice(_lines(f, options.max_bytes), first, last)
            yield from _read_jsonl(lines, path, options, start=first + 1)
    except OSError as err:
        yield InputError(path, f"cannot read file: {err.strerror or err}")


def _lines(f: IO[bytes], limit: int) -> Iterator[bytes | int]:
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
        if number == 1 and isinstance(raw, bytes) and any(raw.startswith(bom) for bom, _ in _BOMS):
            yield InputError(where, "JSON lines must be UTF-8 and this file is UTF-16 or UTF-32; re-encode it: "
                                    "iconv -f utf-16 -t utf-8")
            return
        size = raw if isinstance(raw, int) else len(raw)
        if isinstance(raw, int) or size > options.max_bytes:
            yield InputError(item, f"line is {size:,} bytes, over the limit for one article "
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
        yield _record(record, item, options)


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
            yield _record(record, f"{where}:#{index}", options)
    elif isinstance(doc, dict):
        yield _record(doc, where, options)
    else:
        yield InputError(where, f"expected a JSON object or an array of objects, got {type(doc).__name__}")


def _record(record: Any, where: str, options: Options) -> Article | InputError:
    if not isinstance(record, dict):
        return InputError(where, f"expected a JSON object, got {type(record).__name__}")
    return _guard(lambda: _from_fields(record, where, options), where)


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
        yield _guard(lambda r=record, i=item: _from_fields(r, i, options), item)


def _csv_problem(err: csv.Error, options: Options) -> str:
    if "field limit" in str(err):
        return (f"a field is over {csv.field_size_limit():,} characters, more than the limit for one article "
                f"({options.max_chars:,}); row skipped (raise --max-chars to read it)")
    return f"malformed CSV row: {err}"


def _from_txt(text: str, where: str, options: Options) -> Article:
    title = None
    lines = text.lstrip("\ufeff").split("\n", 2)
    # A title is a first line set off by a blank line from the text it heads; a file of one
    # line (or one paragraph) is all text, not a title over nothing.
    if len(lines) == 3 and lines[0].strip() and not lines[1].strip() and lines[2].strip() and len(lines[0]) <= 300:
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


# Dates --------------------------------------------------------------------------------------

# YYYY-MM-DD, alone or starting an ISO timestamp ("T" or a space, then the time and zone).
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?=$|[T ]\d)")


def parse_date(value: str, where: str = "date") -> dt.date:
    """Read an ISO date or timestamp ("2018-09-12", "2018-09-12T08:00:00Z", "2018-09-12
    08:00+02:00": the date as written). Anything else, trailing junk included, is refused, and
    so is a date outside `check_date`'s range."""
    text = value.strip()
    try:
        if not _ISO_DATE.match(text):
            raise ValueError(text)
        date = dt.date.fromisoformat(text) if len(text) == 10 else dt.datetime.fromisoformat(text).date()
    except ValueError:
        raise InputError(where, f"unreadable date {value!r}; use YYYY-MM-DD or an ISO timestamp "
                                "(2018-09-12T08:00:00Z)") from None
    return check_date(date, where)


def check_date(date: dt.date, where: str = "date") -> dt.date:
    """`date`, if it can be a news article's publication date: from `MIN_DATE` to
    `MAX_FUTURE_DAYS` after today."""
    if date < MIN_DATE:
        raise InputError(where, f"date {date} is before {MIN_DATE}, the earliest Dyad accepts: a placeholder "
                                "(0001-01-01 is a common 'no date' value) or a typo; fix the date or leave it out")
    if (date - dt.date.today()).days > MAX_FUTURE_DAYS:
        raise InputError(where, f"date {date} is in the future; check the input's dates")
    return date


def article_id(text: str, title: str | None = None) -> str:
    """A stable id from the content, so re-ingesting the same article replaces it."""
    digest = hashlib.sha256(f"{title or ''}\n{text}".encode()).hexdigest()
    return digest[:16]


def read_record(record: Any, where: str) -> Article | InputError:
    """One article from a JSON value with the JSON-lines fields, or the reason it is not one."""
    return _record(record, where, Options())


def read_text_item(text: str, **fields: Any) -> Article:
    """Build one `Article` from text in memory (the Python API's entry point). `date` may be a
    `datetime.date` or an ISO string; either is checked like an input file's."""
    if isinstance(fields.get("date"), dt.date):
        fields["date"] = fields["date"].isoformat()
    return _from_fields({"text": text, **fields}, fields.get("id") or "<text>", Options())

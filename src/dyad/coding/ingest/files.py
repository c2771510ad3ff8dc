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

This module finds the inputs (command-line paths, directory trees, streams, gzip) and opens
them; `decode` turns bytes into text, `formats` reads each format, `records` builds the
`Article`s.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import os
import stat
import sys
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import IO, cast

from ...errors import InputError
from ...types import Article
from .decode import Replay, read_up_to, sniff
from .formats import MAX_JSON_BYTES, lines_of, read_format
from .records import MAX_CHARS, Options, load_json

__all__ = ["SUFFIXES", "Stream", "estimate", "file_kind", "listing", "read"]

SUFFIXES = {".txt": "txt", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv", ".html": "html",
            ".htm": "html"}
COMPRESSED = ".gz"
_GZIP_MAGIC = b"\x1f\x8b"
_SNIFF_BYTES = 64 * 1024  # how much of a stream is looked at to tell its format
_READABLE = f"{', '.join(sorted(SUFFIXES))} (each also gzipped, as .gz)"
_GZIP_ERRORS = (gzip.BadGzipFile, EOFError, zlib.error)


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
            lines = sum(1 for line in lines_of(f, 1 << 20) if not isinstance(line, bytes) or line.strip())
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
            yield from read_format(f, kind, where, options)
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
        head = read_up_to(raw, _SNIFF_BYTES)
        stream = io.BufferedReader(Replay(head, raw))
        if head.startswith(_GZIP_MAGIC) and not unzipped:
            with gzip.GzipFile(fileobj=stream, mode="rb") as unzipping:
                yield from _read_stream(cast(IO[bytes], unzipping), where, options, unzipped=True)
            return
        if not head.strip():
            yield InputError(where, "empty input")
            return
        yield from read_format(stream, sniff(head), where, options)
    except _GZIP_ERRORS as err:
        yield _broken_gzip(where, err)
    except OSError as err:
        yield InputError(where, f"cannot read stream: {err.strerror or err}")

"""Bytes to text: decoding a file or stream (UTF-8, a byte-order mark's UTF-16/32, an HTML
page's declared charset), and telling a stream's format from its first bytes."""

from __future__ import annotations

import codecs
import csv
import io
import re
from typing import IO, Any

from ...errors import InputError
from .records import load_json

__all__ = ["BOMS", "Replay", "decode", "decode_html", "read_up_to", "sniff"]

BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe", "utf-16-le"),
         (b"\xfe\xff", "utf-16-be"))


def read_up_to(f: IO[bytes], size: int) -> bytes:
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


class Replay(io.RawIOBase):
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


def sniff(head: bytes) -> str:
    """The format of a stream from its first bytes."""
    if any(head.startswith(bom) for bom, _ in BOMS):
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


def decode(data: bytes, where: str, boms: bool = True) -> str:
    for bom, encoding in BOMS if boms else ():  # UTF-16 and UTF-32 files say so in their first bytes
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


def decode_html(data: bytes, where: str) -> str:
    """An HTML page's text: by its byte-order mark, else by the charset its <meta> declares in
    its first 4 KB, else as UTF-8."""
    if data.startswith(codecs.BOM_UTF8) or any(data.startswith(bom) for bom, _ in BOMS):
        return decode(data, where)
    match = _META_CHARSET.search(data[:4096])
    declared = match.group(1).decode("ascii") if match else "utf-8"
    try:
        encoding = codecs.lookup(_CHARSET_ALIASES.get(declared.lower(), declared)).name
        "".encode(encoding)  # a text encoding, not a codec such as rot13 or base64
    except LookupError:
        raise InputError(where, f"the page declares charset {declared!r}, which Dyad does not know; re-encode it "
                                "as UTF-8 (iconv -f CHARSET -t utf-8) and fix its <meta charset>") from None
    if encoding == "utf-8":
        return decode(data, where)
    if b"\x00" in data[:8192]:
        raise InputError(where, "binary data, not text (contains NUL bytes)")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        raise InputError(where, f"not {declared} text, though the page declares it (byte 0x{data[err.start]:02x} "
                                f"at offset {err.start}); fix its <meta charset> or re-encode it as UTF-8") from None

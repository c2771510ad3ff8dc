"""Building an `Article` from a record (a JSON object, a CSV row, a text or HTML file):
checking its fields, extracting an HTML page's text, title and date (trafilatura), checking
its publication date and giving it a stable id."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import warnings
from dataclasses import dataclass
from typing import Any

from ...errors import InputError
from ...types import Article

__all__ = ["FIELDS", "MAX_CHARS", "MAX_FUTURE_DAYS", "MIN_DATE", "Options", "article_id", "check_date",
           "from_fields", "from_record", "from_txt", "guard", "load_json", "parse_date", "read_record",
           "read_text_item"]

# An article longer than this is almost certainly a concatenated dump, not one article.
MAX_CHARS = 1_000_000
# A publication date further ahead than this is a wrong date, not tomorrow's paper in another
# time zone.
MAX_FUTURE_DAYS = 2
# A publication date before this is a placeholder (CMSs write 0001-01-01 or 1900-01-01 for "no
# date" less often than 0001) or a typo, not a news article; it would also throw every date
# window computed from it off the calendar.
MIN_DATE = dt.date(1800, 1, 1)
FIELDS = ("id", "date", "title", "source", "url", "text", "html")


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


def from_record(record: Any, where: str, options: Options) -> Article | InputError:
    if not isinstance(record, dict):
        return InputError(where, f"expected a JSON object, got {type(record).__name__}")
    return guard(lambda: from_fields(record, where, options), where)


def from_fields(record: dict[str, Any], where: str, options: Options) -> Article:
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


def from_txt(text: str, where: str, options: Options) -> Article:
    title = None
    lines = text.lstrip("\ufeff").split("\n", 2)
    # A title is a first line set off by a blank line from the text it heads; a file of one
    # line (or one paragraph) is all text, not a title over nothing.
    if len(lines) == 3 and lines[0].strip() and not lines[1].strip() and lines[2].strip() and len(lines[0]) <= 300:
        title = lines[0].strip()
    return _build(text, where, {"title": title}, options)


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


def guard(make: Any, where: str) -> Article | InputError:
    try:
        result: Article = make()
    except InputError as err:
        return err
    return result


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
    return from_record(record, where, Options())


def read_text_item(text: str, **fields: Any) -> Article:
    """Build one `Article` from text in memory (the Python API's entry point). `date` may be a
    `datetime.date` or an ISO string; either is checked like an input file's."""
    if isinstance(fields.get("date"), dt.date):
        fields["date"] = fields["date"].isoformat()
    return from_fields({"text": text, **fields}, fields.get("id") or "<text>", Options())

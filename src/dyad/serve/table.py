"""The events table's view: what a request's query string asks for (filters, sort, page, the
deduplicated toggle), checked once, and the links that show, page or download the same view.

The page (/events) and its downloads (/api/events.csv, /api/events) read one `View`, so a
download holds exactly the rows the page shows, in the same order. The two differ only in their
defaults: the page hides negated and hypothetical events unless `all_modalities` is set, the
API keeps every modality unless `modality` is given.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlencode

from ..codebook import PLOVER_TYPES
from ..errors import DyadError
from ..store.parties import check_sector, parse_party
from ..store.views import deduplicated_order, event_order, view_conditions
from ..types import FACTUAL, MODALITIES

__all__ = ["LAST_OFFSET", "View", "page_numbers", "read_view"]

LAST_OFFSET = 2**63 - 1  # DuckDB's OFFSET is a BIGINT
TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")
# the filters a view passes on, in the order its links list them; several values for MULTI ones
TEXT_FILTERS = ("actor", "recipient", "involving", "sector", "recipient_sector", "type", "cameo", "since", "until", "place_country",
                "place", "text", "min_confidence", "coder", "sort")
CODERS = ("pattern", "model")
MULTI = ("modality", "quad_class")
FLAGS = ("either_way", "statements", "all_modalities", "dedup")


class Params(Protocol):
    """A query string as Starlette gives it."""

    def multi_items(self) -> list[tuple[str, str]]: ...


@dataclass
class View:
    """One view of the events table: the filters `Store.events` (or, with `dedup`,
    `Store.deduplicated`) takes, with its sort, and the page shown."""

    filters: dict[str, Any]
    dedup: bool = False
    offset: int = 0
    limit: int | None = None
    given: dict[str, list[str]] = field(default_factory=dict)  # the request's own non-empty filters

    def page_url(self, **changes: object) -> str:
        """This view's page, with some parameters changed (None drops one)."""
        return "/events?" + urlencode(_pairs({**self.given, **_as_lists(changes)}), doseq=True)

    def api_url(self, csv: bool = False, whole: bool = False, size: int | None = None) -> str:
        """The same rows from the API, as JSON or CSV: this page (`size` rows from the view's
        offset) or, `whole`, every match."""
        given = {k: v for k, v in self.given.items() if k not in ("all_modalities", "dedup", "offset")}
        if "modality" not in given and "all_modalities" not in self.given:
            given["modality"] = list(FACTUAL)  # what the page shows unless asked for all
        for flag in ("either_way", "statements"):
            if flag in given:
                given[flag] = ["true"]
        if not whole:
            given |= {"limit": [str(size)], "offset": [str(self.offset)]}
        path = "/api/deduplicated" if self.dedup else "/api/events"
        return path + (".csv" if csv else "") + "?" + urlencode(_pairs(given), doseq=True)

    def sort_url(self, column: str) -> str:
        """This view sorted by `column`: ascending, or descending when it is sorted so already
        (dates start newest first)."""
        current = self.filters.get("sort") or "-date"
        if current == column:
            wanted = "-" + column
        elif current == "-" + column:
            wanted = column
        else:
            wanted = "-date" if column == "date" else column
        return self.page_url(sort=None if wanted == "-date" else wanted, offset=None)


def _as_lists(changes: dict[str, object]) -> dict[str, list[str]]:
    return {k: [] if v is None else [str(x) for x in v] if isinstance(v, list | tuple) else [str(v)]
            for k, v in changes.items()}


def _pairs(given: dict[str, list[str]]) -> list[tuple[str, str]]:
    return [(k, v) for k, values in given.items() for v in values if v]


def read_view(params: Params, api: bool = False) -> View:
    """The view a query string asks for; a DyadError naming the first bad parameter. `api`:
    the API's defaults (every modality), and `limit` is read."""
    given: dict[str, list[str]] = {}
    for key, value in params.multi_items():
        if value.strip() and (key in TEXT_FILTERS or key in MULTI or key in FLAGS or key in ("offset", "limit")):
            given.setdefault(key, []).append(value if key in ("offset", "limit") else value.strip())
    one = {k: v[0] for k, v in given.items()}
    flags = {k: _flag(k, one.get(k)) for k in FLAGS}
    filters: dict[str, Any] = {
        "actor": _party("actor", one.get("actor")), "recipient": _party("recipient", one.get("recipient")),
        "involving": _party("involving", one.get("involving")),
        "sector": check_sector(one["sector"]) if "sector" in one else None,
        "recipient_sector": check_sector(one["recipient_sector"]) if "recipient_sector" in one else None,
        "event_type": _event_type(one.get("type")),
        "since": _date("since", one.get("since")), "until": _date("until", one.get("until")),
        "min_confidence": _fraction(one.get("min_confidence")),
        "modality": _modalities(given.get("modality"), flags["all_modalities"] or api),
        "statements": flags["statements"], "either_way": flags["either_way"],
        "quad_class": [_whole("quad_class", q, 4) for q in given.get("quad_class", [])] or None,
        "cameo": one.get("cameo"), "place_country": one.get("place_country"), "place": one.get("place"),
        "text": one.get("text"), "sort": one.get("sort"),
    }
    if "coder" in one:  # a filter on reports only (`_coder`)
        filters["coder"] = _coder(one["coder"], flags["dedup"])
    view_conditions(**{k: filters[k] for k in ("quad_class", "cameo", "place_country", "place", "text", "involving")})
    (deduplicated_order if flags["dedup"] else event_order)(filters["sort"])  # a DyadError for a bad column
    for key in [k for k in given if k in FLAGS]:
        given[key] = ["1"]  # a flag's link says it one way
    offset = _whole("offset", one["offset"], LAST_OFFSET) if "offset" in one else 0
    limit = _whole("limit", one["limit"], LAST_OFFSET, least=1) if api and "limit" in one else None
    return View(filters, dedup=flags["dedup"], offset=offset, limit=limit, given={k: v for k, v in given.items()
                                                                                   if k not in ("limit",)})


def page_numbers(total: int, offset: int, size: int, around: int = 2) -> list[tuple[int, int] | None]:
    """The pager's (page number, offset) links: the first, the last and `around` either side of
    the current page, None where pages are skipped."""
    pages = max(math.ceil(total / size), 1)
    current = min(offset // size, pages - 1)
    shown = sorted({0, pages - 1, *range(max(current - around, 0), min(current + around, pages - 1) + 1)})
    out: list[tuple[int, int] | None] = []
    for i, page in enumerate(shown):
        if i and page - shown[i - 1] > 1:
            out.append(None)
        out.append((page + 1, page * size))
    return out


def _flag(name: str, value: str | None) -> bool:
    if value is None or value.lower() in FALSE:
        return False
    if value.lower() in TRUE:
        return True
    raise DyadError(f"{name} is true or false (1 or 0), not {value!r}")


def _party(name: str, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return parse_party(value).code
    except DyadError as err:
        raise DyadError(f"{name}: {err}") from None


def _coder(value: str | None, dedup: bool) -> str | None:
    """What decided the events kept: "pattern" or "model"; a report's detail, so not a filter
    on real-world events (several reports, each decided its own way)."""
    if value is not None and value not in CODERS:
        raise DyadError(f"coder is pattern or model (what decided the event), not {value!r}")
    if value is not None and dedup:
        raise DyadError("coder filters reports, not real-world events; leave out dedup to use it")
    return value


def _event_type(value: str | None) -> str | None:
    if value is not None and value.upper() not in PLOVER_TYPES:
        raise DyadError(f"unknown PLOVER type {value!r}; one of {', '.join(PLOVER_TYPES)}")
    return value.upper() if value else None


def _date(name: str, value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        raise DyadError(f"{name} must be a date, YYYY-MM-DD, not {value!r}") from None


def _fraction(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not 0 <= number <= 1:  # also nan and inf
        raise DyadError(f"min_confidence must be a number from 0 to 1, not {value!r}")
    return number


def _whole(name: str, value: str, most: int, least: int = 0) -> int:
    """`value` as a whole number from `least` to `most` (str.isdigit() also takes "²")."""
    if not (value.isascii() and value.isdigit() and len(value) <= 19 and least <= int(value) <= most):
        raise DyadError(f"{name} must be a whole number from {least} to {most}, not {value!r}")
    return int(value)


def _modalities(values: Iterable[str] | None, every: bool) -> list[str] | None:
    """The modalities asked for; none asked: every one (`every`) or those stated as happening."""
    chosen = list(values or [])
    for value in chosen:
        if value not in MODALITIES:
            raise DyadError(f"unknown modality {value!r}; one of {', '.join(MODALITIES)}")
    return chosen or (None if every else list(FACTUAL))

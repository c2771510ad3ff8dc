"""Resolve the date expressions of news text against the publication date.

News dates are relative to the day the article was published: "on Wednesday" is the most
recent Wednesday on or before that day (the same day included), "March 3" the most recent
March 3, "last week" the week before. `resolve` returns the day and how precise it is.
"""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["resolve"]

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"], start=1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
WEEKDAYS = {d: i for i, d in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}

_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_PATTERNS = [
    (re.compile(rf"^{_YEAR}-(?P<m>\d\d)-(?P<d>\d\d)$"), "iso"),
    (re.compile(rf"^{_MONTH} {_DAY}(?:,? {_YEAR})?$"), "month_day"),
    (re.compile(rf"^{_DAY} (?:of )?{_MONTH}(?:,? {_YEAR})?$"), "month_day"),
    (re.compile(rf"^(?:early |mid-?|late )?{_MONTH},? {_YEAR}$"), "month_year"),
    (re.compile(rf"^(?:early |mid-?|late )?{_MONTH}$"), "month"),
    (re.compile(rf"^(?:in |early |late )?{_YEAR}$"), "year"),
    (re.compile(r"^(?P<n>\d+|a|one|two|three|four|five|six|seven) (?P<unit>day|week)s? ago$"), "ago"),
]
_SMALL = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}


def resolve(expression: str, published: dt.date | None, future: bool = False) -> tuple[dt.date, str] | None:
    """(date, precision) for a date expression, or None when it names no datable day.

    precision is one of day, week, month, year. Relative expressions need `published`. With
    `future` (an intended event: "will visit in October") a weekday, a day or a month without
    a year is the next one on or after publication instead of the last one on or before.
    """
    try:
        return _resolve(expression, published, future)
    except (OverflowError, ValueError):  # "50000 days ago" from year 137: no date there
        return None


def _resolve(expression: str, published: dt.date | None, future: bool) -> tuple[dt.date, str] | None:
    text = _normalise(expression)
    if not text:
        return None
    if published is not None:
        relative = _ahead(text, published, future) or _relative(text, published)
        if relative is not None:
            return relative
    for pattern, kind in _PATTERNS:
        match = pattern.match(text)
        if match:
            resolved = _absolute(kind, match, published)
            if resolved and future and published and not match.groupdict().get("year") and kind in ("month_day", "month"):
                return _forward(resolved, published)
            return resolved
    return None


def _normalise(expression: str) -> str:
    """The expression in lower case, without what does not change the day: a leading
    preposition, a possessive ("Thursday's"), a time of day around a weekday ("late on
    Monday", "Friday morning") and a weekday before a date ("Thursday, June 20",
    "Thursday (June 20)")."""
    text = re.sub(r"['’]s\b", "", expression.lower()).replace("(", " ").replace(")", " ")
    text = " ".join(text.replace(",", ", ").split()).strip(" .,")
    text = re.sub(r"^(?:on|in|since|by|from|at|during|the|of)\s+", "", text)
    words = text.replace(",", "").split()
    weekday = next((i for i, w in enumerate(words[:3]) if w in WEEKDAYS), None)
    if weekday is not None and all(w in ("late", "early", "earlier", "later", "on") for w in words[:weekday]):
        rest = [w for w in words[weekday + 1 :] if w not in ("morning", "afternoon", "evening", "night")]
        if not rest:
            return words[weekday]
        if weekday == 0 and len(rest) == len(words) - 1 and _is_date(" ".join(rest)):
            return " ".join(rest)
    return text


def _is_date(text: str) -> bool:
    return any(pattern.match(text) for pattern, kind in _PATTERNS if kind in ("iso", "month_day"))


def _ahead(text: str, published: dt.date, future: bool) -> tuple[dt.date, str] | None:
    """Expressions that point forward: "tomorrow", "next week", "on Tuesday" said of a plan,
    and deadlines ("by the end of this year" is the year's last day, precision month)."""
    period = re.fullmatch(r"(?:by |before )?(?:the )?end of (this|next|the) (year|month)", text)
    if period:
        year = published.year + (period[1] == "next" and period[2] == "year")
        if period[2] == "year":
            return dt.date(year, 12, 31), "month"
        month_end = (published.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        if period[1] == "next":
            month_end = ((month_end + dt.timedelta(days=1)).replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        return month_end, "day"
    if text == "tomorrow":
        return published + dt.timedelta(days=1), "day"
    if text == "next week":
        return published + dt.timedelta(days=7), "week"
    if text == "next month":
        return (published.replace(day=28) + dt.timedelta(days=4)).replace(day=1), "month"
    if text == "next year":
        return published.replace(year=published.year + 1, month=1, day=1), "year"
    words = text.split()
    if words and words[-1] in WEEKDAYS and len(words) <= 2 and words[0] not in ("last", "past") and (future or words[0] == "next"):
        ahead = (WEEKDAYS[words[-1]] - published.weekday()) % 7
        if words[0] == "next" and ahead == 0:
            ahead = 7
        return published + dt.timedelta(days=ahead), "day"
    return None


def _forward(resolved: tuple[dt.date, str], published: dt.date) -> tuple[dt.date, str]:
    """The same day or month, moved to the first one on or after publication."""
    day, precision = resolved
    while (day < published.replace(day=1)) if precision == "month" else (day < published):
        try:
            day = day.replace(year=day.year + 1)
        except ValueError:  # February 29
            day = day.replace(year=day.year + 1, day=28)
    return day, precision


def _relative(text: str, published: dt.date) -> tuple[dt.date, str] | None:
    if text in ("today", "tonight", "this morning", "this afternoon", "this evening", "earlier today", "now"):
        return published, "day"
    if text in ("yesterday", "last night", "yesterday morning", "yesterday afternoon", "yesterday evening"):
        return published - dt.timedelta(days=1), "day"
    if text in ("this week", "earlier this week"):
        return published, "week"
    if text == "last week":
        return published - dt.timedelta(days=7), "week"
    if text in ("this month", "earlier this month"):
        return published.replace(day=1), "month"
    if text == "last month":
        return (published.replace(day=1) - dt.timedelta(days=1)).replace(day=1), "month"
    if text in ("this year", "earlier this year"):
        return published.replace(month=1, day=1), "year"
    if text == "last year":
        return published.replace(year=published.year - 1, month=1, day=1), "year"
    words = text.split()
    if words and words[-1] in WEEKDAYS and len(words) <= 2 and words[0] in (words[-1], "last", "this", "on", "past"):
        back = (published.weekday() - WEEKDAYS[words[-1]]) % 7
        if words[0] in ("last", "past") and back == 0:
            back = 7
        return published - dt.timedelta(days=back), "day"
    return None


def _absolute(kind: str, match: re.Match[str], published: dt.date | None) -> tuple[dt.date, str] | None:
    groups = match.groupdict()
    year = int(groups["year"]) if groups.get("year") else None
    try:
        if kind == "iso":
            return dt.date(int(groups["year"]), int(groups["m"]), int(groups["d"])), "day"
        if kind == "ago":
            if published is None:
                return None
            n = _SMALL.get(groups["n"]) or int(groups["n"])
            days = n * (7 if groups["unit"] == "week" else 1)
            return published - dt.timedelta(days=days), "day" if groups["unit"] == "day" else "week"
        if kind == "year":
            return dt.date(int(groups["year"]), 1, 1), "year"
        month = MONTHS[groups["month"]]
        if kind == "month_day":
            day = int(groups["day"])
            if year is None:
                if published is None:
                    return None
                year = published.year
                if dt.date(year, month, day) > published + dt.timedelta(days=1):
                    year -= 1  # "March 3" in an article of January 2020 is March 2019
            return dt.date(year, month, day), "day"
        if year is None:
            if published is None:
                return None
            year = published.year if month <= published.month else published.year - 1
        return dt.date(year, month, 1), "month"
    except ValueError:  # February 30 and the like
        return None

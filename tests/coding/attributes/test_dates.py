from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dyad.coding.attributes.dates import WEEKDAYS, resolve

PUB = dt.date(2018, 9, 12)  # a Wednesday


@pytest.mark.parametrize(
    ("expression", "expected", "precision"),
    [
        ("Wednesday", "2018-09-12", "day"),  # the publication day itself
        ("on Monday", "2018-09-10", "day"),
        ("Thursday", "2018-09-06", "day"),
        ("last Wednesday", "2018-09-05", "day"),
        ("Tuesday night", "2018-09-11", "day"),
        ("yesterday", "2018-09-11", "day"),
        ("today", "2018-09-12", "day"),
        ("last week", "2018-09-05", "week"),
        ("last month", "2018-08-01", "month"),
        ("September 10, 2018", "2018-09-10", "day"),
        ("10 September", "2018-09-10", "day"),
        ("Sept. 3", "2018-09-03", "day"),
        ("December 24", "2017-12-24", "day"),  # a day later in the year is last year's
        ("March", "2018-03-01", "month"),
        ("November", "2017-11-01", "month"),
        ("June 2016", "2016-06-01", "month"),
        ("2014", "2014-01-01", "year"),
        ("two days ago", "2018-09-10", "day"),
        ("2018-08-30", "2018-08-30", "day"),
    ],
)
def test_resolve(expression: str, expected: str, precision: str) -> None:
    assert resolve(expression, PUB) == (dt.date.fromisoformat(expected), precision)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("Monday's", "2018-09-10"),  # "Monday's talks"
        ("Monday’s", "2018-09-10"),  # typographic apostrophe
        ("late on Monday", "2018-09-10"),
        ("early Tuesday", "2018-09-11"),
        ("earlier on Tuesday", "2018-09-11"),
        ("late Thursday", "2018-09-06"),
        ("Monday, September 10", "2018-09-10"),
        ("Monday (Sept. 10)", "2018-09-10"),
        ("Monday,\u00a0September\u00a010, 2018", "2018-09-10"),  # non-breaking spaces
    ],
)
def test_wire_copy_variants_of_a_day(expression: str, expected: str) -> None:
    assert resolve(expression, PUB) == (dt.date.fromisoformat(expected), "day")


def test_a_last_weekday_is_in_the_past_even_said_of_a_plan() -> None:
    assert resolve("last Monday", PUB, future=True) == (dt.date(2018, 9, 10), "day")


@pytest.mark.parametrize("expression", ["recent years", "February 30", "decades", "the 1990s"])
def test_unresolvable(expression: str) -> None:
    assert resolve(expression, PUB) is None


def test_relative_dates_need_a_publication_date() -> None:
    assert resolve("on Monday", None) is None
    assert resolve("March 3", None) is None
    assert resolve("September 30, 2022", None) == (dt.date(2022, 9, 30), "day")


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2100, 1, 1)), st.sampled_from(sorted(WEEKDAYS)))
def test_weekday_is_most_recent_on_or_before_publication(published: dt.date, weekday: str) -> None:
    resolved = resolve(f"on {weekday.title()}", published)
    assert resolved is not None
    day, precision = resolved
    assert precision == "day"
    assert day.weekday() == WEEKDAYS[weekday]
    assert dt.timedelta(0) <= published - day < dt.timedelta(days=7)


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2100, 1, 1)))
def test_month_day_is_never_more_than_a_day_after_publication(published: dt.date) -> None:
    resolved = resolve("March 1", published)
    assert resolved is not None
    assert resolved[0] <= published + dt.timedelta(days=1)
    assert published - resolved[0] < dt.timedelta(days=366)


@pytest.mark.parametrize(
    ("expression", "expected", "precision"),
    [
        ("October", "2018-10-01", "month"),  # "will visit in October": the coming October
        ("on Friday", "2018-09-14", "day"),
        ("Wednesday", "2018-09-12", "day"),  # the publication day itself
        ("March 3", "2019-03-03", "day"),
        ("tomorrow", "2018-09-13", "day"),
        ("next week", "2018-09-19", "week"),
        ("September 2016", "2016-09-01", "month"),  # a year given is kept
    ],
)
def test_resolve_for_intended_events(expression: str, expected: str, precision: str) -> None:
    assert resolve(expression, PUB, future=True) == (dt.date.fromisoformat(expected), precision)


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2100, 1, 1)), st.sampled_from(sorted(WEEKDAYS)))
def test_future_weekday_is_the_next_on_or_after_publication(published: dt.date, weekday: str) -> None:
    resolved = resolve(weekday.title(), published, future=True)
    assert resolved is not None
    assert resolved[0].weekday() == WEEKDAYS[weekday]
    assert dt.timedelta(0) <= resolved[0] - published < dt.timedelta(days=7)


@pytest.mark.parametrize(
    ("expression", "expected", "precision"),
    [
        ("by the end of this year", "2018-12-31", "month"),
        ("the end of next year", "2019-12-31", "month"),
        ("the end of the month", "2018-09-30", "day"),
    ],
)
def test_deadlines(expression: str, expected: str, precision: str) -> None:
    assert resolve(expression, PUB, future=True) == (dt.date.fromisoformat(expected), precision)

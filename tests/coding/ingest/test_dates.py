"""Publication dates: ISO dates and timestamps are read as written; trailing junk and dates
outside [MIN_DATE, today + MAX_FUTURE_DAYS] are refused per item, in files, in the default date
and through the Python API."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dyad.coding.ingest.files import read
from dyad.coding.ingest.records import MAX_FUTURE_DAYS, MIN_DATE, parse_date, read_text_item
from dyad.errors import InputError
from dyad.types import Article

TEXT = "Peru accused Chile of spying."


@pytest.mark.parametrize(("value", "day"), [
    ("2018-09-12", "2018-09-12"),
    (" 2018-09-12\n", "2018-09-12"),
    ("2018-09-12T08:00:00Z", "2018-09-12"),
    ("2018-09-12T08:00:00+02:00", "2018-09-12"),
    ("2018-09-12T23:30:00-05:00", "2018-09-12"),  # the date as written, not moved to UTC
    ("2018-09-12 08:00:00", "2018-09-12"),
    ("2018-09-12T08:00:00.123456", "2018-09-12"),
    ("2018-09-12T08:00", "2018-09-12"),
    ("1800-01-01", "1800-01-01"),
])
def test_iso_dates_and_timestamps_are_read(value: str, day: str) -> None:
    assert parse_date(value) == dt.date.fromisoformat(day)


@pytest.mark.parametrize("value", [
    "2018-09-12garbage", "2018-09-12 junk", "2018-09-12T", "2018-09-12T08:00:00Zjunk", "2018-09-12T25:00",
    "2018-09-1", "2018-02-30", "yesterday", "12/09/2018", "2018-09-12/2018-09-13",
])
def test_dates_with_junk_are_refused_not_truncated(value: str) -> None:
    with pytest.raises(InputError, match="unreadable date"):
        parse_date(value)


@pytest.mark.parametrize("value", ["0001-01-01", "0001-01-01T00:00:00Z", "1000-06-15", "1799-12-31"])
def test_dates_before_the_floor_are_refused(value: str) -> None:
    with pytest.raises(InputError, match="before 1800-01-01"):
        parse_date(value)


@given(st.dates(max_value=MIN_DATE - dt.timedelta(days=1)))
def test_every_date_before_the_floor_is_refused(date: dt.date) -> None:
    with pytest.raises(InputError, match="before"):
        parse_date(date.isoformat())


@given(st.dates(min_value=MIN_DATE, max_value=dt.date.today() + dt.timedelta(days=MAX_FUTURE_DAYS)))
def test_every_date_in_range_is_accepted(date: dt.date) -> None:
    assert parse_date(date.isoformat()) == date == parse_date(f"{date.isoformat()}T12:00:00Z")


def test_bad_dates_are_per_item_errors_and_the_lines_around_them_are_read(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    dates = ["2018-09-12", "0001-01-01", "2018-09-12garbage", "2018-09-12T08:00:00+02:00", "9999-12-31"]
    path.write_text("".join(json.dumps({"id": f"n{i}", "text": TEXT, "date": d}) + "\n" for i, d in enumerate(dates)))
    items = list(read([str(path)]))
    assert [i.id for i in items if isinstance(i, Article)] == ["n0", "n3"]
    errors = {e.where: e.reason for e in items if isinstance(e, InputError)}
    assert set(errors) == {f"{path}:2", f"{path}:3", f"{path}:5"}
    assert "1800" in errors[f"{path}:2"] and "unreadable" in errors[f"{path}:3"] and "future" in errors[f"{path}:5"]


@pytest.mark.parametrize("default", [dt.date(1, 1, 1), dt.date(1799, 12, 31), dt.date.today() + dt.timedelta(days=30)])
def test_a_default_date_out_of_range_is_refused_before_anything_is_read(tmp_path: Path, default: dt.date) -> None:
    with pytest.raises(InputError, match="--date"):
        read([str(tmp_path / "never-opened.txt")], default_date=default)


def test_the_python_api_checks_dates_too() -> None:
    with pytest.raises(InputError, match="1800"):
        read_text_item(TEXT, date="0001-01-01")
    with pytest.raises(InputError, match="unreadable"):
        read_text_item(TEXT, date="2018-09-12garbage")
    assert read_text_item(TEXT, date=dt.date(2018, 9, 12)).date == dt.date(2018, 9, 12)
    assert read_text_item(TEXT, date="2018-09-12T08:00:00Z").date == dt.date(2018, 9, 12)

"""The trend as charts draw it: every period on a time axis, named for the period, and dates
coarser than the period left out with a note rather than piled onto the period's first day."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import matplotlib.dates as mdates
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dyad.store.query import trend, trend_figure
from dyad.store.series import next_period, period_label, period_start, trend_series
from dyad.store.store import Store
from tests.store.test_store import _article


def _dated(article_id: str, day: dt.date, precision: str = "day") -> object:
    article = _article(article_id, day=day)
    article.events[0] = dataclasses.replace(article.events[0], date_precision=precision)
    return article


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "t.duckdb")
    store.write([_dated("a1", dt.date(2024, 1, 5)), _dated("a2", dt.date(2024, 1, 9)),  # type: ignore[list-item]
                 _dated("a3", dt.date(2024, 4, 2)), _dated("m1", dt.date(2024, 1, 1), "month"),
                 _dated("y1", dt.date(2024, 1, 1), "year")])
    return store


def test_empty_periods_are_in_the_series(store: Store) -> None:
    series = trend_series(trend(store, "RUS", "JPN", "month"), "month")
    assert [(p["label"], p["events"]) for p in series] == [("2024-01", 4), ("2024-02", 0), ("2024-03", 0),
                                                           ("2024-04", 1)]
    assert series[1]["mean_goldstein"] is None and series[1]["end"] == "2024-02-29"


@pytest.mark.parametrize(("by", "labels"), [
    ("day", ["2024-01-05", "2024-01-06", "2024-01-07", "2024-01-08", "2024-01-09"]),
    ("week", ["2024-W01", "2024-W02"]),
    ("quarter", ["2024 Q1", "2024 Q2"]),
    ("year", ["2024"]),
])
def test_each_period_is_named_for_what_it_is(store: Store, by: str, labels: list[str]) -> None:
    rows = trend(store, "RUS", "JPN", by, precise=True)
    assert [p["label"] for p in trend_series(rows, by)][:len(labels)] == labels


@pytest.mark.parametrize(("by", "drawn"), [("day", 3), ("week", 3), ("month", 4), ("quarter", 4), ("year", 5)])
def test_dates_coarser_than_the_period_are_not_charted(store: Store, by: str, drawn: int) -> None:
    """By day, a date known only to the month (or year) is not a spike on the 1st of January."""
    precise = trend(store, "RUS", "JPN", by, precise=True)
    assert sum(r["events"] for r in precise) == drawn
    assert sum(r["events"] for r in trend(store, "RUS", "JPN", by)) == 5  # the table still counts them all


def test_the_plot_has_a_time_axis_period_labels_a_zero_line_and_a_note(store: Store) -> None:
    rows = trend(store, "RUS", "JPN", "month", precise=True)
    figure = trend_figure(rows, "RUS <-> JPN", "month", left_out=1)
    counts, goldstein = figure.axes
    days = sorted({mdates.num2date(bar.get_x() + bar.get_width() / 2).date() for bar in counts.patches})
    assert [d.month for d in days] == [1, 2, 3, 4]  # February and March are there, empty
    heights = {mdates.num2date(b.get_x() + b.get_width() / 2).date().month: 0.0 for b in counts.patches}
    for bar in counts.patches:
        heights[mdates.num2date(bar.get_x() + bar.get_width() / 2).date().month] += bar.get_height()
    assert heights == {1: 3, 2: 0, 3: 0, 4: 1}  # the month-dated event is January's, the year-dated none's
    figure.canvas.draw()
    assert [t.get_text() for t in counts.get_xticklabels()] == ["2024-01", "2024-02", "2024-03", "2024-04"]
    assert any(list(line.get_ydata()) == [0, 0] for line in goldstein.get_lines())
    assert [t.get_text() for t in counts.get_legend().get_texts()][-1] == "mean Goldstein"
    assert any("1 event dated only to the year" in t.get_text() for t in figure.texts)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 1, 1)),
       st.sampled_from(["day", "week", "month", "quarter", "year"]))
def test_a_day_lies_in_the_period_it_is_put_in(day: dt.date, by: str) -> None:
    start = period_start(day, by)
    assert start <= day < next_period(start, by)
    assert period_start(next_period(start, by), by) == next_period(start, by)
    assert period_label(start, by) != period_label(next_period(start, by), by)

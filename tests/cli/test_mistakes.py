"""A user's mistake gets one line saying what is wrong and what to do, exit status 2 (the CLI)
or a 4xx JSON error naming the parameter (the API); an unknown actor code is named, never an
empty result."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from dyad.serve.app import create_app
from dyad.store.store import Store
from tests.cli.test_errors import _fails
from tests.serve.test_api import call
from tests.store.test_store import _article


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "events.duckdb"
    with Store(path) as store:
        store.write([_article(f"a{i}", day=dt.date(2024, 1, 1 + i)) for i in range(3)])
    return path


def _one_line(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    err = _fails(argv, capsys)
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert "SELECT" not in lines[0]
    return lines[0]


@pytest.mark.parametrize("argv, says", [
    (["events", "--limit", "-1"], "--limit: must be at least 0"),
    (["actors", "--top", "-5"], "--top: must be at least 1"),
    (["dyads", "--top", "0"], "--top: must be at least 1"),
    (["events", "--either-way", "--dedup"], "leave them out with --dedup"),
    (["export", "--format", "csv", "--out", "MISSING/out.csv"], "does not exist; create it first"),
    (["trend", "RUS", "JPN", "--plot", "MISSING/trend.png"], "does not exist; create it first"),
    (["events", "--actor", "XYZ"], "unknown actor code 'XYZ'"),
    (["trend", "RUS", "XYZGOV"], "unknown actor code 'XYZGOV'"),
    (["export", "--format", "csv", "--out", "OUT", "--recipient", "QQQ"], "unknown actor code 'QQQ'"),
])
def test_a_mistake_is_one_line_saying_what_to_do(argv: list[str], says: str, db: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    argv = [a.replace("MISSING", str(tmp_path / "missing")).replace("OUT", str(tmp_path / "out.csv")) for a in argv]
    assert says in _one_line([*argv, "--db", str(db)], capsys)


def test_a_db_that_is_not_a_database_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n")
    assert "is not a DuckDB database file" in _one_line(["events", "--db", str(notes)], capsys)


@pytest.mark.parametrize("url, params, says", [
    ("/api/events", {"limit": -1}, "limit"),
    ("/api/actors", {"top": -5}, "top"),
    ("/api/events", {"actor": "XYZ"}, "unknown actor code 'XYZ'"),
    ("/api/deduplicated", {"recipient": "QQQ"}, "unknown actor code 'QQQ'"),
    ("/api/trend", {"a": "RUS", "b": "XYZGOV"}, "unknown actor code 'XYZGOV'"),
])
def test_the_api_names_the_mistake_in_a_4xx(db: Path, url: str, params: dict[str, Any], says: str) -> None:
    answer = call(create_app(db), "GET", url, params=params)
    assert 400 <= answer.status_code < 500 and says in answer.json()["error"]

"""`--statements` on the listing commands: statements are left out unless it is given."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from dyad.cli.main import main
from dyad.store.store import Store
from tests.store.test_statements import _with_statement


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "s.duckdb"
    with Store(path) as store:
        store.write([_with_statement("a1", dt.date(2024, 1, 5)), _with_statement("a2", dt.date(2024, 2, 7))])
    return path


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    assert main(list(args)) == 0
    return capsys.readouterr().out


def _jsonl(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines()]


@pytest.mark.parametrize("dedup", [[], ["--dedup"]])
def test_events_hide_statements_unless_asked(db: Path, capsys: pytest.CaptureFixture[str], dedup: list[str]) -> None:
    plain = _jsonl(_run(capsys, "events", "--db", str(db), "--format", "jsonl", *dedup))
    every = _jsonl(_run(capsys, "events", "--db", str(db), "--format", "jsonl", "--statements", *dedup))
    assert {e["cameo"] for e in plain} == {"161"}
    assert sorted(e["cameo"] for e in every) == ["016", "016", "161", "161"]


def test_summary_hides_statements_unless_asked(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plain = json.loads(_run(capsys, "summary", "--db", str(db), "--json"))
    every = json.loads(_run(capsys, "summary", "--db", str(db), "--json", "--statements"))
    assert (plain["events"], plain["by_type"]) == (2, {"SANCTION": 2})
    assert (every["events"], every["by_type"]["STATEMENT"]) == (4, 2)


def test_trend_hides_statements_unless_asked(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plain = _run(capsys, "trend", "RUS", "JPN", "--db", str(db))
    every = _run(capsys, "trend", "RUS", "JPN", "--db", str(db), "--statements")
    assert "statements" not in plain and "statements" in every
    assert "-4.0" in plain and "-3.0" in every  # the denials' Goldstein -2 joins the mean only when asked


def test_actors_dyads_and_export_hide_statements_unless_asked(db: Path, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert "JPN" not in _run(capsys, "actors", "--db", str(db))
    assert "JPN" in _run(capsys, "actors", "--db", str(db), "--statements")
    assert len(_run(capsys, "dyads", "--db", str(db)).splitlines()) < len(
        _run(capsys, "dyads", "--db", str(db), "--statements").splitlines())
    assert "wrote 2 events" in _run(capsys, "export", "--db", str(db), "--format", "jsonl", "--out", str(tmp_path / "a"))
    assert "wrote 4 events" in _run(capsys, "export", "--db", str(db), "--format", "jsonl", "--out", str(tmp_path / "b"),
                                    "--statements")


def test_a_statement_shows_as_statement_in_tables_and_show(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = _run(capsys, "events", "--db", str(db), "--statements")
    assert "statement" in table and "None" not in table
    [statement, *_] = [e for e in _jsonl(_run(capsys, "events", "--db", str(db), "--format", "jsonl", "--statements"))
                       if e["cameo"] == "016"]
    shown = _run(capsys, "show", statement["id"], "--db", str(db))
    assert "statement (-), CAMEO 016" in shown and "QuadClass 0" in shown

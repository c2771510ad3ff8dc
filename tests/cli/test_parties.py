"""`dyad events/export/trend` filter by organisation, by code with a sector and by sector."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dyad.cli.main import main
from tests.store.test_parties import write_parties


@pytest.fixture
def db(tmp_path: Path) -> Path:
    write_parties(tmp_path / "p.duckdb")
    return tmp_path / "p.duckdb"


def _ids(db: Path, capsys: pytest.CaptureFixture[str], *args: str) -> set[str]:
    capsys.readouterr()
    assert main(["events", "--db", str(db), "--format", "jsonl", "--limit", "0", *args]) == 0
    return {json.loads(line)["article_id"] for line in capsys.readouterr().out.splitlines()}


def test_events_by_organisation_code_and_sector(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _ids(db, capsys, "--actor", "IGOEUR") == {"eu-sanctions"}
    assert _ids(db, capsys, "--recipient", "igoeur") == {"kremlin-condemns"}
    assert _ids(db, capsys, "--actor", "RUS") == {"troops-shell", "kremlin-condemns"}
    assert _ids(db, capsys, "--actor", "RUSMIL") == {"troops-shell"}
    assert _ids(db, capsys, "--sector", "MIL") == {"troops-shell", "peacekeepers"}
    assert _ids(db, capsys, "--sector", "MIL", "--recipient-sector", "CVL") == {"peacekeepers"}
    assert _ids(db, capsys, "--actor", "IGONAT") == {"old-nato"}  # a row coded before, null country
    capsys.readouterr()
    assert main(["events", "--db", str(db), "--format", "jsonl", "--dedup", "--actor", "IGOEUR"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [[r["article_id"] for r in row["reports"]] for row in rows] == [["eu-sanctions"]]


def test_trend_and_export_take_codes(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["trend", "IGOEUR", "RUS", "--db", str(db)]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[1].split()[-2] == "2"  # both ways: the EU's sanctions and the Kremlin's condemnation
    out = tmp_path / "mil.jsonl"
    assert main(["export", "--db", str(db), "--format", "jsonl", "--out", str(out), "--sector", "MIL"]) == 0
    assert {json.loads(line)["article_id"] for line in out.read_text().splitlines()} == {"troops-shell", "peacekeepers"}


@pytest.mark.parametrize("args", [["events", "--actor", "XYZ"], ["events", "--recipient", "XYZMIL"],
                                  ["trend", "IGOEUR", "IGOXYZ"], ["export", "--format", "csv", "--out", "x.csv",
                                                                  "--actor", "XYZ"]])
def test_an_unknown_code_is_a_message(db: Path, args: list[str], capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    assert main([*args, "--db", str(db)]) != 0
    err = capsys.readouterr().err
    assert "unknown actor code" in err and "knowledge base" in err and "Traceback" not in err
    assert not (tmp_path / "x.csv").exists()


@pytest.mark.parametrize(("flag", "value", "says"), [("--actor", "RUSM", "not an actor code"),
                                                     ("--sector", "XYZ", "unknown sector")])
def test_a_malformed_code_is_refused(db: Path, flag: str, value: str, says: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["events", "--db", str(db), flag, value])
    assert says in capsys.readouterr().err

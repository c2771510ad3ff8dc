"""`dyad events` as a table: each event by a short id `dyad show` takes, plainly named columns,
as wide as the terminal, reprints marked; its CSV is `dyad export`'s."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest

from dyad.cli import events as cli
from dyad.cli.main import main
from dyad.store.store import Store
from tests.store.test_store import TEXT, _article

LONG = TEXT + " " + " ".join(f"word{i}" for i in range(60))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "events.duckdb"
    with Store(path) as store:
        store.write([_article(f"a{i}", day=dt.date(2024, 1, 1 + i)) for i in range(20)])  # 17 ids or more: two share a first character
        store.write([_article("original", text=LONG, day=dt.date(2024, 2, 1))])
        store.write([_article("reprint", text=LONG + " Also carried by a second paper.", day=dt.date(2024, 2, 1))])
    return path


def _out(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    capsys.readouterr()
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def test_each_row_shows_a_short_id_that_dyad_show_opens(db: Path, capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    header, *rows, count = _out(capsys, "events", "--db", str(db)).splitlines()
    assert header.split() == ["id", "date", "actor", "type", "modality", "goldstein", "recipient", "cameo", "mode",
                              "sentence"]
    listed = [json.loads(line) for line in _out(capsys, "events", "--db", str(db), "--format", "jsonl").splitlines()]
    assert len(rows) == len(listed) == 22 and count.startswith("(22 events")
    for row, event in zip(rows, listed, strict=True):
        short = row.split()[0]
        assert len(short) < len(event["id"]) and event["id"].startswith(short)
        shown = _out(capsys, "show", short, "--db", str(db))
        assert f"article    {event['article_id']};" in shown


def test_the_table_fits_the_terminal(db: Path, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    for width in (40, 60, 80, 100, 140):
        monkeypatch.setenv("COLUMNS", str(width))
        lines = _out(capsys, "events", "--db", str(db)).splitlines()
        assert max(len(line) for line in lines) <= width
        assert sum("Russia expelled" in line for line in lines) == 22  # every sentence keeps its start


def test_an_event_from_a_reprint_is_marked(db: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "160")
    *rows, count = _out(capsys, "events", "--db", str(db)).splitlines()
    marked = [row for row in rows if "(reprint)" in row]
    with Store(db, read_only=True) as store:
        [reprinted] = store.events(article_id="reprint")
        assert store.reprints(["reprint", "original", "a1"]) == {"reprint": "original"}
    assert len(marked) == 1 and marked[0].startswith(reprinted["id"][:6])
    assert "1 from reprints" in count


def test_a_short_id_two_events_share_is_shown_whole(db: Path) -> None:
    with Store(db, read_only=True) as store:
        ids = [e["id"] for e in store.events()]
        short = store.short_ids(ids, length=1)
    for i in ids:
        shared = sum(other[0] == i[0] for other in ids) > 1
        assert short[i] == (i if shared else i[0])


def test_show_says_when_a_short_id_names_several_events(db: Path, capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    with Store(db, read_only=True) as store:
        ids = [e["id"] for e in store.events()]
    first = next(i[0] for i in ids if sum(other[0] == i[0] for other in ids) > 1)
    monkeypatch.setattr(cli, "MIN_SHORT_ID", 1)
    capsys.readouterr()
    assert main(["show", first, "--db", str(db)]) == 2
    assert "several events have ids starting" in capsys.readouterr().err


@pytest.mark.parametrize("extra", [[], ["--dedup"], ["--actor", "RUS", "--since", "2024-01-03"]])
def test_csv_is_the_table_export_writes(db: Path, tmp_path: Path, extra: list[str],
                                        capsys: pytest.CaptureFixture[str]) -> None:
    listed = list(csv.reader(io.StringIO(_out(capsys, "events", "--db", str(db), "--format", "csv", "--limit", "0",
                                              *extra))))
    out = tmp_path / "export.csv"
    _out(capsys, "export", "--db", str(db), "--format", "csv", "--out", str(out), *extra)
    exported = list(csv.reader(out.open(encoding="utf-8", newline="")))
    assert listed[0] == exported[0]
    assert sorted(listed[1:]) == sorted(exported[1:]) and len(listed) > 1
    dates = [row[listed[0].index("date")] for row in listed[1:]]
    assert dates == sorted(dates, reverse=True)  # newest first, as the table

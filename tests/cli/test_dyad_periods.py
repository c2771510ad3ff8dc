"""`dyad trend` counts, per period, exactly the events `dyad events` lists with the flags the
trend prints (`query.dyad_events`, the definition the web pages and the API use too)."""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
from pathlib import Path

import pytest

from dyad.cli.main import main
from dyad.store.query import period_end
from dyad.store.store import Store
from tests.serve.test_dyad_periods import dyad_articles


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "dyad.duckdb"
    with Store(path) as store:
        store.write(dyad_articles())
    return path


@pytest.mark.parametrize("extra", [[], ["--directed"], ["--statements"]])
def test_each_trend_period_counts_the_events_dyad_events_lists(db: Path, extra: list[str],
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trend", "RUS", "JPN", "--db", str(db), "--by", "month", *extra]) == 0
    out = capsys.readouterr().out.splitlines()
    header, *rows, footer = out
    command = re.fullmatch(r"\(the events of a period: dyad (events .*)\)", footer)
    assert command is not None
    flags = shlex.split(command[1])
    events_at = header.split().index("events")
    assert rows
    for row in rows:
        start = dt.date.fromisoformat(row.split()[0])
        argv = [a.replace("PERIOD", start.isoformat()).replace("END", period_end(start, "month").isoformat())
                for a in flags]
        assert main([*argv, "--db", str(db), "--format", "jsonl"]) == 0
        listed = capsys.readouterr().out.splitlines()
        assert len(listed) == int(row.split()[events_at])
        assert all(json.loads(line)["modality"] not in ("negated", "hypothetical") for line in listed)

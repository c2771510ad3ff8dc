"""`dyad code` killed (SIGKILL) at random points of a large run, then run again, leaves the
database a clean run leaves: no article or event lost, none stored twice."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.model

COUNTRIES = [("Peru", "Peruvian"), ("Chile", "Chilean"), ("Japan", "Japanese"), ("Kenya", "Kenyan"),
             ("Poland", "Polish"), ("Egypt", "Egyptian"), ("Brazil", "Brazilian"), ("India", "Indian")]
SENTENCES = ["{a} accused {b} of spying on {day}.", "The {d} foreign minister met his {e} counterpart on {day}.",
             "{a} expelled two {e} diplomats, officials said.", "{b} rejected the charge.",
             "The weather was mild for the season.", "{a} pledged aid to {b} after the floods.",
             "Talks between the two sides will resume next month."]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
# every table with its rows in a fixed order; articles without the time each was coded
TABLES = {table: f"SELECT * FROM {table} ORDER BY ALL" for table in
          ("article_bands", "sentences", "mentions", "events", "deduplicated_events", "quotes", "input_errors")}
TABLES["articles"] = "SELECT * EXCLUDE (coded_at) FROM articles ORDER BY id"
TABLES["input_errors"] = "SELECT item, reason FROM input_errors ORDER BY ALL"


def _corpus(path: Path, count: int) -> None:
    rng = random.Random(3)
    with path.open("w", encoding="utf-8") as f:
        for i in range(count):
            (a, d), (b, e) = rng.sample(COUNTRIES, 2)
            text = " ".join(s.format(a=a, b=b, d=d, e=e, day=rng.choice(DAYS)) for s in rng.sample(SENTENCES, 3))
            f.write(json.dumps({"id": f"story-{i}", "date": f"2024-0{1 + i % 9}-1{i % 10}", "text": text}) + "\n")
        f.write("{not json\n")  # one bad line: reported once per run, whatever happened before


def _run(corpus: Path, db: Path, kill_after: float | None = None) -> int | None:
    command = [sys.executable, "-m", "dyad", "code", str(corpus), "--db", str(db), "--workers", "1", "--quiet"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if kill_after is None:
        return process.wait(timeout=300)
    time.sleep(kill_after)
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    return None


def _tables(db: Path) -> dict[str, list[tuple[object, ...]]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {table: con.execute(query).fetchall() for table, query in TABLES.items()}


def test_a_killed_run_run_again_equals_a_clean_run(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    _corpus(corpus, 900)
    clean = tmp_path / "clean.duckdb"
    assert _run(corpus, clean) == 1  # 1: the bad line was skipped
    expected = _tables(clean)
    assert len(expected["articles"]) == 900 and expected["events"]

    crashed = tmp_path / "crashed.duckdb"
    rng = random.Random(11)
    for _ in range(3):  # at random points: loading the model, coding, writing
        _run(corpus, crashed, kill_after=rng.uniform(1.0, 9.0))
    assert _run(corpus, crashed) == 1
    got = _tables(crashed)
    for table, rows in expected.items():
        if table == "input_errors":  # each run reports the bad line it met
            assert set(got[table]) == set(rows)
            continue
        assert got[table] == rows, table
    with duckdb.connect(str(crashed), read_only=True) as con:
        assert con.execute("SELECT count(*) = count(DISTINCT id) FROM events").fetchone() == (True,)

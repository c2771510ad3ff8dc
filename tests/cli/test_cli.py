"""The CLI end to end, on the example articles shipped in the repo."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from dyad.cli.main import main
from tests.conftest import EXAMPLES

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "events.duckdb"
    assert main(["code", str(EXAMPLES), "--db", str(path), "--quiet"]) == 0
    return path


def _events(db: Path, capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, Any]]:
    capsys.readouterr()
    assert main(["events", "--db", str(db), "--format", "jsonl", "--limit", "0", *args]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_examples_cover_what_the_demo_promises() -> None:
    articles = [json.loads(line) for line in EXAMPLES.read_text().splitlines()]
    assert len(articles) >= 12
    assert len({a["date"][:7] for a in articles if a["date"]}) >= 3


def test_code_then_events_jsonl(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    events = _events(db, capsys)
    assert len(events) >= 40
    quads = Counter(e["quad_class"] for e in events)
    assert quads[1] + quads[2] > 0 and quads[3] + quads[4] > 0  # cooperation and conflict
    dyads = {(e["actor"]["country"], e["recipient"]["country"]) for e in events if e["recipient"]}
    pairs = {frozenset(d) for d in dyads if None not in d and d[0] != d[1]}
    assert len(pairs) >= 4
    texts = {a["id"]: a["text"] for a in map(json.loads, EXAMPLES.read_text().splitlines())}
    for event in events:
        text = texts[event["article_id"]]
        start, end = event["evidence"]["actor"]
        assert text[start:end] == event["actor"]["text"]
        assert event["sentence"].find(text[slice(*event["evidence"]["event"])]) >= 0


def test_filters_match_the_fields(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for event in _events(db, capsys, "--actor", "rus", "--since", "2022-01-01", "--until", "2023-12-31"):
        assert event["actor"]["country"] == "RUS" and "2022-01-01" <= event["date"] <= "2023-12-31"
    accusations = _events(db, capsys, "--type", "accuse")
    assert accusations and all(e["event_type"] == "ACCUSE" for e in accusations)


def test_csv_and_table_formats(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["events", "--db", str(db), "--format", "csv", "--limit", "5"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 5 and rows[0]["actor_code"] and json.loads(rows[0]["evidence"])["event"]
    assert main(["events", "--db", str(db), "--limit", "3"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split()[:4] == ["id", "date", "actor", "type"] and table[-1].startswith("(3 events")


def test_recoding_is_idempotent(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = _events(db, capsys)
    assert main(["code", str(EXAMPLES), "--db", str(db), "--quiet"]) == 0
    assert sorted(e["id"] for e in _events(db, capsys)) == sorted(e["id"] for e in before)


def test_bad_items_are_reported_and_the_rest_coded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Peru expelled two Chilean diplomats on Monday.")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "text": "Chile thanked Peru."}\n{broken\n')
    db = tmp_path / "d.duckdb"
    assert main(["code", str(good), str(bad), str(tmp_path / "nope.txt"), "--db", str(db), "--date", "2024-03-06"]) == 1  # 1: some items were skipped
    captured = capsys.readouterr()
    assert "coded 2 articles" in captured.out
    assert f"skipped {bad}:2: malformed JSON" in captured.err
    assert "nope.txt: no such file" in captured.err
    [event] = _events(db, capsys, "--actor", "PER")
    assert event["date"] == "2024-03-04" and event["recipient"]["country"] == "CHL"


def test_user_errors_are_messages_not_tracebacks(tmp_path: Path) -> None:
    run = [sys.executable, "-m", "dyad"]
    missing = subprocess.run([*run, "events", "--db", str(tmp_path / "none.duckdb")], capture_output=True, text=True)
    assert missing.returncode == 2 and "run `dyad code` first" in missing.stderr and "Traceback" not in missing.stderr
    bad_type = subprocess.run([*run, "events", "--type", "HUG"], capture_output=True, text=True)
    assert bad_type.returncode == 2 and "unknown PLOVER type" in bad_type.stderr
    bad_country = subprocess.run([*run, "events", "--actor", "Russia"], capture_output=True, text=True)
    assert bad_country.returncode == 2 and "not an actor code" in bad_country.stderr


def test_summary(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["summary", "--db", str(db), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["articles"] == len(EXAMPLES.read_text().splitlines())
    assert sum(summary["by_type"].values()) == summary["events"]
    assert summary["top_dyads"][0]["events"] >= summary["top_dyads"][-1]["events"]


def test_progress_bar_on_a_terminal(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert main(["code", str(EXAMPLES), "--db", str(tmp_path / "d.duckdb")]) == 0
    err = capsys.readouterr().err
    n = len(EXAMPLES.read_text().splitlines())
    assert "coding: 100%" in err and f"{n}/{n}" in err  # a total, so an ETA
    assert re.search(rf"throughput: {n} articles, \d+ words in [\d.]+ s: [\d.]+ articles/s", err)


def test_modality_filter(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    everything = _events(db, capsys)
    factual = _events(db, capsys, "--modality", "asserted", "--modality", "intended", "--modality", "historical")
    negated = _events(db, capsys, "--modality", "negated")
    assert negated and all(e["modality"] == "negated" for e in negated)  # an example article has "did not reject"
    assert len(factual) + len(negated) + len(_events(db, capsys, "--modality", "hypothetical")) == len(everything)


def test_show_marks_the_evidence(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    [event] = [e for e in _events(db, capsys, "--type", "ASSAULT") if e["recipient"]][:1]
    assert main(["show", event["id"], "--db", str(db)]) == 0
    out = capsys.readouterr().out
    first = out.splitlines()[0]
    assert f"[{event['actor']['text']}]ACTOR" in first and "]EVENT" in first
    assert f"CAMEO {event['cameo']}" in out
    assert main(["show", "no-such-event", "--db", str(db)]) == 2


def test_export_command(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "events.tsv"
    assert main(["export", "--db", str(db), "--format", "gdelt", "--out", str(out), "--actor", "CHN"]) == 0
    rows = list(csv.DictReader(out.open(), delimiter="\t"))
    assert rows and all(r["Actor1CountryCode"] == "CHN" for r in rows)
    assert main(["export", "--db", str(db), "--format", "gdelt", "--out", str(out)]) == 2
    assert "--force" in capsys.readouterr().err


def test_trend_actors_dyads_search_commands(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    plot = tmp_path / "t.svg"
    assert main(["trend", "JPN", "CHN", "--db", str(db), "--by", "year", "--plot", str(plot)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[:2] == ["period", "verbal_cooperation"] and plot.read_text().startswith("<?xml")
    assert main(["actors", "--db", str(db), "--top", "3"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 4
    assert main(["dyads", "--db", str(db), "--top", "3"]) == 0
    assert "recipient" in capsys.readouterr().out.splitlines()[0]
    assert main(["search", "ceasefire", "--db", str(db)]) == 0
    assert "ceasefire" in capsys.readouterr().out.lower()


def test_runs_are_recorded(db: Path) -> None:
    from dyad.data import codebook_digest
    from dyad.store.store import Store

    with Store(db, read_only=True) as store:
        runs = store.runs()
    assert runs and all(r["finished_at"] is not None for r in runs)
    assert runs[0]["codebook"] == codebook_digest() and runs[0]["articles"] == len(EXAMPLES.read_text().splitlines())
    assert json.loads(runs[0]["inputs"]) == [str(EXAMPLES)]


def test_deduplicated_events_account_for_every_report(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = {e["id"]: e for e in _events(db, capsys)}
    deduplicated = _events(db, capsys, "--dedup")
    reports = [r["event_id"] for d in deduplicated for r in d["reports"]]
    assert sorted(reports) == sorted(raw)  # every report in exactly one deduplicated event
    for event in deduplicated:
        first = raw[event["reports"][0]["event_id"]]
        assert event["event_type"] == first["event_type"] and event["date"] == first["date"]
        assert all(raw[r["event_id"]]["deduplicated_id"] == event["id"] for r in event["reports"])
        assert 1 <= event["sources"] <= len(event["reports"]) <= event["mentions"]
    # the examples hold two independent reports of one meeting and a syndicated reprint of one
    [meeting] = [e for e in deduplicated if e["event_type"] == "CONSULT" and e["date"] == "2024-02-18"
                 and e["actor"]["country"] == "JPN" and e["recipient"]["country"] == "CHN"]
    assert {r["article_id"] for r in meeting["reports"]} == {
        "china-japan-munich-talks", "china-japan-munich-talks-reprint", "japan-china-ministers-munich-meeting"}
    assert (meeting["sources"], meeting["mentions"]) == (2, 3)
    out = tmp_path / "dedup.parquet"
    assert main(["export", "--db", str(db), "--format", "parquet", "--dedup", "--out", str(out)]) == 0
    import duckdb

    assert duckdb.sql(f"SELECT count(*), sum(len(reported_by)) FROM '{out}'").fetchall() == [
        (len(deduplicated), len(raw))]
    table = tmp_path / "dedup.csv"
    assert main(["export", "--db", str(db), "--format", "csv", "--dedup", "--out", str(table)]) == 0
    rows = list(csv.DictReader(table.open()))
    assert len(rows) == len(deduplicated) and all(r["reported_by"].startswith("[") for r in rows)
    capsys.readouterr()
    assert main(["events", "--db", str(db), "--dedup", "--limit", "3"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "(3 deduplicated events)"
    assert main(["export", "--db", str(db), "--format", "plover", "--dedup", "--out", str(tmp_path / "p.jsonl")]) == 2
    assert "--dedup exports parquet, csv or jsonl" in capsys.readouterr().err


def test_search_finds_sentences_with_or_without_events(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from dyad.store.query import search
    from dyad.store.store import Store

    with Store(db, read_only=True) as store:
        hits = search(store, "said", limit=500)
        ids = {e["id"] for e in store.events(limit=None)}
    assert hits and all("said" in h["text"].lower() for h in hits)
    assert any(h["events"] for h in hits) and any(not h["events"] for h in hits)
    assert all(set(h["events"]) <= ids for h in hits)


def test_migrate_recodes_stored_articles_into_a_new_database(db: Path, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "recoded.duckdb"
    assert main(["migrate", str(db), "--out", str(out)]) == 0
    assert f"into {out}" in capsys.readouterr().out
    assert {e["id"] for e in _events(out, capsys)} == {e["id"] for e in _events(db, capsys)}
    assert main(["migrate", str(db), "--out", str(out)]) == 2
    assert "exists" in capsys.readouterr().err
    assert main(["migrate", str(db)]) == 0
    assert "up to date" in capsys.readouterr().out
    before = len(_events(out, capsys, "--dedup"))
    assert main(["regroup", "--window", "3650", "--db", str(out)]) == 0
    after = len(_events(out, capsys, "--dedup"))
    assert after < before  # a ten-year window merges reports of one dyad and type across dates
    with pytest.raises(SystemExit) as refused:  # argparse
        main(["regroup", "--window", "0", "--db", str(out)])
    assert refused.value.code == 2
    assert "must be from 1 to 3650" in capsys.readouterr().err


def test_two_workers_code_what_one_does(db: Path, tmp_path: Path) -> None:
    from dyad.coding.pipeline import code_paths
    from dyad.store.store import Store

    counted: list[int] = []
    with Store(tmp_path / "two.duckdb") as store:
        report = code_paths([str(EXAMPLES)], store, workers=2, batch_size=4, progress=counted.append)
        two = {(e["id"], e["cameo"], e["date"], e["sources"]) for e in store.events(limit=None)}
    with Store(db, read_only=True) as store:
        one = {(e["id"], e["cameo"], e["date"], e["sources"]) for e in store.events(limit=None)}
    assert two == one and report.articles == sum(counted) == len(EXAMPLES.read_text().splitlines())
    assert report.words > 0 and "articles/s" in report.throughput()


@pytest.mark.parametrize("value", ["0001-01-01", "2018-09-12junk", "3025-01-01"])
def test_the_default_publication_date_is_checked_before_any_run(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    """--date is held to the input's own date rules when it is parsed, so a Dask or server run
    stops before it starts instead of failing in every worker."""
    from dyad.cli.parser import build_parser

    with pytest.raises(SystemExit) as stopped:
        build_parser().parse_args(["code", "in.jsonl", "--date", value, "--dask", "local", "--out", "parts"])
    assert stopped.value.code == 2 and "--date" in capsys.readouterr().err


def test_every_command_the_parser_takes_has_a_function() -> None:
    import argparse

    from dyad.cli.main import COMMANDS
    from dyad.cli.parser import build_parser

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert set(sub.choices) == set(COMMANDS)

"""`dyad code` with and without the event model, and what the analyst sees of which decided."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from dyad.cli.main import main
from dyad.model.infer import WEIGHTS
from dyad.store.store import Store
from tests.conftest import EXAMPLES

pytestmark = pytest.mark.model


def _stored(db: Path) -> list[dict[str, Any]]:
    with Store(db, read_only=True) as store:
        return store.events(limit=None, statements=True)


def test_rules_only_codes_as_the_patterns_do_and_the_default_adds_the_model(tmp_path: Path) -> None:
    rules, combined = tmp_path / "rules.duckdb", tmp_path / "combined.duckdb"
    assert main(["code", str(EXAMPLES), "--db", str(rules), "--quiet", "--rules-only", "--workers", "1"]) == 0
    assert main(["code", str(EXAMPLES), "--db", str(combined), "--quiet", "--workers", "1"]) == 0
    alone, both = _stored(rules), _stored(combined)
    assert {e["coder"] for e in alone} == {"pattern"} and {e["model_version"] for e in alone} == {None}
    version = json.loads((WEIGHTS / "model.json").read_text())["version"]
    assert {e["model_version"] for e in both} == {version}  # every event's sentence was read by the model
    assert all(0.0 <= e["model_probability"] <= 1.0 for e in both)
    for event in both:  # a model's event says so, and its type is the one the model gave
        assert event["coder"] in ("pattern", "model")
        if event["coder"] == "model":
            assert event["pattern"] == f"model {version}" and event["model_probability"] >= 0.5
    with Store(rules, read_only=True) as store:
        assert store.runs()[0]["model"].endswith("(rules only)")
    with Store(combined, read_only=True) as store:
        assert store.runs()[0]["model"].endswith(f"event model {version}")


def test_the_events_listing_filters_on_what_decided(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "d.duckdb"
    assert main(["code", str(EXAMPLES), "--db", str(db), "--quiet", "--workers", "1"]) == 0
    capsys.readouterr()
    listed = {}
    for coder in ("pattern", "model"):
        assert main(["events", "--db", str(db), "--coder", coder, "--format", "jsonl", "--limit", "0"]) == 0
        listed[coder] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        assert {e["coder"] for e in listed[coder]} <= {coder}
    every = [e for e in _stored(db) if e["event_type"] is not None]  # the listing leaves statements out
    assert listed["pattern"] and len(listed["pattern"]) + len(listed["model"]) == len(every)
    assert main(["events", "--db", str(db), "--coder", "model", "--dedup"]) == 2
    assert "use one or the other" in capsys.readouterr().err


@pytest.mark.parametrize("damage", ["missing", "changed"])
def test_a_broken_model_stops_the_run_with_a_message_and_rules_only_still_codes(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: str) -> None:
    folder = tmp_path / "model"
    shutil.copytree(WEIGHTS, folder)
    if damage == "missing":
        (folder / "event-model.onnx").unlink()
    else:
        with (folder / "event-model.onnx").open("ab") as handle:
            handle.write(b"\0")
    db = tmp_path / "d.duckdb"
    assert main(["code", str(EXAMPLES), "--db", str(db), "--quiet", "--model", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "event-model.onnx" in err and "--rules-only" in err and "Traceback" not in err
    assert main(["code", str(EXAMPLES), "--db", str(db), "--quiet", "--rules-only", "--model", str(folder)]) == 0


def test_eval_scores_each_coder_but_never_a_file_the_model_was_trained_on(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.conftest import SHARED

    gold = SHARED / "gold"
    if not (gold / "plover_gsr_dev.json").is_file():
        pytest.skip(f"the gold files are not at {gold}")
    # the shipped weights, with a card saying they were trained on two gold files (the card is
    # not part of what the sha256 checks: it records them)
    folder = tmp_path / "model"
    shutil.copytree(WEIGHTS, folder)
    card = json.loads((folder / "model.json").read_text())
    cv = {"plover_gsr_dev": {"type_accuracy": 0.7}, "conflibert_pentaclass": {"penta_macro_f1": 0.8}}
    card.update(gold_used=sorted(cv), cv={"folds": 5, "by_origin": cv})
    (folder / "model.json").write_text(json.dumps(card))
    assert main(["eval", "--gold", str(gold), "--coder", "rules", "--coder", "combined", "--model", str(folder), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    rules, combined = result["coders"]["rules"], result["coders"]["combined"]
    assert 0 < rules["plover_gsr"]["type_accuracy"] <= 1 and rules["conflibert_pentaclass"]["macro_f1"] > 0
    for name, section in (("plover_gsr_dev", combined["plover_gsr"]), ("conflibert_pentaclass", combined["conflibert_pentaclass"])):
        # no in-sample score: the cross-validated one, said to be so
        assert section["trained_on"] is True and "type_accuracy" not in section and "macro_f1" not in section
        assert section["cross_validated"] == cv[name]
    assert combined["actors"]["span_f1"] > 0 and combined["petrarch_silver"]["root_recall"] > 0  # never trained on: scored
    assert main(["eval", "--gold", str(gold), "--coder", "combined", "--model", str(folder)]) == 0
    assert "trained on this file, not scored here" in capsys.readouterr().out


def test_serve_refuses_a_broken_model_before_it_listens(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "model"
    shutil.copytree(WEIGHTS, folder)
    (folder / "tokenizer.json").write_text("{}", encoding="utf-8")
    assert main(["serve", "--db", str(tmp_path / "d.duckdb"), "--token", "t", "--model", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "tokenizer.json" in err and "sha256" in err

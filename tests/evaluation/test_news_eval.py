"""`score_news` on tiny synthetic article sets: alignment by evidence span, what counts as
found and as fully correct, and whether reports of one event from two articles are merged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dyad.evaluation.news import score_news

pytestmark = pytest.mark.model

EXPEL = "Japan expelled two Chinese diplomats in Tokyo on Tuesday."
ACCUSE = "Japan also accused China of espionage."
FILLER_A = "The weather in the city was mild and the markets were quiet."
FILLER_B = "Officials said the decision had been weeks in the making, and traffic was heavy in the capital."


def _gold(article: str, event: str, evidence: str, **changes: Any) -> dict[str, Any]:
    """A gold report of Japan expelling Chinese diplomats in Tokyo on 2026-03-03."""
    report = {"article": article, "event": event, "cameo": "161", "type": "SANCTION", "mode": "withdraw",
              "modality": "asserted", "actor": {"code": "JPNGOV", "country": "JPN", "text": "Japan"},
              "recipient": {"code": "CHNGOV", "country": "CHN", "text": "two Chinese diplomats"},
              "date": "2026-03-03", "date_precision": "day", "place": {"name": "Tokyo", "country": "JPN"},
              "evidence": evidence}
    report.update(changes)
    return report


def _write(folder: Path, articles: list[tuple[str, str | None, str, str]], gold: list[dict[str, Any]]) -> Path:
    """The three files of a news set: articles as (id, cluster, date, text); `sources` counted
    from the gold reports, as the set's build script does."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps({"id": i, "cluster": c, "outlet": f"outlet {i}", "title": None, "date": d,
                         "url": f"https://{i}.example", "text": t}) for i, c, d, t in articles]
    (folder / "articles.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "events.jsonl").write_text("\n".join(json.dumps(g) for g in gold) + "\n", encoding="utf-8")
    sources: dict[str, set[str]] = {}
    for report in gold:
        sources.setdefault(report["event"], set()).add(report["article"])
    expected = [json.dumps({"event": e, "sources": len(a)}) for e, a in sources.items()]
    (folder / "expected.jsonl").write_text("\n".join(expected) + "\n", encoding="utf-8")
    return folder


def test_a_coded_event_aligns_with_the_gold_report_whose_evidence_holds_its_trigger(tmp_path: Path, pipeline: Any) -> None:
    text = f"{EXPEL} {FILLER_A}"
    right = _write(tmp_path / "right", [("a", None, "2026-03-05", text)], [_gold("a", "e1", EXPEL)])
    # the same report, its evidence pointing at a sentence with no event: the expulsion coded
    # in the first sentence must not be credited to it
    wrong = _write(tmp_path / "wrong", [("a", None, "2026-03-05", text)], [_gold("a", "e1", FILLER_A)])
    score = score_news(right, pipeline)
    assert (score["reports"], score["coded"], score["found"], score["fully_correct"]) == (1, 1, 1, 1)
    assert score["recall"] == score["precision_fully_correct"] == 1.0
    elsewhere = score_news(wrong, pipeline)
    assert (elsewhere["found"], elsewhere["recall"]) == (0, 0.0)
    assert elsewhere["misses"][0]["event"] == "e1" and elsewhere["misses"][0]["coded"] == []
    assert len(elsewhere["unaligned"]) == 1


def test_a_wrong_recipient_is_found_but_not_fully_correct(tmp_path: Path, pipeline: Any) -> None:
    korea = {"code": "KORGOV", "country": "KOR", "text": "two Korean diplomats"}
    folder = _write(tmp_path, [("a", None, "2026-03-05", f"{EXPEL} {FILLER_A}")], [_gold("a", "e1", EXPEL, recipient=korea)])
    score = score_news(folder, pipeline)
    assert (score["found"], score["fully_correct"]) == (1, 0)
    assert score["recall"] == 1.0 and score["precision_fully_correct"] == score["recall_fully_correct"] == 0.0
    assert score["recipient_accuracy"] == 0.0 and score["actor_country_accuracy"] == 1.0
    assert score["wrong_fields"][0]["fields"] == {"recipient": ["KOR", "CHN"]}


def test_a_wrong_date_or_place_is_not_fully_correct(tmp_path: Path, pipeline: Any) -> None:
    text = f"{EXPEL} {FILLER_A}"
    dated = _write(tmp_path / "date", [("a", None, "2026-03-05", text)], [_gold("a", "e1", EXPEL, date="2026-03-02")])
    placed = _write(tmp_path / "place", [("a", None, "2026-03-05", text)],
                    [_gold("a", "e1", EXPEL, place={"name": "Osaka", "country": "JPN"})])
    by_month = _write(tmp_path / "month", [("a", None, "2026-03-05", text)],
                      [_gold("a", "e1", EXPEL, date="2026-03", date_precision="month")])
    assert score_news(dated, pipeline)["fully_correct"] == 0
    assert score_news(placed, pipeline)["fully_correct"] == 0
    assert score_news(by_month, pipeline)["date_accuracy"] == 1.0  # compared at the gold's precision


def test_an_unaligned_coded_event_lowers_precision_only(tmp_path: Path, pipeline: Any) -> None:
    folder = _write(tmp_path, [("a", None, "2026-03-05", f"{EXPEL} {ACCUSE}")], [_gold("a", "e1", EXPEL)])
    score = score_news(folder, pipeline)
    assert (score["coded"], score["found"], score["fully_correct"]) == (2, 1, 1)
    assert score["recall"] == 1.0 and score["precision_fully_correct"] == 0.5
    assert [e["type"] for e in score["unaligned"]] == ["ACCUSE"]


def test_two_articles_merged_into_one_deduplicated_event_count_as_merged(tmp_path: Path, pipeline: Any) -> None:
    second = f"{FILLER_B} {EXPEL.replace('.', ', the foreign ministry said.')}"
    folder = _write(tmp_path, [("a", "c1", "2026-03-05", f"{EXPEL} {FILLER_A}"), ("b", "c1", "2026-03-05", second)],
                    [_gold("a", "e1", EXPEL), _gold("b", "e1", EXPEL.replace(".", ", the foreign ministry said."))])
    score = score_news(folder, pipeline)
    assert score["found"] == 2
    assert (score["multi_source_events"], score["merged_correctly"]) == (1, 1.0)
    assert (score["clusters"], score["clusters_correct"]) == (1, 1.0)
    assert score["merge_errors"] == []


def test_two_articles_split_into_two_deduplicated_events_do_not_count_as_merged(tmp_path: Path, pipeline: Any) -> None:
    # the second article dates the expulsion a day earlier: Dyad files it as another event
    monday = f"{EXPEL.replace('Tuesday', 'Monday').replace('.', ', the foreign ministry said.')}"
    folder = _write(tmp_path, [("a", "c1", "2026-03-05", f"{EXPEL} {FILLER_A}"), ("b", "c1", "2026-03-05", f"{FILLER_B} {monday}")],
                    [_gold("a", "e1", EXPEL), _gold("b", "e1", monday)])
    score = score_news(folder, pipeline)
    assert score["found"] == 2
    assert (score["multi_source_events"], score["merged_correctly"], score["clusters_correct"]) == (1, 0.0, 0.0)
    assert len(score["merge_errors"][0]["deduplicated"]) == 2


def test_an_event_with_no_report_found_is_not_merged(tmp_path: Path, pipeline: Any) -> None:
    folder = _write(tmp_path, [("a", "c1", "2026-03-05", f"{EXPEL} {FILLER_A}"), ("b", "c1", "2026-03-05", FILLER_B)],
                    [_gold("a", "e1", FILLER_A), _gold("b", "e1", FILLER_B)])
    score = score_news(folder, pipeline)
    assert (score["found"], score["merged_correctly"]) == (0, 0.0)
    assert score["merge_errors"][0]["reports_found"] == 0


def test_statements_count_only_against_gold_statements_and_only_in_the_with_statements_figures(
        tmp_path: Path, pipeline: Any) -> None:
    said = "China said the move was regrettable."
    unlisted = "Japan said the talks would continue."
    statement = _gold("a", "e2", said, cameo="010", type=None, mode=None,
                      actor={"code": "CHNGOV", "country": "CHN", "text": "China"}, recipient=None, place=None)
    folder = _write(tmp_path, [("a", None, "2026-03-05", f"{EXPEL} {said} {unlisted}")], [_gold("a", "e1", EXPEL), statement])
    score = score_news(folder, pipeline)
    assert (score["reports"], score["coded"], score["found"]) == (1, 1, 1)  # headline: PLOVER-typed only
    both = score["with_statements"]
    # Japan's statement has no gold statement in its sentence: it is not counted at all
    assert (both["reports"], both["coded"], both["found"]) == (2, 2, 2)
    assert score["recall_with_statements"] == 1.0


def test_the_place_is_also_scored_apart_where_the_gold_states_none(tmp_path: Path, pipeline: Any) -> None:
    text = f"{EXPEL} {FILLER_A}"
    stated = _write(tmp_path / "stated", [("a", None, "2026-03-05", text)], [_gold("a", "e1", EXPEL)])
    unstated = _write(tmp_path / "unstated", [("a", None, "2026-03-05", text)], [_gold("a", "e1", EXPEL, place=None)])
    right = score_news(stated, pipeline)
    assert (right["place_accuracy"], right["place_accuracy_where_stated"], right["placed_where_unstated"]) == (1.0, 1.0, 0.0)
    guessed = score_news(unstated, pipeline)  # Dyad places it in Tokyo; the gold says the text does not say
    assert (guessed["place_accuracy"], guessed["place_accuracy_where_stated"], guessed["placed_where_unstated"]) == (0.0, 0.0, 1.0)

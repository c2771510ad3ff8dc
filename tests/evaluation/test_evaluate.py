"""Scoring reads every valid shape of a PLOVER gold record, without the model."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from dyad.evaluation.public import score_plover
from dyad.types import Actor, Article, Event


def _coder(texts: Sequence[tuple[str, dt.date | None]]) -> list[Article]:
    """Codes every text as Japan agreeing with Russia, whatever it says."""
    articles = []
    for i, (text, _) in enumerate(texts):
        event = Event(sentence=0, cameo="030", event_type="AGREE", mode=None, context=None, goldstein=4.0,
                      quad_class=1, actor=_actor("Japan", "JPN"), recipient=_actor("Russia", "RUS"), trigger=(6, 12),
                      pattern="test", confidence=0.9)
        articles.append(Article(id=str(i), text=text, events=[event]))
    return articles


def _actor(text: str, country: str) -> Actor:
    return Actor(text=text, code=country, country=country, sector=None, name=None, start=0, end=len(text))


@pytest.mark.parametrize("text_info", [
    {"markup": "(SRC: Japan) (EVT: agreed) with (TAR: Russia)."},
    "(SRC: Japan) (EVT: agreed) with (TAR: Russia).",  # the marked-up text as a plain string
    None,
    {},
])
def test_plover_records_with_any_text_info_are_scored(tmp_path: Path, text_info: object) -> None:
    record = {"id": "r1", "event": "AGREE", "text": "Japan agreed with Russia.",
              "source": [{"actorText": "Japan", "code": "JPN"}], "target": [{"actorText": "Russia", "code": "RUS"}]}
    if text_info is not None:
        record["textInfo"] = text_info
    path = tmp_path / "plover.json"
    path.write_text(json.dumps([record]), encoding="utf-8")
    score = score_plover(path, _coder)
    assert score.counts["top_type_hits"] == 1
    assert score.counts["triple_hits"] == 1


def test_reciprocal_markup_in_a_plain_string_codes_both_ways(tmp_path: Path) -> None:
    record = {"id": "r2", "event": "AGREE", "text": "Japan and Russia agreed.",
              "source": [{"actorText": "Japan", "code": "JPN"}, {"actorText": "Russia", "code": "RUS"}],
              "target": [], "textInfo": "(SRC/TAR: Japan) and (SRC/TAR: Russia) (EVT: agreed)."}
    path = tmp_path / "plover.json"
    path.write_text(json.dumps([record]), encoding="utf-8")
    score = score_plover(path, _coder)
    assert score.counts["triple_gold"] == 2  # Japan -> Russia and Russia -> Japan
    assert score.counts["triple_hits"] == 1

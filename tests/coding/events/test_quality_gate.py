"""The quality gate on the team's own gold sample (tests/data/gold_sample.jsonl: 80 sentences
written for Dyad, 12 of them with no event). The floors are the figures last measured,
rounded down: raise them when the coder gets better, never lower them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dyad.evaluation.measures import pipeline_coder
from dyad.evaluation.team import sample_f1, score_sample

pytestmark = pytest.mark.model

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "gold_sample.jsonl"
TRIPLE_F1_FLOOR = 0.74
TYPE_F1_FLOOR = 0.92


def test_gold_sample_floor(pipeline: Any) -> None:
    score = score_sample(SAMPLE, pipeline_coder(pipeline))
    assert score.items == 80
    assert sample_f1(score, "triple") >= TRIPLE_F1_FLOOR
    assert sample_f1(score, "type") >= TYPE_F1_FLOOR

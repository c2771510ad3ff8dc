"""The date and place gate on the team's cases (tests/data/dates_places.jsonl: 40 sentences
written for Dyad with their publication dates). Floors are the figures last measured, rounded
down."""

from __future__ import annotations

from typing import Any

import pytest

from dyad.evaluation.measures import pipeline_coder
from dyad.evaluation.team import DATES_PLACES, score_dates_places

pytestmark = pytest.mark.model


def test_dates_and_places_floor(pipeline: Any) -> None:
    score = score_dates_places(DATES_PLACES, pipeline_coder(pipeline))
    assert score.items == 40
    assert score.ratio("date_hits", "cases") >= 0.87
    assert score.ratio("place_hits", "cases") >= 0.85

"""Quality gates on public data in ../shared/gold and the user's seed article in ../shared/seed.

Both folders sit beside the repository in development and CI; the tests skip when they are
absent. The floors are the figures last measured (bench/RESULTS.md), rounded down: they only
go up.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from dyad.evaluation.measures import f1_of as triple_f1
from dyad.evaluation.measures import macro_f1, pipeline_coder
from dyad.evaluation.public import score_actor_resolution, score_pentaclass, score_plover
from tests.conftest import SHARED

pytestmark = pytest.mark.model

GOLD = SHARED / "gold"
SEED = SHARED / "seed" / "putin-abe-treaty.jsonl"

needs_gold = pytest.mark.skipif(not GOLD.is_dir(), reason=f"no gold data at {GOLD}")


@needs_gold
def test_plover_gold_floor(pipeline: Any) -> None:
    score = score_plover(GOLD / "plover_gsr_dev.json", pipeline_coder(pipeline))
    assert score.items >= 150
    assert score.ratio("top_type_hits", "gold_events") >= 0.75
    assert score.ratio("type_recall_hits", "gold_events") >= 0.76
    assert score.ratio("type_precision_hits", "coded_events") >= 0.82
    assert score.ratio("source_hits", "source_gold") >= 0.90
    c = score.counts
    assert triple_f1(c["triple_hits"], c["triple_coded"], c["triple_gold"]) >= 0.59


@needs_gold
def test_actor_resolution_floor(pipeline: Any) -> None:
    score = score_actor_resolution(GOLD / "plover_gsr_dev.json", pipeline)
    assert score.ratio("source_hits", "source_gold") >= 0.90
    assert score.ratio("target_hits", "target_gold") >= 0.85


@needs_gold
def test_pentaclass_floor(pipeline: Any) -> None:
    score = score_pentaclass(GOLD / "conflibert_pentaclass_train.tsv", pipeline_coder(pipeline))
    assert score.ratio("correct", "total") >= 0.67
    assert macro_f1(score) >= 0.68


@pytest.mark.skipif(not SEED.is_file(), reason=f"no seed article at {SEED}")
def test_seed_article_proposal_and_insistence(pipeline: Any) -> None:
    from dyad.coding.ingest.files import read
    from dyad.types import Article

    [article] = [a for a in read([str(SEED)]) if isinstance(a, Article)]
    events = pipeline.pipe([article])[0].events
    proposal = [e for e in events if e.actor.country == "RUS" and e.recipient and e.recipient.country == "JPN"]
    assert any(e.event_type == "AGREE" and str(e.date) == "2018-09-12" for e in proposal)
    insistence = [e for e in events if e.actor.country == "JPN" and e.recipient and e.recipient.country == "RUS"]
    assert any(e.event_type == "REQUEST" for e in insistence)
    [putin] = [e for e in proposal if e.event_type == "AGREE" and e.actor.name == "Vladimir Putin"]
    assert putin.location is not None and putin.location.name == "Vladivostok" and putin.location.country == "RUS"
    assert abs(putin.location.lat - 43.1) < 0.2 and abs(putin.location.lon - 131.9) < 0.2  # type: ignore[operator]
    visits = [e for e in events if e.actor.country == "JPN" and e.recipient and e.recipient.country == "CHN"
              and e.modality == "intended" and e.cameo == "036"]
    assert any(str(e.date) == "2018-10-01" and e.date_precision == "month" for e in visits)  # "an October visit"
    assert json.loads(SEED.read_text())["date"] == "2018-09-12"

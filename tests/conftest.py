from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "articles.jsonl"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def nlp() -> Any:
    from dyad.coding.nlp import load_model

    return load_model()


@pytest.fixture(scope="session")
def pipeline(nlp: Any) -> Any:
    """The verb patterns alone (`dyad code --rules-only`): what most stage tests check, so that
    they test the rules and not what a retrained model happens to say."""
    from dyad.coding.pipeline import Pipeline

    return Pipeline(nlp, coder="rules")


@pytest.fixture(scope="session")
def event_model() -> Any:
    from dyad.model.infer import EventModel

    return EventModel.load()


@pytest.fixture(scope="session")
def combined(nlp: Any, event_model: Any) -> Any:
    """The patterns and the shipped event model, as `dyad code` runs by default."""
    from dyad.coding.pipeline import Pipeline

    return Pipeline(nlp, model=event_model)


@pytest.fixture
def code(pipeline: Any) -> Any:
    """Code a text and return its events as (actor code, PLOVER type, recipient code) triples."""

    def run(text: str, date: str | None = "2024-03-06") -> Any:
        return pipeline.code_text(text, date=date)

    return run


def triples(article: Any) -> list[tuple[str, str, str | None]]:
    """(actor, type, recipient) of the events stated as happening or intended."""
    from dyad.types import FACTUAL

    return [(e.actor.code, e.event_type, e.recipient.code if e.recipient else None)
            for e in article.events if e.modality in FACTUAL]


def day(value: str) -> dt.date:
    return dt.date.fromisoformat(value)

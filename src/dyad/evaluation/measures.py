"""What every gold set is scored with: the `Score` counts, precision, recall and F1 from them,
the events that count (`factual`), and the `Coder` that codes a set's sentences."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..coding.actors.codes import is_state
from ..types import FACTUAL, Actor, Article, Event

__all__ = ["Score"]


Coder = Callable[[Sequence[tuple[str, dt.date | None]]], list[Article]]


@dataclass
class Score:
    name: str
    items: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    confusion: Counter[tuple[Any, Any]] = field(default_factory=Counter)

    def ratio(self, hit: str, total: str) -> float:
        return self.counts[hit] / self.counts[total] if self.counts[total] else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "items": self.items, **dict(self.counts)}


def factual(article: Article) -> list[Event]:
    """The events and statements stated as happening, intended or past."""
    return [e for e in article.events if e.modality in FACTUAL]


def factual_events(article: Article) -> list[Event]:
    """`factual` without the statements: what PLOVER gold data codes as events."""
    return [e for e in factual(article) if not e.statement]


def code_texts(coder: Coder, texts: Iterable[tuple[str, dt.date | None]]) -> list[Article]:
    """The (text, date) pairs of a gold set coded in one batch."""
    return coder(list(texts))


def pipeline_coder(pipeline: Any) -> Coder:
    """Code (text, date) pairs with a `Pipeline` in one batch."""
    from ..coding.ingest.records import read_text_item

    def run(texts: Sequence[tuple[str, dt.date | None]]) -> list[Article]:
        articles = [read_text_item(t, id=f"gold-{i}", date=d.isoformat() if d else None) for i, (t, d) in enumerate(texts)]
        coded: list[Article] = pipeline.pipe(articles)
        return coded

    return run


def prf(hits: int, predicted: int, gold: int) -> tuple[float, float, float]:
    """Precision, recall and F1 from counts of hits, predictions and gold items."""
    precision = hits / predicted if predicted else 0.0
    recall = hits / gold if gold else 0.0
    return precision, recall, (2 * precision * recall / (precision + recall) if precision + recall else 0.0)


def f1_of(hits: int, predicted: int, gold: int) -> float:
    return prf(hits, predicted, gold)[2]


def f1(score: Score) -> tuple[float, float, float]:
    return prf(score.counts["true_positive"], score.counts["predicted"], score.counts["gold"])


def macro_f1(score: Score, labels: Iterable[int] = range(5)) -> float:
    f1s = []
    for label in labels:
        predicted = sum(n for (_, p), n in score.confusion.items() if p == label)
        gold = sum(n for (g, _), n in score.confusion.items() if g == label)
        f1s.append(prf(score.confusion[(label, label)], predicted, gold)[2])
    return sum(f1s) / len(f1s)


def per_type(confusion: Counter[tuple[Any, Any]]) -> dict[str, dict[str, float]]:
    """Precision, recall and F1 of each gold label from a (gold, predicted) confusion count."""
    labels = sorted({g for g, _ in confusion} | {p for _, p in confusion if p is not None}, key=str)
    table = {}
    for label in labels:
        predicted = sum(n for (_, p), n in confusion.items() if p == label)
        gold = sum(n for (g, _), n in confusion.items() if g == label)
        precision, recall, f = prf(confusion[(label, label)], predicted, gold)
        table[str(label)] = {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f, 3), "gold": gold}
    return table


def actor_side(actor: Actor | None) -> str | None:
    """An actor as a side of a (source, target, type) triple: a state's ISO country, IGO or NGO,
    else None."""
    if actor is None:
        return None
    if is_state(actor.country):
        return actor.country
    return actor.code[:3] if actor.code and actor.code[:3] in ("IGO", "NGO") else None


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """The records of a JSON Lines file, blank lines skipped."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]

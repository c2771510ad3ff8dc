"""The scores of the event model's cross-validation: label accuracy and macro-F1, span F1.

Span matching follows `dyad eval`'s overlap rule (a predicted span is right when it overlaps a
gold span of the same role not matched before) and, for comparison, exact boundaries.
"""

from __future__ import annotations

from collections.abc import Sequence

from .data import Span

__all__ = ["accuracy", "macro_f1", "span_counts", "span_f1"]


def accuracy(gold: Sequence[str], predicted: Sequence[str]) -> float:
    return sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold) if gold else 0.0


def macro_f1(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """The mean F1 over the gold labels (a label only predicted counts against precision)."""
    labels = sorted(set(gold))
    if not labels:
        return 0.0
    total = 0.0
    for label in labels:
        hits = sum(g == p == label for g, p in zip(gold, predicted, strict=True))
        guessed = sum(p == label for p in predicted)
        wanted = sum(g == label for g in gold)
        total += 2 * hits / (guessed + wanted) if guessed + wanted else 0.0
    return total / len(labels)


def span_counts(gold: Sequence[Span], predicted: Sequence[Span], exact: bool) -> tuple[int, int, int]:
    """(true positives, predicted, gold) of one sentence."""
    matched: set[int] = set()
    hits = 0
    for span in predicted:
        for i, want in enumerate(gold):
            same = (span.start, span.end) == (want.start, want.end) if exact else span.start < want.end and want.start < span.end
            if i not in matched and want.role == span.role and same:
                matched.add(i)
                hits += 1
                break
    return hits, len(predicted), len(gold)


def span_f1(gold: Sequence[Sequence[Span]], predicted: Sequence[Sequence[Span]], exact: bool = False) -> float:
    hits = guessed = wanted = 0
    for g, p in zip(gold, predicted, strict=True):
        h, n_p, n_g = span_counts(g, p, exact)
        hits, guessed, wanted = hits + h, guessed + n_p, wanted + n_g
    return 2 * hits / (guessed + wanted) if guessed + wanted else 0.0

"""The cross-validation scores: macro-F1 over gold labels, span F1 by overlap (as `dyad eval`) or exact."""

from __future__ import annotations

import pytest

from dyad.model.data import Span
from dyad.model.scores import accuracy, macro_f1, span_f1


def test_macro_f1_weighs_each_gold_label_equally() -> None:
    gold = ["A", "A", "A", "A", "B"]
    assert macro_f1(gold, ["A", "A", "A", "A", "A"]) == pytest.approx((8 / 9 + 0) / 2)
    assert accuracy(gold, ["A", "A", "A", "A", "A"]) == pytest.approx(0.8)
    assert macro_f1(gold, gold) == 1.0


def test_a_label_only_predicted_costs_precision_but_is_not_averaged() -> None:
    assert macro_f1(["A", "A"], ["A", "C"]) == pytest.approx(2 / 3)


def test_overlap_needs_the_same_role_and_matches_each_gold_span_once() -> None:
    gold = [[Span("S", 0, 10), Span("T", 20, 30)]]
    predicted = [[Span("S", 5, 8), Span("S", 6, 9), Span("S", 20, 30)]]
    # one source hit; the second overlapping source finds the gold span taken; the target-role miss
    assert span_f1(gold, predicted) == pytest.approx(2 * 1 / (3 + 2))
    assert span_f1(gold, predicted, exact=True) == 0.0
    assert span_f1(gold, [[Span("S", 0, 10), Span("T", 20, 30)]], exact=True) == 1.0


def test_touching_is_not_overlapping() -> None:
    assert span_f1([[Span("S", 0, 10)]], [[Span("S", 10, 15)]]) == 0.0

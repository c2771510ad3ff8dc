"""The report `dyad eval` prints: every score on a gold folder and the team's sets, for each
coder, with the event model's cross-validated figures where it was trained on a gold file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .measures import Score, f1, f1_of, macro_f1, per_type, pipeline_coder
from .news import NEWS, score_news
from .public import score_actor_resolution, score_actor_spans, score_pentaclass, score_petrarch, score_plover
from .team import DATES_PLACES, SAMPLE, sample_f1, score_dates_places, score_sample

CODERS = ("rules", "model", "combined")


def compare(gold: Path, pipelines: dict[str, Any]) -> dict[str, Any]:
    """`report` for each coder (a name of CODERS -> its Pipeline), and the event model's card
    figures. A gold file the model was trained on is not scored for the coders that use the
    model: its section says so and gives the model's cross-validated figures instead."""
    results: dict[str, Any] = {}
    card: dict[str, Any] = {}
    for name, pipeline in pipelines.items():
        model = getattr(pipeline, "event_model", None)
        trained = frozenset(model.card.get("gold_used", ())) if model is not None else frozenset()
        if model is not None:
            card = {"version": model.version, "gold_used": sorted(trained), "cv": model.card.get("cv") or {}}
        results[name] = report(gold, pipeline, trained)
    return {"coders": results, "model": card}


def _trained_on(name: str, cv: dict[str, Any]) -> dict[str, Any]:
    return {"trained_on": True, "note": f"the event model was trained on {name}: scored by its k-fold "
            "cross-validation only (model card), not here", "cross_validated": cv}


def report(gold: Path, pipeline: Any, trained_on: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Every score on the gold folder, as one JSON-ready dict (see `dyad eval`). A gold file
    named in `trained_on` (its stem) is not scored: its section says it was trained on."""
    coder = pipeline_coder(pipeline)
    model = getattr(pipeline, "event_model", None)
    cv = (model.card.get("cv") or {}).get("by_origin", {}) if model is not None else {}
    sample = score_sample(SAMPLE, coder) if SAMPLE.is_file() else None
    when_where = score_dates_places(DATES_PLACES, coder) if DATES_PLACES.is_file() else None
    petr = score_petrarch(gold / "petr2_gsr_silver.xml", coder)
    result = {
        "plover_gsr": _trained_on("plover_gsr_dev", cv.get("plover_gsr_dev", {})) if "plover_gsr_dev" in trained_on
        else _plover_section(score_plover(gold / "plover_gsr_dev.json", coder)),
        "conflibert_pentaclass": _trained_on("conflibert_pentaclass", cv.get("conflibert_pentaclass", {}))
        if "conflibert_pentaclass" in trained_on else _penta_section(score_pentaclass(gold / "conflibert_pentaclass_train.tsv", coder)),
        "petrarch_silver": {
            "sentences": petr.items,
            "root_recall": round(petr.ratio("root_recall_hits", "gold_events"), 3),
            "root_precision": round(petr.ratio("root_precision_hits", "coded_events"), 3),
        },
        "team_sample": {} if sample is None else {
            "sentences": sample.items,
            "triple_f1": round(sample_f1(sample, "triple"), 3),
            "type_f1": round(sample_f1(sample, "type"), 3),
        },
        "team_dates_places": {} if when_where is None else {
            "cases": when_where.items,
            "event_found": round(when_where.ratio("coded", "cases"), 3),
            "date_accuracy": round(when_where.ratio("date_hits", "cases"), 3),
            "place_accuracy": round(when_where.ratio("place_hits", "cases"), 3),
        },
        "team_news": score_news(NEWS, pipeline) if (NEWS / "events.jsonl").is_file() else {},
        "actors": {},
    }
    actors: dict[str, Any] = {}
    if "plover_gsr_dev" not in trained_on:
        resolution = score_actor_resolution(gold / "plover_gsr_dev.json", pipeline)
        actors["source_country_accuracy"] = round(resolution.ratio("source_hits", "source_gold"), 3)
        actors["target_country_accuracy"] = round(resolution.ratio("target_hits", "target_gold"), 3)
    if "conflibert_actor_spans" in trained_on:
        actors["spans"] = _trained_on("conflibert_actor_spans", cv.get("conflibert_actor_spans", {}))
    else:
        precision, recall, span_f1 = f1(score_actor_spans(gold / "conflibert_actor_spans_train.txt", coder))
        actors.update(span_precision=round(precision, 3), span_recall=round(recall, 3), span_f1=round(span_f1, 3))
    result["actors"] = actors
    return result


def _plover_section(plover: Score) -> dict[str, Any]:
    c = plover.counts
    return {
        "sentences": plover.items,
        "type_accuracy": round(plover.ratio("top_type_hits", "gold_events"), 3),
        "type_recall": round(plover.ratio("type_recall_hits", "gold_events"), 3),
        "type_precision": round(plover.ratio("type_precision_hits", "coded_events"), 3),
        "triple_f1": round(f1_of(c["triple_hits"], c["triple_coded"], c["triple_gold"]), 3),
        "source_country": round(plover.ratio("source_hits", "source_gold"), 3),
        "target_country": round(plover.ratio("target_hits", "target_gold"), 3),
        "per_type": per_type(plover.confusion),
        "confusion": [[g, p, n] for (g, p), n in sorted(plover.confusion.items(), key=str)],
    }


def _penta_section(penta: Score) -> dict[str, Any]:
    return {
        "sentences": penta.items,
        "accuracy": round(penta.ratio("correct", "total"), 3),
        "macro_f1": round(macro_f1(penta), 3),
        "per_class": per_type(penta.confusion),
        "confusion": [[g, p, n] for (g, p), n in sorted(penta.confusion.items())],
    }

"""Score Dyad against the team's own gold sets in the repository (``tests/data``): annotated
sentences (`score_sample`) and cases of an event's date and place (`score_dates_places`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .measures import Coder, Score, actor_side, code_texts, f1_of, factual_events, read_jsonl

SAMPLE = Path(__file__).resolve().parents[3] / "tests" / "data" / "gold_sample.jsonl"
DATES_PLACES = SAMPLE.parent / "dates_places.jsonl"


def score_sample(path: Path, coder: Coder) -> Score:
    """The team's own gold sample (tests/data/gold_sample.jsonl): per sentence, Dyad's
    (source, target, type) triples against the annotated ones, sources and targets as ISO
    countries or IGO; and the type alone. Sentences annotated with no event count a false
    positive for every event Dyad codes in them."""
    records = read_jsonl(path)
    articles = code_texts(coder, ((r["text"], dt.date.fromisoformat(r["date"]) if r.get("date") else None) for r in records))
    score = Score("gold_sample", items=len(records))
    for record, article in zip(records, articles, strict=True):
        gold = {(e["source"], e.get("target"), e["type"]) for e in record["events"]}
        coded = {(actor_side(e.actor), actor_side(e.recipient), e.event_type) for e in factual_events(article)}
        score.counts["triple_gold"] += len(gold)
        score.counts["triple_coded"] += len(coded)
        score.counts["triple_hits"] += len(gold & coded)
        gold_types, coded_types = {t for _, _, t in gold}, {t for _, _, t in coded}
        score.counts["type_gold"] += len(gold_types)
        score.counts["type_coded"] += len(coded_types)
        score.counts["type_hits"] += len(gold_types & coded_types)
    return score


def sample_f1(score: Score, kind: str) -> float:
    """F1 of `kind` ("triple" or "type") from a `score_sample` score."""
    return f1_of(score.counts[f"{kind}_hits"], score.counts[f"{kind}_coded"], score.counts[f"{kind}_gold"])


def score_dates_places(path: Path, coder: Coder) -> Score:
    """The team's date and place cases (tests/data/dates_places.jsonl): for the event whose
    trigger holds the case's verb, is its date (and precision) right, and its place (name and
    country, or none)? A case whose event Dyad does not code counts wrong on both."""
    records = read_jsonl(path)
    articles = code_texts(coder, ((r["text"], dt.date.fromisoformat(r["published"])) for r in records))
    score = Score("dates_places", items=len(records))
    for record, article in zip(records, articles, strict=True):
        verb = record["event"].lower()
        events = [e for e in article.events if verb in article.text[e.trigger[0] : e.trigger[1]].lower()]
        event = events[0] if events else None
        score.counts["cases"] += 1
        score.counts["coded"] += event is not None
        if event is None:
            continue
        date_ok = str(event.date) == str(record["date"]) and (record["date"] is None or event.date_precision == record["precision"])
        place = event.location
        place_ok = (place is None and record["place"] is None) or (
            place is not None and record["place"] is not None and place.name.lower() == record["place"].lower()
            and place.country == record["country"])
        score.counts["date_hits"] += date_ok
        score.counts["place_hits"] += place_ok
    return score

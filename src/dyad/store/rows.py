"""Rows: an article, its events and its quotes as the rows of their tables, handed to DuckDB as
whole DataFrames; and a stored event or real-world event back as the JSON-ready dict the
listings give."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from typing import Any

from ..types import Actor, Article, Event, Location

__all__ = ["EVENT_COLUMNS", "EVENT_FIELDS", "article_row", "deduplicated_dict", "event_dict", "event_id", "event_row",
           "quote_row", "registered"]

EVENT_FIELDS = (
    "id", "article_id", "date", "event_type", "mode", "modality", "cameo", "goldstein", "quad_class", "actor", "recipient",
    "location", "sentence", "evidence", "confidence", "sources", "mentions", "coder", "model_version",
    "model_probability",
)
_ACTOR_COLUMNS = ("text", "code", "country", "sector", "name", "role", "ner")
# the events table's columns as `event_row` gives them: all but dedup_id, which DuckDB computes
EVENT_COLUMNS = [
    "id", "article_id", "sentence_index", "date", "date_precision", "date_text", "event_type", "mode", "modality",
    "context", "cameo", "goldstein", "quad_class", *[f"actor_{c}" for c in _ACTOR_COLUMNS],
    *[f"recipient_{c}" for c in _ACTOR_COLUMNS], "location_name", "location_country", "location_lat", "location_lon",
    "location_type", "sentence", "evidence", "confidence", "mentions", "pattern", "quote_id", "notes",
    "coder", "model_version", "model_probability", "location_source",
]


def event_id(article_id: str, event: Event) -> str:
    key = f"{article_id}|{event.trigger[0]}|{event.actor.code}|{event.recipient.code if event.recipient else ''}|{event.cameo}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


@contextlib.contextmanager
def registered(db: Any, name: str, frame: Any) -> Iterator[None]:
    """A DataFrame visible to SQL as `name` for the length of the block."""
    db.register(name, frame)
    try:
        yield
    except BaseException:
        with contextlib.suppress(Exception):  # in an aborted transaction this fails too, hiding the cause
            db.unregister(name)
        raise
    db.unregister(name)


def article_row(article: Article, now: dt.datetime) -> tuple[Any, ...]:
    removed = [{"start": b.start, "end": b.end, "reason": b.removed} for b in article.blocks if b.removed]
    return (article.id, article.date, article.title, article.source, article.url, article.origin, article.text,
            json.dumps(removed), len(article.sentences), len(article.events), now)


def event_row(article: Article, event: Event) -> tuple[Any, ...]:
    a, r, loc = event.actor, event.recipient, event.location
    # the evidence JSON written directly: this runs once per event, a million times a large batch
    evidence = (f'{{"actor": [{a.start}, {a.end}], "recipient": {_span(r)}, "event": [{event.trigger[0]}, '
                f'{event.trigger[1]}], "location": {_span(loc)}, "date": {_pair(event.date_span)}}}')
    recipient = (r.text, r.code, r.country, r.sector, r.name, r.role, r.ner) if r else _NO_ACTOR
    location = (loc.name, loc.country, loc.lat, loc.lon, loc.kind) if loc else _NO_LOCATION
    return (
        event_id(article.id, event), article.id, event.sentence, event.date, event.date_precision, event.date_text,
        event.event_type, event.mode, event.modality, event.context, event.cameo, event.goldstein, event.quad_class,
        a.text, a.code, a.country, a.sector, a.name, a.role, a.ner, *recipient, *location,
        article.sentences[event.sentence].text, evidence, event.confidence, event.mentions, event.pattern, event.quote,
        json.dumps(event.notes) if event.notes else "[]", event.coder, event.model_version, event.model_probability,
        loc.source if loc else None,
    )


_NO_ACTOR = (None,) * len(_ACTOR_COLUMNS)
_NO_LOCATION = (None,) * 5


def _span(thing: Actor | Location | None) -> str:
    return f"[{thing.start}, {thing.end}]" if thing is not None else "null"


def _pair(span: tuple[int, int] | None) -> str:
    return f"[{span[0]}, {span[1]}]" if span else "null"


def quote_row(article: Article, quote: Any) -> tuple[Any, ...]:
    speaker = quote.speaker
    return (quote.id, article.id, quote.kind, quote.text, quote.start, quote.end, quote.speaker_text,
            speaker.code if speaker else None, speaker.country if speaker else None, speaker.name if speaker else None)


def _actor(row: dict[str, Any], prefix: str) -> dict[str, Any] | None:
    if row[f"{prefix}_text"] is None:
        return None
    return {c: row[f"{prefix}_{c}"] for c in _ACTOR_COLUMNS}


def event_dict(row: dict[str, Any]) -> dict[str, Any]:
    location = None
    if row["location_name"] is not None:
        location = {"name": row["location_name"], "country": row["location_country"],
                    "lat": row["location_lat"], "lon": row["location_lon"], "type": row["location_type"],
                    "source": row["location_source"]}
    return {
        "id": row["id"],
        "article_id": row["article_id"],
        "date": row["date"].isoformat() if row["date"] else None,
        "date_precision": row["date_precision"],
        "event_type": row["event_type"],
        "mode": row["mode"],
        "modality": row["modality"],
        "context": row["context"],
        "cameo": row["cameo"],
        "goldstein": row["goldstein"],
        "quad_class": row["quad_class"],
        "actor": _actor(row, "actor"),
        "recipient": _actor(row, "recipient"),
        "location": location,
        "sentence": row["sentence"],
        "evidence": json.loads(row["evidence"]),
        "confidence": row["confidence"],
        "sources": int(row["sources_n"]),
        "mentions": int(row["mentions_n"]),
        "pattern": row["pattern"],
        "quote": row["quote_id"],
        "notes": json.loads(row["notes"]),
        "deduplicated_id": row["dedup_id"],
        "coder": row["coder"],
        "model_version": row["model_version"],
        "model_probability": row["model_probability"],
    }


def deduplicated_dict(row: dict[str, Any]) -> dict[str, Any]:
    def actor(prefix: str) -> dict[str, Any] | None:
        if row[f"{prefix}_code"] is None and row[f"{prefix}_name"] is None:
            return None
        return {c: row[f"{prefix}_{c}"] for c in ("code", "country", "sector", "name")}

    location = None
    if row["location_name"] is not None:
        location = {"name": row["location_name"], "country": row["location_country"],
                    "lat": row["location_lat"], "lon": row["location_lon"]}
    return {
        "id": row["id"],
        "date": row["date"].isoformat() if row["date"] else None,
        "last_date": row["last_date"].isoformat() if row["last_date"] else None,
        **{k: row[k] for k in ("event_type", "mode", "modality", "cameo", "goldstein", "quad_class")},
        "actor": actor("actor"),
        "recipient": actor("recipient"),
        "location": location,
        "confidence": row["confidence"],
        "sources": int(row["sources"]),
        "mentions": int(row["mentions"]),
        "reports": [{**r, "date": r["date"].isoformat() if r["date"] else None} for r in row["reported_by"]],
    }

"""Score Dyad's event coding against public gold data.

Reads the evaluation sets from a gold folder (``../shared/gold`` in the development layout;
none of it ships with Dyad):

- ``plover_gsr_dev.json``: hand-coded PLOVER events on one sentence each. Scored: does Dyad
  code the gold event type for the sentence (recall), are Dyad's events of that type
  (precision), and, for the matching events, the source and target countries.
- ``conflibert_pentaclass_train.tsv``: news sentences labelled 0-4 (statement, verbal
  cooperation, material cooperation, verbal conflict, material conflict). Dyad's class for a
  sentence is the QuadClass of its most confident event, statements (CAMEO 01, QuadClass 0)
  included, an event winning a tie; or 0 when it codes none.
- ``petr2_gsr_silver.xml``: sentences with expected CAMEO codes; scored on the CAMEO root.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..types import Article
from .measures import Coder, Score, actor_side, code_texts, factual, factual_events

__all__ = ["score_pentaclass", "score_petrarch", "score_plover"]


# The gold file uses PLOVER 0.5b1 labels; these are today's names for them.
OLD_PLOVER = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE", "FIGHT": "ASSAULT"}
# A few CAMEO country codes differ from ISO 3166-1.
CAMEO_COUNTRY = {"JAP": "JPN"}


def score_plover(path: Path, coder: Coder) -> Score:
    """Per sentence: the type of Dyad's most confident event against the gold type (accuracy,
    per-type precision/recall/F1, confusion); whether any event has the gold type (recall)
    and how many of Dyad's events do (precision); (source country, target country, type)
    triples against the gold's; and the countries of the best event of the gold type."""
    records = [r for r in json.loads(path.read_text(encoding="utf-8")) if r.get("event") != "DOCUMENT"]
    articles = code_texts(coder, ((r["text"], None) for r in records))
    score = Score("plover_gsr", items=len(records))
    for record, article in zip(records, articles, strict=True):
        gold = OLD_PLOVER.get(record["event"], record["event"])
        coded = factual_events(article)
        matching = [e for e in coded if e.event_type == gold]
        top = max(coded, key=lambda e: e.confidence).event_type if coded else None
        score.counts["gold_events"] += 1
        score.counts["coded_events"] += len(coded)
        score.counts["type_recall_hits"] += bool(matching)
        score.counts["type_precision_hits"] += len(matching)
        score.counts["top_type_hits"] += top == gold
        score.confusion[(gold, top)] += 1
        gold_triples = _gold_triples(record, gold)
        coded_triples = {(actor_side(e.actor), actor_side(e.recipient), e.event_type) for e in coded}
        score.counts["triple_gold"] += len(gold_triples)
        score.counts["triple_coded"] += len(coded_triples)
        score.counts["triple_hits"] += len(gold_triples & coded_triples)
        if matching:
            event = max(matching, key=lambda e: e.confidence)
            for side, actor in (("source", event.actor), ("target", event.recipient)):
                want = _gold_countries(record.get(side))
                if want:
                    score.counts[f"{side}_gold"] += 1
                    score.counts[f"{side}_hits"] += bool(actor is not None and actor.country in want)
    return score


def _gold_triples(record: dict[str, Any], kind: str) -> set[tuple[str | None, str | None, str]]:
    """The gold's (source, target, type) triples. Records that mark their actors SRC/TAR (both
    roles: "Jordan and Britain agreed") are reciprocal, which Dyad codes as one event each way:
    each source with each other source as target."""
    sources = _sides(record.get("source"))
    if "SRC/TAR" in _markup(record) and len(sources - {None}) > 1:
        return {(a, b, kind) for a in sources for b in sources if a != b}
    return {(s, t, kind) for s in sources for t in _sides(record.get("target"))}


def _markup(record: dict[str, Any]) -> str:
    """A record's actor markup: PLOVER gold gives `textInfo` as an object with `markup`, or
    as the marked-up text itself."""
    info = record.get("textInfo")
    if isinstance(info, dict):
        info = info.get("markup")
    return info if isinstance(info, str) else ""


def _sides(actors: Any) -> set[str | None]:
    """A gold side as comparable keys: ISO country, or IGO/NGO; None when the side is empty."""
    if not isinstance(actors, list) or not actors:
        return {None}
    keys = {CAMEO_COUNTRY.get(a.get("code", ""), a.get("code", "")) for a in actors if isinstance(a, dict)}
    keys = {k[:3] for k in keys if k}
    return keys or {None}


def _gold_countries(actors: Any) -> set[str]:
    if not isinstance(actors, list):
        return set()
    codes = {CAMEO_COUNTRY.get(a.get("code", ""), a.get("code", "")) for a in actors if isinstance(a, dict)}
    return {c for c in codes if c and len(c) == 3 and c not in ("IGO", "NGO", "ITL")}


def score_pentaclass(path: Path, coder: Coder, limit: int | None = None) -> Score:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        text, _, label = line.rpartition("\t")
        if text and label.strip().isdigit():
            rows.append((text, int(label)))
    rows = rows[:limit] if limit else rows
    articles = code_texts(coder, ((t, None) for t, _ in rows))
    score = Score("conflibert_pentaclass", items=len(rows))
    for (_, gold), article in zip(rows, articles, strict=True):
        events = factual(article)
        # a statement is class 0 itself; on equal confidence the event wins: it is the news
        predicted = max(events, key=lambda e: (e.confidence, not e.statement)).quad_class or 0 if events else 0
        score.counts["correct"] += predicted == gold
        score.counts["total"] += 1
        score.confusion[(gold, predicted)] += 1
    return score


def score_petrarch(path: Path, coder: Coder) -> Score:
    # The file is XML-like but not well formed, so it is read record by record.
    xml = path.read_text(encoding="utf-8")
    items = []
    for record in re.split(r"(?=<Sentence\s)", xml)[1:]:
        head = re.match(r"<Sentence([^>]*)>", record)
        if head is None or 'evaluate="true"' not in head.group(1):
            continue
        codes = re.findall(r'<EventCoding[^>]*eventcode="(\d+)"', record)
        text_match = re.search(r"<Text>(.*?)</Text>", record, flags=re.S)
        date = re.search(r'date="(\d{8})"', head.group(1))
        day = dt.date(int(date[1][:4]), int(date[1][4:6]), int(date[1][6:8])) if date else None
        text = " ".join(text_match.group(1).split()) if text_match else ""
        if text and codes:
            items.append((text, day, codes))
    articles = code_texts(coder, ((t, d) for t, d, _ in items))
    score = Score("petrarch_silver", items=len(items))
    for (_, _, codes), article in zip(items, articles, strict=True):
        roots = {c[:2] for c in codes}
        events = factual(article)
        coded_roots = {e.cameo[:2] for e in events}
        score.counts["gold_events"] += len(codes)
        score.counts["root_recall_hits"] += sum(1 for c in codes if c[:2] in coded_roots)
        score.counts["coded_events"] += len(events)
        score.counts["root_precision_hits"] += sum(1 for e in events if e.cameo[:2] in roots)
    return score


def score_actor_resolution(path: Path, pipeline: Any) -> Score:
    """Actor resolution on the PLOVER gold records: is each gold source and target text, read in
    its sentence, resolved to the gold country? Scored on the actors whose gold code is an
    ISO country (not IGO/NGO); a text Dyad cannot resolve counts as wrong."""
    from ..coding.actors.codes import compose
    from ..coding.actors.discourse import situate
    from ..coding.ingest.records import read_text_item

    records = [r for r in json.loads(path.read_text(encoding="utf-8")) if r.get("event") != "DOCUMENT"]
    articles = pipeline.pipe([read_text_item(r["text"], id=f"gold-{i}") for i, r in enumerate(records)])
    score = Score("actor_resolution", items=len(records))
    for record, article in zip(records, articles, strict=True):
        for side in ("source", "target"):
            for gold in record.get(side) or []:
                if not isinstance(gold, dict):
                    continue
                want = _gold_countries([gold])
                start = article.text.find(gold.get("actorText") or "\0")
                if not want or start < 0:
                    continue
                end = start + len(gold["actorText"])
                inside = [m for m in article.mentions if start <= m.start and m.end <= end]
                head = article.text.rfind(" ", start, end) + 1 or start  # English heads come last
                actor = compose(inside, pipeline.dictionary, article.date, article.text, head)
                if actor is not None and inside:
                    actor = situate(actor, article, pipeline.dictionary, inside[0].sentence)
                score.counts[f"{side}_gold"] += 1
                score.counts[f"{side}_hits"] += bool(actor is not None and actor.country in want)
    return score


def score_actor_spans(path: Path, coder: Coder) -> Score:
    """Source/target spans of coded events against the ConfliBERT BIO annotations. A coded
    actor (S), recipient (T) or reciprocal party (R: actor and recipient of a pair of mirrored
    events) counts as found when it overlaps a gold span of the same role."""
    sentences = read_conll(path)
    texts = [" ".join(t for t, _ in tokens) for tokens in sentences]
    offsets = [token_starts([t for t, _ in tokens]) for tokens in sentences]
    articles = code_texts(coder, ((t, None) for t in texts))
    score = Score("actor_spans", items=len(sentences))
    for tokens, starts, article in zip(sentences, offsets, articles, strict=True):
        gold = bio_spans([tag for _, tag in tokens])
        predicted = _predicted_spans(article, starts)
        matched: set[int] = set()
        for role, a, b in predicted:
            hit = next((i for i, (r, c, d) in enumerate(gold) if r == role and a <= d and c <= b and i not in matched), None)
            score.counts["predicted"] += 1
            if hit is not None:
                matched.add(hit)
                score.counts["true_positive"] += 1
        score.counts["gold"] += len(gold)
    return score


def read_conll(path: Path) -> list[list[tuple[str, str]]]:
    """CoNLL `token TAG` lines with a blank line between sentences, as the ConfliBERT actor
    spans come: each sentence's (token, tag) pairs."""
    sentences: list[list[tuple[str, str]]] = [[]]
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if sentences[-1]:
                sentences.append([])
            continue
        token, _, tag = line.rpartition(" ")
        sentences[-1].append((token, tag))
    return [s for s in sentences if s]


def token_starts(tokens: Sequence[str]) -> list[int]:
    """Where each token starts in the tokens joined by single spaces (how the sentence is rebuilt)."""
    starts, position = [], 0
    for token in tokens:
        starts.append(position)
        position += len(token) + 1
    return starts


def bio_spans(tags: Sequence[str]) -> list[tuple[str, int, int]]:
    """(role, first, last) token of each tagged run; an I- after another role or an O starts a span."""
    spans: list[tuple[str, int, int]] = []
    for i, tag in enumerate(tags):
        if tag.startswith("B-") or (tag.startswith("I-") and (not spans or spans[-1][0] != tag[2:] or spans[-1][2] != i - 1)):
            spans.append((tag[2:], i, i))
        elif tag.startswith("I-"):
            role, start, _ = spans[-1]
            spans[-1] = (role, start, i)
    return spans


def _predicted_spans(article: Article, starts: list[int]) -> list[tuple[str, int, int]]:
    def token_range(start: int, end: int) -> tuple[int, int]:
        first = max(i for i, s in enumerate(starts) if s <= start)
        last = max(i for i, s in enumerate(starts) if s < end)
        return first, last

    events = factual(article)
    pairs = {(e.actor.start, e.recipient.start) for e in events if e.recipient}
    found: dict[tuple[int, int], str] = {}
    for event in events:
        sides = [(event.actor, "S")] + ([(event.recipient, "T")] if event.recipient else [])
        for actor, role in sides:
            other = event.recipient if role == "S" else event.actor
            mirrored = other is not None and (other.start, actor.start) in pairs and (actor.start, other.start) in pairs
            found.setdefault(token_range(actor.start, actor.end), "R" if mirrored else role)
    return [(role, a, b) for (a, b), role in found.items()]

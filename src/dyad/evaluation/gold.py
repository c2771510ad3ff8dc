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

And the team's own sets in the repository: ``tests/data`` (sentences) and ``eval/news`` (whole
articles with gold event reports and the number of articles reporting each event: `score_news`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..coding.actors.dictionary import is_state
from ..types import FACTUAL, Actor, Article, Event

__all__ = ["Score", "score_news", "score_pentaclass", "score_petrarch", "score_plover"]

# The gold file uses PLOVER 0.5b1 labels; these are today's names for them.
OLD_PLOVER = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE", "FIGHT": "ASSAULT"}
# A few CAMEO country codes differ from ISO 3166-1.
CAMEO_COUNTRY = {"JAP": "JPN"}

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


def _code(coder: Coder, texts: Iterable[tuple[str, dt.date | None]]) -> list[Article]:
    return coder(list(texts))


def score_plover(path: Path, coder: Coder) -> Score:
    """Per sentence: the type of Dyad's most confident event against the gold type (accuracy,
    per-type precision/recall/F1, confusion); whether any event has the gold type (recall)
    and how many of Dyad's events do (precision); (source country, target country, type)
    triples against the gold's; and the countries of the best event of the gold type."""
    records = [r for r in json.loads(path.read_text(encoding="utf-8")) if r.get("event") != "DOCUMENT"]
    articles = _code(coder, ((r["text"], None) for r in records))
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
        coded_triples = {(_side(e.actor), _side(e.recipient), e.event_type) for e in coded}
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


def _side(actor: Actor | None) -> str | None:
    if actor is None:
        return None
    if is_state(actor.country):
        return actor.country
    return actor.code[:3] if actor.code and actor.code[:3] in ("IGO", "NGO") else None


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


def prf(hits: int, predicted: int, gold: int) -> tuple[float, float, float]:
    """Precision, recall and F1 from counts of hits, predictions and gold items."""
    precision = hits / predicted if predicted else 0.0
    recall = hits / gold if gold else 0.0
    return precision, recall, (2 * precision * recall / (precision + recall) if precision + recall else 0.0)


def f1_of(hits: int, predicted: int, gold: int) -> float:
    return prf(hits, predicted, gold)[2]


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
    articles = _code(coder, ((t, None) for t, _ in rows))
    score = Score("conflibert_pentaclass", items=len(rows))
    for (_, gold), article in zip(rows, articles, strict=True):
        events = factual(article)
        # a statement is class 0 itself; on equal confidence the event wins: it is the news
        predicted = max(events, key=lambda e: (e.confidence, not e.statement)).quad_class or 0 if events else 0
        score.counts["correct"] += predicted == gold
        score.counts["total"] += 1
        score.confusion[(gold, predicted)] += 1
    return score


def macro_f1(score: Score, labels: Iterable[int] = range(5)) -> float:
    f1s = []
    for label in labels:
        predicted = sum(n for (_, p), n in score.confusion.items() if p == label)
        gold = sum(n for (g, _), n in score.confusion.items() if g == label)
        f1s.append(prf(score.confusion[(label, label)], predicted, gold)[2])
    return sum(f1s) / len(f1s)


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
    articles = _code(coder, ((t, d) for t, d, _ in items))
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


def pipeline_coder(pipeline: Any) -> Coder:
    """Code (text, date) pairs with a `Pipeline` in one batch."""
    from ..coding.ingest.readers import read_text_item

    def run(texts: Sequence[tuple[str, dt.date | None]]) -> list[Article]:
        articles = [read_text_item(t, id=f"gold-{i}", date=d.isoformat() if d else None) for i, (t, d) in enumerate(texts)]
        coded: list[Article] = pipeline.pipe(articles)
        return coded

    return run


def score_actor_resolution(path: Path, pipeline: Any) -> Score:
    """Actor resolution on the PLOVER gold records: is each gold source and target text, read in
    its sentence, resolved to the gold country? Scored on the actors whose gold code is an
    ISO country (not IGO/NGO); a text Dyad cannot resolve counts as wrong."""
    from ..coding.actors.dictionary import compose
    from ..coding.actors.discourse import situate
    from ..coding.ingest.readers import read_text_item

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
    articles = _code(coder, ((t, None) for t in texts))
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


def f1(score: Score) -> tuple[float, float, float]:
    return prf(score.counts["true_positive"], score.counts["predicted"], score.counts["gold"])


SAMPLE = Path(__file__).resolve().parents[3] / "tests" / "data" / "gold_sample.jsonl"
NEWS = SAMPLE.parent.parent.parent / "eval" / "news"


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


def score_sample(path: Path, coder: Coder) -> Score:
    """The team's own gold sample (tests/data/gold_sample.jsonl): per sentence, Dyad's
    (source, target, type) triples against the annotated ones, sources and targets as ISO
    countries or IGO; and the type alone. Sentences annotated with no event count a false
    positive for every event Dyad codes in them."""
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    articles = _code(coder, ((r["text"], dt.date.fromisoformat(r["date"]) if r.get("date") else None) for r in records))
    score = Score("gold_sample", items=len(records))
    for record, article in zip(records, articles, strict=True):
        gold = {(e["source"], e.get("target"), e["type"]) for e in record["events"]}
        coded = {(_side(e.actor), _side(e.recipient), e.event_type) for e in factual_events(article)}
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


DATES_PLACES = SAMPLE.parent / "dates_places.jsonl"


def score_dates_places(path: Path, coder: Coder) -> Score:
    """The team's date and place cases (tests/data/dates_places.jsonl): for the event whose
    trigger holds the case's verb, is its date (and precision) right, and its place (name and
    country, or none)? A case whose event Dyad does not code counts wrong on both."""
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    articles = _code(coder, ((r["text"], dt.date.fromisoformat(r["published"])) for r in records))
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

# the longest list of each kind (misses, wrong fields, ...) kept in the JSON for analysis
NEWS_LIST_CAP = 80
# the measures of `_news_measures`, in the order they are reported
NEWS_FIELDS = ("actor_country", "recipient", "date", "place", "mode", "modality")
# the fields a found event must get right to be fully correct (its type is right already)
FULLY_CORRECT_FIELDS = ("actor_country", "recipient", "date", "place")


@dataclass
class NewsAlignment:
    """Gold reports paired with coded events (`_align_news`): each gold report with its coded
    event or None, the coded events counted (factual; statements only when paired with a gold
    statement) and those counted but paired with no gold report."""

    pairs: list[tuple[dict[str, Any], Article, Event | None]] = field(default_factory=list)
    coded: int = 0
    unaligned: list[tuple[Article, Event]] = field(default_factory=list)


def score_news(folder: Path, pipeline: Any) -> dict[str, Any]:
    """The team's news test set (``eval/news``): whole articles coded by `pipeline`, their
    events against the gold event reports, and the deduplicated events of an in-memory store
    against the number of articles that report each real-world event.

    - Coded events counted: factual ones (modality asserted, intended or historical). The
      headline figures count PLOVER-typed events only (gold `type` not null, coded
      `event_type` not None); the `*_with_statements` figures and the `with_statements`
      section add the gold statements and the coded statements (event_type None) that are
      aligned to a gold statement (other coded statements are not counted).
    - Alignment: a coded event belongs to a gold report of the same article when its trigger
      offsets fall inside the gold `evidence` span (found with ``text.find(evidence)``). Among
      the gold reports of that sentence the pairing is one-to-one and greedy, preferring same
      type, then same actor country, then same recipient country. A coded event with no gold
      report left in its sentence is unaligned.
    - found (recall numerator): gold reports aligned to a coded event of the same type.
    - fully correct (precision numerator): found, with the same actor country, the same
      recipient country (both None counts as equal; a side is its `country`, or its code when
      the gold country is null, e.g. IGOUNO), the same date (the coded date at the gold's
      precision: ``2026-11`` for a month, ``2026`` for a year) and the same place (coded
      location country == gold place country and names equal ignoring case, or both None).
    - `recall` = found / gold reports, `precision_fully_correct` = fully correct / coded,
      `recall_fully_correct` = fully correct / gold reports, `type_precision` = coded events
      aligned to a gold report of the same type / coded; and, over the found events, the
      accuracy of each field (`actor_country_accuracy`, `recipient_accuracy`,
      `date_accuracy`, `place_accuracy`, `mode_accuracy`, `modality_accuracy`).
    - Merging: for each real-world event (PLOVER-typed) that `expected.jsonl` gives 2 or more
      `sources`, the coded events found for its gold reports must all share one deduplicated
      event whose `sources` is the expected number; an event none of whose reports was found
      is not merged correctly. `merged_correctly` is the share of such events that are;
      `clusters_correct` the share of clusters (articles sharing `cluster`) whose every such
      event is.

    Lists for analysis, each capped at NEWS_LIST_CAP: `misses` (gold reports not found, with
    every event coded in their sentence), `wrong_fields` (found events with a field wrong),
    `unaligned` (counted coded events with no gold report) and `merge_errors`.
    """
    from ..coding.ingest.readers import read_text_item

    records = _read_jsonl(folder / "articles.jsonl")
    gold = _read_jsonl(folder / "events.jsonl")
    expected = {r["event"]: int(r["sources"]) for r in _read_jsonl(folder / "expected.jsonl")}
    articles: list[Article] = pipeline.pipe([
        read_text_item(r["text"], id=r["id"], date=r.get("date"), title=r.get("title"), source=r.get("outlet"),
                       url=r.get("url")) for r in records])
    by_id = {a.id: a for a in articles}
    typed = _align_news(by_id, [g for g in gold if g.get("type") is not None], statements=False)
    everything = _align_news(by_id, gold, statements=True)
    headline = _news_measures(typed)
    with_statements = _news_measures(everything)
    clusters = {r["id"]: r.get("cluster") for r in records}
    merging = _news_merging(typed, expected, clusters, _dedup_of(articles))
    return {
        "articles": len(articles),
        **headline,
        "recall_with_statements": with_statements["recall"],
        "precision_fully_correct_with_statements": with_statements["precision_fully_correct"],
        **{k: v for k, v in merging.items() if k != "merge_errors"},
        "with_statements": with_statements,
        "misses": _news_misses(typed)[:NEWS_LIST_CAP],
        "wrong_fields": _news_wrong_fields(typed)[:NEWS_LIST_CAP],
        "unaligned": [_event_view(a, e) for a, e in typed.unaligned][:NEWS_LIST_CAP],
        "merge_errors": merging["merge_errors"][:NEWS_LIST_CAP],
    }


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _align_news(articles: dict[str, Article], gold: list[dict[str, Any]], statements: bool) -> NewsAlignment:
    """Pair each gold report with at most one coded event of its sentence (see `score_news`)."""
    alignment = NewsAlignment()
    by_article: dict[str, list[dict[str, Any]]] = {}
    for report in gold:
        by_article.setdefault(report["article"], []).append(report)
    for article_id, reports in by_article.items():
        article = articles[article_id]
        coded = [e for e in factual(article) if statements or not e.statement]
        taken: set[int] = set()
        for span, sentence_gold in _gold_sentences(article, reports).items():
            inside = [e for e in coded if span[0] <= e.trigger[0] and e.trigger[1] <= span[1] and id(e) not in taken]
            paired = _pair_greedily(inside, sentence_gold)
            taken.update(id(e) for e in paired.values())
            alignment.pairs.extend((g, article, paired.get(i)) for i, g in enumerate(sentence_gold))
        paired_gold = {id(e): g for g, a, e in alignment.pairs if a is article and e is not None}
        for event in coded:
            partner = paired_gold.get(id(event))
            if event.statement and (partner is None or partner.get("type") is not None):
                continue  # a statement counts only against a gold statement
            alignment.coded += 1
            if partner is None:
                alignment.unaligned.append((article, event))
    return alignment


def _gold_sentences(article: Article, reports: list[dict[str, Any]]) -> dict[tuple[int, int], list[dict[str, Any]]]:
    """The gold reports of an article by the span of their evidence in its text; a report whose
    evidence is not in the text gets an empty span, which no trigger falls inside."""
    sentences: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for report in reports:
        start = article.text.find(report["evidence"])
        span = (start, start + len(report["evidence"])) if start >= 0 else (-1, -1)
        sentences.setdefault(span, []).append(report)
    return sentences


def _pair_greedily(events: list[Event], gold: list[dict[str, Any]]) -> dict[int, Event]:
    """One-to-one pairs of a sentence's coded events and gold reports (index of the gold
    report -> event), the best first: same type, then actor, then recipient country."""
    candidates = sorted(((_preference(e, g), i, j) for i, e in enumerate(events) for j, g in enumerate(gold)),
                        key=lambda c: (tuple(not p for p in c[0]), c[1], c[2]))
    paired: dict[int, Event] = {}
    used: set[int] = set()
    for _, i, j in candidates:
        if i not in used and j not in paired:
            paired[j] = events[i]
            used.add(i)
    return paired


def _preference(event: Event, gold: dict[str, Any]) -> tuple[bool, bool, bool]:
    return (event.event_type == gold.get("type"), _actor_key(event.actor) == _gold_key(gold.get("actor")),
            _actor_key(event.recipient) == _gold_key(gold.get("recipient")))


def _gold_key(side: dict[str, Any] | None) -> str | None:
    """A gold actor as compared: its country, or its code when it has no country (IGOUNO)."""
    if not side:
        return None
    return side.get("country") or side.get("code") or None


def _actor_key(actor: Actor | None) -> str | None:
    """A coded actor as compared with `_gold_key`: its country, or its code (an IGO's)."""
    if actor is None:
        return None
    return actor.country or actor.code or None


def _news_fields(gold: dict[str, Any], event: Event) -> dict[str, tuple[Any, Any]]:
    """Each field of NEWS_FIELDS as (gold value, coded value) in comparable form."""
    want_date = gold.get("date")
    got_date = event.date.isoformat()[: len(want_date)] if event.date and want_date else event.date
    place, location = gold.get("place"), event.location
    want_place = (place["name"].lower(), place.get("country")) if place and place.get("name") else None
    got_place = (location.name.lower(), location.country) if location is not None else None
    return {
        "actor_country": (_gold_key(gold.get("actor")), _actor_key(event.actor)),
        "recipient": (_gold_key(gold.get("recipient")), _actor_key(event.recipient)),
        "date": (want_date, got_date.isoformat() if isinstance(got_date, dt.date) else got_date),
        "place": (want_place, got_place),
        "mode": (gold.get("mode"), event.mode),
        "modality": (gold.get("modality"), event.modality),
    }


def _found(alignment: NewsAlignment) -> list[tuple[dict[str, Any], Article, Event]]:
    return [(g, a, e) for g, a, e in alignment.pairs if e is not None and e.event_type == g.get("type")]


def _news_measures(alignment: NewsAlignment) -> dict[str, Any]:
    """The counts and ratios of `score_news` for one alignment."""
    reports, coded = len(alignment.pairs), alignment.coded
    found = _found(alignment)
    right: Counter[str] = Counter()
    fully = 0
    stated = Counter[str]()  # the place where the gold states one, and where it does not
    for gold, _, event in found:
        fields = _news_fields(gold, event)
        right.update(name for name, (want, got) in fields.items() if want == got)
        fully += all(fields[name][0] == fields[name][1] for name in FULLY_CORRECT_FIELDS)
        want, got = fields["place"]
        stated["stated" if want else "unstated"] += 1
        stated["stated_right" if want else "unstated_placed"] += bool(want == got if want else got)
    return {
        "reports": reports,
        "coded": coded,
        "found": len(found),
        "fully_correct": fully,
        "recall": _share(len(found), reports),
        "precision_fully_correct": _share(fully, coded),
        "recall_fully_correct": _share(fully, reports),
        "type_precision": _share(len(found), coded),
        **{f"{name}_accuracy": _share(right[name], len(found)) for name in NEWS_FIELDS},
        # the place split by whether the gold says where: Dyad places an event the text does not
        # place (the venue of the story, the dateline), and such a place counts wrong above
        "place_accuracy_where_stated": _share(stated["stated_right"], stated["stated"]),
        "placed_where_unstated": _share(stated["unstated_placed"], stated["unstated"]),
    }


def _share(part: int, whole: int) -> float:
    return round(part / whole, 3) if whole else 0.0


def _dedup_of(articles: Sequence[Article]) -> dict[str, tuple[str, int]]:
    """Each coded event's deduplicated event (by `rows.event_id`): its id and `sources`, from
    the articles written to an in-memory store."""
    from ..store.store import Store

    with Store(":memory:") as store:
        store.write(articles)
        return {report["event_id"]: (row["id"], row["sources"])
                for row in store.iter_deduplicated(statements=True) for report in row["reports"]}


def _news_merging(alignment: NewsAlignment, expected: dict[str, int], clusters: dict[str, str | None],
                  dedup: dict[str, tuple[str, int]]) -> dict[str, Any]:
    """`merged_correctly` and `clusters_correct` (see `score_news`), with the events that are not."""
    from ..store.rows import event_id

    gold_events = {g["event"] for g, _, _ in alignment.pairs}
    multi = sorted(e for e, n in expected.items() if n >= 2 and e in gold_events)
    merged: dict[str, set[tuple[str, int] | None]] = {e: set() for e in multi}
    for gold, article, event in _found(alignment):
        if gold["event"] in merged:
            merged[gold["event"]].add(dedup.get(event_id(article.id, event)))
    cluster_of = {g["event"]: clusters.get(g["article"]) for g, _, _ in alignment.pairs}
    ok = {e: _merged_once(groups, expected[e]) for e, groups in merged.items()}
    by_cluster: dict[str, list[bool]] = {}
    for name, correct in ok.items():
        by_cluster.setdefault(cluster_of.get(name) or name, []).append(correct)
    errors = [{"event": e, "expected_sources": expected[e],
               "deduplicated": sorted(([d, n] for d, n in (g for g in merged[e] if g is not None)), key=str),
               "reports_found": sum(1 for g, _, _ in _found(alignment) if g["event"] == e)}
              for e in multi if not ok[e]]
    return {
        "multi_source_events": len(multi),
        "merged_correctly": _share(sum(ok.values()), len(ok)),
        "clusters": len(by_cluster),
        "clusters_correct": _share(sum(all(v) for v in by_cluster.values()), len(by_cluster)),
        "merge_errors": errors,
    }


def _merged_once(groups: set[tuple[str, int] | None], sources: int) -> bool:
    """Do the found reports of one event (their deduplicated events) share one deduplicated
    event of `sources` articles? No reports found: no."""
    if len(groups) != 1:
        return False
    group = next(iter(groups))
    return group is not None and group[1] == sources


def _event_view(article: Article, event: Event) -> dict[str, Any]:
    """A coded event in a few fields, for the lists of `score_news`."""
    return {"article": article.id, "type": event.event_type, "cameo": event.cameo, "modality": event.modality,
            "actor": event.actor.code, "recipient": event.recipient.code if event.recipient else None,
            "trigger": article.text[event.trigger[0]:event.trigger[1]],
            "date": event.date.isoformat() if event.date else None,
            "place": event.location.name if event.location else None}


def _news_misses(alignment: NewsAlignment) -> list[dict[str, Any]]:
    misses = []
    found = {id(g) for g, _, _ in _found(alignment)}
    for gold, article, _ in alignment.pairs:
        if id(gold) in found:
            continue
        start = article.text.find(gold["evidence"])
        end = start + len(gold["evidence"])
        coded = [_event_view(article, e) for e in article.events if start >= 0 and start <= e.trigger[0] and e.trigger[1] <= end]
        misses.append({"article": article.id, "event": gold["event"], "type": gold.get("type"), "cameo": gold.get("cameo"),
                       "actor": _gold_key(gold.get("actor")), "recipient": _gold_key(gold.get("recipient")),
                       "evidence": gold["evidence"][:240], "coded": coded})
    return misses


def _news_wrong_fields(alignment: NewsAlignment) -> list[dict[str, Any]]:
    wrong = []
    for gold, article, event in _found(alignment):
        fields = {name: [want, got] for name, (want, got) in _news_fields(gold, event).items() if want != got}
        if fields:
            wrong.append({"article": article.id, "event": gold["event"], "type": gold.get("type"),
                          "trigger": article.text[event.trigger[0]:event.trigger[1]], "fields": fields})
    return wrong

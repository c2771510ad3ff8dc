"""Score Dyad against the team's news test set (``eval/news``): whole articles, their coded
events aligned with the gold event reports, and the merging of reports of one real-world event
across articles (`score_news`)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..types import Actor, Article, Event
from .measures import factual, read_jsonl

__all__ = ["score_news"]


NEWS = Path(__file__).resolve().parents[3] / "eval" / "news"

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
    from ..coding.ingest.records import read_text_item

    records = read_jsonl(folder / "articles.jsonl")
    gold = read_jsonl(folder / "events.jsonl")
    expected = {r["event"]: int(r["sources"]) for r in read_jsonl(folder / "expected.jsonl")}
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

"""Stage 5 with the learned event model: the patterns and the model, combined by one policy.

The model (`dyad.model`) reads each sentence the pre-pass kept and says whether it states an
event, its PLOVER type and mode (or a statement, CAMEO 01), and which words are the source,
target and reciprocal actors. The rules keep what is exact: the codebook, negation and
modality, dates, places, quotes and evidence offsets; the parse and the knowledge base turn
the model's actor phrases into actors, as they do a verb's subject and object.

The policy, per sentence (`Policy` holds its thresholds; README, "How events are coded"):

1. The model and a pattern agree on the type: the pattern's events stand (their CAMEO code is
   finer than the model's), marked with the model's version and probability.
2. The model names a type no pattern found, with probability >= `add` when no pattern fired,
   or >= `override` when patterns fired with other types: the model's event replaces them.
   Its code is the codebook's most general code for the type and mode (the intent or refusal
   code when the rules read the verb so). Its roles: where patterns fired, the actor and
   recipient of their most confident event (the parse places roles better than the tagger
   does); else the model's phrases, read by the parse and the knowledge base, and when the
   model names no target, the verb's object as the patterns would find it.
3. The model says "no event" with probability >= `drop`: the patterns' events are dropped.
4. Otherwise the patterns' events stand, as with `--rules-only`.

Every event says which decided it (`coder`: "pattern" or "model"); events the model read carry
`model_version` and `model_probability`, so an analyst can filter on them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from ...model.infer import ActorSpan, EventModel, Prediction
from ...model.labels import NO_EVENT, STATEMENT
from ...types import Actor, Article, Event, Sentence
from .rules import EventCoder
from .tree import context, span_root, token_span

__all__ = ["CombinedCoder", "Policy"]


@dataclass(frozen=True)
class Policy:
    """How the model and the patterns are combined. `use`: "combined" (the policy above),
    "model" (the model's events alone; the patterns only fix boundaries and modality), or
    "rules" (the patterns alone)."""

    use: str = "combined"
    # the values measured best (README, "How events are coded"), with a model that never saw
    # the gold files it was measured on; none of them moves a score by more than 0.01 within 0.1
    add: float = 0.5
    override: float = 0.8
    drop: float = 0.9
    rule_roles: bool = True  # when overriding, the patterns' actor and recipient over the model's phrases
    parse_targets: bool = True  # when the model names no target, the verb's object as the patterns find it

    def __post_init__(self) -> None:
        if self.use not in ("combined", "model", "rules"):
            raise ValueError(f"unknown coder {self.use!r}: combined, model or rules")


def type_of(event: Event) -> str:
    """The model's label for an event's type: its PLOVER type, or STATEMENT for CAMEO 01."""
    return event.event_type or STATEMENT


class CombinedCoder:
    """The events stage: `rules` (an EventCoder) and `model`, combined by `policy`."""

    def __init__(self, rules: EventCoder, model: EventModel | None, policy: Policy | None = None) -> None:
        self.rules = rules
        self.model = model
        self.policy = policy or Policy()
        if self.model is None and self.policy.use != "rules":
            raise ValueError("a combined or model-only coder needs an event model")

    @property
    def version(self) -> str | None:
        return self.model.version if self.model is not None else None

    def __call__(self, article: Article) -> Article:
        return self.pipe([article])[0]

    def pipe(self, articles: list[Article]) -> list[Article]:
        """Code a batch of articles: the model reads all their kept sentences in one go."""
        for article in articles:
            self.rules(article)
        if self.model is None or self.policy.use == "rules":
            return articles
        read = [[s for s in a.sentences if s.parsed and s.span is not None] for a in articles]
        predictions = iter(self.model.predict([s.text for sentences in read for s in sentences]))
        for article, sentences in zip(articles, read, strict=True):
            by_sentence: dict[int, list[Event]] = {}
            for event in article.events:
                by_sentence.setdefault(event.sentence, []).append(event)
            events: list[Event] = []
            for sentence in sentences:
                events += self.combine(article, sentence, next(predictions), by_sentence.pop(sentence.index, []))
            for rest in by_sentence.values():  # sentences the model did not read keep their patterns' events
                events += rest
            article.events = sorted(events, key=lambda e: (e.sentence, e.trigger))
        return articles

    def combine(self, article: Article, sentence: Sentence, prediction: Prediction, found: list[Event]) -> list[Event]:
        """The events of one sentence, from the patterns' events `found` and the model's reading."""
        label, p = prediction.event_type, prediction.type_probability
        if self.policy.use == "model":
            return self.model_events(article, sentence, prediction, []) if label != NO_EVENT else []
        found = [self._read(e, prediction) for e in found]
        if label == NO_EVENT:
            return [] if p >= self.policy.drop else found
        if any(type_of(e) == label for e in found):
            return found
        if p < (self.policy.override if found else self.policy.add):
            return found
        return self.model_events(article, sentence, prediction, found) or found

    def _read(self, event: Event, prediction: Prediction) -> Event:
        """A pattern's event as the model read its sentence: the model's probability for its type."""
        return replace(event, model_version=self.version, model_probability=round(prediction.probability(type_of(event)), 3))

    def model_events(self, article: Article, sentence: Sentence, prediction: Prediction, found: list[Event]) -> list[Event]:
        """The model's event: its type and mode, its actors read from its phrases by the parse,
        the modality of the verb its source is the argument of."""
        assert prediction.cameo is not None
        ctx = context(article, sentence)
        notes: list[str] = []
        sources = self._actors(ctx, sentence, prediction.source, notes)
        targets: list[Actor | None] = list(self._actors(ctx, sentence, prediction.target, notes))
        reciprocal = self._actors(ctx, sentence, prediction.reciprocal, notes)
        phrases = prediction.source or prediction.reciprocal
        mutual = not sources and len(reciprocal) > 1
        if mutual:
            sources, targets = reciprocal, []  # each towards the others (Roles.events)
        if found and (self.policy.rule_roles or not sources):  # the model's type, the patterns' actors
            best = max(found, key=lambda e: e.confidence)
            sources = [best.actor]
            targets = [best.recipient] if self.policy.rule_roles else targets or [best.recipient]
            notes.append("actors from the patterns' reading of the sentence")
            phrases = ()
        if not sources:
            return []
        verb = self._verb(ctx, sentence, phrases, found)
        modality = self.rules.modality.of_verb(verb)
        if modality is None:
            return []  # the verb is no event of its own: a modifier, what is proposed or demanded
        cameo, modality, modal_notes = self.rules.modality.code(verb, prediction.cameo, modality)
        code = self.rules.codebook[cameo]
        if not targets and not found and not mutual and self.policy.parse_targets:  # the model named no target: the verb's object
            targets = list(self.rules.targets.objects_of(verb, ctx, sources, code))
            if targets:
                notes.append("target from the parse: the model named none")
        events = self.rules.roles.events(ctx, code, sources, targets or [None], token_span([verb], ctx),
                                         f"model {self.version}", min(prediction.type_probability, 0.9), modality,
                                         notes + modal_notes)
        return [replace(e, coder="model", model_version=self.version,
                        model_probability=round(prediction.type_probability, 3)) for e in events]

    def _actors(self, ctx: Any, sentence: Sentence, spans: Iterable[ActorSpan], notes: list[str]) -> list[Actor]:
        actors: list[Actor] = []
        for span in spans:
            found, how = self.rules.phrases.actors_at(ctx, sentence.start + span.start, sentence.start + span.end)
            actors += [a for a in found if all((a.code, a.name, a.text) != (b.code, b.name, b.text) for b in actors)]
            notes += how
        return actors

    def _verb(self, ctx: Any, sentence: Sentence, phrases: Iterable[ActorSpan], found: list[Event]) -> Any:
        """The verb that states the event: the one the source phrase is an argument of; else
        the patterns' trigger; else the sentence's root."""
        for span in phrases:
            root = span_root(ctx, sentence.start + span.start, sentence.start + span.end)
            if root is not None:
                return self.rules.modality.governing_verb(root)
        if found:
            root = span_root(ctx, *found[0].trigger)
            if root is not None:
                return root
        return sentence.span.root

"""Events named by a noun that no verb codes: "Russia's attack on Ukraine", "talks between
China and Japan", and what was agreed or planned ("agreed to work towards an October visit").
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...codebook import Codebook
from ...types import Actor, Event
from ..actors.codes import is_placed
from .matching import Matcher
from .modality import Modality
from .patterns import Patterns
from .phrases import Phrases
from .tree import Context, children, subject_of, token_span

NOMINAL_CONFIDENCE = 0.7  # "Russia's attack on Ukraine": reported in passing, often not news itself


class NounEvents:
    """The events the nouns of a parsed sentence name."""

    def __init__(self, patterns: Patterns, codebook: Codebook, matcher: Matcher, modality: Modality,
                 phrases: Phrases) -> None:
        self.patterns = patterns
        self.codebook = codebook
        self.matcher = matcher
        self.modality = modality
        self.phrases = phrases

    def code(self, noun: Any, ctx: Context) -> Iterator[Event]:
        """An event named by a noun that no verb codes: "Russia's attack on Ukraine", "talks
        between China and Japan", "the visit by the Chinese president to Seoul"."""
        if noun.pos_ != "NOUN":
            return
        planner = self._planned(noun)
        if planner is None and not (noun.dep_ == "ROOT" or (
                noun.dep_ in ("nsubj", "nsubjpass", "dobj") and noun.head.dep_ == "ROOT")):
            return  # only the main clause's subject or object: elsewhere a noun is background
        governor = self.matcher.match(noun.head) if noun.head.pos_ == "VERB" and noun.head.i != noun.i else None
        if governor is not None and any(t.i == noun.i for t in governor[1]):
            return  # the verb's pattern names this noun ("launched an attack", "imposed sanctions")
        compounds = [c for c in noun.children if c.dep_ in ("compound", "amod") and c.i < noun.i]
        keys = [f"{c.lower_} {f}" for c in compounds for f in (noun.lemma_.lower(), noun.lower_)] + [noun.lemma_.lower(), noun.lower_]
        pattern = next((p for k in keys for p in self.patterns.nouns.get(k, [])), None)
        if pattern is None:
            return
        preps = {p.lower_: p for p in children(noun, "prep")}
        sources: list[Actor] = []
        for poss in children(noun, "poss"):
            sources += self.phrases.actors(poss, ctx)
        for word in ("by", "of"):
            if not sources and word in preps:
                sources += [a for o in children(preps[word], "pobj") for a in self.phrases.actors(o, ctx)]
        targets: list[Actor | None] = []
        if "between" in preps:
            pair_ = [a for o in children(preps["between"], "pobj") for a in self.phrases.actors(o, ctx)]
            sources, targets = (pair_, []) if not sources else (sources, list(pair_))
        for word in ("on", "against", "to", "with", "toward", "towards", "in"):
            if not targets and word in preps:
                found = [a for o in children(preps[word], "pobj") for a in self.phrases.actors(o, ctx)]
                targets = [a for a in found if is_placed(a) and (word != "in" or pattern.cameo.startswith(("18", "19", "20")))]
        sources = [s for s in sources if is_placed(s)]
        if not sources and planner is not None and subject_of(planner) is not None:
            sources = [s for s in self.phrases.actors(subject_of(planner), ctx) if is_placed(s)]
        if not sources:
            return
        cameo = self.patterns.intent(pattern.cameo) if planner is not None else pattern.cameo
        code = self.codebook[cameo]
        if code.plover_type is None:
            return
        if not targets:
            targets = [None]
        span = token_span([noun], ctx)
        for source in sources:
            others: list[Actor | None] = [s for s in sources if s.code != source.code]
            for recipient in [t for t in targets if t is None or t.code != source.code] if targets != [None] else others or [None]:
                yield Event(
                    sentence=ctx.sentence.index, cameo=code.cameo, event_type=code.plover_type, mode=code.plover_mode,
                    context=code.plover_context, goldstein=code.goldstein, quad_class=code.quad_class, actor=source,
                    recipient=recipient, trigger=span, pattern=f"{pattern.ref} {noun.lemma_.lower()}",
                    confidence=NOMINAL_CONFIDENCE, modality="intended" if planner is not None else "asserted",
                    notes=["named by a noun, not a verb", *(["what was agreed or planned"] if planner is not None else []),
                           *source.notes],
                )

    def _planned(self, noun: Any) -> Any:
        """The verb of intention an event noun is the object of ("plans a visit", "agreed to
        work towards an October visit"), or None."""
        if noun.dep_ == "pobj" and noun.head.dep_ == "prep" and noun.head.lower_ in ("towards", "toward", "for", "on"):
            node = noun.head.head
        elif noun.dep_ == "dobj":
            node = noun.head
        else:
            return None
        planner = None
        if node.pos_ == "VERB" and node.lemma_.lower() in self.patterns.intent_verbs:
            planner = node
        while planner is None and node.dep_ == "xcomp" and node.pos_ == "VERB":
            if self.modality.intent_head(node.head):
                planner = node.head
            node = node.head
        if planner is None or planner.pos_ != "VERB" or self.modality.of(planner) != "asserted":
            return None  # "has not agreed to the proposal", "might plan": no plan stated
        return planner

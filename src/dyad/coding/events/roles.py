"""Who acts on whom: the events a verb states once its pattern and modality are known, one per
source and target ("Japan and China agreed": towards each other), with their confidence, each
actor placed in its country (`placing.py`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from ...codebook import STATEMENT_CLASS, Code
from ...types import Actor, Event
from ..actors.codes import is_placed
from ..actors.discourse import situate
from ..actors.knowledge import ActorDictionary
from .patterns import Pattern
from .phrases import Phrases
from .placing import NON_STATE_SECTORS, own_by_default, place, same_actor
from .targets import Targets
from .tree import Context, children, token_span

BASE_CONFIDENCE = 0.9
INFERRED_TARGET_PENALTY = 0.3
PRONOUN_PENALTY = 0.1
SUBORDINATE_PENALTY = 0.05  # an event in an adverbial clause is less likely the sentence's news


class Roles:
    """The events of a verb that fired a pattern: their actors and recipients."""

    def __init__(self, dictionary: ActorDictionary, phrases: Phrases, targets: Targets) -> None:
        self.dictionary = dictionary
        self.phrases = phrases
        self.targets = targets

    def emit(self, token: Any, ctx: Context, pattern: Pattern, trigger: list[Any], code: Code, modality: str,
             notes: list[str]) -> Iterator[Event]:
        """The events of one coded verb: one per source and target."""
        sources, pronoun = self.phrases.sources(token, ctx)
        if not sources and code.quad_class == STATEMENT_CLASS:  # "X could not be reached for comment"
            sources = [a for s in children(token, "nsubjpass") for a in self.phrases.actors(s, ctx)]
        if not sources:
            return
        if pronoun:
            notes.append("source resolved from a pronoun")
        fired = f"{pattern.ref} {' '.join(t.lemma_.lower() for t in sorted(trigger, key=lambda t: t.i))}"
        targets: list[Actor | None] = list(self.targets.of(token, trigger, pattern, ctx, sources))
        if len(sources) > 1 and not any(t is not None and is_placed(t) for t in targets):
            targets = []  # "Saudi Arabia and Iran agreed to reopen embassies": towards each other
        if not targets and code.plover_type == "PROTEST":
            targets = self.targets.protested(sources[0], ctx)
            if targets:
                notes.append("protest with no target named: taken to be against the protesters' own government")
        statement = code.quad_class == STATEMENT_CLASS
        if statement:  # said of one's own side is said to no one named
            targets = [t for t in targets if t is None or t.country is None or t.country not in {s.country for s in sources}]
        inferred = False
        if not targets:
            if len(sources) > 1 and len({s.code for s in sources}) > 1:
                targets = [None]  # reciprocal: each source acts towards the others below
            elif statement:
                targets = [None]  # a statement's recipient is one the sentence names, never inferred
            else:
                fallback = self.targets.sentence_target(token, ctx, sources)
                targets = [fallback] if fallback else [None]
                inferred = fallback is not None
                if inferred:
                    notes.append("target inferred from another actor in the sentence")
        confidence = (BASE_CONFIDENCE - (INFERRED_TARGET_PENALTY if inferred else 0) - (PRONOUN_PENALTY if pronoun else 0)
                      - (SUBORDINATE_PENALTY if _subordinate(token) else 0))
        yield from self.events(ctx, code, sources, targets, token_span(trigger, ctx), fired, confidence, modality, notes)

    def events(self, ctx: Context, code: Code, sources: list[Actor], targets: list[Actor | None],
               span: tuple[int, int], fired: str, confidence: float, modality: str, notes: list[str]) -> Iterator[Event]:
        """One event per source and target (a target None: towards each other source, or to no
        one), each actor placed in its country (`discourse.situate`, `place`)."""
        for source in sources:
            for target in targets:
                others: list[Actor | None] = [s for s in sources if s.code != source.code]
                for named in [target] if target is not None else others or [None]:
                    candidate = situate(named, ctx.article, self.dictionary, ctx.sentence.index) if named else None
                    placed = place(situate(source, ctx.article, self.dictionary, ctx.sentence.index), candidate,
                                   domestic=code.quad_class in (3, 4))
                    if placed is None:
                        continue
                    actor, recipient, placing_notes = placed
                    if recipient is not None and recipient.sector is None and recipient.country == actor.country \
                            and actor.sector in NON_STATE_SECTORS:  # rebels fighting "Sudan": its government
                        recipient = replace(recipient, sector="GOV", code=f"{recipient.country}GOV")
                        placing_notes.append("a country facing its own people or rebels: its government")
                    if recipient is not None and same_actor(actor, recipient, code.plover_type):
                        recipient, placing_notes = None, []
                    if recipient is not None and named is not None and own_by_default(actor, named, recipient):
                        placing_notes = [f"no recipient: {named.text!r} names no country but the actor's own"]
                        recipient = None
                    if recipient is not None and code.quad_class == STATEMENT_CLASS and recipient.country == actor.country:
                        recipient = None  # "the Kremlin denied that Russian jets ...": about its own, to no one
                    yield Event(
                        sentence=ctx.sentence.index, cameo=code.cameo, event_type=code.plover_type,
                        mode=code.plover_mode, context=code.plover_context, goldstein=code.goldstein,
                        quad_class=code.quad_class, actor=actor, recipient=recipient, trigger=span,
                        pattern=fired, confidence=round(confidence, 2), modality=modality,
                        notes=notes + placing_notes + list(actor.notes) + list(recipient.notes if recipient else ()),
                    )


def _subordinate(verb: Any) -> bool:
    node = verb
    while node.head.i != node.i:
        if node.dep_ in ("advcl", "pcomp", "relcl"):
            return True
        node = node.head
    return False

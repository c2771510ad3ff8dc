"""Statements and reported speech (CAMEO 01, QuadClass 0): a speech act whose content holds no
event ("China said the talks were useful": 010; "Moscow denied the report": 016), from the
`statements` entries of the patterns; a statement that reports an event gives way to it. Also
the demand a speech verb reports ("said Libya must hand over the suspects": CAMEO 100).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...codebook import Codebook
from ...types import Actor, Event
from ..actors.codes import is_placed
from ..actors.discourse import situate
from ..actors.knowledge import ActorDictionary
from .matching import Matcher, constraints_hold
from .modality import Modality, is_negated
from .patterns import Pattern, Patterns
from .phrases import Phrases
from .roles import BASE_CONFIDENCE, SUBORDINATE_PENALTY, Roles
from .tree import Context, children, subject_of, token_span

SPEECH_NOUNS = {"statement", "remark", "remarks", "comment", "comments", "speech", "address", "interview", "briefing", "post", "message"}


class Statements:
    """The statements of a parsed sentence, and the demands its speech verbs report."""

    def __init__(self, patterns: Patterns, codebook: Codebook, dictionary: ActorDictionary, matcher: Matcher,
                 modality: Modality, phrases: Phrases, roles: Roles) -> None:
        self.patterns = patterns
        self.codebook = codebook
        self.dictionary = dictionary
        self.matcher = matcher
        self.modality = modality
        self.phrases = phrases
        self.roles = roles

    def _statement_match(self, token: Any) -> tuple[Pattern, list[Any]] | None:
        """The most specific `statements` entry whose constraints hold for a verb; for a speech
        verb that reports something and fires none, the default statement (CAMEO 010)."""
        if token.pos_ != "VERB":
            return None
        negated = is_negated(token)
        for pattern in self.patterns.statements.get(self.matcher.lemma(token), []):
            trigger = constraints_hold(pattern, token)
            if trigger is not None and (negated or not pattern.negated):
                return pattern, trigger
        lemma = token.lemma_.lower()
        if lemma in self.patterns.say_verbs and _reports(token, self.patterns.say_verbs):
            return Pattern(ref="say_verbs", lemmas=frozenset([lemma]), cameo=self.patterns.statement_default), [token]
        return None

    def wins(self, token: Any, match: tuple[Pattern, list[Any]]) -> bool:
        """A statement entry more specific than the verb's event pattern codes the verb:
        "rejected claims that ..." is a denial, not a rejection."""
        statement = self._statement_match(token)
        return statement is not None and statement[0].specificity > match[0].specificity

    def code(self, ctx: Context, events: list[Event]) -> list[Event]:
        """The sentence's statements: speech acts that report no event. A statement that
        reports another statement ("X said Y denied it") gives way to it as well."""
        found: list[tuple[Any, Event]] = []
        for token in ctx.sentence.span:
            found += [(token, e) for e in self._code_statement(token, ctx)]
        kept = []
        for token, statement in found:
            content = _content(token, ctx)
            reported = [e.trigger for e in events if _within(e.trigger, content + _inserted_into(token, ctx))]
            reported += [e.trigger for t, e in found if t.i != token.i and _within(e.trigger, content)]
            if not reported:
                kept.append(statement)
        return kept

    def _code_statement(self, token: Any, ctx: Context) -> Iterator[Event]:
        found = self._statement_match(token)
        if found is None:
            return
        match = self.matcher.match(token)
        if match is not None and match[0].specificity >= found[0].specificity:
            return  # the verb is an event ("denied access": CAMEO 1245)
        pattern, trigger = found
        modality = self.modality.of(token)
        if modality is None:
            return
        notes = []
        if pattern.negated:  # "did not respond to requests for comment", "could not be reached for comment"
            modality = "asserted"
            notes.append(f"stated in the negative: CAMEO {pattern.cameo}")
        yield from self.roles.emit(token, ctx, pattern, trigger, self.codebook[pattern.cameo], modality, notes)

    def obligation(self, verb: Any) -> str | None:
        """The CAMEO code of "Y must do Z" (a demand) or "Y should do Z" (an appeal) reported
        by a speech verb, or None."""
        if verb.dep_ != "ccomp" or verb.head.lemma_.lower() not in self.patterns.say_verbs:
            return None
        modals = {c.lower_ for c in verb.children if c.dep_ == "aux"}
        if modals & self.patterns.demand_modals:
            return "100"
        return "020" if "should" in modals else None

    def demand(self, verb: Any, ctx: Context) -> Iterator[Event]:
        """"A British minister said Libya must hand over the suspects": the speaker demands it
        of the complement's subject, whatever is demanded."""
        say = verb.head
        speaker, target = subject_of(say), subject_of(verb)
        if speaker is None or target is None or any(c.dep_ == "neg" for c in (*verb.children, *say.children)):
            return
        sources = self.phrases.actors(speaker, ctx)
        recipients: list[Actor | None] = [a for a in self.phrases.actors(target, ctx) if a.code != (sources[0].code if sources else None)]
        code = self.codebook[self.obligation(verb) or "100"]
        modal = next(c for c in verb.children if c.dep_ == "aux" and c.lower_ in (*self.patterns.demand_modals, "should"))
        for source in sources:
            source = situate(source, ctx.article, self.dictionary, ctx.sentence.index)
            if not is_placed(source) and source.ner is None:
                continue
            for recipient in recipients or [None]:
                yield Event(
                    sentence=ctx.sentence.index, cameo=code.cameo, event_type=code.plover_type, mode=code.plover_mode,
                    context=code.plover_context, goldstein=code.goldstein, quad_class=code.quad_class, actor=source,
                    recipient=recipient, trigger=token_span([modal, verb], ctx), pattern=f"obligation {modal.lower_}",
                    confidence=BASE_CONFIDENCE - SUBORDINATE_PENALTY,
                    notes=[f"{say.text!r} that {target.text!r} {modal.text} ...: a demand of {target.text!r}",
                           *source.notes, *(recipient.notes if recipient else ())],
                )


def _reports(verb: Any, say_verbs: frozenset[str]) -> bool:
    """A speech verb that reports something: a clause ("said the talks were useful"), a quote
    ("'...,' the minister said"), or a statement ("said in a statement")."""
    if any(c.dep_ in ("ccomp", "parataxis") for c in verb.children):
        return True
    if verb.dep_ in ("parataxis", "ccomp") and verb.i > verb.head.i and verb.head.lemma_.lower() not in say_verbs:
        return True  # "Russian forces attacked the village, officials said"; not "said Tokyo would respond"
    return any(o.lemma_.lower() in SPEECH_NOUNS for p in children(verb, "prep") for o in children(p, "pobj")) or any(
        o.lemma_.lower() in SPEECH_NOUNS for o in children(verb, "dobj"))


def _content(verb: Any, ctx: Context) -> list[tuple[int, int]]:
    """Article offsets of what a speech act reports: the phrases and clauses the verb governs,
    not its subject nor the clauses joined to it by "and"."""
    heads = [c for c in verb.children if c.dep_ not in ("conj", "cc", "nsubj", "nsubjpass", "aux", "auxpass", "neg", "punct")]
    return [_offsets(list(head.subtree), ctx) for head in heads]


def _inserted_into(verb: Any, ctx: Context) -> list[tuple[int, int]]:
    """"Russian forces attacked the village, officials said": the clause a speech verb is
    inserted into (the parser makes the speech verb its dependent) is what it reports."""
    if verb.dep_ not in ("parataxis", "ccomp") or verb.head.i == verb.i or verb.i < verb.head.i:
        return []
    head = verb.head
    tokens = [head, *(t for c in head.children if c.i != verb.i and c.dep_ not in ("conj", "cc") for t in c.subtree)]
    return [_offsets(tokens, ctx)]


def _within(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(start <= span[0] < end for start, end in spans)


def _offsets(tokens: list[Any], ctx: Context) -> tuple[int, int]:
    return min(t.idx for t in tokens) + ctx.sentence.offset, max(t.idx + len(t) for t in tokens) + ctx.sentence.offset

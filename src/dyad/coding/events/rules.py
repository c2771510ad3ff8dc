"""Stage 5, events: code who did what to whom from the dependency parse.

For each verb the patterns know, the most specific matching pattern gives the CAMEO code
(and through the codebook the PLOVER type and mode, Goldstein value and QuadClass):

- **source** is the subject, or the "by" agent of a passive; subjects joined by "and" give one
  event each, and reciprocal events when there is no object ("Japan and China agreed");
- **target** is the direct object (the subject of a passive), else the object of a preposition
  such as to/with/against/on; an actor anywhere inside that phrase counts ("insists on the
  return of the islands ceded to the Soviet Union"). When the sentence names no target in the
  verb's phrases but names another actor, that actor is taken as the target with lower
  confidence and a note saying so;
- a pronoun subject under a speech verb is the speaker ("Tokyo said it wants ...");
- not coded: negated verbs, hypothetical modals (would, could, might, may, should),
  conditional clauses (if, unless, before, until), and the content of a proposal or demand
  ("proposed that the two leaders sign" codes the proposal, not a signing).

**Statements** (CAMEO 01, QuadClass 0, no PLOVER type): a speech act whose content holds no
event ("China said the talks were useful": 010; "Moscow denied the report": 016), from the
`statements` entries of the patterns. When what a speech verb reports holds an event, that
event is coded and the speech act is not: one sentence, one account of it.

The coder reads each sentence in parts, a module each: `matching.py` (which pattern a verb fires),
`modality.py` (asserted, negated, hypothetical, intended), `phrases.py` (the actors a phrase
names, the source), `targets.py` (whom it is done to), `roles.py` and `placing.py` (one event
per actor and recipient, each placed in its country), `statements.py` (statements and reported
demands), `nouns.py` (events named by a noun); `tree.py` holds the walks over the parse they share.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...codebook import Codebook, default_codebook
from ...types import Article, Event
from ..actors.knowledge import ActorDictionary, default_dictionary
from .matching import Matcher
from .modality import Modality
from .nouns import NounEvents
from .patterns import Patterns, default_patterns
from .phrases import Phrases
from .roles import Roles
from .statements import Statements
from .targets import Targets
from .tree import Context, children, context

__all__ = ["EventCoder"]


class EventCoder:
    """The events of an article's parsed sentences, coded by the verb patterns (the rules)."""

    def __init__(self, patterns: Patterns | None = None, codebook: Codebook | None = None,
                 dictionary: ActorDictionary | None = None) -> None:
        self.patterns = patterns or default_patterns()
        self.codebook = codebook or default_codebook()
        self.dictionary = dictionary or default_dictionary()
        self.matcher = Matcher(self.patterns)
        self.modality = Modality(self.patterns, self.codebook, self.matcher)
        self.phrases = Phrases(self.patterns, self.dictionary)
        self.targets = Targets(self.codebook, self.dictionary, self.phrases)
        self.roles = Roles(self.dictionary, self.phrases, self.targets)
        self.statements = Statements(self.patterns, self.codebook, self.dictionary, self.matcher, self.modality,
                                     self.phrases, self.roles)
        self.nouns = NounEvents(self.patterns, self.codebook, self.matcher, self.modality, self.phrases)

    def __call__(self, article: Article) -> Article:
        self.matcher.reset()  # per article: token positions are only unique within one parse
        article.events = []
        for sentence in article.sentences:
            if not sentence.parsed:
                continue
            ctx = context(article, sentence)
            verbal = [e for token in sentence.span for e in self._code_token(token, ctx)]
            # a noun names the sentence's event only when no verb does: "Talks between China and
            # Japan ended without agreement"; next to a verbal event it is usually background,
            # unless it is what was agreed or planned ("agreed to work towards an October visit")
            nominal = [e for token in sentence.span for e in self.nouns.code(token, ctx)
                       if not verbal or e.modality == "intended"]
            article.events.extend(verbal + nominal + self.statements.code(ctx, verbal + nominal))
        return article

    def _code_token(self, token: Any, ctx: Context) -> Iterator[Event]:
        if token.pos_ == "VERB" and self.statements.obligation(token) is not None:
            yield from self.statements.demand(token, ctx)
            return
        modality = self.modality.of(token) if token.pos_ == "VERB" else None
        if modality is None:
            return
        match = self.matcher.match(token)
        if match is None or self.statements.wins(token, match):
            return
        pattern, trigger = match
        if self.modality.defers_to_complement(token, pattern) or self.modality.named_by_governor(token):
            return
        if token.lemma_.lower() in self.patterns.aspect_verbs and any(
                c.pos_ == "VERB" and self.matcher.match(c) is not None for c in children(token, "xcomp")):
            return  # "began to withdraw": the complement is the event
        cameo, modality, notes = self.modality.code(token, pattern.cameo, modality)
        code = self.codebook[cameo]
        if code.plover_type is None:  # statements: the patterns should not point here
            return
        yield from self.roles.emit(token, ctx, pattern, trigger, code, modality, notes)

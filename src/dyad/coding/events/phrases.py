"""The actors a phrase names: the actor mentions inside a noun phrase composed into actors
(one per country for "Japanese and Chinese officials"), the phrases joined to it by "and",
"the two countries", a named entity the knowledge base does not know, and a pronoun resolved to
the speaker or its antecedent. A verb's source is the actors of its subject.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ...types import Actor, Mention
from ..actors.codes import compose
from ..actors.discourse import antecedent, pair
from ..actors.knowledge import ActorDictionary
from .patterns import Patterns
from .tree import Context, conjuncts, np_head, phrase, span_root, subject_of

PRONOUNS = {"he", "she", "it", "they", "we", "i", "him", "her", "them", "us"}
NAMED_TYPES = {"PERSON", "ORG", "GPE", "NORP", "FAC", "LOC"}
PAIR_NOUNS = {"country", "side", "nation", "government", "leader", "neighbour", "neighbor", "state", "party", "capital"}


class Phrases:
    """The actors of the phrases of a parsed sentence, composed with the actor dictionary."""

    def __init__(self, patterns: Patterns, dictionary: ActorDictionary) -> None:
        self.patterns = patterns
        self.dictionary = dictionary

    def sources(self, verb: Any, ctx: Context) -> tuple[list[Actor], bool]:
        subject = subject_of(verb)
        if subject is None:
            return [], False
        if subject.lower_ in PRONOUNS and subject.pos_ == "PRON":
            speaker = self.speaker(verb, ctx)
            if speaker is not None:
                return [speaker], True
            mention = antecedent(subject.lower_, ctx.article, ctx.sentence.index, subject.idx + ctx.sentence.offset)
            actor = compose([mention], self.dictionary, ctx.article.date, ctx.article.text) if mention else None
            if actor is not None:
                return [replace(actor, notes=(*actor.notes, f"{subject.text!r} resolved to {mention.text!r}" if mention else ""))], True
            return [], False
        return self.actors(subject, ctx), False

    def speaker(self, verb: Any, ctx: Context) -> Actor | None:
        head = verb
        while head.dep_ in ("ccomp", "conj", "xcomp", "acomp") and head.head.i != head.i:
            head = head.head
            if head.lemma_.lower() in self.patterns.say_verbs:
                subject = subject_of(head)
                if subject is not None and subject.pos_ != "PRON":
                    actors = self.actors(subject, ctx)
                    return actors[0] if actors else None
        return None

    def actors(self, head: Any, ctx: Context) -> list[Actor]:
        """Actors of a noun phrase and of the phrases joined to it by "and"."""
        actors: list[Actor] = []
        for part in [head, *conjuncts(head)]:
            for actor in self._np_actors(part, ctx):
                if all(a.code != actor.code or a.name != actor.name for a in actors):
                    actors.append(actor)
        return actors

    def np_actor(self, head: Any, ctx: Context) -> Actor | None:
        actors = self._np_actors(head, ctx)
        return actors[0] if actors else None

    def _np_actors(self, head: Any, ctx: Context) -> list[Actor]:
        """Usually one actor; one per country when modifiers are joined by "and" inside the
        phrase ("Japanese and Chinese officials")."""
        tokens = phrase(head)
        doc = head.doc
        mentions = [m for i, m in sorted(ctx.by_token.items()) if i in tokens and not (
            # "official contact", "military intelligence": an agent word modifying a plain noun
            m.kind == "agent" and doc[i].dep_ == "amod" and doc[i].head.i not in ctx.mention_tokens)]
        modifiers = [i for i, m in ctx.by_token.items()
                     if i in tokens and m.kind in ("country", "demonym") and ctx.sentence.span.doc[i].dep_ in ("amod", "compound", "conj", "nmod")]
        joined = [i for i in modifiers if ctx.sentence.span.doc[i].dep_ == "conj"]
        groups = [mentions]
        if joined and len(modifiers) > 1:
            others = [m for m in mentions if not (m.kind in ("country", "demonym") and _token_of(m, ctx) in modifiers)]
            groups = [[ctx.by_token[i], *others] for i in sorted(modifiers)]
        found = [compose(g, self.dictionary, ctx.article.date, ctx.article.text, head.idx + ctx.sentence.offset) for g in groups]
        actors = [a for a in found if a is not None]
        if not actors and _is_pair(head):
            return self._pair(head, ctx)
        if not actors:
            unknown = _named_entity(head, tokens, ctx)
            return [unknown] if unknown is not None else []
        return actors

    def _pair(self, head: Any, ctx: Context) -> list[Actor]:
        """"The two countries", "both sides": the two countries named just before."""
        mentions = pair(ctx.article, self.dictionary, ctx.sentence.index, head.left_edge.idx + ctx.sentence.offset)
        sector = "GOV" if head.lemma_.lower() in ("government", "leader") else None
        actors = []
        for m in mentions:
            actor = compose([m], self.dictionary, ctx.article.date, ctx.article.text)
            if actor is not None:
                if sector and actor.country and actor.sector is None:
                    actor = replace(actor, sector=sector, code=f"{actor.country}{sector}")
                actors.append(replace(actor, notes=(*actor.notes, f"{_phrase_text(head)!r} resolved to {m.text!r}")))
        return actors

    def actors_at(self, ctx: Context, start: int, end: int) -> tuple[list[Actor], list[str]]:
        """The actors a phrase names, its boundaries fixed by the parse: the actors of the phrase
        headed by its head word, those inside it first ("Japan" of "Japan and China" is Japan);
        a pronoun is resolved as a subject pronoun is. Returns the actors and notes on how."""
        root = span_root(ctx, start, end)
        if root is None:
            return [], []
        if root.lower_ in PRONOUNS and root.pos_ == "PRON":
            speaker = self.speaker(root.head, ctx) if root.dep_ in ("nsubj", "nsubjpass") else None
            mention = None if speaker else antecedent(root.lower_, ctx.article, ctx.sentence.index, root.idx + ctx.sentence.offset)
            actor = speaker or (compose([mention], self.dictionary, ctx.article.date, ctx.article.text) if mention else None)
            return ([actor], [f"{root.text!r} resolved to {actor.text!r}"]) if actor else ([], [])
        found = self.actors(np_head(root), ctx)
        inside = [a for a in found if a.start < end and start < a.end]
        if inside or found:
            return inside or found, []
        for i in sorted(ctx.by_token):  # a phrase the parse splits: the mentions inside it
            if start <= ctx.by_token[i].start < end:
                found += [a for a in self.actors(np_head(root.doc[i]), ctx) if a not in found]
        return found, []


def _is_pair(head: Any) -> bool:
    """"the two countries", "both sides", "the two leaders"."""
    if head.lemma_.lower() not in PAIR_NOUNS or head.tag_ not in ("NNS", "NNPS"):
        return False
    return any(c.lower_ in ("two", "both") and c.dep_ in ("nummod", "det", "predet", "amod", "quantmod") for c in head.children)


def _phrase_text(head: Any) -> str:
    return str(head.doc[head.left_edge.i : head.i + 1].text)


def _named_entity(head: Any, tokens: set[int], ctx: Context) -> Actor | None:
    """A named actor the knowledge base does not know ("the Azadliq coalition"): kept with its
    text and entity type, code null, so nothing is lost."""
    for ent in ctx.sentence.span.ents:
        if ent.label_ in NAMED_TYPES and all(t.i in tokens for t in ent) and ent.start <= head.i:
            last = max(head.i, ent.end - 1)  # "the Azadliq coalition": from the name to the head
            start, end = ent.start_char + ctx.sentence.offset, head.doc[last].idx + len(head.doc[last]) + ctx.sentence.offset
            return Actor(ctx.article.text[start:end], None, None, None, None, start, end, ner=ent.label_,
                         notes=(f"{ent.text!r} is not in the knowledge base ({ent.label_})",))
    return None


def _token_of(mention: Mention, ctx: Context) -> int | None:
    return next((i for i, m in ctx.by_token.items() if m is mention), None)

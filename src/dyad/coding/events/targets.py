"""Whom an event is done to: the verb's object, the pattern's preposition, an event noun's
("an attack on Kyiv"), then the verb's other phrases; a place where something happened is not
its target. When the verb's phrases name no one: another actor of the sentence (with lower
confidence), or for protesters their own government.
"""

from __future__ import annotations

from typing import Any

from ...codebook import Code, Codebook
from ...types import Actor
from ..actors.codes import is_placed, is_state
from ..actors.discourse import situate
from ..actors.knowledge import ActorDictionary
from .patterns import Pattern
from .phrases import Phrases
from .placing import NON_STATE_SECTORS
from .tree import Context, children, np_head, phrase, purpose

TARGET_PREPS = ("to", "with", "against", "on", "toward", "towards", "at", "into", "upon", "over", "from", "for", "between", "among", "near", "along", "around", "outside")
NOUN_TARGET_PREPS = ("on", "against", "with", "to", "between", "toward", "towards", "for")
LOCATIVE_PREPS = ("at", "in", "inside", "near", "around", "outside")
OWNING_PRONOUNS = {"its", "their", "his", "her", "our"}
# Events whose object is the actor's own forces ("withdrew its troops", "deployed troops").
OWN_FORCE_TYPES = {"MOBILIZE", "RETREAT", "AID", "COOPERATE"}


class Targets:
    """The targets of a verb's event in a parsed sentence."""

    def __init__(self, codebook: Codebook, dictionary: ActorDictionary, phrases: Phrases) -> None:
        self.codebook = codebook
        self.dictionary = dictionary
        self.phrases = phrases

    def of(self, verb: Any, trigger: list[Any], pattern: Pattern, ctx: Context, sources: list[Actor]) -> list[Actor]:
        """The direct object first ("accused Moscow of ..."), then the pattern's preposition
        ("called on NATO"), then an event noun's ("an attack on Kyiv"), then the others."""
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)
        nouns = [t.i for t in trigger[1:] if t.pos_ in ("NOUN", "PROPN")]
        # an event noun's own prepositions first ("a stern reminder to Iraq that ..."), then its
        # object ("the withdrawal of Serbian forces")
        heads = [p for noun in trigger[1:] for p in children(noun, "prep") if p.lower_ in NOUN_TARGET_PREPS]
        objects = children(verb, "nsubjpass") if passive else children(verb, "dobj", "dative")
        heads += sorted(objects, key=lambda o: o.i in nouns)
        if pattern.prep:
            heads += [p for p in children(verb, "prep") if p.lower_ == pattern.prep]
        heads += sorted((p for p in children(verb, "prep", "dative") if p.lower_ in TARGET_PREPS),
                        key=lambda p: TARGET_PREPS.index(p.lower_))
        # "... to demand the resignation of X", "agreed to open its borders to UN peacekeepers"
        heads += [c for c in verb.children if purpose(c) or (c.dep_ == "xcomp" and c.pos_ == "VERB")]
        # "demanded that President Mugabe abandon the policy": the one asked is the clause's subject
        heads += [s for c in children(verb, "ccomp") for s in children(c, "nsubj", "nsubjpass")]
        code = self.codebook[pattern.cameo]
        kind = code.plover_type
        source_codes = {(s.code, s.name) for s in sources}
        # "arrived in Amman" visits Jordan and "struck targets in Syria" strikes Syria; otherwise
        # a place after "in" is where it happened ("a summit in Kazakhstan"), not with whom
        where_is_whom = code.plover_mode == "visit" or code.quad_class == 4
        for head in heads:
            if head.dep_ == "prep" and not where_is_whom and self._names_a_place(head, ctx, own=pattern.prep):
                continue  # "signed it at the White House", "signed an agreement in China"
            found = [a for a in self._search(head, ctx, events_at=set() if where_is_whom else {t.i for t in trigger[1:]})
                     if (a.code, a.name) not in source_codes and not (kind in OWN_FORCE_TYPES and _own_forces(sources[0], a))
                     and not self._owned_by_source(a, ctx)]
            if found:
                return found
        return []

    def objects_of(self, verb: Any, ctx: Context, sources: list[Actor], code: Code) -> list[Actor]:
        """Whom `verb` is done to, found as the patterns find it (its object, then its
        prepositions' objects), for an event whose code came from elsewhere."""
        pattern = Pattern(ref="model", lemmas=frozenset([verb.lemma_.lower()]), cameo=code.cameo)
        return self.of(verb, [verb], pattern, ctx, sources)

    def _names_a_place(self, prep: Any, ctx: Context, own: str | None = None) -> bool:
        """Whether a locative preposition names where something happened: a capital or place
        after "in", "at", "near" ...; a country after "in" too, unless "in" is the pattern's
        own preposition ("intervened in Syria")."""
        word = prep.lower_
        if word not in LOCATIVE_PREPS:
            return False
        kinds = {"capital", "metonym", "place"} | ({"country"} if word in ("in", "inside") and word != own else set())
        objects = children(prep, "pobj")
        return any(m.kind in kinds for o in objects for i, m in ctx.by_token.items() if i in phrase(o))

    def _owned_by_source(self, actor: Actor, ctx: Context) -> bool:
        """"Russia recalled its envoy", "withdrew their ambassadors": a state agent with no
        country of its own, owned by "its"/"their", is the actor's own, not its recipient."""
        if is_placed(actor) or actor.sector in NON_STATE_SECTORS:
            return False
        index = _token_at(actor.start, ctx)
        if index is None:
            return False
        head = np_head(ctx.sentence.span.doc[index])
        return any(c.dep_ == "poss" and c.lower_ in OWNING_PRONOUNS for c in head.children)

    def _search(self, head: Any, ctx: Context, events_at: set[int] | None = None) -> list[Actor]:
        """The first actor-bearing phrase inside `head`'s subtree, nearest the head first.
        Below the head itself only actors that say whose they are count ("an agreement to
        reduce military tensions" names no recipient), nor does the place where an event noun
        of `events_at` happened ("held a summit in a third country"; but "evacuate settlements
        in Gaza" is done to what is in Gaza)."""
        events_at = events_at or set()
        queue = [head]
        seen = set()
        while queue:
            token = queue.pop(0)
            if token.i in seen:
                continue
            seen.add(token.i)
            if token.pos_ in ("NOUN", "PROPN", "PRON") or token.i in ctx.mention_tokens:
                actors = self.phrases.actors(token, ctx)
                direct = token.i == head.i or ((head.dep_ == "prep" or head.pos_ == "VERB") and token.head.i == head.i)
                if not direct:
                    actors = [a for a in actors if is_placed(a)]
                if token.i in events_at and token.i not in ctx.mention_tokens:  # "a summit in Kazakhstan": where
                    where = {i for c in children(token, "prep") if self._names_a_place(c, ctx) for i in phrase(c)}
                    actors = [a for a in actors if _token_at(a.start, ctx) not in where]
                if actors:
                    return actors
            queue.extend(c for c in token.children if c.dep_ not in ("relcl", "advcl", "ccomp")
                         and not (token.i in events_at and c.dep_ == "prep" and self._names_a_place(c, ctx)))
        return []

    def sentence_target(self, verb: Any, ctx: Context, sources: list[Actor]) -> Actor | None:
        """Another actor named in the sentence, nearest the verb, of another country."""
        countries = {s.country for s in sources}
        taken = {(s.start, s.end) for s in sources}
        candidates = []
        for i, mention in ctx.by_token.items():
            if mention.kind in ("agent", "place") or any(s <= mention.start < e for s, e in taken):
                continue
            if _is_location(verb.doc[i]):
                continue
            actor = self.phrases.np_actor(np_head(verb.doc[i]), ctx)
            if actor is not None and actor.country is not None and actor.country not in countries:
                candidates.append((abs(i - verb.i), actor))
        return min(candidates, key=lambda c: c[0])[1] if candidates else None

    def protested(self, source: Actor, ctx: Context) -> list[Actor | None]:
        """Protesters who name no target protest against their own government."""
        source = situate(source, ctx.article, self.dictionary, ctx.sentence.index)
        if not is_state(source.country) or source.sector in ("GOV", "MIL", "COP", "JUD"):
            return []  # an organisation has no government to protest against
        name = self.dictionary.countries[source.country].name
        return [Actor(source.text, f"{source.country}GOV", source.country, "GOV", name, source.start, source.end)]


def _own_forces(source: Actor, actor: Actor) -> bool:
    """"Russia withdrew its troops": the troops are what moves, not whom it is done to."""
    return actor.sector in ("MIL", "COP") and actor.country in (None, source.country)


def _is_location(token: Any) -> bool:
    head = np_head(token)
    return head.dep_ == "pobj" and head.head.lower_ in ("in", "at", "near", "outside", "inside", "across", "throughout")


def _token_at(offset: int, ctx: Context) -> int | None:
    """The doc index of the token starting at an article offset."""
    return next((t.i for t in ctx.sentence.span if t.idx + ctx.sentence.offset == offset), None)

"""Which pattern a verb fires: the patterns of its lemma whose constraints (particle, object,
preposition, complement) hold, the most specific first, and the tokens that make up its trigger.
The pattern's CAMEO code is the event's code before modality (`modality.py`) changes it.
"""

from __future__ import annotations

from typing import Any

from .patterns import Pattern, Patterns
from .tree import children, conjuncts


class Matcher:
    """The pattern each verb fires, remembered per article."""

    def __init__(self, patterns: Patterns) -> None:
        self.patterns = patterns
        self._matches: dict[tuple[int, int], tuple[Pattern, list[Any]] | None] = {}

    def reset(self) -> None:
        """Forget the matches: token positions are only unique within one parse."""
        self._matches = {}

    def match(self, token: Any) -> tuple[Pattern, list[Any]] | None:
        """`_find_match`, remembered per token: coding one verb asks about its neighbours'
        patterns too, so the same token is matched several times."""
        key = (id(token.doc), token.i)
        if key not in self._matches:
            self._matches[key] = self._find_match(token)
        return self._matches[key]

    def _find_match(self, token: Any) -> tuple[Pattern, list[Any]] | None:
        """The pattern a verb fires and the tokens that make up its trigger. A verb the
        patterns do not know but whose stem they do is read as the stem ("reimpose")."""
        lemma = self.lemma(token)
        fallback = None
        for pattern in self.patterns.verbs.get(lemma, []):
            trigger = constraints_hold(pattern, token)
            if trigger is None:
                continue
            if pattern.specificity:
                return pattern, trigger
            fallback = fallback or (pattern, trigger)
        noun = self._noun_pattern(token) if lemma in self.patterns.light_verbs else None
        return noun or fallback

    def lemma(self, token: Any) -> str:
        """The token's lemma as the patterns know it. The small model sometimes lemmatises a
        past form wrongly ("staged" -> "stag"); then the form's own stem is tried, and a "re-"
        verb the patterns do not know is read as its stem ("reimposed" -> "impose")."""
        lemma: str = str(token.lemma_).lower()
        known = self.patterns.verbs.keys() | self.patterns.light_verbs | self.patterns.statements.keys() | self.patterns.intent_verbs
        if lemma in known:
            return lemma
        text: str = str(token.lower_)
        for stem in (text[:-1], text[:-2]) if text.endswith(("ed", "es")) else ():
            if stem in known:
                return stem
        candidates: list[str] = [lemma, *((text[:-1], text[:-2]) if text.endswith("ed") else ())]
        for candidate in candidates:
            if candidate.startswith("re") and candidate[2:].lstrip("-") in known:
                return candidate[2:].lstrip("-")
        return lemma

    def _noun_pattern(self, verb: Any) -> tuple[Pattern, list[Any]] | None:
        for obj in [o for d in children(verb, "dobj") for o in (d, *conjuncts(d))]:  # "air and artillery strikes"
            compounds = [c for c in obj.children if c.dep_ in ("compound", "amod") and c.i < obj.i]
            keys = [f"{c.lower_} {form}" for c in compounds for form in (obj.lemma_.lower(), obj.lower_)]
            keys += [obj.lemma_.lower(), obj.lower_]
            for key in keys:  # "hunger strike" before "strike"
                for pattern in self.patterns.nouns.get(key, []):
                    return pattern, [verb, obj]
        return None


def constraints_hold(pattern: Pattern, verb: Any) -> list[Any] | None:
    """The trigger tokens when every constraint of `pattern` holds for `verb`, else None."""
    trigger = [verb]
    if pattern.particle is not None:
        particles = [c for c in verb.children if c.dep_ == "prt" and c.lower_ == pattern.particle]
        if not particles:
            return None
        trigger += particles
    if pattern.object is not None:
        objects = [c for c in _objects(verb, "dobj", "nsubjpass") if _lemmas(c) & pattern.object]
        if not objects:
            return None
        trigger += objects
    if pattern.prep is not None:
        preps = [c for c in children(verb, "prep", "dative") if c.lower_ == pattern.prep]
        if pattern.prep_object is not None:
            preps = [p for p in preps if any(_lemmas(o) & pattern.prep_object for o in children(p, "pobj"))]
        if not preps:
            return None
        trigger += preps
    if pattern.xcomp is not None:
        comps = [c for c in children(verb, "xcomp") if c.lemma_.lower() in pattern.xcomp]
        if not comps:
            return None
        trigger += comps
    return trigger


PARTITIVES = {"ton", "tonne", "kg", "kilogram", "million", "billion", "thousand", "hundred", "dozen", "number",
              "part", "some", "most", "lot", "batch", "tranche", "round", "series", "shipment", "package", "portion",
              "amount", "quantity", "load", "consignment", "wave", "barrage", "volley", "string", "%", "percent",
              "bulk", "share", "majority", "half", "third", "quarter", "worth"}


def _lemmas(token: Any) -> set[str]:
    """The words an object constraint can match: the head, its compounds, and for a quantity
    the thing counted ("25,000 tons of food aid", "part of a military aid program")."""
    found = {token.lemma_.lower(), token.lower_}
    found.update(c.lemma_.lower() for c in token.children if c.dep_ == "compound")
    if token.lemma_.lower() in PARTITIVES:
        for of in (c for c in token.children if c.dep_ == "prep" and c.lower_ == "of"):
            for counted in children(of, "pobj"):
                found |= _lemmas(counted)
    return found


def _objects(verb: Any, *deps: str) -> list[Any]:
    """The verb's objects and the objects joined to them ("photographs and intelligence")."""
    return [o for d in children(verb, *deps) for o in (d, *conjuncts(d))]

"""Modality: whether a verb states its event as asserted, negated ("did not reject") or
hypothetical ("might expel", "if Iran attacks"), or as no event of its own (a modifier, the
content of a proposal); and how intent and refusal change the code ("will visit", "agreed to
visit": an intent to visit; "will not release": a refusal).
"""

from __future__ import annotations

from typing import Any

from ...codebook import Codebook
from .matching import Matcher
from .patterns import Pattern, Patterns
from .tree import RELATIVE_PRONOUNS, children, purpose

HYPOTHETICAL = {"could", "might", "may", "should", "'d"}
CONDITIONAL_MARKS = {"if", "unless", "before", "until", "whether"}
SKIP_DEPS = {"acl", "amod", "pcomp", "csubj", "csubjpass", "nmod"}


class Modality:
    """The modality of a verb and the code it gives an event."""

    def __init__(self, patterns: Patterns, codebook: Codebook, matcher: Matcher) -> None:
        self.patterns = patterns
        self.codebook = codebook
        self.matcher = matcher

    def of(self, token: Any) -> str | None:
        """asserted, negated ("did not reject") or hypothetical ("might expel", "if Iran
        attacks"); None when the verb is no event of its own: a modifier, or the content of a
        proposal or demand ("proposed that the two leaders sign").

        A verb shares the negation and modals of the verb it is joined to ("did not meet or
        call") and of the verb it completes ("is not willing to negotiate"); a speech verb's
        own marks stop there ("might say X attacked" reports an attack)."""
        if token.dep_ in SKIP_DEPS:
            return None
        if token.dep_ == "relcl" and not any(c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in RELATIVE_PRONOUNS
                                             for c in token.children):
            return None  # "the deal that Russia signed": only "X, which attacked Y" names its actor
        if purpose(token) and self.matcher.match(token.head) is not None:
            return None  # "staged protests to demand reforms": the demand is the protest's purpose
        modality = "asserted"
        node = token
        # "Beijing did not reject the offer, and both sides said ...": a joined clause with its own
        # subject does not share the first clause's negation or modals
        inherits = True
        while True:
            if inherits and (any(c.dep_ == "aux" and c.lower_ in HYPOTHETICAL for c in node.children) or (
                    node.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in CONDITIONAL_MARKS for c in node.children))):
                modality = "hypothetical"
            elif inherits and modality == "asserted" and is_negated(node):
                modality = "negated"
            if node.dep_ == "conj" and any(c.dep_ in ("nsubj", "nsubjpass") for c in node.children):
                inherits = False
            if node.dep_ not in ("ccomp", "xcomp", "conj") or node.head.i == node.i:
                return modality
            parent = node.head
            if node.dep_ == "xcomp" and parent.lemma_.lower() in self.patterns.aspect_verbs:
                node = parent  # "continued to send arms": the sending is the event
                continue
            if node.dep_ != "conj" and not (node.dep_ == "xcomp" and self.intent_head(parent)):
                return modality if parent.lemma_.lower() in self.patterns.say_verbs else None
            node = parent.head if parent.dep_ == "acomp" and parent.head.i != parent.i else parent

    def of_verb(self, verb: Any) -> str | None:
        """`of` for a verb the patterns need not know."""
        return self.of(verb) if verb.pos_ in ("VERB", "AUX") else "asserted"

    def code(self, verb: Any, cameo: str, modality: str) -> tuple[str, str, list[str]]:
        """The code and modality of an event `cameo` stated by `verb`, whose modality is
        `modality`: "will not release" is a refusal (asserted), "will visit" and "agreed to
        visit" an intent to visit."""
        if modality == "negated" and self.future(verb) and self.patterns.refusal(cameo) is not None:
            refusal = self.patterns.refusal(cameo) or cameo
            return refusal, "asserted", [f"stated as refused: CAMEO {cameo} coded as {refusal}"]
        if modality == "asserted" and self.intended(verb):
            intent = self.patterns.intent(cameo)
            return intent, "intended", [f"stated as intended: CAMEO {cameo} coded as intent {intent}"] if intent != cameo else []
        return cameo, modality, []

    def future(self, verb: Any) -> bool:
        return any(c.dep_ == "aux" and c.lower_ in self.patterns.intent_auxiliaries for c in verb.children)

    def intended(self, verb: Any) -> bool:
        """Will do, would do, agreed to do, is willing to do."""
        return self.future(verb) or ((verb.dep_ == "xcomp" or purpose(verb)) and self.intent_head(verb.head))

    def intent_head(self, token: Any) -> bool:
        return (token.pos_ == "VERB" and self.matcher.lemma(token) in self.patterns.intent_verbs) or (
            token.pos_ == "ADJ" and token.lower_ in self.patterns.intent_adjectives)

    def defers_to_complement(self, verb: Any, pattern: Pattern) -> bool:
        """"Threatened to impose sanctions": the complement says what is threatened, so the
        complement is coded (as intent) and the governing verb is not, unless its own
        pattern already names the complement."""
        if pattern.xcomp is not None or verb.lemma_.lower() not in self.patterns.intent_verbs:
            return False
        own = self.codebook[pattern.cameo].plover_type
        for complement in children(verb, "xcomp"):
            match = self.matcher.match(complement) if complement.pos_ == "VERB" else None
            if match is None or self.of(complement) != "asserted":
                continue
            intended = self.codebook[self.patterns.intent(match[0].cameo)].plover_type
            # "agreed to hold exercises" stays an agreement, "threatened to send refugees" a threat
            return not (own in ("AGREE", "THREATEN") and intended != own)
        return False

    def named_by_governor(self, verb: Any) -> bool:
        """"Agreed to meet": when the governing verb codes the event itself (its pattern names
        this complement, or it does not defer to it), the complement is not coded again."""
        governor = verb.head
        if verb.dep_ != "xcomp" or governor.pos_ != "VERB" or not self.intent_head(governor):
            return False
        match = self.matcher.match(governor)
        return match is not None and (verb in match[1] or not self.defers_to_complement(governor, match[0]))

    def governing_verb(self, token: Any) -> Any:
        """The verb that states what a phrase's actor does: the verb it is an argument of
        ("police" in "detained by police": detained), or the sentence's root; past a speech
        verb to what it reports ("Putin said he hoped to meet Abe": meet), and past a verb of
        intent to what is intended, which is what sets the modality."""
        node = token.head
        while node.pos_ not in ("VERB", "AUX") and node.head.i != node.i:
            node = node.head
        while True:
            reported = [c for c in node.children if c.dep_ == "ccomp" and c.pos_ in ("VERB", "AUX")]
            if node.lemma_.lower() in self.patterns.say_verbs and reported:
                node = reported[0]
                continue
            intended = [c for c in node.children if c.dep_ == "xcomp" and c.pos_ == "VERB"]
            if intended and (self.intent_head(node) or node.lemma_.lower() in self.patterns.aspect_verbs):
                node = intended[0]
                continue
            return node


def is_negated(verb: Any) -> bool:
    """"did not", "never", and "no longer" (whose "no" the parser hangs on "longer")."""
    return any(c.dep_ == "neg" or (c.dep_ == "advmod" and any(g.dep_ == "neg" for g in c.children))
               for c in verb.children)

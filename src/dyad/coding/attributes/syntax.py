"""The parse of a sentence as the attributes read it: the verb of an event's trigger, the
token at an offset, and whether a verb governs a token (a date or a place hangs from the verb)."""

from __future__ import annotations

import bisect
from typing import Any

from ...types import Event, Sentence


def trigger_token(sentence: Sentence, event: Event) -> Any:
    """The verb of the event's trigger: its first word ("signed a pact"), or in a parsed
    passive whose trigger starts with the subject ("the pact was signed") the trigger's main verb,
    which is what a date phrase hangs from ("... was signed on Thursday")."""
    token = token_at(sentence, event.trigger[0])
    if token is None:
        return sentence.span.root
    if token.pos_ in ("VERB", "AUX") or not token.doc.has_annotation("DEP"):
        return token
    start, end = event.trigger[0] - sentence.offset, event.trigger[1] - sentence.offset
    verbs = [t for t in sentence.span if start <= t.idx < end and t.pos_ == "VERB"]
    return verbs[0] if verbs else token


def token_at(sentence: Sentence, start: int) -> Any:
    """The token starting at offset `start` of the article, found by bisection: a scan of the
    sentence per mention is quadratic in a long unparsed sentence full of places."""
    span = sentence.span
    i = bisect.bisect_left(span, start - sentence.offset, key=lambda token: token.idx)
    return span[i] if i < len(span) and span[i].idx + sentence.offset == start else None


def governed_by(token: Any, verb: Any) -> bool:
    node = token
    while node.head.i != node.i:
        node = node.head
        if node.i == verb.i:
            return True
        if node.pos_ in ("VERB", "AUX") and node.dep_ not in ("aux", "auxpass"):
            return False
    return False

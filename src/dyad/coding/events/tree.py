"""Reading the dependency parse: the sentence being coded (which actor mention starts at
which token) and the small walks over the tree that every part of the coder shares: a verb's
subject, a token's children of some kinds, a noun phrase and its head, the offsets of a trigger.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...types import Article, Mention, Sentence

NP_DEPS = {"compound", "amod", "poss", "nmod", "det", "case", "appos", "flat", "nummod", "quantmod", "punct", "cc", "conj"}
TRIGGER_GAP = 3  # trigger words further than this from the verb stay out of the evidence span
NP_PREPS = {"of", "from", "in", "throughout", "across"}  # "students throughout Indonesia"
RELATIVE_PRONOUNS = {"which", "who", "that", "whom"}


@dataclass
class Context:
    article: Article
    sentence: Sentence
    by_token: dict[int, Mention]  # doc token index -> the mention starting there
    mention_tokens: dict[int, Mention]  # doc token index -> the mention covering it


def context(article: Article, sentence: Sentence) -> Context:
    span = sentence.span
    char_to_token = {t.idx + sentence.offset: t.i for t in span}
    by_token: dict[int, Mention] = {}
    mention_tokens: dict[int, Mention] = {}
    for mention in article.mentions_in(sentence.index):
        if mention.start not in char_to_token:
            continue
        first = char_to_token[mention.start]
        by_token[first] = mention
        # the mention's tokens run on from its first: visiting only those keeps this linear
        # in the sentence however many mentions it has
        for t in span.doc[first : span.end]:
            if t.idx + sentence.offset >= mention.end:
                break
            mention_tokens[t.i] = mention
    return Context(article, sentence, by_token, mention_tokens)


def children(token: Any, *deps: str) -> list[Any]:
    return [c for c in token.children if c.dep_ in deps]


def subject_of(verb: Any) -> Any:
    """The acting subject: nsubj, the "by" agent of a passive, or a governing verb's subject."""
    for child in verb.children:
        if child.dep_ == "agent":
            objects = children(child, "pobj")
            if objects:
                return objects[0]
    subjects = children(verb, "nsubj")
    if subjects and verb.dep_ == "relcl" and subjects[0].lower_ in RELATIVE_PRONOUNS:
        return verb.head  # "Russia, which attacked Ukraine in 2014, ...": the noun it describes
    if subjects:
        return subjects[0]
    if any(c.dep_ == "nsubjpass" for c in verb.children):
        return None  # a passive without its agent names no source
    if verb.dep_ in ("xcomp", "conj", "advcl", "acomp") and verb.head.i != verb.i:
        return subject_of(verb.head)
    return None


def conjuncts(token: Any) -> list[Any]:
    out = []
    for child in token.children:
        if child.dep_ == "conj":
            out.append(child)
            out.extend(conjuncts(child))
    return out


def phrase(head: Any) -> set[int]:
    """Token indices of the noun phrase headed by `head`, without clauses or its conjuncts."""
    tokens = {head.i}
    stack = [head]
    while stack:
        token = stack.pop()
        for child in token.children:
            if child.dep_ in ("conj", "cc") and token.i == head.i:
                continue  # "Japan and China": separate actors, see `Phrases.actors`
            if child.dep_ in NP_DEPS or (child.dep_ == "prep" and child.lower_ in NP_PREPS) or (child.dep_ == "pobj" and token.dep_ == "prep"):
                tokens.add(child.i)
                stack.append(child)
    return tokens


def np_head(token: Any) -> Any:
    while token.dep_ in ("compound", "amod", "flat", "poss", "case") and token.head.i != token.i:
        token = token.head
    return token


def purpose(verb: Any) -> bool:
    """A clause of purpose or manner: "to demand reforms", "..., demanding compensation"."""
    if verb.dep_ != "advcl" or verb.pos_ != "VERB" or verb.head.pos_ != "VERB":
        return False
    infinitive = any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)
    participle = verb.tag_ == "VBG" and not any(c.dep_ in ("nsubj", "mark") for c in verb.children)
    return infinitive or participle


def token_span(tokens: list[Any], ctx: Context) -> tuple[int, int]:
    """Offsets of the verb and the trigger words next to it ("imposed sanctions", "insists on")."""
    first = last = tokens[0]
    for token in sorted(tokens[1:], key=lambda t: abs(t.i - tokens[0].i)):
        if token.i > last.i and token.i - last.i <= TRIGGER_GAP:
            last = token
        elif token.i < first.i and first.i - token.i <= TRIGGER_GAP:
            first = token
    return first.idx + ctx.sentence.offset, last.idx + len(last) + ctx.sentence.offset


def span_root(ctx: Context, start: int, end: int) -> Any:
    """The head token of the words at article offsets [start, end) of a parsed sentence, or
    None when they hold no token."""
    offset = ctx.sentence.offset
    span = ctx.sentence.span.doc.char_span(start - offset, end - offset, alignment_mode="expand")
    return span.root if span is not None and len(span) else None

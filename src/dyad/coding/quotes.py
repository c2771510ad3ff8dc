"""Quotes: who said what, with offsets, and which events came from a quote.

- **direct**: text between quotation marks, with the speaker the subject of a speech verb in
  the same sentence ("...," the minister said) or, for a quote standing alone, the speaker of
  the sentence just before it ("We will not give up," she said. "Our position is unchanged.");
- **indirect**: the clause a speech verb reports ("a government spokesman later said Japan
  still insists on ...").

The speaker is resolved as any actor is (`events/phrases.py`), or kept as text when the
knowledge base does not know them. An event whose words lie inside a quote is linked to it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from ..types import Actor, Article
from .actors.discourse import situate
from .events.rules import EventCoder
from .events.tree import Context, context, subject_of

__all__ = ["Quote", "QuoteFinder"]

_QUOTED = re.compile(r"[\"“]([^\"“”]{3,})[\"”]")


@dataclass(frozen=True)
class Quote:
    id: str
    start: int
    end: int
    text: str
    kind: str  # direct | indirect
    speaker: Actor | None
    speaker_text: str | None
    sentence: int


class QuoteFinder:
    """Sets `Article.quotes` and links events to the quote they came from (`Event.quote`)."""

    def __init__(self, coder: EventCoder) -> None:
        self.coder = coder

    def __call__(self, article: Article) -> Article:
        quotes: list[Quote] = []
        by_sentence: dict[int, list[Quote]] = {}  # a quote lies inside its sentence
        last_speaker: tuple[Actor | None, str | None] = (None, None)
        for sentence in article.sentences:
            ctx = context(article, sentence)
            quoted = [(sentence.start + m.start(), sentence.start + m.end()) for m in _QUOTED.finditer(sentence.text)]
            speaker = self._speaker(sentence.span, ctx, quoted) if sentence.parsed else (None, None)
            here = by_sentence.setdefault(sentence.index, [])
            for match in _QUOTED.finditer(sentence.text):
                start, end = sentence.start + match.start(1), sentence.start + match.end(1)
                who = speaker if speaker != (None, None) else last_speaker
                here.append(_quote(article.id, start, end, article.text[start:end], "direct", who, sentence.index))
            if speaker != (None, None):
                last_speaker = speaker
            for token in sentence.span if sentence.parsed else ():
                if token.dep_ == "ccomp" and token.head.lemma_.lower() in self.coder.patterns.say_verbs \
                        and not _within(token.head.idx + sentence.offset, quoted):
                    clause = list(token.subtree)
                    start = clause[0].idx + sentence.offset
                    end = clause[-1].idx + len(clause[-1]) + sentence.offset
                    if any(q.start <= start and end <= q.end for q in here):
                        continue  # already inside a direct quote
                    who = self._who(token.head, ctx)
                    here.append(_quote(article.id, start, end, article.text[start:end], "indirect", who, sentence.index))
            quotes += here
        article.quotes = quotes
        for event in article.events:  # only its own sentence's quotes: linear in a long article
            inside = [q for q in by_sentence.get(event.sentence, ())
                      if q.start <= event.trigger[0] and event.trigger[1] <= q.end]
            if inside:
                event.quote = min(inside, key=lambda q: q.end - q.start).id
        return article

    def _speaker(self, span: Any, ctx: Context, quoted: list[tuple[int, int]]) -> tuple[Actor | None, str | None]:
        """The subject of the sentence's speech verb outside the quotation marks."""
        for token in span:
            if token.lemma_.lower() in self.coder.patterns.say_verbs and token.pos_ == "VERB" \
                    and not _within(token.idx + ctx.sentence.offset, quoted):
                who = self._who(token, ctx)
                if who != (None, None):
                    return who
        return None, None

    def _who(self, say: Any, ctx: Context) -> tuple[Actor | None, str | None]:
        subject = subject_of(say)
        if subject is None or subject.lower_ in ("i", "we", "you"):
            return None, None
        actors = self.coder.phrases.actors(subject, ctx)
        actor = situate(actors[0], ctx.article, self.coder.dictionary, ctx.sentence.index) if actors else None
        text = str(subject.doc[subject.left_edge.i : subject.i + 1].text)
        return actor, text


def _within(offset: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= offset < end for start, end in spans)


def _quote(article_id: str, start: int, end: int, text: str, kind: str, who: tuple[Actor | None, str | None],
           sentence: int) -> Quote:
    digest = hashlib.sha256(f"{article_id}|{start}|{end}".encode()).hexdigest()[:16]
    return Quote(digest, start, end, text, kind, who[0], who[1], sentence)

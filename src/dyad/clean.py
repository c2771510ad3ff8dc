"""Stage 2, clean: mark the boilerplate that scraped news carries, keep the offsets.

The text is split into blocks (paragraphs, or lines when a line is a unit of its own). A block
is removed, with a reason recorded on the article, when it is:

- ``duplicate``: the same text as another block (photo captions are repeated by many sites);
- ``caption``: it reads like a photo caption ("(L)", "(R)", "Photo:");
- ``credit``: a bare credit or agency line ("Reuters", "AFP Photo");
- ``title``: the headline repeated at the top of the text;
- ``heading``: a short line that does not end a sentence (section headings); a full stop
  followed by emoji, symbols, closing quotes or invisible characters (a zero-width space, a
  directional mark) still ends one;
- ``fragment``: trailing page furniture ("Advertisement", "Share this article");
- ``dateline``: the place-and-date prefix of a wire story ("KYIV, Aug 18 (Reuters) -"),
  cut off the front of the first paragraph so it is not read as part of the first sentence.

A title, heading or short trailing block is kept after all when nothing else would be: an
article of one line is that line, not a headline over nothing. The text itself is never rewritten; later stages parse only the kept blocks.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from .types import Article, Block

__all__ = ["clean", "ends_sentence", "split_blocks"]

_CREDIT = re.compile(
    r"^(?:(?:photo|image|file photo|picture|credit|source)s?\s*[:/]\s*.*"
    r"|(?:reuters|afp|ap|associated press|getty images|epa|xinhua|tass|yonhap|kyodo|anadolu|bloomberg|efe|ansa|dpa|upi)"
    # after the agency: credit words, each maybe followed by one other word; that word may
    # not start with a credit word nor stop inside a word, so the line splits one way only
    # (else "Reuters file file file ..." backtracks exponentially)
    r"(?:\s*(?:/|photo|file|pool|via getty images|images)(?:\s*(?!/|photo|file|pool|via getty images|images)\w+\b)?)*)$",
    re.IGNORECASE,
)
_CAPTION = re.compile(r"\((?:L|R|C|\d(?:st|nd|rd|th) [LR]|left|right|centre|center|file|file photo)\)", re.IGNORECASE)
_FURNITURE = re.compile(
    r"^(?:advertisement|share this(?: article| story)?|read more.*|related(?: coverage| articles| stories)?|"
    r"sign up.*|subscribe.*|follow us.*|click here.*|comments?|copyright.*|©.*|all rights reserved.*|"
    r"more on this story|most read|top stories|loading\W*)$",
    re.IGNORECASE,
)
_DATELINE = re.compile(
    # PLACE or PLACE/PLACE, in capitals; "/" only between words, so that "A/B/C..." splits
    # one way (it could be a word's or a separator's: exponential backtracking)
    r"(?P<place>[A-Z][A-Z.'’-]*(?:[ /][A-Z][A-Z.'’-]*)*)"
    r"(?:,\s*[A-Z][a-z]+\.?)?"  # an optional region: ", Calif."
    r"(?P<date>,?\s*(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][a-z]{2,8}))?"
    r"(?P<agency>\s*\([A-Za-z .]+\))?"
    r"\s*[-–—]+\s+"
)
# What ends a sentence, in the scripts news comes in: . ! ? … and their CJK, Arabic and
# Devanagari forms.
_TERMINALS = frozenset(".!?…‼⁇⁈⁉。！？｡؟।॥")
# What may follow the full stop without making the block a heading: invisible format
# characters (zero-width space, directional marks, BOM, word joiner: category Cf), spaces of
# every kind, emoji and other symbols (So, Sk: 🙂, ©, skin tones), the combining marks and
# enclosing keycaps that emoji sequences carry (Mn, Me), and closing quotes and brackets.
_TRAILING = frozenset({"Cf", "Zs", "Zl", "Zp", "Cc", "So", "Sk", "Mn", "Me", "Co", "Pe", "Pf", "Pi"})
_KEYCAP = re.compile("[0-9#*]\ufe0f?\u20e3")  # the emoji 1️⃣: a digit, then the keycap around it
# Reasons guessed from a block's shape and place alone: a title or heading heads something, and
# an article all of whose blocks look like that is text, not boilerplate.
_SHAPE_REASONS = frozenset({"title", "heading", "short"})
_HEADING_MAX_WORDS = 14


def split_blocks(text: str) -> list[tuple[int, int]]:
    """(start, end) of each block: a paragraph, or each line of a paragraph whose lines end
    sentences or are short (scraped pages put captions and credits on lines of their own)."""
    spans: list[tuple[int, int]] = []
    for para in re.finditer(r"(?:[^\n]|\n(?![ \t\f\v\r]*\n))+", text):
        lines = [(m.start() + para.start(), m.end() + para.start()) for m in re.finditer(r"[^\n]+", para.group())]
        pairs = zip(lines, lines[1:], strict=False)
        if len(lines) > 1 and not all(_stands_alone(text[a:b], text[c:d]) for (a, b), (c, d) in pairs):
            lines = [(para.start(), para.end())]  # a hard-wrapped paragraph: keep it whole
        for start, end in lines:
            start, end = _strip(text, start, end)
            if end > start:
                spans.append((start, end))
    return spans


def _stands_alone(line: str, following: str) -> bool:
    """A line is a unit of its own when it ends a sentence, or is short and the next line does
    not carry on in lower case (a wrapped sentence does)."""
    line = line.strip()
    following = following.strip()
    if ends_sentence(line):
        return True
    return len(line.split()) <= _HEADING_MAX_WORDS and not following[:1].islower()


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


def clean(article: Article) -> Article:
    spans = split_blocks(article.text)
    texts = [article.text[s:e] for s, e in spans]
    counts = Counter(_normal(t) for t in texts)
    title = _normal(article.title) if article.title else None
    reasons: list[str | None] = [_reason(t, counts, title) for t in texts]
    # Page furniture trails the article: drop unpunctuated short blocks at the end too.
    for i in range(len(texts) - 1, -1, -1):
        if reasons[i] is not None:
            continue
        if not ends_sentence(texts[i]) and len(texts[i].split()) <= 6:
            reasons[i] = "short"
            continue
        break
    if None not in reasons:  # nothing left: the "headings" are the article itself
        reasons = [None if r in _SHAPE_REASONS else r for r in reasons]
    reasons = ["fragment" if r == "short" else r for r in reasons]
    blocks = [Block(s, e, r) for (s, e), r in zip(spans, reasons, strict=True)]
    article.blocks = _cut_dateline(article.text, blocks)
    return article


def _cut_dateline(text: str, blocks: list[Block]) -> list[Block]:
    for i, block in enumerate(blocks):
        if block.removed is not None:
            continue
        match = _DATELINE.match(text, block.start, block.end)
        if match is None or match.end() >= block.end:
            return blocks
        if not (match["date"] or match["agency"]) and len(match["place"]) < 5:
            return blocks  # "NATO - the alliance - said": an acronym, not a place
        dateline = Block(block.start, match.end(), "dateline")
        return [*blocks[:i], dateline, Block(match.end(), block.end), *blocks[i + 1 :]]
    return blocks


def _reason(text: str, counts: Counter[str], title: str | None) -> str | None:
    norm = _normal(text)
    if title is not None and norm == title:
        return "title"
    if _CREDIT.match(text.strip()):
        return "credit"
    if _FURNITURE.match(text.strip()):
        return "fragment"
    if counts[norm] > 1 and len(norm) >= 20:
        return "duplicate"
    if _CAPTION.search(text):
        return "caption"
    if not ends_sentence(text) and len(text.split()) <= _HEADING_MAX_WORDS:
        return "heading"
    return None


def ends_sentence(text: str) -> bool:
    """Whether `text` ends a sentence: its last character that is not invisible, a symbol, an
    emoji or a closing quote or bracket is a full stop, question or exclamation mark."""
    text = _KEYCAP.sub("", text)
    end = len(text)
    while end > 0 and (text[end - 1] in "\"'" or unicodedata.category(text[end - 1]) in _TRAILING):
        end -= 1
    return end > 0 and text[end - 1] in _TERMINALS

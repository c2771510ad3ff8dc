"""Stage 2, clean: mark the boilerplate that scraped news carries, keep the offsets.

The text is split into blocks (paragraphs, or lines when a line is a unit of its own: see
`split_blocks`). A block is removed, with a reason recorded on the article, when it is:

- ``duplicate``: the same text as another block (photo captions are repeated by many sites);
- ``caption``: it reads like a photo caption ("(L)", "(R)", "[Photo] ...", "Pictured: ...");
- ``credit``: a bare credit or agency line ("Reuters", "AFP Photo", "Photo: ...");
- ``byline``: the writer's line or the agency's reporting credits ("By Jane Doe",
  "(Reporting by ...; Editing by ...)");
- ``timestamp``: the page's date line ("date 2024-06-22", "Updated 3 hours ago");
- ``title``: the headline repeated at the top of the text, or at the start of the first
  block (then cut off it); a first paragraph that repeats the title is kept when it states a
  fact no other block states (the title itself is not coded);
- ``heading``: a short line that does not end a sentence (section headings); a full stop
  followed by emoji, symbols, closing quotes or invisible characters (a zero-width space, a
  directional mark) still ends one;
- ``fragment``: page furniture ("Advertisement", "Share this article", "Related: ...") and a
  last sentence the scrape cut off (no final stop, or a closing "..." that stands for the rest);
- ``dateline``: the place-and-date prefix of a wire story ("KYIV, Aug 18 (Reuters) -",
  "NAIROBI, Kenya —Kenya's ...", "Nairobi (AFP) -"), cut off the front of the first paragraph
  so it is not read as part of the first sentence, or a line of its own; the attributes stage
  takes where the story was filed from it.

A title, heading or short trailing block is kept after all when nothing else would be: an
article of one line is that line, not a headline over nothing. The text itself is never
rewritten; later stages parse only the kept blocks, and spaCy reads them folded (`fold`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from ..types import Article, Block

__all__ = ["clean", "ends_sentence", "fold", "split_blocks"]

# Typographic variants and the ASCII character they stand for, one character for one, so a
# folded copy of a text has its length and its offsets: apostrophes and primes, double quotes,
# Unicode spaces (no-break, thin, ideographic, ...), and hyphens and minus signs. En and em
# dashes stay: they are not hyphens, and spaCy already reads them as punctuation.
_FOLDS = str.maketrans({
    **dict.fromkeys("’‘‛′ʼ＇", "'"),
    **dict.fromkeys("“”„‟″«»＂", '"'),
    **dict.fromkeys("\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
                    "\u202f\u205f\u3000", " "),
    **dict.fromkeys("\u2010\u2011\u2212\ufe63\uff0d", "-"),
})

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
_DATELINE_END = (
    r"(?P<date>,?\s*(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][a-z]{2,8})(?:,?\s+\d{4})?)?"
    # the agency: capitalised words ("(Reuters)", "(Kyodo News)"), not an aside "(a US ally)"
    r"(?P<agency>\s*\([A-Z][A-Za-z.&/'’-]*(?: [A-Z][A-Za-z.&/'’-]*){0,3}\))?"
    # the dash, then a space, or glued to the first word when it is an en or em dash
    # ("Kenya —Kenya's"), or the end of a line that is the dateline alone
    r"\s*(?:[-–—]+(?:\s+|$)|[–—](?=\S))"
)
_DATELINE = re.compile(
    # PLACE or PLACE/PLACE, in capitals; "/" only between words, so that "A/B/C..." splits
    # one way (it could be a word's or a separator's: exponential backtracking)
    r"(?P<place>[A-Z][A-Z.'’-]*(?:[ /][A-Z][A-Z.'’-]*)*)"
    r"(?:,\s*[A-Z][a-z]+\.?(?: [A-Z][a-z]+)*)?"  # an optional region: ", Calif.", ", South Korea"
    + _DATELINE_END
)
# A place in title case ("Nairobi (Reuters) -") is a dateline only with the agency after it.
_TITLED_DATELINE = re.compile(
    r"(?P<place>[A-Z][a-z'’-]+(?: [A-Z][a-z'’-]+){0,2})(?:,\s*[A-Z][a-z]+\.?(?: [A-Z][a-z]+)*)?" + _DATELINE_END
)
# Lines that scraping leaves around the story, by what they say: bylines and the agency's
# reporting credits, timestamps, photo captions and links to other stories.
_BYLINE_WORDS = frozenset({"and", "&", "|", "in", "for", "with", "at", "staff", "de", "van", "von", "al", "bin", "-", "–", "—"})
_CREDITS = re.compile(r"^\(?(?:additional |\w+ )?(?:reporting|writing|editing|compiled|translated) by\b.*$", re.IGNORECASE)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_TIMESTAMP = re.compile(
    r"^(?:date|dated|published|posted|updated|last updated|first published|modified|time)\b\s*(?:on|at)?\s*[:|-]?\s*"
    # then a date or a time: 2024-06-22, 22/06/2024, 10:42, June 22, 22 June, 3 hours ago,
    # a weekday, today
    r"(?:\d{1,4}[-/.:]\d|\d+\s*(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|h|days?|weeks?|months?)\s+ago"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}|{_MONTH}\s+\d|(?:mon|tues|wednes|thurs|fri|satur|sun)day"
    r"|today|yesterday|just now)",
    re.IGNORECASE,
)
_CAPTION_LINE = re.compile(
    r"^(?:\[(?:photo|image|picture|video|gallery|file)[^\]]*\]|\((?:photo|image|picture|video|file)[^)]*\)"
    r"|(?:pictured|above|top|main picture|caption|watch|video|listen|gallery)\s*[:|-]).*$",
    re.IGNORECASE,
)
_LINK_LINE = re.compile(r"^(?:related|read more|read also|also read|see also|more|recommended|watch)\s*[:|»>-].*$",
                        re.IGNORECASE)
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
# In a hard-wrapped paragraph, a line shorter than this share of its longest line is not
# wrapped: wrapping leaves a line short by at most the next word.
_WRAP_SHARE = 0.7
_TIMESTAMP_MAX_WORDS = 10
# Words of under four letters that still carry a fact when the lede is compared with the rest.
_SHORT_FACTS = frozenset({"un", "eu", "us", "uk", "au", "war", "ban", "aid", "oil", "gas", "not", "no", "new"})
# A sentence's end inside a block: a final mark and its closing quotes or brackets, then a space.
_SENTENCE_END = re.compile(r"[.!?…。！？؟।][\"'’”)\]]*(?=\s)")
# A block that ends at an ellipsis is a scrape's preview, cut where the page said "read more".
_ELLIPSIS_END = re.compile(r"(?:\.\.\.|…)\s*\]?\s*$|\[(?:\.\.\.|…)\]\s*$")


def split_blocks(text: str) -> list[tuple[int, int]]:
    """(start, end) of each block: a paragraph, or each line of a paragraph whose lines end
    sentences or are short (scraped pages put captions and credits on lines of their own).
    A line ends a block when it, or the next, is page furniture by what it says ("By ...",
    "Pictured: ..."), or when the next line does not carry on in lower case and the line ends
    a sentence or is short and not wrapped: clearly shorter than the paragraph's longest line
    (a caption or heading over a paragraph). Other lines are one hard-wrapped paragraph."""
    spans: list[tuple[int, int]] = []
    for para in re.finditer(r"(?:[^\n]|\n(?![ \t\f\v\r]*\n))+", text):
        lines = [(m.start() + para.start(), m.end() + para.start()) for m in re.finditer(r"[^\n]+", para.group())]
        for start, end in _line_groups(text, lines):
            start, end = _strip(text, start, end)
            if end > start:
                spans.append((start, end))
    return spans


def _line_groups(text: str, lines: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The paragraph's lines joined into blocks: a break after each line that stands alone."""
    if not lines:
        return []
    width = max(len(text[a:b].strip()) for a, b in lines)
    groups: list[tuple[int, int]] = []
    start = lines[0][0]
    for (a, b), (c, d) in zip(lines, lines[1:], strict=False):
        line = text[a:b].strip()
        if _boilerplate(line) is not None or _boilerplate(text[c:d].strip()) is not None or (
                _stands_alone(line, text[c:d]) and (ends_sentence(line) or len(line) < _WRAP_SHARE * width)):
            groups.append((start, b))
            start = c
    groups.append((start, lines[-1][1]))
    return groups


def _stands_alone(line: str, following: str) -> bool:
    """A line may be a unit of its own when the next line does not carry on in lower case (a
    wrapped sentence does), and it ends a sentence or is short."""
    line = line.strip()
    if following.strip()[:1].islower():
        return False
    return ends_sentence(line) or len(line.split()) <= _HEADING_MAX_WORDS


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def fold(text: str) -> str:
    """`text` with its typographic variants folded to ASCII ("didn’t" -> "didn't", a no-break
    space -> " "); the result has the same length, so offsets into it index `text`."""
    return text.translate(_FOLDS)


def _normal(text: str) -> str:
    return " ".join(fold(text).lower().split())


def clean(article: Article) -> Article:
    spans = _cut_title(article.text, split_blocks(article.text), article.title)
    texts = [article.text[s:e] for s, e in spans]
    counts = Counter(_normal(t) for t in texts)
    title = _normal(article.title) if article.title else None
    reasons: list[str | None] = [_reason(t, counts, title) for t in texts]
    _keep_lede(texts, reasons)
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
    article.blocks = _cut_unfinished(article.text, _cut_dateline(article.text, blocks))
    return article


def _cut_dateline(text: str, blocks: list[Block]) -> list[Block]:
    """The dateline cut off the front of the first kept block, or the heading-like line before
    it that is the dateline alone ("NAIROBI, Kenya —" on a line of its own)."""
    for i, block in enumerate(blocks):
        if block.removed not in (None, "heading"):
            continue
        match = _dateline(text, block)
        if block.removed == "heading":
            if match is not None and match.end() >= block.end:
                return [*blocks[:i], Block(block.start, block.end, "dateline"), *blocks[i + 1 :]]
            continue
        if match is None or match.end() >= block.end:
            return blocks
        dateline = Block(block.start, match.end(), "dateline")
        return [*blocks[:i], dateline, Block(match.end(), block.end), *blocks[i + 1 :]]
    return blocks


def _dateline(text: str, block: Block) -> re.Match[str] | None:
    """The wire dateline at the start of a block: a place in capitals, or in title case with
    the agency after it ("Nairobi (Reuters) -")."""
    match = _DATELINE.match(text, block.start, block.end)
    if match is not None and (match["date"] or match["agency"] or len(match["place"]) >= 5):
        return match  # a short bare place is an acronym, not a place: "NATO - the alliance - said"
    match = _TITLED_DATELINE.match(text, block.start, block.end)
    return match if match is not None and match["agency"] else None


def _cut_title(text: str, spans: list[tuple[int, int]], title: str | None) -> list[tuple[int, int]]:
    """The first block split after the title when the text starts with the title and goes on
    in the same block ("Kenya, Uganda sign pact\nNAIROBI — ..." on a page with single line
    breaks): the title is a block of its own, and the lede after it is kept."""
    if not title or not spans:
        return spans
    start, end = spans[0]
    words = _normal(title).split()
    found = list(re.finditer(r"\S+", text[start:end]))
    if len(found) <= len(words) or [_normal(m.group()) for m in found[: len(words)]] != words:
        return spans
    after = found[len(words)]
    between = text[start + found[len(words) - 1].end() : start + after.start()]
    if "\n" not in between and (after.group()[:1].islower() or after.group()[:1] in ",;:"):
        return spans  # the title's words begin the lede's sentence: "Kenya recalls envoy to ..."
    cut = start + found[len(words) - 1].end()
    rest = _strip(text, cut, end)
    return [(start, cut), rest, *spans[1:]]


def _keep_lede(texts: list[str], reasons: list[str | None]) -> None:
    """A block that repeats the title is kept when it is a sentence stating something no other
    block states (the title is not coded, so the lede may be the only place of a fact): it
    is a repeat only when every word that carries a fact is found in the other blocks."""
    for i, (text, reason) in enumerate(zip(texts, reasons, strict=True)):
        if reason != "title" or not ends_sentence(text):
            continue
        elsewhere = set().union(*(_facts(t) for j, t in enumerate(texts) if j != i and reasons[j] is None))
        if not _facts(text) <= elsewhere:
            reasons[i] = None


def _facts(text: str) -> set[str]:
    """The words of a text that carry its facts: names, numbers and words of four letters or
    more, folded to lower case ("Kenya's" -> "kenya")."""
    words = re.findall(r"[^\W_]+", fold(text).lower().replace("'s ", " "))
    return {w for w in words if len(w) >= 4 or w.isdigit() or w in _SHORT_FACTS}


def _cut_unfinished(text: str, blocks: list[Block]) -> list[Block]:
    """The last kept block, when its last sentence is cut off (the scrape stopped mid-sentence,
    or at an ellipsis that stands for the rest), loses that sentence as a `fragment`; a block
    that is all one unfinished sentence is one, unless it is all the article keeps."""
    kept = [i for i, b in enumerate(blocks) if b.removed is None]
    if not kept:
        return blocks
    i = kept[-1]
    block = blocks[i]
    body = text[block.start : block.end]
    if ends_sentence(body) and not _ELLIPSIS_END.search(body):
        return blocks
    ends = [m.end() for m in _SENTENCE_END.finditer(body) if m.end() < len(body.rstrip())]
    if not ends:
        if len(kept) == 1:
            return blocks
        return [*blocks[:i], Block(block.start, block.end, "fragment"), *blocks[i + 1 :]]
    cut = block.start + ends[-1]
    start, end = _strip(text, cut, block.end)
    return [*blocks[:i], Block(block.start, cut), Block(start, end, "fragment"), *blocks[i + 1 :]]


def _reason(text: str, counts: Counter[str], title: str | None) -> str | None:
    norm = _normal(text)
    if title is not None and norm == title:
        return "title"
    boilerplate = _boilerplate(text.strip())
    if boilerplate is not None:
        return boilerplate
    if counts[norm] > 1 and len(norm) >= 20:
        return "duplicate"
    if _CAPTION.search(text):
        return "caption"
    if not ends_sentence(text) and len(text.split()) <= _HEADING_MAX_WORDS and not _SENTENCE_END.search(text):
        return "heading"  # a short block with a sentence in it is prose cut short, not a heading
    return None


def _boilerplate(line: str) -> str | None:
    """Why a line is page furniture by what it says (whatever its place on the page), else None."""
    line = fold(line)
    if _CREDIT.match(line):
        return "credit"
    if _FURNITURE.match(line) or _LINK_LINE.match(line):
        return "fragment"
    if _CAPTION_LINE.match(line):
        return "caption"
    if _is_byline(line):
        return "byline"
    if len(line.split()) <= _TIMESTAMP_MAX_WORDS and _TIMESTAMP.match(line):
        return "timestamp"
    return None


def _is_byline(line: str) -> bool:
    """"By Jane Doe", "By JANE DOE and Li Wei in Beijing", "(Reporting by ...; Editing by ...)":
    after "By", names (capitalised words) and the words that join them, and no sentence."""
    if _CREDITS.match(line) and (line.startswith("(") or not ends_sentence(line)):
        return True
    words = line.split()
    if len(words) < 2 or len(words) > 10 or words[0].lower() != "by" or ends_sentence(line):
        return False
    return all(w[:1].isupper() or w.lower().strip(",") in _BYLINE_WORDS for w in words[1:])


def ends_sentence(text: str) -> bool:
    """Whether `text` ends a sentence: its last character that is not invisible, a symbol, an
    emoji or a closing quote or bracket is a full stop, question or exclamation mark."""
    text = _KEYCAP.sub("", text)
    end = len(text)
    while end > 0 and (text[end - 1] in "\"'" or unicodedata.category(text[end - 1]) in _TRAILING):
        end -= 1
    return end > 0 and text[end - 1] in _TERMINALS

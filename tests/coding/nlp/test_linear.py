"""Coding stays linear in the text, however it is punctuated (issue 14).

No timings: each test counts work (function calls, lines run, the size of what the tokenizer,
the sentence recogniser and the parser are given) for an input of size N and one of 4N, and
checks that it grows at most linearly, or stays bounded.
"""

from __future__ import annotations

import cProfile
import functools
import pstats
import random
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import FrameType, SimpleNamespace
from typing import Any

import pytest

from dyad.coding.nlp import MAX_BATCH_TOKENS, MAX_DOC_TOKENS, Parser, tokenise
from dyad.types import Article

COUNTRIES = ["Russia", "Ukraine", "France", "Germany", "China", "Iran", "Israel", "Egypt", "Turkey", "Japan"]
PEOPLE = ["Vladimir Putin", "Emmanuel Macron", "Olaf Scholz", "Xi Jinping"]
CITIES = ["Kyiv", "Paris", "Berlin", "Beijing", "Tehran"]
CLAUSES = ["{a} accused {b} of violating the ceasefire", "{a} met {b} in {c}", "President {p} said {a} would negotiate",
           "{a} threatened sanctions against {b}", "police arrested protesters in {c}", "{p} criticised {b}"]


def run_on(size: int, seed: int, opener: str = "", joiner: str = ", and ") -> str:
    """A paragraph of news-like clauses without a full stop, `size` characters long."""
    rng = random.Random(seed)
    clauses: list[str] = []
    while sum(map(len, clauses)) < size:
        clauses.append(opener + rng.choice(CLAUSES).format(a=rng.choice(COUNTRIES), b=rng.choice(COUNTRIES),
                                                           c=rng.choice(CITIES), p=rng.choice(PEOPLE)))
    return joiner.join(clauses)[:size]


def calls(run: Callable[[], Any]) -> int:
    """The function calls `run` makes (spaCy's compiled code included): a count of its work."""
    profile = cProfile.Profile()
    profile.runcall(run)
    return int(pstats.Stats(profile).total_calls)  # type: ignore[attr-defined]


def lines_in(source: Path, run: Callable[[], Any]) -> int:
    """The lines of `source` that `run` executes, loop iterations counted each time."""
    count = 0
    name = str(source)

    def trace(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if frame.f_code.co_filename != name:
            return None
        if event == "line":
            count += 1
        return trace

    sys.settrace(trace)
    try:
        run()
    finally:
        sys.settrace(None)
    return count


class Recording:
    """Stands in for the spaCy pipeline or a component, recording what it is given."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.texts: list[str] = []  # given to make_doc
        self.batches: list[list[int]] = []  # tokens (or characters, for a text) of each doc given to pipe

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def make_doc(self, text: str) -> Any:
        self.texts.append(text)
        return self.inner.make_doc(text)

    def pipe(self, docs: Iterable[Any], **kwargs: Any) -> Iterator[Any]:
        docs = list(docs)
        self.batches.append([len(d) for d in docs])
        yield from self.inner.pipe(docs, **kwargs)


def article_of(text: str) -> Article:
    from dyad.coding.clean import clean
    from dyad.coding.ingest.records import read_text_item

    return clean(read_text_item(text, id="test", date="2024-03-06"))


def longest_run(texts: Iterable[str]) -> int:
    return max((len(word) for text in texts for word in text.split()), default=0)


@pytest.mark.model
@pytest.mark.parametrize("opener", ["", "“"])  # clauses, or clauses each opening a quote never closed
def test_coding_a_paragraph_without_full_stops_is_linear_work(pipeline: Any, opener: str) -> None:
    small, large = run_on(4_000, 1, opener), run_on(16_000, 2, opener)
    pipeline.code_text(run_on(1_000, 3, opener), date="2024-03-06")  # first use: lazy loading is not the text's
    work = [calls(functools.partial(pipeline.code_text, text, date="2024-03-06")) for text in (small, large)]
    assert work[1] <= 5 * work[0], work  # 4x the text, 4x the work (quadratic: 16x)
    article = pipeline.code_text(large, date="2024-03-06")
    assert len(article.mentions) > 500
    assert all(article.text[m.start : m.end] == m.text for m in article.mentions)


@pytest.mark.model
@pytest.mark.parametrize("unit", [",", "(", "$", "a", "”", "Russia,", "-)"])
def test_the_tokenizer_never_gets_a_long_run(nlp: Any, pipeline: Any, unit: str) -> None:
    """spaCy strips a run's prefixes and suffixes one search at a time: quadratic in the run."""
    runs = []
    for size in (1_000, 4_000):
        recording = Recording(nlp)
        parser = Parser(recording, sifter=pipeline.parser.sifter)
        text = "Russia accused Ukraine of " + unit * (size // len(unit)) + " in Kyiv."
        article = parser(article_of(text))
        runs.append(longest_run(recording.texts))
        assert "".join(s.text for s in article.sentences).replace(" ", "") == text.replace(" ", "")
        for sentence in article.sentences:
            assert text[sentence.start : sentence.end] == sentence.text
            assert sentence.span[0].idx + sentence.offset == sentence.start
    assert runs[1] == runs[0] < 100


@pytest.mark.model
def test_an_article_longer_than_spacys_limit_is_coded(nlp: Any, pipeline: Any) -> None:
    """`--max-chars` may exceed spaCy's `nlp.max_length`: no text that long reaches spaCy."""
    text = run_on(20_000, 4) + ". Russia accused Ukraine of shelling Kyiv."
    limit = nlp.max_length
    nlp.max_length = 5_000
    try:
        article = pipeline.code_text(text, date="2024-03-06")
    finally:
        nlp.max_length = limit
    assert article.sentences[-1].text == "Russia accused Ukraine of shelling Kyiv."
    assert [e.event_type for e in article.events] != []


@pytest.mark.model
@pytest.mark.parametrize("parse_all", [False, True])
def test_the_recogniser_and_parser_get_bounded_docs(nlp: Any, pipeline: Any, parse_all: bool) -> None:
    """The parser's time on a doc without sentence ends is quadratic in it, and the sentence
    recogniser's memory grows with the tokens of a batch: both are given bounded amounts."""
    words = 30_000
    recording = Recording(nlp)
    parser = Parser(recording, sifter=None if parse_all else pipeline.parser.sifter)
    splitter = parser.splitter = Recording(parser.splitter)
    article = parser(article_of(" ".join(["troops", "and", "police"] * (words // 3))))
    assert article.sentences[0].start == 0 and article.sentences[-1].end == len(article.text)
    given = [*recording.batches, *splitter.batches]
    assert max(n for batch in given for n in batch) <= MAX_DOC_TOKENS < words
    assert max(sum(batch) for batch in given) <= MAX_BATCH_TOKENS < words


@pytest.mark.model
def test_linking_quotes_and_events_is_linear_in_the_article(pipeline: Any) -> None:
    """Each event is linked to a quote of its own sentence, not looked up among them all."""
    finder = dict(pipeline.stages)["quotes"]
    source = Path(sys.modules[type(finder).__module__].__file__ or "")
    work = []
    for sentences in (100, 400):
        article = pipeline.code_text(" ".join(["“It was a long dry summer here,” it was."] * sentences))
        quotes = [q for q in article.quotes if q.kind == "direct"]
        assert len(quotes) == sentences
        article.events = [SimpleNamespace(trigger=(q.start, q.start + 2), sentence=q.sentence, quote=None)
                          for q in quotes]
        work.append(lines_in(source, functools.partial(finder, article)))
        assert [e.quote for e in article.events] == [q.id for q in article.quotes]
    assert work[1] <= 5 * work[0], work


@pytest.mark.parametrize("line", ["A/" * 40 + "x.", "Reuters " + "file " * 40 + "!", "AFP " + "photo" * 40 + "!"])
def test_boilerplate_patterns_do_not_backtrack_exponentially(line: str) -> None:
    """A dateline or credit pattern that can match a line in many ways takes 2^n steps on a
    line that it does not match: these would not finish for years."""
    code = ("import sys; from dyad.coding.clean import clean; from dyad.coding.ingest.records import read_text_item; "
            "a = clean(read_text_item(sys.argv[1] + '\\n\\nRussia accused Ukraine of shelling Kyiv.', id='x')); "
            "print(len(a.kept_blocks))")
    done = subprocess.run([sys.executable, "-c", code, line], capture_output=True, text=True, timeout=120, check=True)
    assert int(done.stdout) >= 1


def test_tokenise_keeps_the_text_exactly(nlp: Any) -> None:
    rng = random.Random(5)
    alphabet = [" ", "  ", "\n", ",", ".", "(", ")", "“", "$", "ab", "Russia", "-", "\u200b"]
    for _ in range(200):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 300)))
        docs = tokenise(nlp, text)
        assert "".join(doc.text for _, doc in docs) == text
        assert all(text[offset : offset + len(doc.text)] == doc.text for offset, doc in docs)
    prose = "Russia met Ukraine in Kyiv, and (France) said “no” at http://example.com/a?b=1. " * 3_000
    assert [t.text for _, doc in tokenise(nlp, prose) for t in doc] == [t.text for t in nlp.make_doc(prose)]

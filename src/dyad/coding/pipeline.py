"""The pipeline: ingest -> clean -> nlp -> actors -> events -> attributes -> quotes -> signature -> store.

Every stage takes an `Article` and returns it; the loop checks that it did, so a stage that
forgets to return breaks loudly. A stage with a `pipe` method takes the whole batch at once:
the parser (spaCy is much faster on batches) and the events stage (the event model too).
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import DyadError, InputError
from ..model.infer import EventModel
from ..store.store import Store
from ..types import Article
from .actors.knowledge import ActorDictionary, default_dictionary
from .actors.tagger import ActorTagger
from .attributes.attributes import Attributes
from .clean import clean
from .events.combine import CombinedCoder, Policy
from .events.rules import EventCoder
from .ingest.files import read
from .ingest.records import MAX_CHARS, read_text_item
from .nlp import MAX_SENTENCE_TOKENS, Parser, load_model
from .quotes import QuoteFinder
from .sift import Sifter
from .signature import sign

__all__ = ["Pipeline", "RunReport", "code_articles", "code_paths", "code_safely"]

Stage = Callable[[Article], Article]
WRITE_SIZE = 256  # articles per store transaction: a write costs about 70 ms whatever its size


@dataclass
class RunReport:
    """What a run stored. `replaced`: stored articles it replaced with another text under the
    same id (re-coding an article with the same text replaces nothing worth counting)."""

    articles: int = 0
    events: int = 0
    errors: list[InputError] = field(default_factory=list)
    words: int = 0
    seconds: float = 0.0
    replaced: int = 0

    def throughput(self) -> str:
        """The run's one-line summary of speed."""
        seconds = max(self.seconds, 1e-9)
        return (f"{self.articles} articles, {self.words} words in {self.seconds:.1f} s: "
                f"{self.articles / seconds:.1f} articles/s, {self.words / seconds:.0f} words/s")


class Pipeline:
    """The stages after ingest, configured once; reuse one Pipeline for many articles."""

    def __init__(self, nlp: Any = None, actors: Iterable[str | Path] = (), parse_all: bool = False,
                 max_sentence_tokens: int = MAX_SENTENCE_TOKENS, coder: str = "combined",
                 model: EventModel | str | Path | None = None) -> None:
        """`actors`: the user's own actor files or folders, added to the built-in knowledge
        base and winning over it (see `actors.loading.extend`). `parse_all`: parse every
        sentence, not only those the pre-pass keeps (`dyad.coding.sift`); a sentence of more than
        `max_sentence_tokens` tokens is never parsed. `coder`: "combined" (the patterns and
        the event model, `dyad.coding.events.combine`), "rules" (the patterns alone, `--rules-only`) or
        "model"; `model`: the event model or its folder (default: the one Dyad ships).
        Raises EventModelError when the model is needed and cannot be loaded."""
        nlp = nlp if nlp is not None else load_model()
        actors = list(actors)
        self.actor_paths = actors  # a worker process builds its own Pipeline from them
        self.parse_all = parse_all
        self.max_sentence_tokens = max_sentence_tokens
        self.dictionary = ActorDictionary.load(extra=actors) if actors else default_dictionary()
        tagger = ActorTagger(nlp, self.dictionary)
        rules = EventCoder(dictionary=self.dictionary)
        policy = Policy(use=coder)
        if policy.use != "rules" and not isinstance(model, EventModel):
            model = EventModel.load(Path(model) if model is not None else None)
        self.event_model = model if policy.use != "rules" and isinstance(model, EventModel) else None
        self.coder = CombinedCoder(rules, self.event_model, policy)
        self.parser = Parser(nlp, sifter=None if parse_all else Sifter(nlp, tagger, rules.patterns),
                             max_tokens=max_sentence_tokens)
        self.stages: list[tuple[str, Stage]] = [
            ("clean", clean),
            ("nlp", self.parser),
            ("actors", tagger),
            ("events", self.coder),
            ("attributes", Attributes(self.dictionary)),
            ("quotes", QuoteFinder(rules)),
            ("signature", sign),
        ]

    def settings(self) -> dict[str, Any]:
        """What a worker process needs to build the same Pipeline: `Pipeline(**settings)`."""
        model = self.event_model.folder if self.event_model is not None else None
        return {"actors": self.actor_paths, "parse_all": self.parse_all, "max_sentence_tokens": self.max_sentence_tokens,
                "coder": self.coder.policy.use, "model": model}

    @property
    def label(self) -> str:
        """The models a run codes with, as the runs table records them."""
        meta = self.parser.nlp.meta
        label = f"{meta.get('name', '?')}-{meta.get('version', '?')}"
        return label + (f" + event model {self.event_model.version}" if self.event_model is not None else " (rules only)")

    def __call__(self, article: Article) -> Article:
        return self.pipe([article])[0]

    def code_text(self, text: str, **fields: Any) -> Article:
        """Code one article given as text; fields are id, date, title, source, url."""
        if isinstance(fields.get("date"), dt.date):
            fields["date"] = fields["date"].isoformat()
        return self(read_text_item(text, **fields))

    def pipe(self, articles: Iterable[Article]) -> list[Article]:
        batch = list(articles)
        for name, stage in self.stages:
            if hasattr(stage, "pipe"):  # the parser, and the event model, read a whole batch at once
                batch = list(stage.pipe(batch))
                continue
            out = []
            for article in batch:
                result = stage(article)
                if not isinstance(result, Article):
                    raise DyadError(f"stage {name!r} returned {type(result).__name__}, not an Article")
                out.append(result)
            batch = out
        return batch


def batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def code_paths(paths: Iterable[str], store: Store, pipeline: Pipeline | None = None, default_date: dt.date | None = None,
               source: str | None = None, batch_size: int = 32,
               progress: Callable[[int], None] | None = None, workers: int = 1, max_chars: int = MAX_CHARS) -> RunReport:
    """Read, code and store every article under `paths`; bad items are reported, not fatal."""
    paths = list(paths)
    return code_articles(read(paths, default_date, source, max_chars), store, pipeline, paths, batch_size, progress,
                         workers)


def code_articles(items: Iterable[Article | InputError], store: Store, pipeline: Pipeline | None = None,
                  inputs: Sequence[str] = (), batch_size: int = 32,
                  progress: Callable[[int], None] | None = None, workers: int = 1,
                  write_size: int = WRITE_SIZE) -> RunReport:
    """Code and store articles (input errors among them are recorded), as one run. With
    `workers` > 1, that many processes code batches, each with its own model, and this one
    writes them to the store in input order. Coded batches are written together, one
    transaction per `write_size` articles or so: each write has a fixed cost."""
    started = time.perf_counter()
    pipeline = pipeline or Pipeline()
    report = RunReport()
    run_id = store.start_run(list(inputs), pipeline.label)
    pending: collections.deque[tuple[int, list[InputError]]] = collections.deque()
    seen: set[str] = set()

    def jobs() -> Iterator[list[Article]]:
        for batch in batches(items, batch_size):
            errors = [item for item in batch if isinstance(item, InputError)]
            articles = []
            for item in batch:
                if not isinstance(item, Article):
                    continue
                if item.id in seen:  # the same id twice in one run: keep the first, say so
                    errors.append(InputError(item.origin or item.id, f"duplicate article id {item.id!r}; the first one was kept"))
                    continue
                seen.add(item.id)
                articles.append(item)
            pending.append((len(batch), errors))
            yield articles

    unwritten: tuple[list[Article], list[InputError]] = ([], [])
    with contextlib.closing(_coded(jobs(), pipeline, workers)) as results:  # closing stops the workers
        for coded, failed in results:
            size, errors = pending.popleft()
            unwritten[0].extend(coded)
            unwritten[1].extend(errors + failed)
            if len(unwritten[0]) + len(unwritten[1]) >= write_size:
                _write(store, *unwritten, report)
                unwritten = ([], [])
            if progress is not None:
                progress(size)
    if unwritten != ([], []):
        _write(store, *unwritten, report)
    store.finish_run(run_id, report.articles, report.events, len(report.errors))
    report.seconds = time.perf_counter() - started
    return report


def _write(store: Store, articles: list[Article], errors: list[InputError], report: RunReport) -> None:
    """Write coded articles and input errors, and count in `report` what was stored: an article
    the store could not take is an input error, like the others."""
    written = store.write(articles, errors)
    stored = [a for a in articles if a.id not in written.failed_ids] if written.failed_ids else articles
    report.articles += len(stored)
    report.events += sum(not e.statement for a in stored for e in a.events)  # statements are not counted as events
    report.words += sum(len(a.text.split()) for a in stored)
    report.errors.extend([*errors, *written.failed])
    report.replaced += written.replaced


def _coded(jobs: Iterator[list[Article]], pipeline: Pipeline,
           workers: int) -> Generator[tuple[list[Article], list[InputError]], None, None]:
    """Each batch of articles coded, and the articles that could not be, in order: here, or by
    `workers` processes (`workers.py`)."""
    if workers <= 1:
        for articles in jobs:
            yield code_safely(pipeline, articles)
        return
    from .workers import WorkerPool

    with WorkerPool(pipeline, workers) as pool:
        yield from pool.code(jobs)


def code_safely(pipeline: Pipeline, articles: list[Article]) -> tuple[list[Article], list[InputError]]:
    """Code a batch; if that fails, code its articles one by one, so one article that breaks a
    stage is reported as an input error and the rest of the batch is still coded."""
    try:
        return _emptied(_without_spans(pipeline.pipe(articles)), [])
    except Exception:  # noqa: BLE001 - whatever broke, it is reported per article below
        coded: list[Article] = []
        failed: list[InputError] = []
        for article in articles:
            try:
                coded.extend(_without_spans(pipeline.pipe([article])))
            except Exception as err:  # noqa: BLE001
                failed.append(InputError(article.origin or article.id,
                                         f"could not be coded ({type(err).__name__}: {err})"))
        return _emptied(coded, failed)


def _emptied(coded: list[Article], failed: list[InputError]) -> tuple[list[Article], list[InputError]]:
    """The articles with a sentence left after cleaning, and the input errors with one more for
    each article the cleaner emptied (all of it page furniture): such an article can give no
    event, and is reported rather than stored silently empty."""
    kept = []
    errors = list(failed)
    for article in coded:
        if article.sentences:
            kept.append(article)
            continue
        reasons = ", ".join(sorted({b.removed for b in article.blocks if b.removed})) or "none"
        errors.append(InputError(article.origin or article.id,
                                 f"no sentence left after cleaning (every block was removed as page furniture: "
                                 f"{reasons}); check that the item holds the article's text, not only its page's"))
    return kept, errors


def _without_spans(coded: list[Article]) -> list[Article]:
    """Coded articles without their spaCy objects: the store does not need them, and a batch
    waiting to be written (or sent back from a worker) is much smaller without."""
    for article in coded:
        for sentence in article.sentences:
            sentence.span = None
    return coded

"""The shared document type that flows through every stage, and what it carries.

Offsets (`start`, `end`) are always character offsets into `Article.text`, the text as
ingested. Cleaning never rewrites that text: it only marks which blocks to keep, so every
offset Dyad reports can be checked with ``article.text[start:end]``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

__all__ = ["FACTUAL", "MODALITIES", "Actor", "Article", "Block", "Event", "Location", "Mention", "Sentence"]

MODALITIES = ("asserted", "intended", "historical", "negated", "hypothetical")
# Stated as happening, intended or past: what counts as an event in summaries and scores.
# Negated and hypothetical events are kept, with their modality, but never counted as events.
FACTUAL = MODALITIES[:3]


@dataclass(frozen=True)
class Block:
    """A paragraph-like piece of the article text, kept or removed by the cleaner."""

    start: int
    end: int
    removed: str | None = None  # reason the cleaner dropped it, None when kept


@dataclass
class Sentence:
    """A sentence of a kept block. `span` is the spaCy Span while the article is in memory:
    parsed, or tokens only when the pre-pass left the sentence out of the parse."""

    index: int
    start: int
    end: int
    text: str
    offset: int = 0  # start of the doc it was parsed in: token.idx + offset is an article offset
    span: Any = field(default=None, repr=False, compare=False)
    parsed: bool = True  # False: the pre-pass found no actor or no event cue (`dyad.coding.sift`)


@dataclass(frozen=True)
class Actor:
    """Who: an actor as coded, with the text it was read from.

    `code` is CAMEO-style: country (ISO 3166-1 alpha-3) followed by a sector code,
    e.g. ``RUSGOV``; an organisation's code, e.g. ``IGOUNO``; or the bare country.
    """

    text: str
    code: str | None  # None: a named actor the knowledge base does not know
    country: str | None
    sector: str | None
    name: str | None
    start: int
    end: int
    role: str | None = None  # the office held on the article's date ("Prime Minister")
    ner: str | None = None  # spaCy's entity type, for actors found by NER alone
    notes: tuple[str, ...] = ()  # how it was resolved, copied onto the events

    def as_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "code": self.code,
            "country": self.country,
            "sector": self.sector,
            "name": self.name,
            "role": self.role,
            "ner": self.ner,
        }


@dataclass(frozen=True)
class Mention:
    """A dictionary match in the text: a country, capital, person, agent word or place."""

    start: int
    end: int
    text: str
    kind: str  # country | demonym | capital | metonym | person | agent | org | place
    key: str  # the dictionary entry it matched (ISO3, person name, agent phrase, org code)
    sentence: int
    country: str | None = None  # set for people the dictionary does not know
    sector: str | None = None


@dataclass(frozen=True)
class Location:
    name: str
    country: str | None
    lat: float | None
    lon: float | None
    start: int
    end: int
    kind: str | None = None  # city, region, sea, island, site, capital or country
    # where the place was read: "sentence" (the event's own), "article" (the same event told
    # elsewhere in it, or where the article says things happened) or "dateline" (where it was filed)
    source: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "country": self.country, "lat": self.lat, "lon": self.lon, "type": self.kind,
                "source": self.source}


@dataclass
class Event:
    """What: one coded event. The `events` stage sets the coding, `attributes` the date and place."""

    sentence: int
    cameo: str
    event_type: str | None
    mode: str | None
    context: str | None
    goldstein: float
    quad_class: int | None
    actor: Actor
    recipient: Actor | None
    trigger: tuple[int, int]  # offsets of the words that fired the pattern
    pattern: str  # which codebook entry fired, for transparency
    confidence: float
    modality: str = "asserted"  # asserted | intended | negated | hypothetical | historical
    mentions: int = 1
    date: dt.date | None = None
    date_precision: str | None = None  # day | week | month | year
    date_text: str | None = None
    date_span: tuple[int, int] | None = None  # offsets of the date expression
    location: Location | None = None
    quote: str | None = None  # id of the quote the event was read from, if any
    notes: list[str] = field(default_factory=list)
    coder: str = "pattern"  # what decided the event's type and roles: "pattern" or "model"
    model_version: str | None = None  # the event model that read the sentence, when one did
    model_probability: float | None = None  # its probability for the event's type

    @property
    def statement(self) -> bool:
        """A CAMEO 01 statement (QuadClass 0): the one kind of event with no PLOVER type, left
        out of event counts, listings and scores of events unless asked for."""
        return self.event_type is None


@dataclass
class Article:
    """One news article and everything the pipeline learns about it."""

    id: str
    text: str
    title: str | None = None
    date: dt.date | None = None
    source: str | None = None
    url: str | None = None
    origin: str | None = None  # where it was read from: path, path:line, "-"
    blocks: list[Block] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    quotes: list[Any] = field(default_factory=list)  # quotes.Quote, set by the quotes stage
    signature: list[int] | None = None  # MinHash of the text (coding/signature.py), set by the pipeline
    _index: tuple[int, int, dict[int, list[Mention]]] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def kept_blocks(self) -> list[Block]:
        return [b for b in self.blocks if b.removed is None]

    def mentions_in(self, sentence: int) -> list[Mention]:
        """The mentions of one sentence, from an index built on first use and rebuilt when
        `mentions` changes, so stages stay linear in a long article."""
        key = (id(self.mentions), len(self.mentions))
        if self._index is None or self._index[:2] != key:
            index: dict[int, list[Mention]] = {}
            for mention in self.mentions:
                index.setdefault(mention.sentence, []).append(mention)
            self._index = (*key, index)
        return self._index[2].get(sentence, [])

"""Who "he", "it", "the two countries" and "a government spokesman" are, from the article so far.

Each resolution looks back from a position in the article, nearest first: the same sentence
before the position, then up to `LOOKBACK` earlier sentences. It takes the first of those
windows that names any candidate, and resolves only when that window is unambiguous (one
person for "he", two countries for "both sides"); otherwise it leaves the actor unresolved
rather than guess.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import replace

from ...types import Actor, Article, Mention
from .entries import COUNTRY_KINDS
from .knowledge import ActorDictionary

__all__ = ["antecedent", "dateline_place", "mention_country", "pair", "place_in_context", "situate"]

LOOKBACK = 2
LOCATIVE = {"in", "at", "near", "to", "from", "outside", "inside", "across", "into"}
PERSON_PRONOUNS = {"he", "she", "him", "her"}
THING_PRONOUNS = {"it"}


def mention_country(mention: Mention, dictionary: ActorDictionary, day: dt.date | None) -> str | None:
    if mention.kind in COUNTRY_KINDS:
        key = mention.key.partition(":")[0]
        return dictionary.countries[key].on(day)[0]
    if mention.kind == "person":
        if mention.key in dictionary.people:
            role = dictionary.people[mention.key].role_on(day) or dictionary.people[mention.key].role_on(None)
            return role.country if role else None
        return mention.country
    if mention.kind == "org":
        return dictionary.orgs[mention.key].country
    return None


def _windows(article: Article, sentence: int, position: int) -> Iterator[list[Mention]]:
    for index in range(sentence, max(-1, sentence - LOOKBACK - 1), -1):
        yield [m for m in article.mentions_in(index)
               if (index < sentence or m.end <= position) and not _where(article, m)]


def _where(article: Article, mention: Mention, countries: bool = False) -> bool:
    """A place named as where something happened ("met in Brussels"; with `countries`, "in
    Mali" too): no candidate for who someone is, but a hint where they are."""
    before = article.text[max(0, mention.start - 12) : mention.start].split()
    kinds = ("capital", "place", "country") if countries else ("capital", "place")
    return mention.kind in kinds and bool(before) and before[-1].lower() in LOCATIVE


def antecedent(pronoun: str, article: Article, sentence: int, position: int) -> Mention | None:
    """The one person ("he", "she") or country or organisation ("it") the pronoun can mean."""
    pronoun = pronoun.lower()
    if pronoun in PERSON_PRONOUNS:
        kinds = {"person"}
    elif pronoun in THING_PRONOUNS:
        kinds = {"country", "capital", "metonym", "org"}
    else:
        return None
    for window in _windows(article, sentence, position):
        candidates = [m for m in window if m.kind in kinds]
        if candidates:
            return candidates[-1] if len({m.key for m in candidates}) == 1 else None
    return None


def pair(article: Article, dictionary: ActorDictionary, sentence: int, position: int) -> list[Mention]:
    """The two countries "the two countries" or "both sides" refers to: the nearest window
    naming exactly two countries. One mention for each, the first naming it."""
    for window in _windows(article, sentence, position):
        first: dict[str, Mention] = {}
        for m in window:
            country = mention_country(m, dictionary, article.date) if m.kind in COUNTRY_KINDS | {"person"} else None
            if country is not None:
                first.setdefault(country, m)
        if len(first) == 2:
            return list(first.values())
        if len(first) > 2:
            return []
    return []


def place_in_context(article: Article, dictionary: ActorDictionary, sentence: int,
                     position: int) -> tuple[str, str] | None:
    """The country a sector-only actor ("police", "protesters", "a government spokesman")
    belongs to, and why, by the first of these that names exactly one country (two or more
    in the same step: unresolved, no guess):

    1. its own sentence before it ("Kenyan police said officials ...");
    2. where its own sentence says things happen ("Police fired tear gas in Nairobi");
    3. the `LOOKBACK` sentences before, nearest first;
    4. its own sentence after it ("Minister Tran Xuan Gia said Vietnam ...");
    5. where the article last said things happen, before this sentence ("... clashes in Goma");
    6. the dateline's place ("HARARE (Reuters) -"): where the story was filed, the weakest hint.
    """
    windows = list(_windows(article, sentence, position))
    own_where = [m for m in article.mentions_in(sentence) if _where(article, m)]
    after = [m for m in article.mentions_in(sentence) if m.start >= position and not _where(article, m)]
    steps: list[tuple[list[Mention], str]] = [
        (windows[0] if windows else [], "the country named just before"),
        (own_where, "where its sentence says it happened"),
        *[(w, "the country named just before") for w in windows[1:]],
        (after, "the country named later in its sentence"),
    ]
    for mentions, why in steps:
        countries = {c for m in mentions if (c := _country_of(m, dictionary, article.date)) is not None}
        if countries:
            return (countries.pop(), why) if len(countries) == 1 else None
    for index in range(sentence - 1, -1, -1):
        places = [m for m in article.mentions_in(index) if _where(article, m, countries=True)]
        if places:
            country = _country_of(places[-1], dictionary, article.date)
            if country is not None:
                return country, f"where the article last says things happen ({places[-1].text})"
    dateline = dateline_place(article)
    country = dictionary.place_country(dateline) if dateline else None
    return (country, f"the dateline's country ({dateline})") if country else None


def dateline_place(article: Article) -> str | None:
    """The place a wire story was filed from: "HARARE" in "HARARE, May 3 (Reuters) -"."""
    for block in article.blocks:
        if block.removed == "dateline":
            return re.split(r"[,(/–—-]", article.text[block.start : block.end])[0].strip() or None
    return None


def _country_of(mention: Mention, dictionary: ActorDictionary, day: dt.date | None) -> str | None:
    """The country of any mention, including a place's ("Goma": COD)."""
    if mention.kind == "place":
        return dictionary.places[mention.key].country
    return mention_country(mention, dictionary, day)


def situate(actor: Actor, article: Article, dictionary: ActorDictionary, sentence: int) -> Actor:
    """A sector-only actor ("police", "a government spokesman", "President Mugabe" when Mugabe
    is not in the knowledge base) takes its country from the context (`place_in_context`),
    with a note saying where it came from. An actor whose own phrase names a country keeps it."""
    if actor.country is not None or actor.code is None or actor.code != (actor.sector or ""):
        return actor
    found = place_in_context(article, dictionary, sentence, actor.start)
    if found is None:
        return actor
    country, why = found
    return replace(actor, country=country, code=f"{country}{actor.sector}",
                   notes=(*actor.notes, f"{actor.text!r} taken to be of {country}, {why}"))

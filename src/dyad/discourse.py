"""Who "he", "it", "the two countries" and "a government spokesman" are, from the article so far.

Each resolution looks back from a position in the article, nearest first: the same sentence
before the position, then up to `LOOKBACK` earlier sentences. It takes the first of those
windows that names any candidate, and resolves only when that window is unambiguous (one
person for "he", two countries for "both sides"); otherwise it leaves the actor unresolved
rather than guess.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace

from .actors import COUNTRY_KINDS, ActorDictionary
from .types import Actor, Article, Mention

__all__ = ["antecedent", "context_country", "mention_country", "pair", "situate"]

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


def _where(article: Article, mention: Mention) -> bool:
    """A place named as where something happened ("met in Brussels") is no candidate."""
    before = article.text[max(0, mention.start - 12) : mention.start].split()
    return mention.kind in ("capital", "place") and bool(before) and before[-1].lower() in LOCATIVE


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


def context_country(article: Article, dictionary: ActorDictionary, sentence: int, position: int) -> str | None:
    """The country a sector-only actor ("a government spokesman") most likely belongs to: the
    only country named in the nearest window that names any; failing all of those, the only
    country named later in its own sentence ("Minister Tran Xuan Gia said Vietnam ...")."""
    after = [m for m in article.mentions_in(sentence) if m.start >= position and not _where(article, m)]
    for window in [*_windows(article, sentence, position), after]:
        countries = {mention_country(m, dictionary, article.date) for m in window} - {None}
        if countries:
            return countries.pop() if len(countries) == 1 else None
    return None


def situate(actor: Actor, article: Article, dictionary: ActorDictionary, sentence: int) -> Actor:
    """A sector-only actor ("a government spokesman", "President Mugabe" when Mugabe is not in
    the knowledge base) takes the only country named just before it, when there is one."""
    if actor.country is not None or actor.code is None or actor.code != (actor.sector or ""):
        return actor
    country = context_country(article, dictionary, sentence, actor.start)
    if country is None:
        return actor
    return replace(actor, country=country, code=f"{country}{actor.sector}",
                   notes=(*actor.notes, f"{actor.text!r} taken to be of {country}, the country named just before"))

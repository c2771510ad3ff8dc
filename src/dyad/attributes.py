"""Stage 6, attributes: when and where each event happened; repeated events merged.

- **date**: a date expression attached to the event's verb ("proposed on Wednesday") resolved
  against the publication date (`dates.resolve`); failing that, the publication date itself
  (precision ``day``, noted as taken from the article). No publication date and no absolute
  date in the sentence: no date.
- **location**: a place named with in/at/near in the sentence, preferring one attached to the
  verb, with coordinates from the dictionary (a city, a capital, or a country's centroid).
- **merge**: the same actor, recipient, CAMEO code and date reported again in the article
  counts as one event with more `mentions`.
"""

from __future__ import annotations

import bisect
import re
from typing import Any

from .actors import ActorDictionary, default_dictionary
from .dates import resolve
from .gazetteer import find_city
from .types import Actor, Article, Event, Location, Mention, Sentence

__all__ = ["Attributes", "merge_repeats"]

HISTORICAL_DAYS = 366  # an event dated over a year before publication is background, not news
_LONG_AGO = re.compile(r"\b(?:decades|years|centuries|generations)\s+(?:ago|earlier|before)\b|\bin the \d{4}s\b", re.I)
LOCATIVE_PREPS = {"in", "at", "near", "outside", "inside", "across", "throughout", "around", "off"}


class Attributes:
    def __init__(self, dictionary: ActorDictionary | None = None) -> None:
        self.dictionary = dictionary or default_dictionary()
        self._named: set[str] = set()  # the countries the article being coded names

    def __call__(self, article: Article) -> Article:
        fallback = self._article_place(article) if article.events else None
        self._named = _named_countries(article)
        for event in article.events:
            sentence = article.sentences[event.sentence]
            verb = _trigger_token(sentence, event)
            self._date(event, sentence, verb, article)
            event.location = self._location(event, sentence, verb, article)
            if event.location is None and fallback is not None:
                event.location = fallback[0]
                event.notes.append(fallback[1])
        article.events = merge_repeats(article.events)
        return article

    def _date(self, event: Event, sentence: Sentence, verb: Any, article: Article) -> None:
        # A clause joined to its verb ("returned in 2012, promising ...") shares its date.
        while True:
            for ent in _attached(sentence, verb, ("DATE",)):
                if _LONG_AGO.search(ent.text):  # "decades ago": long past, no datable day
                    self._historical(event, f"{ent.text!r}: long before the article")
                    return
                resolved = resolve(ent.text, article.date, future=event.modality == "intended")
                if resolved is not None:
                    event.date, event.date_precision = resolved
                    event.date_text = ent.text
                    event.date_span = (ent.start_char + sentence.offset, ent.end_char + sentence.offset)
                    if article.date is not None and (article.date - event.date).days > HISTORICAL_DAYS:
                        self._historical(event, f"dated {event.date}, over a year before the article")
                    return
            if verb.dep_ not in ("advcl", "conj", "xcomp", "ccomp") or verb.head.i == verb.i:
                break
            verb = verb.head
        if article.date is not None:
            event.date, event.date_precision = article.date, "day"
            event.notes.append("date taken from the article's publication date")

    def _historical(self, event: Event, why: str) -> None:
        if event.modality in ("asserted", "intended"):
            event.modality = "historical"
            event.notes.append(f"historical: {why}")

    def _location(self, event: Event, sentence: Sentence, verb: Any, article: Article) -> Location | None:
        sides = [(a.start, a.end) for a in (event.actor, event.recipient) if a is not None]
        mentions = [m for m in article.mentions_in(sentence.index)
                    if m.kind in ("place", "capital", "country")
                    and not any(s <= m.start < e for s, e in sides)]  # a recipient is not also the place
        candidates = []
        for mention in mentions:
            token = _token_at(sentence, mention.start)
            if token is None or not _locative(token):
                continue
            distance = 0 if _governed_by(token, verb) else 1
            # a city is more precise than a capital named as such, which beats a country
            candidates.append((distance, ("place", "capital", "country").index(mention.kind), mention.start, mention))
        if not candidates:
            return self._city(event, sentence, verb, article)
        return self._place(min(candidates, key=lambda c: c[:3])[3], self._named)

    def _city(self, event: Event, sentence: Sentence, verb: Any, article: Article) -> Location | None:
        """A place the dictionary does not know, named with in/at/near: a city from the
        gazetteer, in a country the article names if the name is shared."""
        known = {(m.start, m.end) for m in article.mentions_in(sentence.index)}
        for ent in sentence.span.ents:
            start, end = ent.start_char + sentence.offset, ent.end_char + sentence.offset
            if ent.label_ not in ("GPE", "LOC", "FAC") or (start, end) in known or not _locative(ent.root):
                continue
            city = find_city(ent.text, self._named)
            if city is not None:
                event.notes.append(f"{ent.text!r} found in the city gazetteer ({city.country})")
                return Location(city.name, city.country, city.lat, city.lon, start, end, "city")
        return None

    def _place(self, mention: Mention, named: set[str] | None = None) -> Location:
        """Coordinates for a mention. A capital's name that is also a city of a country the
        article names, when the capital's own country is not named, is that city: "Tripoli"
        in a story about Lebanon."""
        d = self.dictionary
        if mention.kind == "capital" and named and mention.key not in named:
            city = find_city(mention.text, named)
            if city is not None and city.country in named:
                return Location(city.name, city.country, city.lat, city.lon, mention.start, mention.end, "city")
        if mention.kind == "place":
            place = d.places[mention.key]
            return Location(place.name, place.country, place.lat, place.lon, mention.start, mention.end, place.kind)
        country = d.countries[mention.key]
        if mention.kind == "capital":
            return Location(country.capital or mention.text, country.iso3, country.capital_lat, country.capital_lon,
                            mention.start, mention.end, "capital")
        return Location(country.name, country.iso3, country.lat, country.lon, mention.start, mention.end, "country")

    def _article_place(self, article: Article) -> tuple[Location, str] | None:
        """Where the article as a whole is: its dateline's place, else the first place it says
        something happened in ("... came at the forum in far eastern Russia's Vladivostok")."""
        for block in article.blocks:
            if block.removed == "dateline":
                name = re.split(r"[,(/–—-]", article.text[block.start : block.end])[0].strip()
                mention = self._lookup(name, block.start, article)
                if mention is not None:
                    return self._place(mention), f"place taken from the dateline {name!r}"
        for mention in article.mentions:
            if mention.kind not in ("place", "capital"):
                continue
            token = _token_at(article.sentences[mention.sentence], mention.start)
            if token is not None and _locative(token):
                return self._place(mention), f"place taken from the article: {mention.text!r}"
        return None

    def _lookup(self, name: str, start: int, article: Article) -> Mention | None:
        folded = name.lower()
        for alias, kind, key in self.dictionary.aliases:
            if kind in ("place", "capital") and alias.lower() == folded:
                return Mention(start, start + len(name), name, kind, key, -1)
        return None


def merge_repeats(events: list[Event]) -> list[Event]:
    merged: dict[tuple[Any, ...], Event] = {}
    for event in events:
        key = (_who(event.actor), _who(event.recipient), event.cameo, event.date, event.modality)
        if key in merged:
            merged[key].mentions += 1
        else:
            merged[key] = event
    return list(merged.values())


def _named_countries(article: Article) -> set[str]:
    """The countries an article names outright (by name or demonym)."""
    return {m.key for m in article.mentions if m.kind in ("country", "demonym")}


def _who(actor: Actor | None) -> str | None:
    return None if actor is None else actor.code or f"?{actor.text}"


def _trigger_token(sentence: Sentence, event: Event) -> Any:
    token = _token_at(sentence, event.trigger[0])
    return token if token is not None else sentence.span.root


def _token_at(sentence: Sentence, start: int) -> Any:
    """The token starting at offset `start` of the article, found by bisection: a scan of the
    sentence per mention is quadratic in a long unparsed sentence full of places."""
    span = sentence.span
    i = bisect.bisect_left(span, start - sentence.offset, key=lambda token: token.idx)
    return span[i] if i < len(span) and span[i].idx + sentence.offset == start else None


def _attached(sentence: Sentence, verb: Any, labels: tuple[str, ...]) -> list[Any]:
    """Entities of `labels` governed by `verb` without passing through another verb first."""
    return [ent for ent in sentence.span.ents if ent.label_ in labels and _governed_by(ent.root, verb)]


def _governed_by(token: Any, verb: Any) -> bool:
    node = token
    while node.head.i != node.i:
        node = node.head
        if node.i == verb.i:
            return True
        if node.pos_ in ("VERB", "AUX") and node.dep_ not in ("aux", "auxpass"):
            return False
    return False


def _locative(token: Any) -> bool:
    if not token.doc.has_annotation("DEP"):  # unparsed: "in Vladivostok", "in far eastern Russia's Vladivostok"
        for before in reversed(list(token.doc[max(0, token.i - 5) : token.i])):
            if before.lower_ in LOCATIVE_PREPS:
                return True
            if before.is_punct:
                return False
        return False
    head = token
    while head.dep_ in ("compound", "amod", "poss", "case", "flat") and head.head.i != head.i:
        head = head.head
    if head.dep_ == "appos":  # "in Vladivostok, Russia"
        head = head.head
    return head.dep_ == "pobj" and head.head.lower_ in LOCATIVE_PREPS

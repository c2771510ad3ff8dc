"""Stage 6, attributes: when and where each event happened; repeated events merged.

- **date**: a date expression attached to the event's verb ("proposed on Wednesday", "the pact
  was signed on Thursday") resolved against the publication date (`dates.resolve`); failing
  that, the date the article gives the same event in another sentence (`same_event`: the lede's
  "on Thursday"), noted; failing that, the publication date itself (precision ``day``, noted).
  No publication date and no absolute date: no date. An event dated over a year before
  publication, or in an earlier year when only the year is known, is historical.
- **location**: where it happened, with `Location.source` saying where that was read:
  ``sentence``, a place named with in/at/near in its own sentence, preferring one attached to
  the verb; ``article``, the place of the same event stated in another sentence, or of the
  scene a nearby sentence sets ("The remarks came at the forum in Vladivostok"); ``dateline``,
  where the story was filed, for a deed only in the actor's or the recipient's country (see
  `where.Fallback`). Otherwise no place. A name a side was read from ("talks with Washington") is
  never the place. Coordinates come from the dictionary (a city, a capital, or a country's
  centroid) or the city gazetteer.
- **merge**: the same actor, recipient, CAMEO code and date reported again in the article
  counts as one event with more `mentions`.
"""

from __future__ import annotations

from ...types import Article, Event
from ..actors.knowledge import ActorDictionary, default_dictionary
from .repeats import merge_repeats
from .syntax import trigger_token
from .when import date_elsewhere, own_date, publication_date
from .where import Fallback, Places, place_elsewhere

__all__ = ["Attributes"]


class Attributes:
    """The stage: each event's date and place, then its repeats merged."""

    def __init__(self, dictionary: ActorDictionary | None = None) -> None:
        self.dictionary = dictionary or default_dictionary()
        self.places = Places(self.dictionary)

    def __call__(self, article: Article) -> Article:
        self.places.begin(article)
        decided: list[Event] = []  # the events whose own sentence says when (or that it was long ago)
        for event in article.events:
            sentence = article.sentences[event.sentence]
            verb = trigger_token(sentence, event)
            if own_date(event, sentence, verb, article):
                decided.append(event)
            event.location = self.places.location(event, sentence, verb, article)
        dated = [e for e in decided if e.date is not None]
        settled = {id(e) for e in decided}
        own_place = [e for e in article.events if e.location is not None]
        fallback = Fallback(self.places, article) if len(own_place) < len(article.events) else None
        for event in article.events:
            if id(event) not in settled and not date_elsewhere(event, dated, article):
                publication_date(event, article)
            if event.location is None:
                event.location = place_elsewhere(event, own_place)
            if event.location is None and fallback is not None:
                event.location = fallback.place(event)
        article.events = merge_repeats(article.events)
        return article

"""When an event happened (its `date`, `date_precision`, `date_text`, `date_span`): a date
expression its own sentence attaches to its verb, else the date the article gives the same
event in another sentence, else the publication date; and whether that date makes the event
historical."""

from __future__ import annotations

import re
from typing import Any

from ...types import Article, Event, Sentence
from .dates import resolve
from .repeats import same_event
from .syntax import governed_by

HISTORICAL_DAYS = 366  # an event dated over a year before publication is background, not news
_LONG_AGO = re.compile(r"\b(?:decades|years|centuries|generations)\s+(?:ago|earlier|before)\b|\bin the \d{4}s\b", re.I)


def own_date(event: Event, sentence: Sentence, verb: Any, article: Article) -> bool:
    """Date the event from an expression its own sentence attaches to its verb. True when
    that decided its date, or that it has none ("decades ago"); False when there is none."""
    # A clause joined to its verb ("returned in 2012, promising ...") shares its date.
    while True:
        for ent in _attached(sentence, verb, ("DATE",)):
            if _LONG_AGO.search(ent.text):  # "decades ago": long past, no datable day
                _historical(event, f"{ent.text!r}: long before the article")
                return True
            resolved = resolve(ent.text, article.date, future=event.modality == "intended")
            if resolved is not None:
                event.date, event.date_precision = resolved
                event.date_text = ent.text
                event.date_span = (ent.start_char + sentence.offset, ent.end_char + sentence.offset)
                _check_past(event, article)
                return True
        if verb.dep_ not in ("advcl", "conj", "xcomp", "ccomp") or verb.head.i == verb.i:
            return False
        verb = verb.head


def date_elsewhere(event: Event, dated: list[Event], article: Article) -> bool:
    """The date the article gives the same event in another sentence (the lede's "on
    Thursday" for a later "the agreement, signed by ..."): the nearest such statement."""
    others = [e for e in dated if e.sentence != event.sentence and same_event(e, event)]
    if not others:
        return False
    other = min(others, key=lambda e: (abs(e.sentence - event.sentence), e.sentence))
    event.date, event.date_precision = other.date, other.date_precision
    event.date_text, event.date_span = other.date_text, other.date_span
    event.notes.append(f"date taken from the same event stated in sentence {other.sentence + 1} "
                       f"({other.date_text!r})")
    _check_past(event, article)
    return True


def publication_date(event: Event, article: Article) -> None:
    if article.date is not None:
        event.date, event.date_precision = article.date, "day"
        event.notes.append("date taken from the article's publication date")


def _check_past(event: Event, article: Article) -> None:
    """An event dated over a year before publication, or in an earlier year than the
    article when only its year is known ("a visit in 2011"), is background: historical."""
    if article.date is None or event.date is None:
        return
    if (article.date - event.date).days > HISTORICAL_DAYS:
        _historical(event, f"dated {event.date}, over a year before the article")
    elif event.date_precision == "year" and event.date.year < article.date.year:
        _historical(event, f"dated {event.date.year}, a year before the article's")


def _historical(event: Event, why: str) -> None:
    if event.modality in ("asserted", "intended"):
        event.modality = "historical"
        event.notes.append(f"historical: {why}")


def _attached(sentence: Sentence, verb: Any, labels: tuple[str, ...]) -> list[Any]:
    """Entities of `labels` governed by `verb` without passing through another verb first."""
    return [ent for ent in sentence.span.ents if ent.label_ in labels and governed_by(ent.root, verb)]

"""Where an event happened (its `location`): a place its own sentence names, the place the
article gives the same event in another sentence, the scene a nearby sentence sets, or the
dateline (`Fallback`); and the reading of a name as a place ("in Vladivostok", not "talks with
Washington")."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from ...types import Article, Event, Location, Mention, Sentence
from ..actors.knowledge import ActorDictionary
from ..clean import fold
from .gazetteer import find_city
from .repeats import same_event
from .syntax import governed_by, token_at

# "The remarks came at the forum in X", "The talks were held in Y": where what was just told happened
VENUE_VERBS = {"come", "take", "hold", "happen", "occur", "open", "convene", "unfold", "begin"}
VENUE_NOUNS = {"remark", "comment", "statement", "speech", "announcement", "talk", "meeting", "summit", "forum",
               "conference", "visit", "session", "negotiation", "ceremony", "signing", "interview", "briefing",
               "attack", "strike", "raid", "clash", "protest", "rally", "march", "demonstration", "offer",
               "proposal", "appeal", "warning", "exchange"}
# how far a venue sentence reaches: back over what it refers to ("The remarks ..."), and forward
VENUE_BACK, VENUE_AHEAD = 4, 2
MATERIAL = (2, 4)  # QuadClasses of deeds, not words: done where the sides are, not where reporters are
LOCATIVE_PREPS = {"in", "at", "near", "outside", "inside", "across", "throughout", "around", "off"}


class Places:
    """Where an article's events happened, read with the actor dictionary: the place a sentence
    names, the scene a venue sentence sets, the article's dateline. `begin` each article first."""

    def __init__(self, dictionary: ActorDictionary) -> None:
        self.dictionary = dictionary
        self._named: set[str] = set()  # the countries the article being coded names
        # place and capital names, folded ("N'Djamena"), for datelines: built once, not per article
        self._places = {fold(alias).lower(): (kind, key) for alias, kind, key in reversed(self.dictionary.aliases)
                        if kind in ("place", "capital")}

    def begin(self, article: Article) -> None:
        """Start on an article: the countries it names settle a name several places share."""
        self._named = _named_countries(article)

    def location(self, event: Event, sentence: Sentence, verb: Any, article: Article) -> Location | None:
        """The place the event's own sentence names (source ``sentence``), or None."""
        # The name a side was read from ("talks with Beijing", "Beijing's envoy") is not also the
        # place; a place further inside a side's phrase ("Laos's premier in Vientiane") is.
        sides = {a.start for a in (event.actor, event.recipient) if a is not None}
        place = self._named_place(sentence, verb, article, sides, deed=event.quad_class == 4)
        if place is None or place.kind == "country":  # a city of the gazetteer is more precise
            city = self._city(event.notes, sentence, article)
            place = city if city is not None and (place is None or city.country == place.country) else place
        return None if place is None else dataclasses.replace(place, source="sentence")

    def _named_place(self, sentence: Sentence, verb: Any, article: Article, skip: set[int],
                     deed: bool = False) -> Location | None:
        """The place a sentence names with in/at/near, one governed by `verb` first; a city
        is more precise than a capital named as such, which beats a country. For a `deed` of
        force, the city it was done to ("shelled Kharkiv", "struck Kyiv") counts too."""
        candidates = []
        for mention in article.mentions_in(sentence.index):
            if mention.kind not in ("place", "capital", "country"):
                continue
            token = token_at(sentence, mention.start)
            if token is None:
                continue
            # the place visited is where the visitor is, even when it also names the host
            visited = _visited(token, verb) or (deed and mention.kind != "country" and _object_of(token, verb))
            if not visited and (mention.start in skip or not _locative(token)):
                continue
            distance = 0 if governed_by(token, verb) else 1
            candidates.append((distance, ("place", "capital", "country").index(mention.kind), mention.start, mention))
        return self._place(min(candidates, key=lambda c: c[:3])[3], self._named) if candidates else None

    def venues(self, article: Article) -> list[tuple[int, Location, str]]:
        """Sentences that say where something told before them happened: a definite noun for
        an event or a speech as the subject of "came", "took place", "was held" and the like,
        with a place ("The remarks came at the forum in Vladivostok"). Each as (sentence index,
        place, the subject's text)."""
        found = []
        for sentence in article.sentences:
            if sentence.span is None or not sentence.span.doc.has_annotation("DEP"):
                continue
            for verb in sentence.span:
                if verb.lemma_.lower() not in VENUE_VERBS or verb.pos_ not in ("VERB", "AUX"):
                    continue
                subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")
                            and c.lemma_.lower() in VENUE_NOUNS
                            and any(d.lower_ in ("the", "this", "these", "those", "that") for d in c.children)]
                if not subjects:
                    continue
                place = self._named_place(sentence, verb, article, set()) or self._city([], sentence, article)
                if place is not None:
                    found.append((sentence.index, dataclasses.replace(place, source="article"),
                                  " ".join(t.text for t in subjects[0].subtree)))
        return found

    def _city(self, notes: list[str], sentence: Sentence, article: Article) -> Location | None:
        """A place the dictionary does not know, named with in/at/near: a city from the
        gazetteer, in a country the article names if the name is shared."""
        known = {(m.start, m.end) for m in article.mentions_in(sentence.index)}
        for ent in sentence.span.ents:
            start, end = ent.start_char + sentence.offset, ent.end_char + sentence.offset
            if ent.label_ not in ("GPE", "LOC", "FAC") or (start, end) in known or not _locative(ent.root):
                continue
            city = find_city(ent.text, self._named)
            if city is not None:
                notes.append(f"{ent.text!r} found in the city gazetteer ({city.country})")
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

    def dateline(self, article: Article) -> Location | None:
        """The place of the article's dateline, where the story was filed."""
        for block in article.blocks:
            if block.removed == "dateline":
                name = re.split(r"[,(/–—-]", article.text[block.start : block.end])[0].strip()
                mention = self._lookup(name, block.start, article)
                if mention is not None:
                    return dataclasses.replace(self._place(mention), source="dateline")
        return None

    def _lookup(self, name: str, start: int, article: Article) -> Mention | None:
        found = self._places.get(fold(name).lower())  # "N’Djamena" as the dictionary writes it, "N'Djamena"
        return Mention(start, start + len(name), name, *found, -1) if found else None


def place_elsewhere(event: Event, placed: list[Event]) -> Location | None:
    """The place the article gives the same event in another sentence, the nearest one."""
    others = [e for e in placed if e.sentence != event.sentence and e.location is not None
              and e.location.source == "sentence" and same_event(e, event)]
    if not others:
        return None
    other = min(others, key=lambda e: (abs(e.sentence - event.sentence), e.sentence))
    assert other.location is not None
    event.notes.append(f"place taken from the same event stated in sentence {other.sentence + 1} "
                       f"({other.location.name!r})")
    return dataclasses.replace(other.location, source="article")


class Fallback:
    """Where an event happened when neither its sentence nor another statement of it says:

    1. where a nearby sentence (up to VENUE_BACK after it or VENUE_AHEAD before it, the
       nearest) says the scene of what is told took place: "The remarks came at the forum in
       Vladivostok", "The summit opened in Addis Ababa" (`Places.venues`);
    2. else the dateline, which is where the story was filed. For a deed (QuadClass 2 or 4) it
       counts only in the actor's or the recipient's country: a strike in one country is often
       reported from a neighbouring capital. Words (statements, demands, meetings) are most
       often said where the reporters are, so a dateline in a third country stands for them,
       with its source `dateline` so that an analyst can leave it out.

    A place where the article says some other thing happened is no evidence: an event no rule
    places has no place, rather than a guessed one."""

    def __init__(self, places: Places, article: Article) -> None:
        self.dateline = places.dateline(article)
        self.venues = places.venues(article)

    def place(self, event: Event) -> Location | None:
        near = [(abs(index - event.sentence), index, venue, subject) for index, venue, subject in self.venues
                if -VENUE_AHEAD <= index - event.sentence <= VENUE_BACK]
        if near:
            _, index, venue, subject = min(near, key=lambda v: v[:2])
            event.notes.append(f"place taken from sentence {index + 1}: {subject!r} in {venue.name!r}")
            return venue
        dateline = self.dateline
        if dateline is None:
            return None
        sides = {a.country for a in (event.actor, event.recipient) if a is not None and a.country}
        if sides and dateline.country not in sides and event.quad_class in MATERIAL:
            event.notes.append(f"no place: the dateline {dateline.name!r} is in neither side's country")
            return None
        event.notes.append(f"place taken from the dateline {dateline.name!r}")
        return dateline


def _named_countries(article: Article) -> set[str]:
    """The countries an article names outright (by name or demonym)."""
    return {m.key for m in article.mentions if m.kind in ("country", "demonym")}


def _object_of(token: Any, verb: Any) -> bool:
    """Is `token` (in a name) the direct object of `verb`?"""
    if not token.doc.has_annotation("DEP"):
        return False
    head = token
    while head.dep_ in ("compound", "flat") and head.head.i != head.i:
        head = head.head
    return bool(head.dep_ == "dobj" and head.head.i == verb.i)


def _visited(token: Any, verb: Any) -> bool:
    """The object of "visit" when the visit is the event ("visited Tokyo") or says where a
    side is as it acts ("X, who was visiting Tokyo, said", "While visiting Tokyo, X said");
    not a visit proposed, planned or denied ("accused Japan of planning to visit Taiwan")."""
    if not token.doc.has_annotation("DEP"):
        return False
    head = token
    while head.dep_ in ("compound", "flat", "poss", "case", "amod") and head.head.i != head.i:
        head = head.head
    visit = head.head
    if head.dep_ != "dobj" or visit.lemma_.lower() != "visit":
        return False
    if visit.i == verb.i:
        return True
    infinitive = any(c.dep_ == "aux" and c.lower_ == "to" for c in visit.children)  # "a request to visit"
    return visit.dep_ in ("relcl", "acl", "advcl") and not infinitive


def _locative(token: Any) -> bool:
    if not token.doc.has_annotation("DEP"):  # unparsed: "in Vladivostok", "in far eastern Russia's Vladivostok"
        return _after_locative_preposition(token)
    head = token
    while head.dep_ in ("compound", "amod", "poss", "case", "flat") and head.head.i != head.i:
        if head.dep_ == "poss" and not _a_place_of(head.head):  # "at Beijing's invitation": a government
            return False
        head = head.head
    if head.dep_ == "appos":  # "in Vladivostok, Russia"
        head = head.head
    # "in the Russian city of Syzran", "in parts of Bolan": the place noun's preposition counts
    while head.dep_ == "pobj" and head.head.lower_ == "of" and head.head.head.lemma_.lower() in _OF_PLACE:
        head = head.head.head
    return head.dep_ in ("pobj", "pcomp") and head.head.lower_ in LOCATIVE_PREPS


# What may stand between a locative preposition and the place in an unparsed sentence: names,
# articles, compass words and the nouns that introduce a place ("in the port city of Odesa").
_PLACE_MODIFIERS = {"the", "a", "an", "'s", "’s", "of", "far", "city", "capital", "town", "village", "port", "province",
                    "region", "state", "district", "county", "border", "outskirts", "suburbs", "central", "upper", "lower"}
# nouns that name a place by the proper name after "of" ("the port city of Odesa")
_OF_PLACE = {"city", "capital", "town", "village", "port", "province", "region", "state", "district", "county",
             "area", "part", "outskirts", "suburb", "municipality", "governorate", "prefecture", "island", "islands"}
_COMPASS = re.compile(r"^(?:north|south|east|west|far)(?:ern|-?(?:north|south)?-?(?:east|west)(?:ern)?)?$")


# What a place's possessive may qualify and stay a place ("in Warsaw's presidential palace");
# anything else makes the name a government's ("at Beijing's invitation", "in Moscow's view").
_PLACE_NOUNS = _PLACE_MODIFIERS | {
    "palace", "airport", "parliament", "embassy", "consulate", "headquarters", "harbour", "harbor", "coast",
    "streets", "square", "centre", "center", "hotel", "compound", "base", "camp", "outskirts", "suburb", "border",
    "area", "neighbourhood", "neighborhood", "quarter", "district", "airbase", "port", "waters", "shores", "island"}


def _a_place_of(token: Any) -> bool:
    return bool(token.pos_ == "PROPN" or token.lower_ in _PLACE_NOUNS or token.ent_type_ in ("FAC", "GPE", "LOC"))


def _after_locative_preposition(token: Any) -> bool:
    """In a sentence left unparsed: `token` follows in/at/near with only names and modifiers
    between; "talks with Washington" is no place, even after "officials in Seoul held", nor is
    "at Beijing's invitation"."""
    after = token.doc[token.i + 1 : token.i + 5]
    if len(after) > 1 and after[0].lower_ in ("'s", "’s") and after[1].is_lower:
        qualified = [t.lower_ for t in after[1:]]  # "'s old town" is a place; "'s invitation on" is not
        if not any(word in _PLACE_NOUNS for word in qualified):
            return False
    for before in reversed(list(token.doc[max(0, token.i - 5) : token.i])):
        if before.lower_ in LOCATIVE_PREPS:
            return True
        word = before.lower_
        if before.is_punct or not (before.text[:1].isupper() or word in _PLACE_MODIFIERS or _COMPASS.match(word)):
            return False
    return False

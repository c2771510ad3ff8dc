"""Stage 4, actors: compose the mentions inside one noun phrase into one `Actor` and its code:
a person wins; else an organisation; else a country, with the sector an agent word gives
("Russian troops" -> RUSMIL) or GOV for a capital or metonym ("Tokyo said" -> JPNGOV); else
a place's country."""

from __future__ import annotations

import datetime as dt
from typing import TypeGuard

from ...types import Actor, Mention
from .entries import COUNTRY_KINDS, Org, fold, short_forms
from .knowledge import ActorDictionary

__all__ = ["compose", "is_placed", "is_state", "org_code"]


def compose(mentions: list[Mention], dictionary: ActorDictionary, day: dt.date | None, text: str,
            head: int | None = None) -> Actor | None:
    """One actor from the mentions found inside one noun phrase, or None.

    A person wins, then an organisation, then a country with the sector an agent word gives,
    then a place's country. A country and a title with no name ("the Japanese prime minister")
    name whoever held that office on `day`, when the knowledge base knows. `head` (the offset of
    the phrase's head word) settles "NATO-member Norway": the country heads it, not NATO."""
    if not mentions:
        return None
    if head is not None and any(m.start <= head < m.end and m.kind in COUNTRY_KINDS for m in mentions):
        mentions = [m for m in mentions if m.kind != "org"]
    places = [m for m in mentions if m.kind == "place"]
    mentions = [m for m in mentions if m.kind != "place"]
    if not mentions:
        return _place_actor(places[0], dictionary, text) if places else None
    start, end = min(m.start for m in mentions), max(m.end for m in mentions)
    span_text = text[start:end]
    agents = [m for m in mentions if m.kind == "agent"]
    agent_sector = dictionary.agents.get(agents[-1].key) if agents else None
    for m in mentions:
        if m.kind == "person":
            return _person_actor(m, dictionary, day, agent_sector, span_text, start, end)
    for m in mentions:
        if m.kind == "org":
            org = dictionary.orgs[m.key]
            sector = agent_sector if agent_sector and org.sector == "IGO" and agent_sector != "GOV" else None
            code = f"{org_code(org)}{sector or ''}"  # "UN peacekeepers": IGOUNOMIL
            # an international organisation is a party of its own: its country is its code (IGOUNO)
            return Actor(span_text, code, org.country or org_code(org), org.sector, org.name, start, end)
    countries = [m for m in mentions if m.kind in COUNTRY_KINDS]
    if countries:
        first = countries[0]
        key, _, seat_sector = first.key.partition(":")
        iso3, note = dictionary.countries[key].on(day)
        implied_gov = first.kind in ("capital", "metonym")
        sector = agent_sector or seat_sector or ("GOV" if implied_gov else None)
        notes: tuple[str, ...] = (note,) if note else ()
        holder = dictionary.holder(iso3, agents[-1].key, day) if agents else None
        name = holder or dictionary.countries[key].name
        role = dictionary.agent_roles.get(agents[-1].key) if holder and agents else None
        title = agents[-1].text if role else None
        if holder:
            notes += (f"{title} of {iso3} on {day}: {holder}",)
        return Actor(span_text, _code(iso3, sector), iso3, sector, name, start, end, role=title, notes=notes)
    if agent_sector:
        return Actor(span_text, agent_sector, None, agent_sector, None, start, end)
    return None


def _place_actor(m: Mention, dictionary: ActorDictionary, text: str) -> Actor | None:
    """A place named as an actor ("shelled the Gaza Strip") stands for its country."""
    place = dictionary.places[m.key]
    if place.country is None:
        return None
    return Actor(text[m.start : m.end], place.country, place.country, None, place.name, m.start, m.end,
                 notes=(f"{place.name} stands for {place.country}",))


def _person_actor(m: Mention, dictionary: ActorDictionary, day: dt.date | None, agent_sector: str | None,
                  span_text: str, start: int, end: int) -> Actor:
    role_org = title = None
    notes: tuple[str, ...] = ()
    if m.key in dictionary.people:
        role = dictionary.people[m.key].role_on(day)
        if role is not None:
            country, sector, role_org, title = role.country, role.sector, role.org, role.title
        else:
            latest = dictionary.people[m.key].role_on(None)
            country, sector = (latest.country if latest else None), None
            notes = (f"{m.key} held no office in the knowledge base on {day}",) if day else ()
    else:
        country, sector = m.country, m.sector
    if m.text.startswith("@"):
        notes = (*notes, f"handle {m.text} is {m.key}'s")
    elif fold(m.text) in {fold(form) for form, _ in short_forms(m.key)}:
        notes = (*notes, f"{m.text!r} read as {m.key}, by a short form of the name")
    sector = sector or agent_sector
    code = _code(country, sector)
    if role_org and not country:  # the UN Secretary-General: IGOUNO, the organisation's party
        code = country = f"{sector}{role_org}"
    return Actor(span_text, code, country, sector, m.key, start, end, role=title, notes=notes)


def org_code(org: Org) -> str:
    """IGOUNO for the UN; a national group by its country and sector (Hamas: PSEREB)."""
    return f"{org.country}{org.sector}" if org.country else f"{org.sector}{org.code}"


def is_state(country: str | None) -> TypeGuard[str]:
    """Whether an actor's `country` is a state's (RUS), not an international organisation's
    own code (IGOUNO), which an organisation with no country has as its country."""
    return country is not None and len(country) == 3


def is_placed(actor: Actor) -> bool:
    """Whether an actor says whose it is: a country, or an international organisation."""
    return actor.code is not None and (actor.country is not None or actor.code != (actor.sector or ""))


def _code(country: str | None, sector: str | None) -> str:
    return f"{country or ''}{sector or ''}" or "UNK"

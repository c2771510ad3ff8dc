"""Placing an event's actor and recipient: a sector-only actor ("protesters", "police") takes
the country of the other side, and a recipient that is the actor itself, or only the actor's
own country by inference, is no recipient.
"""

from __future__ import annotations

from dataclasses import replace

from ...types import Actor
from ..actors.codes import is_placed, is_state

NON_STATE_SECTORS = {"CVL", "OPP", "LAB", "REB", "PTY", "BUS", "MED", "EDU", "HLH", "REL", "CRM", "REF"}


# Sectors whose members act at home: a sector-only actor of these kinds, facing a country's
# actor, is taken to be of that country ("protesters rallied against the Israeli government").
DOMESTIC_SECTORS = {"CVL", "OPP", "LAB", "REB", "PTY", "BUS", "MED", "EDU", "HLH", "REL", "CRM", "REF", "COP", "MIL", "GOV", "JUD", "LEG"}


def own_by_default(actor: Actor, named: Actor, recipient: Actor) -> bool:
    """A recipient that only got the actor's own country by inference ("Russia summoned the
    ambassador": the only country named is Russia's) is no recipient, unless one side is
    society facing the state at home (police and protesters)."""
    if is_placed(named) or recipient.country is None or recipient.country != actor.country:
        return False
    return actor.sector not in NON_STATE_SECTORS and recipient.sector not in NON_STATE_SECTORS


def same_actor(source: Actor, recipient: Actor, event_type: str | None) -> bool:
    """A country acting on itself says nothing, unless sectors differ (police and protesters);
    a country mobilising its own forces has no recipient."""
    if (source.code, source.code or source.text) == (recipient.code, recipient.code or recipient.text):
        return True
    if source.country is None or source.country != recipient.country:
        return False
    return recipient.sector is None or event_type == "MOBILIZE"


def place(source: Actor, recipient: Actor | None, domestic: bool) -> tuple[Actor, Actor | None, list[str]] | None:
    """Give a sector-only actor ("protesters", "police") the country of the other side; drop the
    event when its source stays without a country or organisation. A sector-only recipient of
    cooperation ("reopen embassies") is dropped: conflict is what happens at home."""
    notes = []
    if recipient is not None and not is_placed(recipient) and recipient.ner is None and not domestic:
        recipient = None
    if recipient is not None and not is_placed(recipient) and is_state(source.country) \
            and recipient.sector in DOMESTIC_SECTORS:  # not an organisation's: "the UN urged police"
        recipient = replace(recipient, country=source.country, code=f"{source.country}{recipient.sector}")
        notes.append("recipient's country taken from the actor's")
    if not is_placed(source) and source.ner is None:
        if recipient is None or not is_state(recipient.country) or source.sector not in DOMESTIC_SECTORS:
            return None
        source = replace(source, country=recipient.country, code=f"{recipient.country}{source.sector}")
        notes.append("actor's country taken from the recipient's")
    return source, recipient, notes

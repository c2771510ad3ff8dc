"""Repeats within an article: whether two coded events can be one event told twice
(`same_event`, by which the dates and places of one statement fill in another's), and the
merging of an event reported again into one with more `mentions` (`merge_repeats`)."""

from __future__ import annotations

from typing import Any

from ...types import Actor, Event

__all__ = ["merge_repeats", "same_event"]


def same_event(a: Event, b: Event) -> bool:
    """Whether two coded events can be one event told twice: the same type, the same actor's
    country (or code, for an organisation), the same recipient's when both name one, and the
    same modality, a historical event counting as asserted ("will sign" is not "signed")."""
    if (a.event_type or a.cameo) != (b.event_type or b.cameo) or _side(a.actor) != _side(b.actor):
        return False
    if a.recipient is not None and b.recipient is not None and _side(a.recipient) != _side(b.recipient):
        return False
    return _stated(a) == _stated(b)


def _stated(event: Event) -> str:
    return "asserted" if event.modality == "historical" else event.modality


def _side(actor: Actor) -> str:
    return actor.country or actor.code or f"?{actor.text.lower()}"


def merge_repeats(events: list[Event]) -> list[Event]:
    """The events of an article with the same actor, recipient, CAMEO code, date and modality
    as one, the first, counting the others in its `mentions`."""
    merged: dict[tuple[Any, ...], Event] = {}
    for event in events:
        key = (_who(event.actor), _who(event.recipient), event.cameo, event.date, event.modality)
        if key in merged:
            merged[key].mentions += 1
        else:
            merged[key] = event
    return list(merged.values())


def _who(actor: Actor | None) -> str | None:
    return None if actor is None else actor.code or f"?{actor.text}"

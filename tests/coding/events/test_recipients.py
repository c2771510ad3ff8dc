"""Who an event is done to: never the actor's own country by default, and never the place
named as where it happened ("a summit in a third country")."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import triples

pytestmark = pytest.mark.model


def _recipients(article: Any, actor_country: str) -> set[str | None]:
    return {e.recipient.country if e.recipient else None for e in article.events if e.actor.country == actor_country}


@pytest.mark.parametrize(
    ("text", "actor"),
    [
        ("Russia recalled its envoy on Monday.", "RUS"),
        ("Nigeria summoned the ambassador on Tuesday for consultations.", "NGA"),
        ("Peru withdrew its diplomats after the vote.", "PER"),
        ("Kenyan police arrested two officials in a dawn raid.", "KEN"),
    ],
)
def test_the_recipient_is_never_the_actors_own_country_by_default(code: Any, text: str, actor: str) -> None:
    article = code(text)
    assert article.events, "the event is still coded"
    assert actor not in _recipients(article, actor)
    assert any("names no country but the actor's own" in n for e in article.events for n in e.notes) \
        or _recipients(article, actor) == {None}


def test_an_owned_envoy_leaves_the_recipient_to_the_country_named(code: Any) -> None:
    """"its ambassador to Moldova": the envoy is Russia's; Moldova is whom it is done to."""
    assert _recipients(code("Russia recalled its ambassador to Moldova on Monday."), "RUS") == {"MDA"}


def test_society_facing_its_own_state_keeps_the_domestic_recipient(code: Any) -> None:
    """Police and protesters of one country: the domestic pair is the event, not a default."""
    assert ("KENCOP", "COERCE", "KENCVL") in triples(code("Police in Kenya arrested protesters."))


@pytest.mark.parametrize(
    ("text", "pair", "place"),
    [
        ("Armenia and Azerbaijan held a summit in Kazakhstan on Friday.", {"ARM", "AZE"}, "KAZ"),
        ("Iran and Saudi Arabia signed an agreement in China.", {"IRN", "SAU"}, "CHN"),
        ("Ethiopia and Eritrea signed a peace deal in Saudi Arabia.", {"ETH", "ERI"}, "SAU"),
        ("Serbia and Kosovo held talks in Belgium on Thursday.", {"SRB", "XKX"}, "BEL"),
    ],
)
def test_a_third_country_named_after_in_is_where_not_whom(code: Any, text: str, pair: set[str], place: str) -> None:
    article = code(text)
    assert article.events
    assert all(e.recipient is None or e.recipient.country != place for e in article.events)
    assert {e.actor.country for e in article.events} & pair


def test_a_capital_after_in_is_where_not_whom(code: Any) -> None:
    article = code("Vietnam signed an agreement with Laos in the capital on Friday.")
    assert {(e.actor.country, e.recipient.country if e.recipient else None) for e in article.events} == {("VNM", "LAO")}


@pytest.mark.parametrize(
    ("text", "recipient"),
    [
        ("Japan invested in Indonesia last year.", "IDN"),  # "in" is the pattern's own preposition
        ("Jordan's King Abdullah arrived in Cairo on Sunday.", "EGY"),  # a visit is to where it goes
    ],
)
def test_in_still_names_whom_where_the_event_means_it(code: Any, text: str, recipient: str) -> None:
    found = {e.recipient.country for e in code(text).events if e.recipient}
    assert recipient in found


@pytest.mark.parametrize(
    ("text", "recipient"),
    [
        ("Japan agreed to rebuild schools in Nepal.", "NPL"),
        ("China agreed to build a hospital in Cambodia.", "KHM"),
    ],
)
def test_a_thing_in_a_place_is_done_to_that_place(code: Any, text: str, recipient: str) -> None:
    """Only the event's own place ("a summit in X") is where; "schools in Nepal" are Nepal's."""
    assert recipient in {e.recipient.country for e in code(text).events if e.recipient}


def test_the_combined_coder_follows_the_rule(combined: Any) -> None:
    article = combined.code_text("Armenia and Azerbaijan held a summit in Kazakhstan on Friday.", date="2024-05-10")
    assert all(e.recipient is None or e.recipient.country != "KAZ" for e in article.events)
    article = combined.code_text("Russia recalled its envoy on Monday.", date="2024-05-10")
    assert all(e.recipient is None or e.recipient.country != "RUS" for e in article.events)

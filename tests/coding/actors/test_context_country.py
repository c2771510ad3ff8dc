"""Unnamed agents ("police", "troops", "protesters", "a ministry spokesman") with no country in
their phrase take one from the article's context, by a ranked rule, with a note saying which."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.model


def _first(article: Any, sector: str) -> Any:
    return next(e for e in article.events if e.actor.sector == sector)


@pytest.mark.parametrize(
    ("text", "sector", "country", "why"),
    [
        # the dateline: where the story was filed, when nothing else says
        ("HARARE (Reuters) - Police arrested dozens of opposition activists on Saturday, a lawyer said.",
         "COP", "ZWE", "dateline"),
        ("BANGKOK, March 3 (Reuters) - A ministry spokesman criticised the protesters on Monday.", "GOV", "THA", "dateline"),
        ("LIMA (AP) — Protesters demanded the resignation of the interior minister on Friday.", "CVL", "PER", "dateline"),
        # where its own sentence says it happened
        ("Police fired tear gas at protesters in Kampala on Monday.", "COP", "UGA", "its sentence"),
        # where the article last said things happen, beyond the sentences just before
        ("JOHANNESBURG (Reuters) - Fighting broke out in Goma on Monday, witnesses said.\n\n"
         "The clashes lasted for hours. Shops stayed closed. Schools were shut.\n\n"
         "Troops shelled rebel positions on Tuesday.", "MIL", "COD", "where the article last says"),
    ],
)
def test_an_unnamed_agent_takes_its_country_from_the_context(code: Any, text: str, sector: str, country: str,
                                                              why: str) -> None:
    event = _first(code(text, "2024-05-10"), sector)
    assert event.actor.country == country
    assert any(f"taken to be of {country}" in n and why in n for n in event.notes)


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("HARARE (Reuters) - Mozambican police arrested dozens of activists on Saturday.", "MOZ"),
        ("HARARE (Reuters) - Police in Mozambique arrested dozens of activists on Saturday.", "MOZ"),
        ("JOHANNESBURG (Reuters) - Fighting broke out in Goma on Monday.\n\nA third sentence.\n\nAnother one.\n\n"
         "Ugandan troops shelled rebel positions on Tuesday.", "UGA"),
    ],
)
def test_the_context_never_overrides_a_country_the_sentence_gives(code: Any, text: str, country: str) -> None:
    assert _first(code(text, "2024-05-10"), "COP" if "police" in text.lower() else "MIL").actor.country == country


def test_the_place_nearer_the_agent_outranks_the_dateline(code: Any) -> None:
    """A strike in one country is often filed from a neighbouring capital."""
    article = code("NAIROBI (Reuters) - Clashes erupted in Mogadishu on Sunday.\n\nPolice arrested dozens of protesters.",
                   "2024-05-10")
    assert _first(article, "COP").actor.country == "SOM"


def test_two_candidate_countries_leave_the_agent_unresolved(code: Any) -> None:
    article = code("Talks between Chad and Niger ended on Monday. A ministry spokesman criticised the protesters.",
                   "2024-05-10")
    assert all(e.actor.country is None or e.actor.sector != "GOV" for e in article.events if e.sentence == 1)

from __future__ import annotations

from typing import Any

import pytest

from dyad.coding.attributes.gazetteer import find_city


def test_a_shared_name_goes_to_the_country_the_article_names() -> None:
    libya, lebanon = find_city("Tripoli"), find_city("Tripoli", ["LBN"])
    assert libya is not None and libya.country == "LBY"
    assert lebanon is not None and lebanon.country == "LBN"


def test_unknown_names_find_nothing() -> None:
    assert find_city("Nowhereville") is None


@pytest.mark.model
def test_event_placed_in_a_gazetteer_city(code: Any) -> None:
    [event] = code("Azerbaijani troops shelled Armenian positions in Vanadzor on Monday.", "2023-05-02").events
    assert event.location is not None
    assert (event.location.name, event.location.country, event.location.kind) == ("Vanadzor", "ARM", "city")
    assert any("gazetteer" in n for n in event.notes)


@pytest.mark.model
def test_a_capitals_name_in_another_countrys_story(code: Any) -> None:
    article = code("Lebanese troops arrested two Syrian smugglers in Tripoli on Monday.", "2023-05-02")
    [event] = article.events
    assert event.location is not None and (event.location.name, event.location.country) == ("Tripoli", "LBN")
    [event] = code("Libyan police arrested two Egyptian smugglers in Tripoli on Monday.", "2023-05-02").events
    assert event.location is not None and event.location.country == "LBY"

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

pytestmark = pytest.mark.model


def test_date_from_the_verbs_own_expression(code: Any) -> None:
    article = code("Russia expelled two Japanese diplomats on Monday. Japan protested to Russia on Tuesday.", "2024-03-06")
    assert [(e.event_type, e.date, e.date_text) for e in article.events] == [
        ("SANCTION", dt.date(2024, 3, 4), "Monday"), ("ACCUSE", dt.date(2024, 3, 5), "Tuesday")]


def test_without_an_expression_the_publication_date_is_used_and_noted(code: Any) -> None:
    [event] = code("Russia expelled two Japanese diplomats.", "2024-03-06").events
    assert event.date == dt.date(2024, 3, 6)
    assert "date taken from the article's publication date" in event.notes


def test_no_publication_date_and_a_relative_expression_leaves_no_date(code: Any) -> None:
    [event] = code("Russia expelled two Japanese diplomats on Monday.", None).events
    assert event.date is None
    [event] = code("Russia expelled two Japanese diplomats on March 4, 2024.", None).events
    assert event.date == dt.date(2024, 3, 4)


def test_location_with_coordinates(code: Any) -> None:
    [event] = code("Chinese President Xi Jinping met Japanese Prime Minister Fumio Kishida in Vladivostok.", "2023-05-01").events
    assert event.location is not None
    assert (event.location.name, event.location.country) == ("Vladivostok", "RUS")
    assert event.location.lat == pytest.approx(43.1, abs=0.2) and event.location.lon == pytest.approx(131.9, abs=0.2)


def test_a_capital_named_as_place_is_a_location_not_an_actor(code: Any) -> None:
    [event] = code("India's foreign minister met Pakistan's foreign minister in Beijing.", "2023-05-01").events
    assert (event.actor.code, event.recipient.code if event.recipient else None) == ("INDGOV", "PAKGOV")
    assert event.location is not None and (event.location.name, event.location.country) == ("Beijing", "CHN")


def test_the_same_event_twice_in_an_article_is_one_event_with_two_mentions(code: Any) -> None:
    article = code("Russia expelled two Japanese diplomats. Later, Russia expelled the Japanese diplomats.", "2024-03-06")
    [event] = article.events
    assert event.mentions == 2

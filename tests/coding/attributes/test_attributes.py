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


def test_date_evidence_points_at_the_expression(code: Any) -> None:
    article = code("Russia expelled two Japanese diplomats on Monday.", "2024-03-06")
    [event] = article.events
    assert event.date_span is not None and article.text[slice(*event.date_span)] == "Monday"


def test_an_intended_event_takes_the_coming_month(code: Any) -> None:
    [event] = code("Japanese Prime Minister Shinzo Abe will visit China in October.", "2018-09-12").events
    assert (event.modality, event.date, event.date_precision) == ("intended", dt.date(2018, 10, 1), "month")


def test_place_falls_back_to_the_dateline(code: Any) -> None:
    article = code("Peace talks\n\nGENEVA, May 2 (Reuters) - Armenia criticised Azerbaijan on Tuesday.", "2023-05-02")
    [event] = article.events
    assert event.location is not None and (event.location.name, event.location.kind) == ("Geneva", "city")
    assert any("dateline" in n for n in event.notes)


def test_place_falls_back_to_where_a_nearby_sentence_sets_the_scene(code: Any) -> None:
    text = ("The forum opened on Tuesday in Vladivostok. "
            "Russian President Vladimir Putin proposed a peace treaty to Japanese Prime Minister Shinzo Abe.")
    article = code(text, "2018-09-12")
    [event] = [e for e in article.events if e.event_type == "AGREE"]
    assert event.location is not None and event.location.name == "Vladivostok"
    assert article.text[event.location.start : event.location.end] == "Vladivostok"

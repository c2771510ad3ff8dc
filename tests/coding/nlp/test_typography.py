"""Typographic variants read as their ASCII forms in every stage (spaCy reads a folded copy of
the same length), while every offset and sentence text still indexes the text as ingested."""

from __future__ import annotations

from typing import Any

import pytest

from dyad.types import FACTUAL
from tests.conftest import triples

pytestmark = pytest.mark.model

CURLY = "\u2019"
NBSP = "\u00a0"


@pytest.mark.parametrize(("text", "actor", "recipient"), [
    (f"Russia didn{CURLY}t sanction Ukraine on Monday.", "RUS", "UKR"),
    (f"Iran won{CURLY}t attack Israel, the minister said.", "IRN", "ISR"),
    (f"Pakistan hasn{CURLY}t expelled the Indian envoy.", "PAK", "IND"),
    (f"Vietnam doesn{CURLY}t accuse China of spying.", "VNM", "CHN"),
])
def test_curly_apostrophes_negate_as_straight_ones_do(pipeline: Any, text: str, actor: str, recipient: str) -> None:
    def coded(version: str) -> list[tuple[str, str | None, str | None, str]]:
        article = pipeline.code_text(version, date="2024-06-20")
        return [(e.actor.code[:3], e.event_type, e.recipient.code[:3] if e.recipient else None, e.modality)
                for e in article.events]

    curly = coded(text)
    assert [(a, r) for a, _, r, modality in curly if modality == "negated"] == [(actor, recipient)]
    assert not [e for e in curly if e[3] in FACTUAL]
    assert curly == coded(text.replace(CURLY, "'"))


@pytest.mark.parametrize(("text", "actor", "recipient"), [
    (f"Moscow{CURLY}s envoy accused Kyiv of shelling the plant.", "RUS", "UKR"),
    (f"Côte d{CURLY}Ivoire accused Mali of arming rebels.", "CIV", "MLI"),
    (f"Nigeria{CURLY}s army attacked{NBSP}Cameroon on Monday.", "NGA", "CMR"),
    (f"South\u2009Korea{CURLY}s navy fired on North\u00a0Korean boats.", "KOR", "PRK"),
])
def test_curly_possessives_and_unicode_spaces_name_the_actor(pipeline: Any, text: str, actor: str,
                                                             recipient: str) -> None:
    article = pipeline.code_text(text, date="2024-06-20")
    pairs = [(a[:3], r[:3] if r else None) for a, _, r in triples(article)]
    assert (actor, recipient) in pairs, triples(article)


def test_offsets_and_sentence_texts_index_the_text_as_ingested(pipeline: Any) -> None:
    text = (f"\u201cWe will not talk,\u201d Russia{CURLY}s envoy said.{NBSP}Moscow{CURLY}s army "
            f"didn{CURLY}t attack Ukraine, officials in Kyiv said.")
    article = pipeline.code_text(text, date="2024-06-20")
    assert article.text == text
    assert article.sentences
    for sentence in article.sentences:
        assert sentence.text == text[sentence.start : sentence.end]
    for mention in article.mentions:
        assert text[mention.start : mention.end] == mention.text
    for event in article.events:
        assert text[event.actor.start : event.actor.end] == event.actor.text
    assert [q.text for q in article.quotes if q.kind == "direct"] == ["We will not talk,"]


def test_a_glued_dateline_still_places_the_story(pipeline: Any) -> None:
    article = pipeline.code_text("MANILA, Philippines \u2014The Philippines accused China of ramming a boat.",
                                 date="2024-06-20")
    assert article.sentences[0].text.startswith("The Philippines")
    located = [e for e in article.events if e.location is not None]
    assert located and located[0].location is not None and located[0].location.country == "PHL"

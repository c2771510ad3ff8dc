from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.model

TEXT = (
    '"We will not give up the islands," Japanese Prime Minister Shinzo Abe said on Monday. '
    '"Our position is unchanged." '
    "Russian Foreign Minister Sergei Lavrov said Moscow would expel two Japanese diplomats."
)


def test_direct_and_indirect_quotes_with_speakers(code: Any) -> None:
    article = code(TEXT, "2018-09-12")
    found = [(q.kind, q.speaker.code if q.speaker else None, article.text[q.start : q.end]) for q in article.quotes]
    assert ("direct", "JPNGOV", "We will not give up the islands,") in found
    assert ("direct", "JPNGOV", "Our position is unchanged.") in found  # continues the last speaker
    assert ("indirect", "RUSGOV", "Moscow would expel two Japanese diplomats") in found


def test_an_event_is_linked_to_its_quote(code: Any) -> None:
    article = code(TEXT, "2018-09-12")
    [event] = [e for e in article.events if e.event_type in ("SANCTION", "THREATEN")]
    [quote] = [q for q in article.quotes if q.id == event.quote]
    assert quote.kind == "indirect" and quote.speaker is not None and quote.speaker.name == "Sergey Lavrov"


def test_a_speech_verb_inside_a_quote_is_not_the_speaker(code: Any) -> None:
    article = code('"I will not comment on what President Putin said," Japan\'s foreign minister said.', "2018-09-12")
    [quote] = [q for q in article.quotes if q.kind == "direct"]
    assert quote.speaker is not None and quote.speaker.country == "JPN"

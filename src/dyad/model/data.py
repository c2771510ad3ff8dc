"""Training examples for the event model, and their encoding into the heads' label arrays.

Sources:

- the team's sentences, ``training/data/*.jsonl`` (format: ``training/README.md``): every head;
- when present at training time, three public gold files from ``../shared/gold`` (their text is
  read, never copied into the repository):
  ``conflibert_pentaclass_train.tsv`` (PentaClass head only), ``conflibert_actor_spans_train.txt``
  (token head only) and ``plover_gsr_dev.json`` (type, mode when it is one of today's, spans).

An `Example` keeps ``None`` for each head it has no label for; `encode` turns that into the
ignore index, so a head's loss counts only the sentences labelled for it (the masks).
Spans are character offsets into the text; `encode` turns them into token BIO tags through the
tokenizer's offsets, the same tokenizer (``tokenizer.json``) the run-time model uses.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from tokenizers import Encoding, Tokenizer

from ..codebook import Codebook, default_codebook
from ..errors import DataFileError
from ..evaluation.public import bio_spans, read_conll, token_starts
from .labels import label_space, labels_of_code

__all__ = [
    "GOLD_FILES",
    "IGNORE",
    "Encoded",
    "Example",
    "Span",
    "batches",
    "bio_tags",
    "counts",
    "encode",
    "load_tokenizer",
    "read_actor_spans",
    "read_gold",
    "read_pentaclass",
    "read_plover",
    "read_team",
    "spans_of_tags",
]

IGNORE = -100  # the label of a position or head that has no gold: no loss, no score
GOLD_FILES = {
    "conflibert_pentaclass": "conflibert_pentaclass_train.tsv",
    "conflibert_actor_spans": "conflibert_actor_spans_train.txt",
    "plover_gsr_dev": "plover_gsr_dev.json",
}
# PLOVER 0.5b1 labels of plover_gsr_dev.json -> today's types (the gold MANIFEST's mapping).
OLD_PLOVER = {"DEMAND": ("REQUEST", None), "DISAPPROVE": ("ACCUSE", None), "INVESTIGATE": ("ACCUSE", "investigate"),
              "FIGHT": ("ASSAULT", None)}
ROLE_OF_FIELD = {"source": "S", "target": "T", "reciprocal": "R"}
MARKUP = re.compile(r"\((SRC/TAR|SRC|TAR): ([^()]*)\)")
ROLE_OF_MARK = {"SRC": "S", "TAR": "T", "SRC/TAR": "R"}


@dataclass(frozen=True)
class Span:
    role: str  # S, T or R
    start: int
    end: int


@dataclass(frozen=True)
class Example:
    id: str
    text: str
    origin: str  # "team" or a key of GOLD_FILES: CV scores are kept per origin
    event_type: str | None = None  # None: no label for this head
    mode: str | None = None
    penta: int | None = None
    spans: tuple[Span, ...] | None = None  # None: no token labels; () a sentence with no actor


# ---- the team's sentences -------------------------------------------------------------------

def read_team(paths: Iterable[Path], codebook: Codebook | None = None) -> list[Example]:
    codebook = codebook or default_codebook()
    examples = []
    for path in sorted(paths):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                examples.append(_team_example(json.loads(line), f"{path}:{number}", codebook))
    return examples


def _team_example(record: dict[str, Any], where: str, codebook: Codebook) -> Example:
    text = record["text"]
    cameo = record.get("cameo")
    if cameo is not None and cameo not in codebook:
        raise DataFileError(where, f"CAMEO code {cameo!r} is not in the codebook")
    event_type, mode, penta = labels_of_code(cameo, codebook)
    spans = []
    for field, role in ROLE_OF_FIELD.items():
        for phrase in record.get(field) or []:
            start = text.find(phrase)
            if start < 0 or text.find(phrase, start + 1) >= 0:
                raise DataFileError(where, f"{field} {phrase!r} must occur exactly once in the text")
            spans.append(Span(role, start, start + len(phrase)))
    return Example(record.get("id") or where, text, "team", event_type, mode, penta, tuple(sorted(spans, key=_start)))


def _start(span: Span) -> int:
    return span.start


# ---- the public gold files ------------------------------------------------------------------

def read_gold(folder: Path, names: Sequence[str] = tuple(GOLD_FILES)) -> tuple[list[Example], list[str]]:
    """The examples of the gold files present in `folder`, and the names of those absent."""
    readers = {"conflibert_pentaclass": read_pentaclass, "conflibert_actor_spans": read_actor_spans,
               "plover_gsr_dev": read_plover}
    examples: list[Example] = []
    absent = []
    for name in names:
        path = folder / GOLD_FILES[name]
        if path.is_file():
            examples.extend(readers[name](path))
        else:
            absent.append(name)
    return examples, absent


def read_pentaclass(path: Path) -> list[Example]:
    """``sentence<TAB>label`` lines, label 0-4: the PentaClass head only."""
    examples = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        text, _, label = line.rpartition("\t")
        if not text.strip() or label.strip() not in ("0", "1", "2", "3", "4"):
            raise DataFileError(f"{path}:{number}", "expected a sentence, a tab and a PentaClass 0-4")
        examples.append(Example(f"penta-{number}", text.strip(), "conflibert_pentaclass", penta=int(label)))
    return examples


def read_actor_spans(path: Path) -> list[Example]:
    """CoNLL ``token TAG`` lines, blank between sentences, tags BIO over S/T/R: the token head
    only. The text is the tokens joined by single spaces, as `dyad eval` rebuilds it."""
    examples = []
    for number, tokens in enumerate(read_conll(path), 1):
        starts = token_starts([token for token, _ in tokens])
        spans = tuple(Span(role, starts[first], starts[last] + len(tokens[last][0]))
                      for role, first, last in bio_spans([tag for _, tag in tokens]))
        examples.append(Example(f"spans-{number}", " ".join(t for t, _ in tokens), "conflibert_actor_spans", spans=spans))
    return examples


def read_plover(path: Path) -> list[Example]:
    """PLOVER gold records: type (old labels mapped), mode when it is one the codebook knows
    (the 0.5b1 modes such as ``strike-hun`` are not, so those records leave the mode head
    unlabelled) and the actor spans of the record's markup (SRC, TAR, SRC/TAR = reciprocal)."""
    space = label_space()
    examples = []
    for record in json.loads(path.read_text(encoding="utf-8")):
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            continue
        event_type, implied_mode = OLD_PLOVER.get(record.get("event", ""), (record.get("event"), None))
        if event_type not in space.types:
            continue  # the DOCUMENT header record
        mode = implied_mode or record.get("mode") or None
        text = record["text"]
        examples.append(Example(str(record.get("id")), text, "plover_gsr_dev", event_type,
                                mode if mode in space.modes else None, None, _plover_spans(record, text)))
    return examples


def _plover_spans(record: dict[str, Any], text: str) -> tuple[Span, ...]:
    info = record.get("textInfo")
    markup = info.get("markup") if isinstance(info, dict) else info
    spans, position = [], 0
    for mark, phrase in MARKUP.findall(markup if isinstance(markup, str) else ""):
        start = text.find(phrase, position)
        if phrase and start >= 0:
            spans.append(Span(ROLE_OF_MARK[mark], start, start + len(phrase)))
            position = start + len(phrase)
    return tuple(spans)


# ---- encoding -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Encoded:
    """The arrays of a set of examples, padded to their longest; labels IGNORE where unknown."""
    input_ids: npt.NDArray[np.int64]
    attention_mask: npt.NDArray[np.int64]
    event_type: npt.NDArray[np.int64]
    mode: npt.NDArray[np.int64]
    penta: npt.NDArray[np.int64]
    tags: npt.NDArray[np.int64]


def load_tokenizer(path: Path, max_length: int) -> Tokenizer:
    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.enable_truncation(max_length=max_length)
    tokenizer.no_padding()
    return tokenizer


def bio_tags(encoding: Encoding, spans: Sequence[Span]) -> list[str | None]:
    """A BIO tag per token of `encoding` (None for the special tokens): a token is inside a span
    when its characters overlap it; the first such token is B-, the rest I-. A word split into
    pieces is inside as a whole, so a name with diacritics or an unknown word keeps its pieces."""
    tags: list[str | None] = []
    begun: set[Span] = set()
    for (start, end), special in zip(encoding.offsets, encoding.special_tokens_mask, strict=True):
        if special:
            tags.append(None)
            continue
        span = next((s for s in spans if start < s.end and s.start < end), None)
        if span is None:
            tags.append("O")
        else:
            tags.append(("I-" if span in begun else "B-") + span.role)
            begun.add(span)
    return tags


def encode(examples: Sequence[Example], tokenizer: Tokenizer) -> Encoded:
    space = label_space()
    encodings = tokenizer.encode_batch([e.text for e in examples])
    width = max((len(enc.ids) for enc in encodings), default=0)
    size = len(examples)
    ids = np.zeros((size, width), dtype=np.int64)
    mask = np.zeros((size, width), dtype=np.int64)
    tags = np.full((size, width), IGNORE, dtype=np.int64)
    for row, (example, enc) in enumerate(zip(examples, encodings, strict=True)):
        ids[row, :len(enc.ids)] = enc.ids
        mask[row, :len(enc.ids)] = 1
        if example.spans is not None:
            for column, tag in enumerate(bio_tags(enc, example.spans)):
                if tag is not None:
                    tags[row, column] = space.bio.index(tag)
    return Encoded(
        input_ids=ids, attention_mask=mask,
        event_type=_indices([e.event_type for e in examples], space.types),
        mode=_indices([e.mode for e in examples], space.modes),
        penta=_indices([None if e.penta is None else str(e.penta) for e in examples], space.penta),
        tags=tags,
    )


def _indices(values: Sequence[str | None], labels: Sequence[str]) -> npt.NDArray[np.int64]:
    return np.array([IGNORE if v is None else labels.index(v) for v in values], dtype=np.int64)


def batches(items: Sequence[Example], size: int) -> Iterator[Sequence[Example]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def counts(examples: Iterable[Example]) -> dict[str, dict[str, int]]:
    """Per origin, how many sentences label each head: the training data counts of model.json."""
    table: dict[str, dict[str, int]] = {}
    for e in examples:
        row = table.setdefault(e.origin, {"sentences": 0, "type": 0, "mode": 0, "penta": 0, "spans": 0})
        row["sentences"] += 1
        row["type"] += e.event_type is not None
        row["mode"] += e.mode is not None
        row["penta"] += e.penta is not None
        row["spans"] += e.spans is not None
    return table



def spans_of_tags(encoding: Encoding, tags: Sequence[str]) -> list[Span]:
    """Character spans of a token BIO sequence (one tag per token of `encoding`; special tokens'
    tags are ignored). Decoded by words, as NER models are: a word's tag is its first piece's, so
    a span always covers whole words and no two spans overlap, whatever the later pieces say."""
    words: list[tuple[int, int]] = []  # (first token, last token) of each word, in order
    word_tags: list[str] = []
    previous = None
    for index, (word, special) in enumerate(zip(encoding.word_ids, encoding.special_tokens_mask, strict=True)):
        if special or word is None:
            previous = None
            continue
        if word == previous:
            words[-1] = (words[-1][0], index)
        else:
            words.append((index, index))
            word_tags.append(tags[index])
        previous = word
    offsets = encoding.offsets
    return [Span(role, offsets[words[first][0]][0], offsets[words[last][1]][1])
            for role, first, last in bio_spans(word_tags)]

"""Training examples: spans as substrings -> character offsets -> token BIO tags, and back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dyad.errors import DataFileError
from dyad.model.data import (
    IGNORE,
    Span,
    bio_tags,
    encode,
    read_actor_spans,
    read_gold,
    read_pentaclass,
    read_plover,
    read_team,
    spans_of_tags,
)
from dyad.model.labels import label_space


def team_file(tmp_path: Path, *records: dict[str, Any]) -> Path:
    path = tmp_path / "t-01.jsonl"
    base = {"source": [], "target": [], "reciprocal": [], "style": "lede", "region": "europe"}
    path.write_text("".join(json.dumps(base | r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


CASES = [
    # a name with diacritics, split into many pieces, and a target inside the sentence
    {"id": "t-01-1", "text": "Lithuanian Interior Minister Agnė Vaitkutė told Minsk to reopen the border.", "cameo": "100",
     "modality": "asserted", "source": ["Lithuanian Interior Minister Agnė Vaitkutė"], "target": ["Minsk"]},
    # a span at the very end of the sentence, with no full stop after it
    {"id": "t-01-2", "text": "Police in Tbilisi detained protesters from Gldani", "cameo": "173", "modality": "asserted",
     "source": ["Police in Tbilisi"], "target": ["protesters from Gldani"]},
    # a span that ends where the sentence's last word ends, before its full stop; diacritics in both
    {"id": "t-01-3", "text": "Türkiye and Côte d'Ivoire signed a pact in Ankara.", "cameo": "057", "modality": "asserted",
     "reciprocal": ["Türkiye", "Côte d'Ivoire"]},
    # no event: every token O
    {"id": "t-01-4", "text": "A car bomb killed 12 in Kabul.", "cameo": None, "modality": None},
]


@pytest.mark.parametrize("record", CASES, ids=[c["id"] for c in CASES])
def test_team_spans_become_offsets_then_bio_tags_then_the_same_offsets(tmp_path: Path, tokenizer: Any, record: dict[str, Any]) -> None:
    [example] = read_team([team_file(tmp_path, record)])
    text = record["text"]
    wanted = sorted((role, phrase) for field, role in (("source", "S"), ("target", "T"), ("reciprocal", "R"))
                    for phrase in record.get(field, []))
    assert sorted((s.role, text[s.start:s.end]) for s in example.spans or ()) == wanted
    encoding = tokenizer.encode(text)
    tags = bio_tags(encoding, example.spans or ())
    for span in example.spans or ():
        inside = [t for t, (a, b) in zip(tags, encoding.offsets, strict=True) if a < span.end and span.start < b and t]
        assert inside[0] == f"B-{span.role}" and set(inside[1:]) <= {f"I-{span.role}"}, (span, inside)
    outside = [t for t, (a, b) in zip(tags, encoding.offsets, strict=True)
               if t and not any(a < s.end and s.start < b for s in example.spans or ())]
    assert set(outside) <= {"O"}
    assert tags[0] is None and tags[-1] is None  # [CLS] and [SEP]
    assert spans_of_tags(encoding, [t or "O" for t in tags]) == list(example.spans or ())


def test_two_spans_of_one_role_side_by_side_stay_two(tokenizer: Any) -> None:
    text = "Police in Tbilisi detained protesters, students"
    spans = (Span("T", 27, 37), Span("T", 39, 47))
    encoding = tokenizer.encode(text)
    assert spans_of_tags(encoding, [t or "O" for t in bio_tags(encoding, spans)]) == list(spans)


def test_a_word_is_tagged_by_its_first_piece(tokenizer: Any) -> None:
    """The model may tag the pieces of one word differently; the span still covers the word."""
    text = "Vaitkutė told Minsk"
    encoding = tokenizer.encode(text)
    tags = ["O"] * len(encoding.ids)
    tags[1] = "B-S"  # the first piece of Vaitkutė only
    assert [(s.role, text[s.start:s.end]) for s in spans_of_tags(encoding, tags)] == [("S", "Vaitkutė")]


def test_a_span_that_is_not_in_the_text_is_refused_with_its_place(tmp_path: Path) -> None:
    path = team_file(tmp_path, {"id": "t-01-1", "text": "Russia expelled two diplomats.", "cameo": "166",
                                "modality": "asserted", "source": ["Moscow"]})
    with pytest.raises(DataFileError, match=r"t-01\.jsonl:1.*'Moscow'"):
        read_team([path])


def test_each_example_carries_labels_only_for_its_heads(tmp_path: Path, tokenizer: Any) -> None:
    penta = tmp_path / "penta.tsv"
    penta.write_text("Troops shelled the town.\t4\n", encoding="utf-8")
    [team] = read_team([team_file(tmp_path, CASES[3])])
    [penta_only] = read_pentaclass(penta)
    encoded = encode([team, penta_only], tokenizer)
    space = label_space()
    assert encoded.event_type.tolist() == [space.types.index("NONE"), IGNORE]
    assert encoded.mode.tolist() == [space.modes.index("none"), IGNORE]
    assert encoded.penta.tolist() == [IGNORE, 4]  # no PentaClass for a sentence without an event
    real = encoded.attention_mask[0] == 1
    assert set(encoded.tags[0][real][1:-1].tolist()) == {0}  # O everywhere inside
    assert set(encoded.tags[1].tolist()) == {IGNORE}  # no token labels at all


def test_conll_actor_spans_become_offsets_in_the_space_joined_text(tmp_path: Path) -> None:
    path = tmp_path / "spans.txt"
    path.write_text("In O\nKiev O\n, O\na B-S\ncar I-S\nbomb I-S\nkilled O\nChechens B-T\n\nRussia B-R\nand O\nChina B-R\n", encoding="utf-8")
    first, second = read_actor_spans(path)
    assert first.text == "In Kiev , a car bomb killed Chechens"
    assert [(s.role, first.text[s.start:s.end]) for s in first.spans or ()] == [("S", "a car bomb"), ("T", "Chechens")]
    assert [(s.role, second.text[s.start:s.end]) for s in second.spans or ()] == [("R", "Russia"), ("R", "China")]
    assert first.event_type is None and first.penta is None


def test_plover_records_map_old_labels_and_keep_only_known_modes(tmp_path: Path) -> None:
    records = [
        {"id": "doc", "event": "DOCUMENT", "eventText": "header"},
        {"id": "a", "event": "DEMAND", "mode": "strike-hun", "text": "Jordan and Britain demanded talks.",
         "textInfo": {"markup": "(SRC/TAR: Jordan) and (SRC/TAR: Britain) (EVT: demanded) talks."}},
        {"id": "b", "event": "INVESTIGATE", "text": "Kenya probed Uganda.", "textInfo": "(SRC: Kenya) probed (TAR: Uganda)."},
        {"id": "c", "event": "PROTEST", "mode": "demo", "text": "Students protested.", "textInfo": None},
    ]
    path = tmp_path / "plover.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    a, b, c = read_plover(path)
    assert (a.event_type, a.mode) == ("REQUEST", None)  # an old mode the codebook does not know: unlabelled
    assert [(s.role, a.text[s.start:s.end]) for s in a.spans or ()] == [("R", "Jordan"), ("R", "Britain")]
    assert (b.event_type, b.mode) == ("ACCUSE", "investigate")
    assert [(s.role, b.text[s.start:s.end]) for s in b.spans or ()] == [("S", "Kenya"), ("T", "Uganda")]
    assert (c.event_type, c.mode, c.spans) == ("PROTEST", "demo", ())


def test_absent_gold_files_are_named(tmp_path: Path) -> None:
    (tmp_path / "conflibert_pentaclass_train.tsv").write_text("Talks resumed.\t1\n", encoding="utf-8")
    examples, absent = read_gold(tmp_path)
    assert [e.origin for e in examples] == ["conflibert_pentaclass"]
    assert absent == ["conflibert_actor_spans", "plover_gsr_dev"]

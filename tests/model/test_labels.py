"""The label spaces come from the codebook, and (type, mode) maps back to a code of that type."""

from __future__ import annotations

from pathlib import Path

import pytest

from dyad.codebook import PLOVER_TYPES, Codebook, default_codebook
from dyad.model.labels import NO_EVENT, NO_MODE, STATEMENT, cameo_for, label_space, labels_of_code

HEADER = "cameo\tname\tgoldstein\tquad_class\tplover_type\tplover_mode\tplover_context\n"


def small_codebook(tmp_path: Path, rows: list[str]) -> Codebook:
    path = tmp_path / "cameo.tsv"
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return Codebook(path)


def test_the_shipped_codebook_gives_sixteen_types_a_statement_and_no_event() -> None:
    space = label_space()
    assert space.types[:2] == (NO_EVENT, STATEMENT)
    assert sorted(space.types[2:]) == sorted(PLOVER_TYPES)
    modes = {code.plover_mode for code in default_codebook().codes.values() if code.plover_mode}
    assert set(space.modes) == modes | {NO_MODE}
    assert space.penta == ("0", "1", "2", "3", "4")
    assert space.bio == ("O", "B-S", "I-S", "B-T", "I-T", "B-R", "I-R")


def test_labels_follow_the_codebook_not_a_list(tmp_path: Path) -> None:
    codebook = small_codebook(tmp_path, [
        "010\tMake statement\t0.0\t\t\t\t",
        "040\tConsult\t1.0\t1\tCONSULT\t\t",
        "042\tVisit\t1.9\t1\tCONSULT\tvisit\t",
        "180\tAssault\t-9.0\t4\tASSAULT\t\t",
        "181\tAbduct\t-9.0\t4\tASSAULT\tabduct\t",
    ])
    space = label_space(codebook)
    assert space.types == (NO_EVENT, STATEMENT, "CONSULT", "ASSAULT")
    assert space.modes == (NO_MODE, "visit", "abduct")
    assert space.penta == ("0", "1", "4")


def test_every_code_round_trips_to_a_code_of_the_same_type_mode_and_class() -> None:
    codebook = default_codebook()
    for code in codebook.codes.values():
        event_type, mode, penta = labels_of_code(code.cameo)
        back = codebook[cameo_for(event_type, mode, penta) or ""]
        assert (back.plover_type or STATEMENT, back.plover_mode or NO_MODE) == (event_type, mode), code.cameo
        assert event_type == (code.plover_type or STATEMENT), code.cameo
        assert back.quad_class == code.quad_class, code.cameo


def test_the_code_chosen_is_the_most_general_of_its_type_and_mode() -> None:
    codebook = default_codebook()
    for code in codebook.codes.values():
        if code.plover_type is None:
            continue
        chosen = codebook[cameo_for(code.plover_type, code.plover_mode or NO_MODE, code.quad_class) or ""]
        peers = [c for c in codebook.codes.values() if (c.plover_type, c.plover_mode, c.quad_class)
                 == (code.plover_type, code.plover_mode, code.quad_class)]
        assert len(chosen.cameo) == min(len(c.cameo) for c in peers), code.cameo


@pytest.mark.parametrize(("event_type", "mode", "penta", "expected"), [
    ("REQUEST", NO_MODE, 1, "020"),  # an appeal
    ("REQUEST", NO_MODE, 3, "100"),  # a demand: the PentaClass head picks the class
    ("REQUEST", "meet", None, "026"),
    ("SANCTION", "expel", None, "166"),
    ("ASSAULT", "visit", None, "180"),  # a mode the type never has: the type's root
    (STATEMENT, NO_MODE, 0, "010"),
    (NO_EVENT, NO_MODE, None, None),
])
def test_cameo_for(event_type: str, mode: str, penta: int | None, expected: str | None) -> None:
    assert cameo_for(event_type, mode, penta) == expected


def test_statements_and_non_events_have_their_own_labels() -> None:
    assert labels_of_code("016") == (STATEMENT, NO_MODE, 0)
    assert labels_of_code(None) == (NO_EVENT, NO_MODE, None)
    assert labels_of_code("173") == ("COERCE", "arrest", 4)


def test_an_unknown_type_is_refused() -> None:
    with pytest.raises(ValueError, match="not a PLOVER type"):
        cameo_for("DEMAND")

"""A person named in full once is called by a shorter name later: the family name wherever it
stands (last, or first in Korean, Chinese, Vietnamese and Hungarian names), with its particle
or without ("bin Salman", "von der Leyen", "Sisi"), or a social-media handle."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dyad.coding.actors.entries import short_forms
from dyad.coding.actors.knowledge import ActorDictionary
from dyad.errors import DataFileError


@pytest.mark.parametrize(
    ("name", "form"),
    [
        ("Lee Jae-myung", "Lee"),
        ("Pham Minh Chinh", "Pham"),
        ("Orbán Viktor", "Orbán"),
        ("Mohammed bin Salman", "bin Salman"),
        ("Ursula von der Leyen", "von der Leyen"),
        ("Abdel Fattah el-Sisi", "Sisi"),
        ("Abdel Fattah el-Sisi", "el-Sisi"),
        ("Angela Merkel", "Merkel"),
    ],
)
def test_short_forms_of_a_name(name: str, form: str) -> None:
    assert form in [f for f, _ in short_forms(name)]


def test_a_family_name_placed_last_outranks_a_first_word() -> None:
    ranks = dict(short_forms("Angela Merkel"))
    assert ranks["Merkel"] < ranks["Angela"]
    assert "bin" not in dict(short_forms("Mohammed bin Salman"))


def _later_actor(article: Any, verb_word: str) -> tuple[str | None, str | None, tuple[str, ...]]:
    [event] = [e for e in article.events if verb_word in article.text[e.trigger[0]: e.trigger[1]]]
    return event.actor.code, event.actor.name, tuple(event.notes)


@pytest.mark.model
class TestShortNames:
    @pytest.mark.parametrize(
        ("text", "expected", "name"),
        [
            ("South Korean President Lee Jae-myung met Japanese officials. On Tuesday Lee condemned North Korea.",
             "KORGOV", "Lee Jae-myung"),
            ("Vietnamese Prime Minister Pham Minh Chinh visited Seoul. Pham praised South Korea for its investment.",
             "VNMGOV", "Pham Minh Chinh"),
            ("North Korea's Vice Foreign Minister Pak Myong-ho met Russian diplomats on Monday. Pak condemned Japan.",
             "PRKGOV", "Pak Myong-ho"),
            ("Hungarian Defence Minister Szalay-Bobrovniczky Kristóf met Polish officials on Monday. "
             "Szalay-Bobrovniczky condemned Russia.", "HUNMIL", "Szalay-Bobrovniczky Kristóf"),
            ("Chinese Vice Premier Ding Xuexiang met Australian officials on Monday. Ding praised Australia for its trade policy.",
             "CHNGOV", "Ding Xuexiang"),
            ("Yemen's Interior Minister Ibrahim bin Haidan met Saudi officials on Monday. Bin Haidan condemned Iran.",
             "YEMGOV", "Ibrahim bin Haidan"),
            ("Sudan's Defence Minister Yassin Ibrahim el-Tayeb met Egyptian officials. Tayeb condemned Chad.",
             "SDNMIL", "Yassin Ibrahim el-Tayeb"),
            ("Sudan's Defence Minister Yassin Ibrahim el-Tayeb met Egyptian officials. El-Tayeb condemned Chad.",
             "SDNMIL", "Yassin Ibrahim el-Tayeb"),
        ],
    )
    def test_the_later_short_form_keeps_the_full_mentions_actor(self, code: Any, text: str, expected: str,
                                                                 name: str) -> None:
        actor, found, notes = _later_actor(code(text, "2025-08-20"), "condemned" if "condemned" in text else "praised")
        assert (actor, found) == (expected, name)
        assert any("by a short form of the name" in n for n in notes)

    def test_a_first_word_followed_by_another_name_is_someone_else(self, code: Any) -> None:
        article = code("Kim Jong-un met Russian officials. Kim Yo-jong condemned South Korea on Tuesday.", "2024-05-10")
        assert all(e.actor.name != "Kim Jong Un" for e in article.events if "condemned" in article.text[e.trigger[0]:e.trigger[1]])

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("@ZelenskyyUa thanked Germany for the air defence systems.", ("UKRGOV", "DEU")),
            ("In a post on Sunday, @vonderleyen praised Moldova for its reforms.", ("IGOEUR", "MDA")),
        ],
    )
    def test_a_known_handle_is_its_person(self, code: Any, text: str, expected: tuple[str, str]) -> None:
        article = code(text, "2024-05-10")
        assert expected in {(e.actor.code, e.recipient.country if e.recipient else None) for e in article.events}
        assert any("handle" in n for e in article.events for n in e.notes)


def test_a_handle_must_be_one_word_with_an_at_sign(tmp_path: Path) -> None:
    path = tmp_path / "people.yaml"
    path.write_text("people:\n  - name: Jane Example\n    handles: [JaneExample]\n    roles:\n"
                    "      - {country: NOR, sector: GOV, title: Foreign Minister, start: 2020-01-01, end: null}\n")
    with pytest.raises(DataFileError, match="handle"):
        ActorDictionary.load(extra=[path])


@pytest.mark.model
def test_a_users_handle_is_found(tmp_path: Path, nlp: Any) -> None:
    from dyad.coding.pipeline import Pipeline

    path = tmp_path / "people.yaml"
    path.write_text("people:\n  - name: Jane Example\n    handles: ['@JaneExampleNO']\n    roles:\n"
                    "      - {country: NOR, sector: GOV, title: Foreign Minister, start: 2020-01-01, end: null}\n")
    article = Pipeline(nlp, coder="rules", actors=[path]).code_text("@janeexampleno praised Sweden for its aid.", date="2024-05-10")
    assert ("NORGOV", "SWE") in {(e.actor.code, e.recipient.country if e.recipient else None) for e in article.events}


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "date", "name"),
    [
        ("Prime Minister Pham praised Laos for its cooperation.", "2024-05-10", "Pham Minh Chinh"),
        ("President Lee praised Japan for its cooperation.", "2025-08-20", "Lee Jae-myung"),
    ],
)
def test_a_title_and_a_family_name_written_first(code: Any, text: str, date: str, name: str) -> None:
    assert name in {e.actor.name for e in code(text, date).events}

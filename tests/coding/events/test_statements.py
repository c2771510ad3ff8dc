"""Statements (CAMEO 01, PentaClass 0): speech acts whose content holds no event are recorded
with QuadClass 0 and no PLOVER type; one that reports an event is not added beside it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dyad.codebook import default_codebook
from dyad.coding.events.patterns import Patterns
from dyad.errors import DataFileError

pytestmark = pytest.mark.model


def statements(article: Any) -> list[tuple[str, str | None, str | None, str]]:
    """(CAMEO, actor code, recipient code, modality) of the article's statements."""
    return [(e.cameo, e.actor.code, e.recipient.code if e.recipient else None, e.modality)
            for e in article.events if e.statement]


# One sentence per finer code, of the kind the verb alone says: (sentence, CAMEO, actor).
FINER = [
    ("A spokesman for the Polish government declined to comment on the leaked memo.", "011", "POLGOV"),
    ("The Brazilian foreign ministry did not respond to emailed requests for comment.", "011", "BRAGOV"),
    ("Officials in Nigeria could not be reached for comment on Sunday.", "011", "NGAGOV"),
    ("Kenya worries that the drought will last another year.", "012", "KEN"),
    ("The Chilean president voiced concern about falling copper prices.", "012", "CHLGOV"),
    ("Vietnam hopes that the harvest will recover next season.", "013", "VNM"),
    ("The Canadian prime minister expressed optimism about the economy.", "013", "CANGOV"),
    ("Norway is weighing several options for its pension fund.", "014", "NOR"),
    ("A Somali militant group claimed responsibility for the bombing in Mogadishu.", "015", "SOM"),
    ("The Peruvian government admitted that the census had undercounted rural families.", "015", "PERGOV"),
    ("The Indian army denied that its soldiers had opened fire.", "016", "INDMIL"),
    ("Serbia dismissed allegations that its police had mistreated migrants.", "016", "SRB"),
    ("The Irish president laid a wreath at the war memorial in Dublin.", "017", "IRLGOV"),
    ("The Greek prime minister sent condolences to the families of the victims.", "018", "GRCGOV"),
    ("Portugal concurred with the assessment of the European Commission.", "019", "PRT"),
    ("The Austrian chancellor said the budget was balanced.", "010", "AUTGOV"),
]


@pytest.mark.parametrize(("text", "cameo", "actor"), FINER, ids=[f"{c}-{i}" for i, (_, c, _) in enumerate(FINER)])
def test_each_statement_code(code: Any, text: str, cameo: str, actor: str) -> None:
    found = statements(code(text))
    assert [(c, a, m) for c, a, _, m in found] == [(cameo, actor, "asserted")]


def test_a_statement_has_quad_class_zero_no_plover_type_and_the_codebooks_goldstein(code: Any) -> None:
    [event] = code("The Turkish government denied the report.").events
    entry = default_codebook()[event.cameo]
    assert (event.cameo, event.event_type, event.mode, event.quad_class) == ("016", None, None, 0)
    assert event.goldstein == entry.goldstein and event.statement


def test_a_denial_is_016_and_a_rejection_of_a_proposal_stays_120(code: Any) -> None:
    [denial] = code("Egypt rejected claims that it had closed the border crossing.").events
    [rejection] = code("Egypt rejected the Sudanese proposal.").events
    assert (denial.cameo, denial.event_type) == ("016", None)
    assert (rejection.cameo, rejection.event_type) == ("120", "REJECT")


def test_denying_a_request_or_access_stays_a_rejection(code: Any) -> None:
    [event] = code("Hungary denied access to the inspectors.").events
    assert event.event_type == "REJECT" and not event.statement


@pytest.mark.parametrize("text", [
    "Ecuador said it would send food aid to Haiti.",
    "Azerbaijani troops shelled an Armenian village, the Armenian defence ministry said.",
    "\"We will expel the ambassador,\" the Malian foreign minister told reporters.",
])
def test_a_speech_act_that_reports_an_event_adds_no_statement(code: Any, text: str) -> None:
    article = code(text)
    assert any(not e.statement for e in article.events)
    assert statements(article) == []


def test_a_statement_reporting_a_statement_is_one_statement(code: Any) -> None:
    found = statements(code("Ghana said Togo denied the report."))
    assert [(c, a) for c, a, _, _ in found] == [("016", "TGO")]


def test_the_addressee_or_subject_is_the_recipient(code: Any) -> None:
    [(cameo, actor, recipient, _)] = statements(code("Thailand told Cambodia that the talks had been useful."))
    assert (cameo, actor, recipient) == ("010", "THA", "KHM")


def test_a_negated_speech_act_keeps_its_modality(code: Any) -> None:
    assert statements(code("Uruguay did not say whether the budget was balanced.")) == [("010", "URY", None, "negated")]


def test_a_speech_verb_reporting_nothing_is_no_statement(code: Any) -> None:
    """"Reported" and "added" need something reported: a bare object is not a statement."""
    assert statements(code("Belgium added two new members to its cabinet.")) == []


def test_statement_entries_only_in_the_statements_list(tmp_path: Path) -> None:
    path = tmp_path / "verbs.yaml"
    path.write_text("verbs:\n  - {verb: deny, cameo: '016'}\n")
    with pytest.raises(DataFileError, match=r"verbs\[0\].*belong in 'statements'"):
        Patterns(path)
    path.write_text("statements:\n  - {verb: deny, cameo: '120'}\n")
    with pytest.raises(DataFileError, match=r"statements\[0\].*belong in 'statements'"):
        Patterns(path)
    path.write_text("statement_default: '190'\n")
    with pytest.raises(DataFileError, match="statement_default"):
        Patterns(path)


def test_a_statement_about_ones_own_side_or_another_clause_has_no_recipient(code: Any) -> None:
    """The recipient is the addressee or the actor the statement is about, never guessed from
    another clause nor one's own side."""
    found = statements(code("Chile praised Peru for the deal and said the Chilean economy would grow."))
    assert [(c, a, r) for c, a, r, _ in found] == [("010", "CHL", None)]


def test_a_clause_with_its_own_subject_keeps_its_own_modality(code: Any) -> None:
    found = statements(code("Laos did not reject the offer, and the Lao foreign minister said the talks had been useful."))
    assert [(c, m) for c, _, _, m in found] == [("010", "asserted")]


def test_a_speech_verb_inside_what_is_said_is_not_a_statement_of_its_own(code: Any) -> None:
    text = "The Danish minister said Copenhagen would respond calmly."
    found = [e for e in code(text).events if e.statement]
    assert [(e.cameo, text[e.trigger[0]:e.trigger[1]]) for e in found] == [("010", "said")]


def test_a_hope_to_do_something_is_the_intended_event_not_a_statement(code: Any) -> None:
    article = code("The Mongolian president hopes to visit Kazakhstan next year.")
    assert [(e.cameo, e.actor.code, e.recipient.code if e.recipient else None, e.modality) for e in article.events] == [
        ("036", "MNGGOV", "KAZ", "intended")]

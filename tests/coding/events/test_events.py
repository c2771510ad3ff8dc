from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dyad.codebook import PLOVER_TYPES, Codebook, default_codebook
from dyad.coding.events.patterns import Patterns, default_patterns
from dyad.errors import DataFileError
from tests.conftest import triples

pytestmark = pytest.mark.model

# One plain sentence per PLOVER type: (sentence, actor code, type, recipient code).
EVERY_TYPE = [
    ("Germany and France agreed to build a new tank together.", "DEU", "AGREE", "FRA"),
    ("Chinese President Xi Jinping met Brazilian President Luiz Inacio Lula da Silva in Beijing on Friday.", "CHNGOV", "CONSULT", "BRAGOV"),
    ("Canada praised Mexico for its handling of the talks.", "CAN", "SUPPORT", "MEX"),
    ("Israel eased restrictions on Palestinian workers.", "ISR", "CONCEDE", "PSELAB"),
    ("Japan cooperated with Australia on maritime security.", "JPN", "COOPERATE", "AUS"),
    ("Japan sent humanitarian aid to Turkey after the earthquake.", "JPN", "AID", "TUR"),
    ("Russia withdrew its troops from the border with Georgia.", "RUS", "RETREAT", "GEO"),
    ("Kenya urged Somalia to hold elections.", "KEN", "REQUEST", "SOM"),
    ("Serbia accused Kosovo of provoking violence in the north.", "SRB", "ACCUSE", "XKX"),
    ("Egypt rejected Ethiopia's proposal for a new dam agreement.", "EGY", "REJECT", "ETH"),
    ("North Korea threatened South Korea with military action.", "PRK", "THREATEN", "KOR"),
    ("Thousands of students protested against the Iranian government in Tehran.", "IRNCVL", "PROTEST", "IRNGOV"),
    ("Australia expelled two Russian diplomats on Tuesday.", "AUS", "SANCTION", "RUSGOV"),
    ("India deployed troops along its border with China.", "IND", "MOBILIZE", "CHN"),
    ("Chinese police arrested two Canadian citizens.", "CHNCOP", "COERCE", "CANCVL"),
    ("Russian forces shelled Ukrainian positions near Kharkiv.", "RUSMIL", "ASSAULT", "UKRMIL"),
]


def test_every_plover_type_has_a_case() -> None:
    assert sorted({t for _, _, t, _ in EVERY_TYPE}) == sorted(PLOVER_TYPES)


@pytest.mark.parametrize(("text", "actor", "kind", "recipient"), EVERY_TYPE, ids=[t for _, _, t, _ in EVERY_TYPE])
def test_each_plover_type(code: Any, text: str, actor: str, kind: str, recipient: str) -> None:
    assert (actor, kind, recipient) in triples(code(text))


def test_event_fields_come_from_the_codebook(code: Any) -> None:
    [event] = code("Australia expelled two Russian diplomats on Tuesday.").events
    entry = default_codebook()[event.cameo]
    assert (event.event_type, event.mode, event.goldstein, event.quad_class) == (
        entry.plover_type, entry.plover_mode, entry.goldstein, entry.quad_class)
    assert event.quad_class in (3, 4) and event.goldstein < 0


def test_passive_voice_swaps_the_roles(code: Any) -> None:
    assert ("RUS", "SANCTION", "JPNGOV") in triples(code("Two Japanese diplomats were expelled by Russia on Monday."))


def test_passive_without_agent_codes_nothing(code: Any) -> None:
    assert triples(code("Two Japanese diplomats were expelled on Monday.")) == []


@pytest.mark.parametrize(
    ("text", "modality"),
    [
        ("Seoul did not reject the offer from Tokyo.", "negated"),
        ("Tokyo has not agreed to the Chinese proposal.", "negated"),
        ("France would never attack Germany.", "negated"),
        ("Greece might expel Turkish diplomats.", "hypothetical"),
        ("If Iran attacks Israel, the region will suffer.", "hypothetical"),
        ("Moscow did not meet or call Kyiv.", "negated"),
        ("Hanoi is not willing to negotiate with Beijing.", "negated"),
        ("Germany no longer supports the Russian pipeline.", "negated"),
    ],
)
def test_negated_and_hypothetical_events_are_kept_with_their_modality(code: Any, text: str, modality: str) -> None:
    events = code(text).events
    assert events and {e.modality for e in events} == {modality}
    assert triples(code(text)) == []


def test_a_speech_verbs_modal_does_not_touch_what_it_reports(code: Any) -> None:
    [event] = code("Officials might say that Russia attacked Georgia.").events
    assert (event.event_type, event.modality) == ("ASSAULT", "asserted")


def test_historical_events(code: Any) -> None:
    article = code("North Korea abducted Japanese citizens decades ago. Japan protested to North Korea in 1999.", "2018-09-12")
    assert {e.modality for e in article.events} == {"historical"}


def test_the_content_of_a_proposal_is_not_an_event(code: Any) -> None:
    events = code("Russia proposed that the two countries sign a treaty with Japan.").events
    assert [e.event_type for e in events] == ["AGREE"]


def test_conjoined_subjects_give_reciprocal_events(code: Any) -> None:
    found = triples(code("Peru and Chile agreed to reopen the border."))
    assert ("PER", "AGREE", "CHL") in found and ("CHL", "AGREE", "PER") in found


def test_conjoined_objects_give_one_event_each(code: Any) -> None:
    found = triples(code("The United Nations urged Israel and Iran to show restraint."))
    assert ("IGOUNO", "REQUEST", "ISR") in found and ("IGOUNO", "REQUEST", "IRN") in found


def test_pronoun_under_a_speech_verb_is_the_speaker(code: Any) -> None:
    [event] = code("Tokyo said on Monday it wants the islands returned by Russia.").events
    assert (event.actor.code, event.event_type) == ("JPNGOV", "REQUEST")
    assert "source resolved from a pronoun" in event.notes


def test_actor_found_deep_in_the_object(code: Any) -> None:
    found = triples(code("Japan insists on the return of the islands seized by the Soviet Union."))
    assert ("JPN", "REQUEST", "RUS") in found


def test_inferred_target_is_flagged_and_less_confident(code: Any) -> None:
    article = code("As Japanese Prime Minister Shinzo Abe listened, Russian President Vladimir Putin proposed a treaty.", "2018-09-12")
    [event] = article.events
    assert (event.actor.code, event.recipient.code if event.recipient else None) == ("RUSGOV", "JPNGOV")
    assert event.confidence < 0.9 and any("inferred" in n for n in event.notes)


def test_evidence_offsets_point_at_the_words(code: Any) -> None:
    text = "Headline about the border\n\nOn Monday, Russian troops shelled the Ukrainian town of Vovchansk."
    article = code(text)
    [event] = article.events
    assert text[event.actor.start : event.actor.end] == "Russian troops"
    assert event.recipient is not None and text[event.recipient.start : event.recipient.end].startswith("Ukrainian")
    assert text[event.trigger[0] : event.trigger[1]] == "shelled"


def test_light_verb_with_event_noun(code: Any) -> None:
    found = triples(code("Azerbaijan launched an attack on Armenian positions."))
    assert any(a == "AZE" and t == "ASSAULT" and r is not None and r.startswith("ARM") for a, t, r in found)


def test_patterns_point_only_at_codes_with_a_plover_type() -> None:
    codebook = default_codebook()
    patterns = default_patterns()
    for index in (patterns.verbs, patterns.nouns):
        for candidates in index.values():
            for pattern in candidates:
                assert codebook[pattern.cameo].plover_type is not None, pattern


def test_every_plover_type_is_reachable_from_the_patterns() -> None:
    codebook = default_codebook()
    reached = {codebook[p.cameo].plover_type for c in default_patterns().verbs.values() for p in c}
    assert reached == set(PLOVER_TYPES)


def test_pattern_file_errors_name_the_entry(tmp_path: Path) -> None:
    path = tmp_path / "verbs.yaml"
    path.write_text("verbs:\n  - {verb: attack, cameo: '190'}\n  - {verb: hug, cameo: '999'}\n")
    with pytest.raises(DataFileError, match=r"verbs\[1\].*'999' is not in the codebook"):
        Patterns(path)
    path.write_text("verbs:\n  - {verb: attack, cameo: '190', colour: red}\n")
    with pytest.raises(DataFileError, match="unknown keys: colour"):
        Patterns(path)


def test_words_yaml_reads_as_booleans_stay_words(tmp_path: Path) -> None:
    path = tmp_path / "verbs.yaml"
    path.write_text("verbs:\n  - {verb: call, prep: on, cameo: '020'}\n  - {verb: back, particle: off, cameo: '080'}\n")
    patterns = Patterns(path)
    assert patterns.verbs["call"][0].prep == "on"
    assert patterns.verbs["back"][0].particle == "off"


def test_protest_quad_class_is_a_setting() -> None:
    assert Codebook()["141"].quad_class == 4
    assert Codebook(protest_quad_class=3)["141"].quad_class == 3
    assert Codebook(protest_quad_class=3)["190"].quad_class == 4
    with pytest.raises(ValueError):
        Codebook(protest_quad_class=2)


@pytest.mark.parametrize(
    ("text", "cameo", "kind"),
    [
        ("Finland will give Tanzania a grant of ten million euros.", "0331", "AGREE"),
        ("Syria says it is willing to withdraw its troops from Lebanon.", "0356", "AGREE"),
        ("Turkey threatened to impose sanctions on Austria.", "1312", "THREATEN"),
        ("Georgia plans to expel two Russian diplomats.", "1313", "THREATEN"),
    ],
)
def test_intentions_are_coded_as_intent(code: Any, text: str, cameo: str, kind: str) -> None:
    events = code(text).events
    assert [(e.cameo, e.event_type) for e in events] == [(cameo, kind)]


def test_intent_is_noted(code: Any) -> None:
    [event] = code("Japan will send medicine to Turkey.").events
    assert event.cameo == "0333" and "stated as intended: CAMEO 073 coded as intent 0333" in event.notes


@pytest.mark.parametrize(
    ("text", "cameo"),
    [
        ("Sudanese rebels will not release the two Kenyan pilots.", "1243"),
        ("Washington won't lift the embargo on Cuba.", "1244"),
    ],
)
def test_refusals_of_cooperation_are_rejections(code: Any, text: str, cameo: str) -> None:
    [event] = code(text).events
    assert (event.cameo, event.event_type) == (cameo, "REJECT")


def test_negated_conflict_in_the_future_is_negated_not_a_refusal(code: Any) -> None:
    [event] = code("Armenia will not attack Azerbaijan.").events
    assert (event.event_type, event.modality) == ("ASSAULT", "negated")


def test_intent_and_refusal_maps_point_at_the_right_types(tmp_path: Path) -> None:
    path = tmp_path / "verbs.yaml"
    path.write_text("intent_codes: {'07': '120'}\nverbs: []\n")
    with pytest.raises(DataFileError, match="not a AGREE or THREATEN code"):
        Patterns(path)
    patterns = default_patterns()
    assert patterns.intent("0841") == "0353" and patterns.intent("120") == "120"
    assert patterns.refusal("0841") == "1243" and patterns.refusal("190") is None


@pytest.mark.parametrize(
    ("text", "kind", "recipient"),
    [
        ("The United Nations will provide 25,000 tons of food aid to Liberia.", "AGREE", "LBR"),  # counted object
        ("The United States suspended part of a military aid program for Bosnia.", "SANCTION", "BIH"),
        ("The United States is providing photographs and medicine to Macedonia.", "AID", "MKD"),  # joined objects
        ("Israel reimposed a blockade on Gaza.", "COERCE", None),  # re- + a known verb
        ("The United States continued to send weapons to Pakistan.", "AID", "PAK"),  # aspect
        ("Israeli troops remained on alert along the border with Lebanon.", "MOBILIZE", "LBN"),
        ("Iraq said it would allow the return of U.N. inspectors.", "AGREE", None),
    ],
)
def test_object_and_verb_mechanics(code: Any, text: str, kind: str, recipient: str | None) -> None:
    found = triples(code(text))
    assert any(t == kind and (recipient is None or (r or "").startswith(recipient)) for _, t, r in found), found


@pytest.mark.parametrize(
    ("text", "cameo", "recipient"),
    [
        ("A British minister said Libya must hand over the two suspects.", "100", "LBY"),
        ("Kenya said Somalia should hold elections this year.", "020", "SOM"),
    ],
)
def test_reported_obligation_is_a_demand_of_the_subject(code: Any, text: str, cameo: str, recipient: str) -> None:
    [event] = code(text).events
    assert (event.cameo, event.event_type, event.recipient.country if event.recipient else None) == (cameo, "REQUEST", recipient)


def test_swearing_to_fight_is_a_threat(code: Any) -> None:
    [event] = code("Kurdish rebels in Turkey swore to fight the Turkish army.").events
    assert event.event_type == "THREATEN"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Russia's attack on Ukraine drew wide condemnation.", {("RUS", "ASSAULT", "UKR")}),
        ("Talks between China and Japan ended without agreement.", {("CHN", "CONSULT", "JPN"), ("JPN", "CONSULT", "CHN")}),
    ],
)
def test_nominal_events(code: Any, text: str, expected: set[tuple[str, str, str]]) -> None:
    article = code(text)
    assert set(triples(article)) == expected
    assert all(e.confidence < 0.9 and "named by a noun, not a verb" in e.notes for e in article.events)


def test_a_noun_next_to_a_verbal_event_is_background(code: Any) -> None:
    found = triples(code("Germany condemned the attack on Ukraine by Russia."))
    assert ("DEU", "ACCUSE", "UKR") in found or ("DEU", "ACCUSE", "RUS") in found
    assert ("RUS", "ASSAULT", "UKR") not in found


def test_relative_clause_subject_is_the_noun_it_describes(code: Any) -> None:
    article = code("Russia, which attacked Ukraine in 2014, denied the charges.", "2023-03-01")
    assert [(e.actor.code, e.event_type, e.recipient.code if e.recipient else None, e.modality)
            for e in article.events if e.event_type == "ASSAULT"] == [("RUS", "ASSAULT", "UKR", "historical")]


def test_a_planned_event_noun_is_intended_and_looks_forward(code: Any) -> None:
    article = code("Japan and China agreed to work towards an October visit to China.", "2018-09-12")
    [visit] = [e for e in article.events if e.pattern.endswith("visit")]
    assert (visit.actor.country, visit.recipient.country if visit.recipient else None) == ("JPN", "CHN")
    assert (visit.event_type, visit.modality, str(visit.date), visit.date_precision) == ("AGREE", "intended", "2018-10-01", "month")

"""The combination policy (`dyad.coding.events.combine`), with a stand-in model whose readings are given, so
that each rule of the policy is tested whatever the trained weights say."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from dyad.coding.events.combine import CombinedCoder, Policy
from dyad.coding.events.rules import EventCoder
from dyad.coding.pipeline import Pipeline
from dyad.model.infer import ActorSpan, Prediction
from dyad.model.labels import NO_EVENT, cameo_for

pytestmark = pytest.mark.model


class Reading:
    """A stand-in event model: the prediction for each sentence is built from `readings`, keyed
    by a word of the sentence; sentences with none are no event."""

    version = "test-1"
    card: dict[str, Any] = {}
    folder = None

    def __init__(self, **readings: tuple[str, float, dict[str, list[str]]]) -> None:
        self.readings = readings
        self.read: list[str] = []

    def predict(self, sentences: Sequence[str]) -> list[Prediction]:
        self.read += sentences
        return [self._one(s) for s in sentences]

    def _one(self, sentence: str) -> Prediction:
        key = next((k for k in self.readings if k in sentence), None)
        label, p, roles = self.readings[key] if key else (NO_EVENT, 0.99, {})
        event_type, _, mode = label.partition("/")

        def spans(role: str) -> tuple[ActorSpan, ...]:
            return tuple(ActorSpan(role, sentence.index(t), sentence.index(t) + len(t), t) for t in roles.get(role, []))

        return Prediction(event_type=event_type, type_probability=p, mode=mode or "none", mode_probability=p,
                          penta=1, penta_probability=p, cameo=cameo_for(event_type, mode or "none"),
                          source=spans("S"), target=spans("T"), reciprocal=spans("R"), types={event_type: p})


@pytest.fixture
def code_with(nlp: Any) -> Any:
    def run(model: Reading, text: str, use: str = "combined", policy: Policy | None = None) -> Any:
        pipeline = Pipeline(nlp, coder="rules")
        pipeline.coder = CombinedCoder(pipeline.coder.rules, model, policy or Policy(use=use))  # type: ignore[arg-type]
        pipeline.stages = [(n, pipeline.coder if n == "events" else s) for n, s in pipeline.stages]
        return pipeline.code_text(text, date="2024-03-06").events

    return run


EXPEL = "Russia expelled two Japanese diplomats on Monday."


def test_where_model_and_pattern_agree_the_patterns_event_stands_with_the_models_probability(code_with: Any) -> None:
    [event] = code_with(Reading(expelled=("SANCTION", 0.93, {})), EXPEL)
    [alone] = code_with(Reading(), EXPEL, use="rules")
    assert (event.cameo, event.actor.code, event.recipient.code) == (alone.cameo, "RUS", alone.recipient.code)
    assert (event.coder, event.model_version, event.model_probability) == ("pattern", "test-1", 0.93)
    assert (alone.coder, alone.model_version, alone.model_probability) == ("pattern", None, None)


ARREST = "Nigerian police put dozens of Ghanaian traders behind bars on Monday."


def test_the_model_adds_an_event_no_pattern_found_with_actors_read_by_the_parse(code_with: Any) -> None:
    assert code_with(Reading(), ARREST, use="rules") == []
    reading = ("COERCE/arrest", 0.9, {"S": ["Nigerian police"], "T": ["dozens of Ghanaian traders"]})
    [event] = code_with(Reading(bars=reading), ARREST)
    assert (event.coder, event.event_type, event.mode, event.model_probability) == ("model", "COERCE", "arrest", 0.9)
    assert event.cameo == cameo_for("COERCE", "arrest")
    assert (event.actor.country, event.actor.sector) == ("NGA", "COP")
    assert event.recipient is not None and event.recipient.country == "GHA"
    assert ARREST[event.trigger[0]:event.trigger[1]] == "put"  # the verb the source is the subject of


def test_a_reading_below_the_threshold_adds_nothing(code_with: Any) -> None:
    reading = ("COERCE/arrest", Policy().add - 0.05, {"S": ["Nigerian police"], "T": ["dozens of Ghanaian traders"]})
    assert code_with(Reading(bars=reading), ARREST) == []


def test_a_confident_model_overrides_the_patterns_type_and_a_doubtful_one_does_not(code_with: Any) -> None:
    [alone] = code_with(Reading(), EXPEL, use="rules")
    spans = {"S": ["Russia"], "T": ["two Japanese diplomats"]}
    [event] = code_with(Reading(expelled=("COERCE/deport", 0.95, spans)), EXPEL)
    assert (event.coder, event.event_type, event.actor.code) == ("model", "COERCE", "RUS")
    [kept] = code_with(Reading(expelled=("COERCE/deport", Policy().override - 0.05, spans)), EXPEL)
    assert (kept.coder, kept.event_type, kept.cameo) == ("pattern", alone.event_type, alone.cameo)


def test_a_model_naming_no_actor_takes_the_patterns_actors(code_with: Any) -> None:
    [alone] = code_with(Reading(), EXPEL, use="rules")
    [event] = code_with(Reading(expelled=("COERCE/deport", 0.95, {})), EXPEL)
    assert (event.coder, event.event_type) == ("model", "COERCE")
    assert (event.actor.code, event.recipient.code) == (alone.actor.code, alone.recipient.code)
    assert "actors from the patterns' reading of the sentence" in event.notes


def test_a_confident_no_event_drops_the_patterns_events_and_a_doubtful_one_keeps_them(code_with: Any) -> None:
    assert code_with(Reading(expelled=(NO_EVENT, Policy().drop, {})), EXPEL) == []
    [kept] = code_with(Reading(expelled=(NO_EVENT, Policy().drop - 0.05, {})), EXPEL)
    # the model read the sentence: its (low) probability for the event's type is kept with it
    assert (kept.coder, kept.model_version, kept.model_probability) == ("pattern", "test-1", 0.0)


@pytest.mark.parametrize(("text", "modality"), [
    ("China plans to send food aid to Sudan next month.", "intended"),
    ("China did not send food aid to Sudan.", "negated"),
    ("China might send food aid to Sudan.", "hypothetical"),
])
def test_the_rules_set_the_modality_of_the_models_event(code_with: Any, text: str, modality: str) -> None:
    reading = ("AID/material", 0.9, {"S": ["China"], "T": ["Sudan"]})
    [event] = code_with(Reading(aid=reading), text, use="model")
    assert (event.coder, event.modality, event.actor.code, event.recipient.code) == ("model", modality, "CHN", "SDN")
    rules = EventCoder()
    aid = cameo_for("AID", "material")
    # an intention is coded with the codebook's intent code, as the patterns code one
    assert event.cameo == (rules.patterns.intent(aid) if modality == "intended" else aid)
    assert event.event_type == rules.codebook[event.cameo].plover_type


def test_model_alone_ignores_the_patterns(code_with: Any) -> None:
    assert code_with(Reading(), EXPEL, use="model") == []
    [event] = code_with(Reading(expelled=("SANCTION", 0.6, {"S": ["Russia"], "T": ["two Japanese diplomats"]})),
                        EXPEL, use="model")
    assert (event.coder, event.cameo) == ("model", cameo_for("SANCTION"))


def test_reciprocal_phrases_give_an_event_each_way(code_with: Any) -> None:
    text = "Kenya and Ethiopia signed a border security pact in Nairobi on Tuesday."
    [*events] = code_with(Reading(signed=("AGREE", 0.9, {"R": ["Kenya", "Ethiopia"]})), text, use="model")
    assert sorted((e.actor.code, e.recipient.code) for e in events) == [("ETH", "KEN"), ("KEN", "ETH")]


def test_the_model_reads_only_the_sentences_the_pre_pass_kept(code_with: Any) -> None:
    model = Reading()
    code_with(model, "The weather was mild across the region. " + EXPEL)
    assert model.read == [EXPEL]


def test_a_combined_or_model_coder_needs_a_model() -> None:
    with pytest.raises(ValueError, match="needs an event model"):
        CombinedCoder(EventCoder(), None)
    with pytest.raises(ValueError, match="unknown coder"):
        Policy(use="both")


def test_a_model_naming_no_target_gets_the_verbs_object_from_the_parse(code_with: Any) -> None:
    reading = ("COERCE/arrest", 0.9, {"S": ["Nigerian police"]})
    [event] = code_with(Reading(bars=reading), ARREST)
    assert event.recipient is not None and event.recipient.country == "GHA"
    assert "target from the parse: the model named none" in event.notes
    [bare] = code_with(Reading(bars=reading), ARREST, policy=Policy(parse_targets=False))
    assert bare.recipient is None


def test_overriding_the_patterns_type_keeps_their_roles_unless_told_not_to(code_with: Any) -> None:
    text = "Russia expelled two Japanese diplomats after talks with China on Monday."
    [alone] = code_with(Reading(), text, use="rules")
    reading = ("COERCE/deport", 0.95, {"S": ["China"], "T": ["Russia"]})  # a tagger that swapped the roles
    [event] = code_with(Reading(expelled=reading), text)
    assert (event.coder, event.event_type) == ("model", "COERCE")
    assert (event.actor.code, event.recipient.code) == (alone.actor.code, alone.recipient.code)
    [tagged] = code_with(Reading(expelled=reading), text, policy=Policy(rule_roles=False))
    assert (tagged.actor.country, tagged.recipient.country) == ("CHN", "RUS")

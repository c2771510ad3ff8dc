from __future__ import annotations

import json
from typing import Any

import pytest

from dyad.coding.ingest.records import read_text_item
from dyad.coding.sift import inflections
from tests.conftest import EXAMPLES


def test_inflections_cover_regular_forms() -> None:
    assert {"bans", "banned", "banning"} <= inflections("ban", verb=True)
    assert {"accused", "accusing", "accuses"} <= inflections("accuse", verb=True)
    assert {"denied", "denies"} <= inflections("deny", verb=True)
    assert "sanctions" in inflections("sanction", verb=False)
    assert "sanctioned" not in inflections("sanction", verb=False)


@pytest.mark.model
def test_cues_include_irregular_and_prefixed_forms(pipeline: Any) -> None:
    sifter = pipeline.parser.sifter
    assert {"met", "fought", "sought", "rearrested", "re-arrested", "talks"} <= sifter.cues
    assert "weather" not in sifter.cues
    assert {"said", "denied", "hoped"} <= sifter.cues  # a speech act that reports no event is a statement
    # a verb whose patterns all need a particular word is a cue only beside it
    assert not sifter._cued(["troops", "were", "tired"])
    assert sifter._cued(["troops", "were", "on", "alert"])
    assert not sifter._cued(["it", "re-imposed", "order"]) and sifter._cued(["it", "re-imposed", "sanctions"])


@pytest.mark.model
def test_a_sentence_needs_an_actor_and_a_cue_to_be_parsed(pipeline: Any) -> None:
    text = ("Peru accused Chile of spying on Monday. The weather was warm and dry all week. "
            "Peru's economy grew by two percent last year. It later expelled three Chilean diplomats.")
    article = pipeline.code_text(text, date="2024-03-06")
    assert [s.parsed for s in article.sentences] == [True, False, False, True]
    for sentence in article.sentences:  # parsed or not, every sentence maps to the text
        assert text[sentence.start : sentence.end] == sentence.text
        first = sentence.span[0]
        assert text[first.idx + sentence.offset :].startswith(first.text)
    # an unparsed sentence keeps its dictionary mentions, so "It" can still mean Peru
    assert ("Peru", 2) in [(m.text, m.sentence) for m in article.mentions]
    events = [(e.actor.code, e.event_type, e.sentence) for e in article.events]
    assert ("PER", "ACCUSE", 0) in events and ("PER", "SANCTION", 3) in events
    for event in article.events:
        assert article.sentences[event.sentence].parsed
        assert text[event.trigger[0] : event.trigger[1]].split()[0] in ("accused", "expelled")


@pytest.mark.model
def test_a_surname_named_before_counts_as_an_actor(pipeline: Any) -> None:
    sifter = pipeline.parser.sifter
    doc = pipeline.parser.splitter(pipeline.parser.nlp.make_doc("Okonkwo signed the accord."))
    [sentence] = list(doc.sents)
    assert not sifter.keep(sentence, sifter.matches(doc), set())
    assert sifter.keep(sentence, sifter.matches(doc), {"Okonkwo"})


@pytest.mark.model
def test_a_name_the_dictionary_does_not_know_counts_as_an_actor(pipeline: Any) -> None:
    splitter, sifter = pipeline.parser.splitter, pipeline.parser.sifter
    for text, kept in [("Okonkwo Holdings has agreed to build a port.", True),
                       ("The firm said the Azadliq coalition attacked the office.", True),
                       ("Rain fell and the river attacked the banks.", False),  # a cue, but nobody
                       ("On Monday the river attacked the banks.", False)]:
        doc = splitter(pipeline.parser.nlp.make_doc(text))
        [sentence] = list(doc.sents)
        assert sifter.keep(sentence, sifter.matches(doc), set()) is kept, text


@pytest.mark.model
def test_a_quote_sentence_is_parsed_for_its_speaker(pipeline: Any) -> None:
    article = pipeline.code_text('"We will respond," the Chilean foreign minister said.', date="2024-03-06")
    [quote] = article.quotes
    assert quote.speaker is not None and quote.speaker.code == "CHLGOV"


@pytest.mark.model
def test_the_pre_pass_loses_no_event_of_the_examples(nlp: Any, pipeline: Any) -> None:
    from dyad.coding.pipeline import Pipeline

    items = [json.loads(line) for line in EXAMPLES.read_text(encoding="utf-8").splitlines() if line.strip()]
    articles = [read_text_item(i["text"], id=i["id"], date=i.get("date")) for i in items]
    everything = Pipeline(nlp, parse_all=True, coder="rules").pipe(articles)
    sifted = pipeline.pipe([read_text_item(i["text"], id=i["id"], date=i.get("date")) for i in items])

    def coded(batch: list[Any]) -> set[tuple[Any, ...]]:
        return {(a.id, e.actor.code, e.event_type, e.modality, a.text[e.trigger[0] : e.trigger[1]])
                for a in batch for e in a.events}

    # sentences parsed on their own can parse a little differently (a recipient found or not),
    # but no event may be lost, and none made up
    assert coded(sifted) == coded(everything)
    assert sum(not s.parsed for a in sifted for s in a.sentences) > 0  # it did leave some out


@pytest.mark.model
def test_a_sentence_that_sets_the_scene_is_parsed_without_an_actor(pipeline: Any) -> None:
    text = ("The forum opened on Tuesday in Vladivostok. The weather in Vladivostok was mild. "
            "Rain came in the night.")
    article = pipeline.code_text(text, date="2024-03-06")
    # a venue noun, a venue verb and a locative preposition; not a place alone, nor a verb alone
    assert [s.parsed for s in article.sentences] == [True, False, False]

"""When and where, across an article: a date or place the article gives the same event in
another sentence, passives that keep their date phrase, dates of an earlier year, datelines
filed from a third country and capitals named as governments. Articles written for these tests,
in the style of wire copy from many regions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import spacy

from dyad.coding.attributes.repeats import same_event
from dyad.coding.attributes.where import _locative
from dyad.types import Actor, Event

SATURDAY = "2024-06-22"


@pytest.mark.model
@pytest.mark.parametrize(("text", "event_type", "day"), [
    ("Indonesia and Malaysia signed a maritime agreement on Thursday. "
     "Officials said Indonesia signed the agreement with Malaysia after long talks.", "SUPPORT", "2024-06-20"),
    ("Ghana and Togo signed a border accord on Wednesday in Lome. "
     "Ghana signed the accord with Togo after a decade of disputes, the foreign ministry said.", "SUPPORT", "2024-06-19"),
    ("Nepal and India signed a power trade agreement on Thursday. "
     "Nepal signed the agreement with India in Kathmandu, officials said.", "SUPPORT", "2024-06-20"),
])
def test_an_undated_sentence_takes_the_date_the_article_gives_the_same_event(
        code: Any, text: str, event_type: str, day: str) -> None:
    article = code(text, SATURDAY)
    events = [e for e in article.events if e.event_type == event_type]
    assert events and {e.date for e in events} == {dt.date.fromisoformat(day)}
    assert not any("publication date" in n for e in events for n in e.notes)


@pytest.mark.model
def test_the_date_of_the_same_event_is_noted_where_it_was_taken_from(code: Any) -> None:
    article = code("Nepal and India signed a power trade agreement on Thursday. "
                   "Nepal signed the agreement with India in Kathmandu, officials said.", SATURDAY)
    borrowed = [e for e in article.events if e.sentence == 1]
    for event in borrowed:  # merged into the lede's event unless its wording coded another CAMEO code
        assert "date taken from the same event stated in sentence 1 ('Thursday')" in event.notes
    assert sum(e.mentions for e in article.events if e.actor.code == "NPL") == 2


@pytest.mark.model
def test_another_actors_country_is_another_event_and_keeps_the_publication_date(code: Any) -> None:
    article = code("Pakistani troops shelled Indian posts on Monday. Afghan troops shelled Pakistani posts, "
                   "officials said.", SATURDAY)
    afghan = [e for e in article.events if e.actor.country == "AFG"]
    assert afghan and all(e.date == dt.date(2024, 6, 22) for e in afghan)
    assert all("date taken from the article's publication date" in e.notes for e in afghan)


@pytest.mark.model
@pytest.mark.parametrize(("text", "day"), [
    ("The pact was signed on Thursday by Vietnam and Cambodia.", "2024-06-20"),
    ("The ceasefire deal was signed on Friday by Armenia and Azerbaijan.", "2024-06-21"),
    ("Five Kenyan activists were arrested on Monday evening by Ugandan police.", "2024-06-17"),
    ("Two Filipino fishermen were detained on Tuesday by the Chinese coast guard.", "2024-06-18"),
])
def test_a_passive_keeps_its_date_phrase(code: Any, text: str, day: str) -> None:
    events = code(text, SATURDAY).events
    assert events and {e.date for e in events} == {dt.date.fromisoformat(day)}
    assert all(e.date_text is not None for e in events)


@pytest.mark.model
@pytest.mark.parametrize(("text", "published", "modality"), [
    ("Argentina's president visited Brazil in 2023.", "2024-01-01", "historical"),  # 365 days: an earlier year
    ("Peru's president visited Bolivia in 2011.", "2012-03-20", "historical"),
    ("Peru's president visited Bolivia in 2011.", "2011-12-20", "asserted"),  # this year: news
])
def test_an_event_of_an_earlier_year_is_historical(code: Any, text: str, published: str, modality: str) -> None:
    [event] = code(text, published).events
    assert event.modality == modality
    assert any(n.startswith("historical") for n in event.notes) == (modality == "historical")


@pytest.mark.model
def test_a_place_in_the_sentence_says_so(code: Any) -> None:
    # "in Vientiane" lies inside the recipient's phrase; the recipient was read from "Laos"
    [event] = code("Vietnam's prime minister met Laos's prime minister in Vientiane on Tuesday.", SATURDAY).events
    assert event.location is not None and (event.location.name, event.location.source) == ("Vientiane", "sentence")


@pytest.mark.model
@pytest.mark.parametrize("text", [
    "Colombia and Ecuador signed a security pact on Monday. Colombia signed the pact with Ecuador in Quito, "
    "officials said.",
    "BOGOTA (AP) - Colombia and Ecuador signed a security pact on Monday. Colombia signed the pact with Ecuador "
    "in Quito, officials said.",
])
def test_a_place_comes_from_the_same_event_stated_elsewhere_before_the_dateline(code: Any, text: str) -> None:
    article = code(text, SATURDAY)
    events = [e for e in article.events if e.actor.country == "COL" and e.event_type == "SUPPORT"]
    assert events
    for event in events:
        assert event.location is not None and event.location.name == "Quito", event.notes
        assert event.location.source in ("sentence", "article")
    lede = [e for e in events if e.sentence == 0]
    assert lede and all(e.location is not None and e.location.source == "article" for e in lede)


@pytest.mark.model
@pytest.mark.parametrize(("text", "country"), [
    ("Shelling\n\nAMMAN, June 21 (Reuters) - Syrian government forces shelled rebel positions on Friday.", "SYR"),
    ("Crackdown\n\nJOHANNESBURG (AFP) - Zimbabwean police arrested opposition activists on Saturday.", "ZWE"),
    ("Raid\n\nNAIROBI, June 21 (Reuters) - Ethiopian troops raided a Somali border village on Friday.", "ETH"),
])
def test_a_deed_reported_from_a_third_country_is_not_placed_at_the_dateline(
        code: Any, text: str, country: str) -> None:
    # a strike in one country is often filed from a neighbouring capital: no place beats a wrong one
    events = [e for e in code(text, SATURDAY).events if e.actor.country == country and e.quad_class in (2, 4)]
    assert events
    for event in events:
        assert event.location is None
        assert any(n.startswith("no place: the dateline") for n in event.notes), event.notes


@pytest.mark.model
def test_a_place_in_the_sentence_wins_over_a_third_country_dateline(code: Any) -> None:
    text = "Strike\n\nBANGKOK (AFP) - Myanmar's military shelled Karen rebels in Sagaing on Wednesday, witnesses said."
    events = [e for e in code(text, SATURDAY).events if e.actor.country == "MMR" and e.quad_class == 4]
    assert events and {e.location.name if e.location else None for e in events} == {"Sagaing"}


def _ethiopian_appeals(code: Any, text: str) -> list[Any]:
    """The appeals (CAMEO 02) Ethiopia's actors make in `text`, published on a Saturday."""
    return [e for e in code(text, SATURDAY).events if e.actor.country == "ETH" and e.cameo.startswith("02")]


@pytest.mark.model
@pytest.mark.parametrize("text", [
    "Ethiopia's prime minister urged Eritrea to reopen the border on Monday. The remarks came at a regional "
    "summit in Addis Ababa, officials said.",
    "The summit opened in Addis Ababa on Monday. Ethiopia's prime minister urged Eritrea to reopen the border.",
    "NAIROBI (Reuters) - The talks took place in Addis Ababa on Monday. Officials said the meeting was tense. "
    "Ethiopia's prime minister urged Eritrea to reopen the border.",
    # "The remarks" refer back over the paragraph before them
    "Ethiopia's prime minister urged Eritrea to reopen the border on Monday. He spoke for an hour. "
    "Reporters asked about trade. Prices rose. The remarks came at a regional summit in Addis Ababa.",
])
def test_a_nearby_sentence_that_says_where_the_scene_was_places_the_event(code: Any, text: str) -> None:
    events = _ethiopian_appeals(code, text)
    assert events
    for event in events:
        assert event.location is not None and (event.location.name, event.location.source) == ("Addis Ababa", "article")
        assert any(n.startswith("place taken from sentence") for n in event.notes), event.notes


@pytest.mark.model
@pytest.mark.parametrize("text", [
    # an indefinite subject tells of some other event, not the scene of this one
    "Ethiopia's prime minister urged Eritrea to reopen the border on Monday. A protest took place in Nairobi.",
    # too far away to be the same scene
    "The summit opened in Addis Ababa on Monday. Rains flooded the capital. Farmers lost crops. "
    "Ethiopia's prime minister urged Eritrea to reopen the border.",
    "Ethiopia's prime minister urged Eritrea to reopen the border on Monday. He spoke for an hour. "
    "Reporters asked about trade. Prices rose. Rain fell. The remarks came at a regional summit in Addis Ababa.",
])
def test_a_scene_sentence_places_only_nearby_events_and_only_with_a_definite_subject(code: Any, text: str) -> None:
    events = _ethiopian_appeals(code, text)
    assert events and all(e.location is None for e in events)


@pytest.mark.model
def test_a_dateline_in_the_actors_country_is_where_an_unplaced_event_happened(code: Any) -> None:
    [event] = [e for e in code("Raids\n\nNAIROBI, June 21 (Reuters) - Kenyan police arrested ten Somali nationals "
                               "on Friday.", SATURDAY).events]
    assert event.location is not None and (event.location.name, event.location.source) == ("Nairobi", "dateline")
    assert "place taken from the dateline 'Nairobi'" in event.notes


@pytest.mark.model
@pytest.mark.parametrize(("text", "place"), [
    ("Japan's foreign minister travelled to Seoul at Beijing's invitation on Monday and met South Korea's foreign "
     "minister.", None),
    ("Sudan's army chief met Egypt's president in Cairo at Riyadh's request on Monday.", "Cairo"),
    ("Ukraine's president met Poland's president in Warsaw's presidential palace on Monday.", "Warsaw"),
])
def test_a_capital_named_for_its_government_is_never_the_place(code: Any, text: str, place: str | None) -> None:
    events = code(text, SATURDAY).events
    assert events
    assert {e.location.name if e.location else None for e in events} == {place}


@pytest.mark.model
def test_three_outlets_reporting_one_signing_give_it_one_date_and_one_place(code: Any) -> None:
    reports = [
        ("Pact\n\nSEOUL (Yonhap) - South Korea and Japan signed a defence pact in Tokyo on Thursday, ending years "
         "of mistrust. South Korea signed the pact with Japan after months of talks, the ministry said.", "2024-06-21"),
        ("Neighbours sign pact\n\nTOKYO, June 20 (Reuters) - Japan and South Korea signed a defence pact on "
         "Thursday. Japan signed the pact with South Korea at the foreign ministry in Tokyo, officials said.",
         "2024-06-20"),
        ("BEIJING (Xinhua) - South Korea and Japan signed a defence pact on Thursday, Seoul said. The pact was "
         "signed in Tokyo by South Korea and Japan.", "2024-06-21"),
    ]
    for text, published in reports:
        events = [e for e in code(text, published).events if e.event_type == "SUPPORT"]
        assert {(e.actor.country, e.recipient.country if e.recipient else None) for e in events} == {
            ("KOR", "JPN"), ("JPN", "KOR")}
        assert {(e.date, e.location.name if e.location else None) for e in events} == {(dt.date(2024, 6, 20), "Tokyo")}


@pytest.mark.parametrize(("text", "word", "locative"), [
    ("the envoy arrived at Beijing's invitation", "Beijing", False),
    ("the minister met them in Warsaw's old town", "Warsaw", True),
    ("Officials in Seoul held talks with Washington on trade", "Washington", False),
    ("the minister said in talks with Beijing that", "Beijing", False),
    ("protesters marched in the capital against Moscow", "Moscow", False),
    ("the forum opened in far eastern Russia's Vladivostok", "Vladivostok", True),
    ("shelling near the port city of Odesa", "Odesa", True),
    ("troops were deployed in northern Mali", "Mali", True),
])
def test_in_an_unparsed_sentence_a_place_follows_its_preposition_directly(text: str, word: str, locative: bool) -> None:
    doc = spacy.blank("en")(text)  # tokens only, as the pre-pass leaves a sentence it does not parse
    [token] = [t for t in doc if t.text == word]
    assert _locative(token) is locative


def _event(actor: str, recipient: str | None, event_type: str = "SUPPORT", modality: str = "asserted") -> Event:
    def side(code: str) -> Actor:
        country = None if code.startswith("IGO") else code[:3]
        return Actor(code, code, country, code[3:] or None, None, 0, 3)

    return Event(sentence=0, cameo="057", event_type=event_type, mode=None, context=None, goldstein=8.0, quad_class=1,
                 actor=side(actor), recipient=side(recipient) if recipient else None, trigger=(4, 10), pattern="p",
                 confidence=0.9, modality=modality)


@pytest.mark.parametrize(("a", "b", "same"), [
    (_event("KENGOV", "TZA"), _event("KEN", "TZAGOV"), True),  # sectors differ, countries agree
    (_event("KEN", "TZA"), _event("KEN", None), True),  # one names no recipient
    (_event("KEN", "TZA"), _event("KEN", "UGA"), False),
    (_event("KEN", "TZA"), _event("TZA", "KEN"), False),  # the other side's act
    (_event("KEN", "TZA"), _event("KEN", "TZA", "CONSULT"), False),
    (_event("KEN", "TZA", modality="intended"), _event("KEN", "TZA"), False),  # "will sign" is not "signed"
    (_event("KEN", "TZA", modality="historical"), _event("KEN", "TZA"), True),
    (_event("IGOEUR", "TUR"), _event("IGOEUR", "TUR"), True),
    (_event("IGOEUR", "TUR"), _event("IGOUNO", "TUR"), False),
])
def test_which_statements_are_the_same_event(a: Event, b: Event, same: bool) -> None:
    assert same_event(a, b) is same and same_event(b, a) is same


@pytest.mark.model
def test_a_dateline_with_a_curly_apostrophe_is_found_as_the_dictionary_spells_it(code: Any) -> None:
    text = ("N’DJAMENA, Chad (Sahel Wire) — Chad expelled three Sudanese diplomats on Friday, "
            "the foreign ministry said.")
    [event] = [e for e in code(text, SATURDAY).events if e.event_type == "SANCTION"]
    assert event.location is not None and (event.location.name, event.location.country) == ("N'Djamena", "TCD")


@pytest.mark.model
@pytest.mark.parametrize(("text", "place"), [
    ("Ukrainian drones struck an oil refinery in the Russian city of Syzran on Monday.", "Syzran"),
    ("Israeli jets bombed a building in the southern Lebanese city of Nabatieh on Tuesday.", "Nabatieh"),
    # "of" after a word that is no place noun is not a place phrase
    ("Ukrainian drones struck an oil refinery in the name of Syzran on Monday.", None),
])
def test_a_place_named_by_city_of_is_where_it_happened(code: Any, text: str, place: str | None) -> None:
    events = [e for e in code(text, SATURDAY).events if e.quad_class == 4]
    assert events and {e.location.name if e.location else None for e in events} == {place}


@pytest.mark.model
@pytest.mark.parametrize(("text", "place"), [
    ("Japan's foreign minister visited Beijing on Monday.", "Beijing"),  # the host's capital, and the place
    ("Kenya's president, who was visiting Tokyo, criticised China on Tuesday.", "Tokyo"),
    ("While visiting Tokyo, Kenya's president criticised China on Tuesday.", "Tokyo"),
    ("China accused Japan of planning to visit Taiwan.", None),  # a visit only planned: not where it was said
    ("India rejected a request to visit Kabul.", None),
])
def test_the_place_visited_is_where_the_visitor_acts(code: Any, text: str, place: str | None) -> None:
    events = code(text, SATURDAY).events
    assert events and {e.location.name if e.location else None for e in events} == {place}


@pytest.mark.model
@pytest.mark.parametrize(("text", "place"), [
    ("Russian forces struck Kharkiv with missiles on Monday.", "Kharkiv"),
    ("Israeli jets bombed Beirut on Tuesday.", "Beirut"),  # a capital struck is a place, not a government
    ("China criticised Washington on Monday.", None),  # words aimed at a capital are aimed at a government
    ("Russia invaded Ukraine on Monday.", None),  # a whole country is no more precise than the recipient
])
def test_the_city_a_deed_of_force_is_done_to_is_where_it_happened(code: Any, text: str, place: str | None) -> None:
    events = code(text, SATURDAY).events
    assert events and {e.location.name if e.location else None for e in events} == {place}


@pytest.mark.model
@pytest.mark.parametrize(("text", "place"), [
    ("Hungarian police arrested two Ukrainian smugglers in Uzhhorod in western Ukraine on Monday.", "Uzhhorod"),
    ("Ukrainian police arrested two Hungarian smugglers in western Ukraine on Monday.", "Ukraine"),
    # a city of another country is not read as more precise than the country named
    ("Ukrainian police arrested two Hungarian smugglers in Ukraine after a chase from Debrecen on Monday.", "Ukraine"),
])
def test_a_gazetteer_city_is_more_precise_than_its_country(code: Any, text: str, place: str) -> None:
    events = code(text, SATURDAY).events
    assert events and {e.location.name if e.location else None for e in events} == {place}

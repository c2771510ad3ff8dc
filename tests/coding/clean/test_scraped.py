"""Scraped pages from many outlets: datelines glued to the first word, scraper lines (bylines,
timestamps, captions, links), a last sentence cut off, a lede that repeats the title, and pages
with single line breaks. Each class has cases in several regional and agency styles."""

from __future__ import annotations

from typing import Any

import pytest

from dyad.coding.clean import clean, fold
from dyad.coding.pipeline import code_safely
from dyad.types import Article


def _blocks(text: str, title: str | None = None) -> list[tuple[str, str | None]]:
    article = clean(Article(id="x", text=text, title=title))
    return [(article.text[b.start : b.end], b.removed) for b in article.blocks]


def _kept(text: str, title: str | None = None) -> list[str]:
    return [t for t, reason in _blocks(text, title) if reason is None]


# -- datelines ----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "dateline", "lede"), [
    ("NAIROBI, Kenya —Kenya recalled its envoy.", "NAIROBI, Kenya —", "Kenya recalled its envoy."),
    ("ABIDJAN, Ivory Coast—Troops left the city.", "ABIDJAN, Ivory Coast—", "Troops left the city."),
    ("SEOUL, South Korea –Seoul protested to Tokyo.", "SEOUL, South Korea –", "Seoul protested to Tokyo."),
    ("HANOI, Oct. 3 (VNA) —Vietnam protested.", "HANOI, Oct. 3 (VNA) —", "Vietnam protested."),
    ("DHAKA, June 22, 2024 (BSS) - Police fired tear gas.", "DHAKA, June 22, 2024 (BSS) - ", "Police fired tear gas."),
    ("Nairobi (Reuters) - Kenya recalled its envoy.", "Nairobi (Reuters) - ", "Kenya recalled its envoy."),
    ("Buenos Aires (AFP) — Argentina expelled a diplomat.", "Buenos Aires (AFP) — ", "Argentina expelled a diplomat."),
    ("KYIV, Aug 18 (Reuters/Ipsos) - Ukraine said.", "KYIV, Aug 18 (Reuters/Ipsos) - ", "Ukraine said."),
])
def test_glued_and_agency_datelines_are_cut(text: str, dateline: str, lede: str) -> None:
    blocks = _blocks(text)
    assert (dateline, "dateline") in blocks
    assert _kept(text) == [lede]


@pytest.mark.parametrize("line", ["NAIROBI, Kenya —", "JAKARTA (Antara) -", "MANILA, Philippines —"])
def test_a_dateline_on_a_line_of_its_own_is_a_dateline(line: str) -> None:
    text = f"{line}\nThe government recalled its envoy on Monday.\n\nTalks are to resume in July."
    assert (line, "dateline") in _blocks(text)


@pytest.mark.parametrize("text", [
    "NATO—the alliance—said it would send jets.",
    "The Philippines (a US ally) - said it protested.",
    "Kenya — and Uganda — agreed on Monday.",
])
def test_what_is_not_a_dateline_stays_in_the_sentence(text: str) -> None:
    assert _kept(text) == [text]


# -- scraper lines ------------------------------------------------------------------------

STORY = "Kenya recalled its ambassador to Uganda on Monday, the foreign ministry said."


@pytest.mark.parametrize(("line", "reason"), [
    ("By Jane Wanjiru", "byline"),
    ("By NGUYEN VAN AN and Li Wei in Hanoi", "byline"),
    ("By Ahmed El-Sayed | Staff Writer", "byline"),
    ("(Reporting by Jane Doe; Editing by John Roe)", "byline"),
    ("Additional reporting by Kim Min-jun in Seoul", "byline"),
    ("date 2024-06-22", "timestamp"),
    ("Updated 3 hours ago", "timestamp"),
    ("Published: 22 June 2024 10:42 GMT", "timestamp"),
    ("Last updated on Thursday", "timestamp"),
    ("Posted 22/06/2024", "timestamp"),
    ("[Photo] Protesters in Dhaka on Sunday", "caption"),
    ("Pictured: President Ruto at State House", "caption"),
    ("Photo: AFP", "credit"),
    ("Related: Uganda closes border crossing", "fragment"),
    ("Read more: Kenya and Uganda in talks", "fragment"),
    ("Share this", "fragment"),
])
def test_scraper_lines_are_removed_with_their_reason(line: str, reason: str) -> None:
    for text in (f"{line}\n\n{STORY}\n\nTalks resume in July.", f"{STORY}\n{line}\nTalks resume in July."):
        blocks = _blocks(text)
        assert (line, reason) in blocks, blocks
        assert STORY in _kept(text)


@pytest.mark.parametrize("sentence", [
    "By Monday, troops had withdrawn from the border town.",
    "Posted 5,000 troops to the border, the army said.",
    "Updated figures showed 40 people had died.",
    "Related talks in Geneva ended without a deal.",
])
def test_sentences_that_start_like_scraper_lines_are_kept(sentence: str) -> None:
    assert sentence in _kept(f"{sentence}\n\n{STORY}")


# -- a last sentence cut off --------------------------------------------------------------


@pytest.mark.parametrize("ending", [
    "The two sides are expected to",
    "Officials in Islamabad said the talks with",
    "The ministry said it would respond in due course…",
    "Beijing warned Manila against [...]",
])
def test_a_last_sentence_cut_mid_way_is_a_fragment(ending: str) -> None:
    text = f"{STORY}\n\nUganda denied the charge on Tuesday. {ending}"
    kept = _kept(text)
    assert kept == [STORY, "Uganda denied the charge on Tuesday."]
    assert (ending, "fragment") in _blocks(text)


def test_a_last_paragraph_of_one_cut_sentence_is_a_fragment() -> None:
    text = f"{STORY}\n\nThe ministry said the talks in Kampala would go on until the two countries had"
    assert _kept(text) == [STORY]


def test_an_article_that_is_one_unfinished_sentence_is_kept() -> None:
    text = "Kenya recalled its ambassador to Uganda on Monday after a row over the island of"
    assert _kept(text) == [text]


# -- the title and the lede ---------------------------------------------------------------


def test_a_lede_that_repeats_the_title_is_kept_when_only_it_states_the_fact() -> None:
    title = "Kenya recalls its ambassador to Uganda."
    text = f"{title}\n\nThe row began over fishing rights on Migingo island.\n\nTalks are to resume in July."
    assert _kept(text, title)[0] == title


def test_a_lede_that_repeats_the_title_is_dropped_when_the_story_restates_it() -> None:
    title = "Kenya recalls its ambassador to Uganda."
    text = f"{title}\n\nKenya recalls its ambassador to Uganda, the foreign ministry said on Monday."
    assert _blocks(text, title)[0] == (title, "title")


def test_a_repeated_title_is_kept_once() -> None:
    title = "Seoul protests to Tokyo over textbooks."
    text = f"{title}\n\n{title}\n\nThe ministry summoned a diplomat."
    assert _kept(text, title) == [title, "The ministry summoned a diplomat."]


@pytest.mark.parametrize("title", ["Kenya and Uganda sign border pact", "Kenya, Uganda sign border pact — officials"])
def test_text_that_starts_with_its_title_keeps_its_first_paragraph(title: str) -> None:
    lede = "Kenya and Uganda signed a border pact on Thursday, officials in Kampala said."
    for text in (f"{title}\n{lede}\nThe deal covers trade.", f"{title} {lede}"):
        blocks = _blocks(text, title)
        assert (title, "title") in blocks
        assert _kept(text, title)[0].startswith(lede)


def test_a_lede_that_begins_with_the_titles_words_is_not_cut() -> None:
    title = "Kenya recalls envoy"
    text = "Kenya recalls envoy to Uganda over the island row, the ministry said."
    assert _kept(text, title) == [text]


def test_the_title_is_compared_across_typographic_variants() -> None:
    title = "China’s navy drills near Taiwan"
    text = "China's navy drills near Taiwan\n\nChina held drills near Taiwan on Monday."
    assert _blocks(text, title)[0] == ("China's navy drills near Taiwan", "title")


# -- single line breaks -------------------------------------------------------------------


@pytest.mark.parametrize("caption", [
    "[Photo] Protesters in Dhaka on Sunday",
    "Pictured: President Ruto at State House",
    "Soldiers at a checkpoint near Goma",
    "Heavy rain in Karachi",
])
def test_a_caption_over_a_wrapped_paragraph_does_not_fuse_into_it(caption: str) -> None:
    paragraph = ("Bangladesh police fired tear gas at protesters in Dhaka on Sunday, witnesses said, as\n"
                 "the crowd marched on the election commission to demand a new vote.")
    kept = _kept(f"{caption}\n{paragraph}")
    assert kept == [paragraph]


def test_a_heading_between_wrapped_paragraphs_stands_alone() -> None:
    text = ("Pakistan and India agreed on Monday to reopen the Kartarpur corridor for pilgrims, the\n"
            "foreign ministry in Islamabad said in a statement.\n"
            "Trade and transit\n"
            "Both sides also said they would resume talks on trade across the Wagah border crossing\n"
            "in the coming weeks, officials said.")
    blocks = _blocks(text)
    assert ("Trade and transit", "heading") in blocks
    assert len(_kept(text)) == 2


def test_a_hard_wrapped_paragraph_stays_one_block() -> None:
    text = ("Foreign ministers from ten Southeast Asian nations met in\n"
            "Jakarta on Monday to discuss the South China Sea, and\n"
            "Indonesia said the talks had been useful.")
    assert _kept(text) == [text]


def test_a_line_ending_in_an_abbreviation_does_not_split_a_wrapped_sentence() -> None:
    text = ("Officials said the talks with the U.S.\n"
            "delegation would go on in Doha this week, a spokesman said.\n"
            "Pictured: the delegation")
    assert _kept(text)[0] == text.rsplit("\n", 1)[0]


# -- typography ---------------------------------------------------------------------------


def test_fold_maps_typographic_variants_one_to_one() -> None:
    text = "China’s “envoy” didn‘t\u00a0go\u2009to\u3000Seoul\u202fin 2019\u20112020 \u2212 ‘ever’"
    folded = fold(text)
    assert len(folded) == len(text)
    assert folded == "China's \"envoy\" didn't go to Seoul in 2019-2020 - 'ever'"
    assert fold("Kenya — Uganda – talks") == "Kenya — Uganda – talks"  # dashes are not hyphens


def test_typographic_datelines_and_spaces() -> None:
    text = "N’DJAMENA,\u00a0Chad\u00a0— Chad closed its border."
    assert _kept(text) == ["Chad closed its border."]


# -- an article emptied by cleaning -------------------------------------------------------


@pytest.mark.model
@pytest.mark.parametrize("text", ["Reuters\n\nAFP Photo", "Share this\n\nAdvertisement", "By Jane Doe\n\nUpdated 3 hours ago"])
def test_an_article_left_with_no_sentence_is_an_input_error(pipeline: Any, text: str) -> None:
    article = Article(id="empty", text=text, origin="page.html")
    coded, errors = code_safely(pipeline, [article, Article(id="fine", text=STORY)])
    assert [a.id for a in coded] == ["fine"]
    assert [e.where for e in errors] == ["page.html"]
    assert "no sentence left after cleaning" in errors[0].reason

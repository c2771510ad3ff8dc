"""A block is boilerplate only when it really is: a sentence followed by invisible characters,
spaces, emoji or symbols still ends a sentence, and an article whose every block looks like a
heading or title is that text, not a page of furniture."""

from __future__ import annotations

import datetime as dt
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dyad.coding.clean import clean
from dyad.coding.ingest.files import read
from dyad.types import Article
from tests.conftest import triples

SENTENCE = "Peru accused Chile of spying on Monday."
# Every invisible format character Unicode has (zero-width space, directional marks and
# isolates, BOM, word joiner, soft hyphen, tag characters, ...).
FORMAT_CHARS = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"]
EMOJI = ["🙂", "🇵🇪", "👍🏽", "👨‍👩‍👧", "1️⃣", "❤️", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "©", "™", "★"]
SPACES = ["\u00a0", "\u2009", "\u3000", "\u202f"]
TRAILING = st.text(st.characters(categories=["Cf", "So", "Sk", "Zs", "Mn", "Me"]), max_size=6)


def _kept(text: str, title: str | None = None) -> list[str]:
    article = clean(Article(id="a", text=text, title=title))
    return [text[b.start : b.end] for b in article.blocks if b.removed is None]


def _middle_paragraph_is_kept(ending: str) -> bool:
    text = f"Lima said the talks would go on despite the row.\n\n{SENTENCE}{ending}\n\nChile denied the charge."
    return any(block.startswith(SENTENCE) for block in _kept(text))


def test_the_class_is_all_there() -> None:
    assert len(FORMAT_CHARS) > 150 and {"\u200b", "\u200e", "\u200f", "\u202e", "\u2066", "\ufeff"} <= set(FORMAT_CHARS)


@pytest.mark.parametrize("ending", FORMAT_CHARS + EMOJI + SPACES, ids=lambda c: "-".join(f"{ord(x):04X}" for x in c))
def test_a_sentence_followed_by_invisible_characters_or_emoji_is_not_a_heading(ending: str) -> None:
    assert _middle_paragraph_is_kept(ending)
    assert _middle_paragraph_is_kept(f" {ending}\u200b")


@given(TRAILING)
def test_any_run_of_invisible_characters_symbols_and_spaces_after_a_full_stop_ends_a_sentence(ending: str) -> None:
    assert _middle_paragraph_is_kept(ending)


@pytest.mark.parametrize("ending", ["\u200b", "\u200f", "🙂", "\u00a0", ""])
def test_a_real_heading_is_still_a_heading_whatever_follows_it(ending: str) -> None:
    text = f"Talks in Lima{ending}\n\n{SENTENCE}\n\nChile denied the charge."
    assert not any(block.startswith("Talks in Lima") for block in _kept(text))


@pytest.mark.parametrize(("text", "title"), [
    (SENTENCE, SENTENCE),  # the title is the whole text
    (f"{SENTENCE}\n", SENTENCE),
    ("Putin meets Abe in Tokyo", None),  # one short line without a full stop
    ("Putin meets Abe in Tokyo\n\nTalks on the islands", "Putin meets Abe in Tokyo"),
])
def test_an_article_that_is_all_title_or_headings_is_kept(text: str, title: str | None) -> None:
    assert _kept(text, title)


def test_the_title_repeated_above_the_text_is_still_removed() -> None:
    text = f"Spying row\n\n{SENTENCE}"
    assert _kept(text, "Spying row") == [SENTENCE]


def test_page_furniture_alone_is_still_removed() -> None:
    assert _kept("Advertisement\n\nShare this article") == []


@pytest.mark.model
@pytest.mark.parametrize("ending", ["\u200b", "\u200f", "\u2069", "\ufeff", "\u00a0", "🙂", "🇵🇪"])
def test_the_events_of_a_paragraph_ending_in_an_invisible_character_or_emoji_are_coded(code: Any,
                                                                                       ending: str) -> None:
    article = code(f"Lima said the talks would go on despite the row.\n\n{SENTENCE}{ending}\n\nChile denied it.")
    assert ("PER", "ACCUSE", "CHL") in triples(article)


@pytest.mark.model
def test_the_events_of_a_one_line_txt_file_are_coded(pipeline: Any, tmp_path: Path) -> None:
    (tmp_path / "one.txt").write_text(f"{SENTENCE}\n")
    [article] = pipeline.pipe(read([str(tmp_path / "one.txt")], default_date=dt.date(2024, 3, 6)))
    assert ("PER", "ACCUSE", "CHL") in triples(article)

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dyad.coding.clean import clean, split_blocks
from dyad.types import Article

SCRAPED = """Ministers agree to reopen border crossing

The foreign ministers of Armenia and Georgia met in Tbilisi on Monday.

Armenian Foreign Minister A. Example (L) and his Georgian counterpart at a news conference in Tbilisi.
Reuters

Armenian Foreign Minister A. Example (L) and his Georgian counterpart at a news conference in Tbilisi.

They agreed to reopen the crossing at Sadakhlo within a month.

Trade and transit

Georgia also offered to expand rail freight between the two countries, officials said.

Share this article
"""


def _reasons(article: Article) -> dict[str, str | None]:
    return {article.text[b.start : b.end]: b.removed for b in article.blocks}


def test_scraped_boilerplate_is_removed_and_sentences_kept() -> None:
    article = clean(Article(id="x", text=SCRAPED, title="Ministers agree to reopen border crossing"))
    reasons = _reasons(article)
    assert reasons["Ministers agree to reopen border crossing"] == "title"
    assert reasons["Reuters"] == "credit"
    assert reasons["Trade and transit"] == "heading"
    assert reasons["Share this article"] == "fragment"
    captions = [b for b in article.blocks if "(L)" in article.text[b.start : b.end]]
    assert len(captions) == 2 and all(b.removed == "duplicate" for b in captions)
    kept = [article.text[b.start : b.end] for b in article.kept_blocks]
    assert kept == [
        "The foreign ministers of Armenia and Georgia met in Tbilisi on Monday.",
        "They agreed to reopen the crossing at Sadakhlo within a month.",
        "Georgia also offered to expand rail freight between the two countries, officials said.",
    ]


@pytest.mark.parametrize("line", ["AFP Photo", "Photo: Jane Doe/Example", "Reuters/File", "Getty Images"])
def test_credit_lines(line: str) -> None:
    article = clean(Article(id="x", text=f"Peru thanked Chile on Monday.\n\n{line}\n\nChile thanked Peru."))
    assert _reasons(article)[line] == "credit"


def test_caption_marker_alone_removes_a_block() -> None:
    text = "Leaders pose for a photo (C) before the summit in Lima on May 1.\n\nPeru hosted the summit."
    article = clean(Article(id="x", text=text))
    assert [article.text[b.start : b.end] for b in article.kept_blocks] == ["Peru hosted the summit."]


def test_hard_wrapped_paragraph_stays_one_block() -> None:
    text = "The talks between the two governments, which began in March and were\nsuspended twice, resumed on Monday in Geneva after a long pause."
    assert split_blocks(text) == [(0, len(text))]


def test_lines_that_end_sentences_are_blocks_of_their_own() -> None:
    text = "Peru thanked Chile.\nChile thanked Peru."
    assert split_blocks(text) == [(0, 19), (20, 39)]


@given(st.text(alphabet=st.sampled_from("ab .\n\t(L)"), max_size=200))
def test_blocks_are_in_order_within_the_text_and_stripped(text: str) -> None:
    article = clean(Article(id="x", text=text))
    previous_end = 0
    for block in article.blocks:
        assert previous_end <= block.start < block.end <= len(text)
        piece = text[block.start : block.end]
        assert piece == piece.strip() and "\n\n" not in piece
        previous_end = block.end

"""Fuzzing the cleaner, the date resolver and the input readers: whatever the input, no
exception but a per-item `InputError`, and every offset inside the text."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dyad.coding.attributes.dates import resolve
from dyad.coding.clean import clean
from dyad.coding.ingest.decode import BOMS
from dyad.coding.ingest.files import _read_stream, read
from dyad.coding.ingest.formats import _read_csv, _read_jsonl
from dyad.coding.ingest.records import Options
from dyad.errors import InputError
from dyad.types import Article

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# text with the characters the cleaner and readers care about, and any others
TEXTY = st.lists(st.sampled_from(list("ab .,;:-()\"'\n\r\t\u00a0\u2014\u201cé中\ufeff") + [
    "(L)", "Reuters", "Photo:", "KYIV, Aug 18 -", "Advertisement"])).map("".join)
ANY_TEXT = st.one_of(st.text(), TEXTY)


@FUZZ
@given(text=ANY_TEXT, title=st.one_of(st.none(), ANY_TEXT))
def test_cleaner_blocks_lie_inside_the_text_in_order(text: str, title: str | None) -> None:
    article = clean(Article(id="x", text=text, title=title))
    end = 0
    for block in article.blocks:
        assert 0 <= block.start <= block.end <= len(text)
        assert block.start >= end  # in order, not overlapping
        end = block.end
    assert article.text == text  # the text is never rewritten


@FUZZ
@given(expression=st.one_of(st.text(max_size=40), st.from_regex(
    r"(?:(?:early |late |mid-)?(?:jan|march|sept|dec)\.? ?\d{0,3}(?:,? \d{1,5})?|\d{1,9} (?:day|week)s? ago|"
    r"(?:last|next|this) (?:week|month|year|monday)|on (?:monday|sunday)|\d{4}-\d\d-\d\d|in \d{1,6})", fullmatch=True)),
       published=st.one_of(st.none(), st.dates()), future=st.booleans())
def test_date_resolver_answers_or_declines(expression: str, published: dt.date | None, future: bool) -> None:
    result = resolve(expression, published, future=future)
    if result is not None:
        day, precision = result
        assert isinstance(day, dt.date) and precision in ("day", "week", "month", "year")


def _check(items: list[Any]) -> None:
    for item in items:
        assert isinstance(item, (Article, InputError))
        if isinstance(item, InputError):
            assert item.reason.strip()
        else:
            assert item.text.strip() and "\x00" not in item.text


@FUZZ
@given(lines=st.lists(st.one_of(st.binary(max_size=200), st.builds(
    lambda d: json.dumps(d).encode(), st.dictionaries(st.sampled_from(["id", "text", "date", "html", "title", "x"]),
                                                     st.one_of(st.text(max_size=50), st.integers(), st.none(),
                                                               st.dates().map(str)), max_size=5))), max_size=8))
def test_json_lines_reader_gives_one_result_per_line(lines: list[bytes]) -> None:
    raw = [line.replace(b"\n", b" ") + b"\n" for line in lines]
    items = list(_read_jsonl(raw, "f.jsonl", Options()))
    _check(items)
    blank = sum(1 for line in raw if _blank(line))
    if raw and any(raw[0].startswith(bom) for bom, _ in BOMS):  # a UTF-16 file: one error for it
        assert len(items) == 1 and isinstance(items[0], InputError)
    else:
        assert len(items) == len(raw) - blank


def _blank(line: bytes) -> bool:
    """A line that decodes to whitespace is no item (Python counts \x1c to \x1f as whitespace)."""
    try:
        return not line.decode("utf-8-sig").strip()
    except UnicodeDecodeError:
        return False


@FUZZ
@given(data=st.one_of(st.binary(max_size=400), st.lists(st.sampled_from(list('ab,"\n\r \xe9') + ["text", "id"]),
                                                         max_size=60).map(lambda t: "".join(t).encode())))
def test_csv_reader_never_raises(data: bytes) -> None:
    _check(list(_read_csv(io.BytesIO(data), "f.csv", Options())))


# bytes that look like the start of each format a stream is sniffed as
HEADS = st.sampled_from([b"", b"\x1f\x8b", b"[", b"{", b"<html>", b"id,text\n", b"\xff\xfe", b"\xef\xbb\xbf{"])


@FUZZ
@given(data=st.binary(max_size=600), gzipped=st.booleans(),
       suffix=st.sampled_from([".txt", ".html", ".jsonl", ".csv", ".json"]))
def test_file_reader_never_raises(tmp_path: Path, data: bytes, gzipped: bool, suffix: str) -> None:
    path = tmp_path / f"item{suffix}{'.gz' if gzipped else ''}"
    path.write_bytes(gzip.compress(data) if gzipped and data[:1] != b"x" else data)  # "x...": a broken gzip file
    _check(list(read([str(path)], max_chars=200)))


@FUZZ
@given(head=HEADS, data=st.binary(max_size=600), gzipped=st.booleans())
def test_stream_reader_never_raises(head: bytes, data: bytes, gzipped: bool) -> None:
    raw = head + data
    _check(list(_read_stream(io.BytesIO(gzip.compress(raw) if gzipped else raw), "-", Options(max_chars=200))))


@pytest.mark.model
def test_an_article_that_breaks_a_stage_is_reported_and_the_rest_coded(pipeline: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from dyad.coding.pipeline import code_articles
    from dyad.store.store import Store

    name, quotes = next((n, s) for n, s in pipeline.stages if n == "quotes")

    def fragile(article: Article) -> Article:
        if "BOOM" in article.text:
            raise ValueError("a bug met on purpose")
        return quotes(article)

    monkeypatch.setattr(pipeline, "stages", [(n, fragile if n == name else s) for n, s in pipeline.stages])
    articles = [Article(id=f"a{i}", text=f"Peru accused Chile of spying. {'BOOM' if i == 1 else ''}", origin=f"in:{i}")
                for i in range(3)]
    with Store(":memory:") as store:
        report = code_articles(articles, store, pipeline)
        stored = [r[0] for r in store.db.execute("SELECT id FROM articles ORDER BY id").fetchall()]
        errors = store.db.execute("SELECT item, reason FROM input_errors").fetchall()
    assert stored == ["a0", "a2"] and report.articles == 2
    assert errors == [("in:1", "could not be coded (ValueError: a bug met on purpose)")]

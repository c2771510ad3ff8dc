from __future__ import annotations

import datetime as dt
import io
import json
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dyad.coding.clean import clean
from dyad.coding.ingest.files import read
from dyad.coding.ingest.records import MAX_CHARS, article_id
from dyad.errors import InputError
from dyad.types import Article


def _read(*paths: Path | str, **kw: object) -> tuple[list[Article], list[InputError]]:
    items = list(read([str(p) for p in paths], **kw))  # type: ignore[arg-type]
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, InputError)]


def test_txt_first_line_is_title_when_a_blank_line_follows(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Envoys meet in Geneva\n\nThe envoys of Chile and Peru met on Monday.\n")
    [article], errors = _read(path, default_date=dt.date(2020, 1, 8))
    assert not errors
    assert article.title == "Envoys meet in Geneva"
    assert article.date == dt.date(2020, 1, 8)
    assert article.text.startswith("Envoys meet")  # offsets stay those of the file


def test_txt_without_blank_second_line_has_no_title(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Chile and Peru signed a deal.\nThey also met.\n")
    [article], _ = _read(path)
    assert article.title is None


@pytest.mark.parametrize("text", ["Peru accused Chile of spying.", "Peru accused Chile of spying.\n",
                                  "Peru accused Chile of spying.\n\n", "\ufeffPeru accused Chile of spying.\r\n\r\n \n"])
def test_a_one_line_txt_file_is_its_text_not_a_title_over_nothing(tmp_path: Path, text: str) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(text.encode())
    [article], _ = _read(path)
    assert article.title is None
    assert [article.text[b.start : b.end] for b in clean(article).blocks if b.removed is None] == [
        "Peru accused Chile of spying."]


def test_jsonl_fields_and_per_line_errors(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    lines = [
        json.dumps({"id": "one", "date": "2019-05-02", "title": "T", "source": "S", "url": "https://example.com/1", "text": "Peru thanked Chile."}),
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"id": "four", "text": ""}),
        json.dumps({"id": "five", "date": "last Tuesday", "text": "Chile thanked Peru."}),
        "",
        json.dumps({"id": "six", "date": "2019-05-03T08:30:00Z", "text": "Chile thanked Peru again."}),
    ]
    path.write_text("\n".join(lines))
    articles, errors = _read(path)
    assert [a.id for a in articles] == ["one", "six"]
    assert articles[0].source == "S" and articles[0].url == "https://example.com/1"
    assert articles[1].date == dt.date(2019, 5, 3)
    assert [e.where for e in errors] == [f"{path}:2", f"{path}:3", f"{path}:4", f"{path}:5"]
    assert "malformed JSON" in errors[0].reason
    assert "JSON object" in errors[1].reason
    assert "empty" in errors[2].reason
    assert "unreadable date" in errors[3].reason


def test_csv_rows_with_text_or_html(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(
        "id,date,title,source,url,text,html\n"
        'a,2021-02-01,,,,"Spain praised Portugal.",\n'
        'b,2021-02-02,,,,,"<html><body><article><p>Portugal praised Spain for its help with the fires this summer, officials said on Monday.</p></article></body></html>"\n'
        "d,2021-02-03,,,,Too,many,fields,here\n"
        "c,2021-02-03,,,,,\n"
    )
    articles, errors = _read(path)
    assert [a.id for a in articles] == ["a", "b"]
    assert "Portugal praised Spain" in articles[1].text
    assert [e.where for e in errors] == [f"{path}:4", f"{path}:5"]
    assert "more fields" in errors[0].reason


def test_csv_without_text_column_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("id,body\n1,hello\n")
    articles, [error] = _read(path)
    assert not articles
    assert "no 'text' or 'html' column" in error.reason


def test_html_page_main_text_and_metadata(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>Ministers meet</title><meta property='article:published_time' content='2022-06-01'></head>"
        "<body><nav>Home | World | Sport</nav><article><h1>Ministers meet</h1>"
        "<p>The foreign ministers of Kenya and Ethiopia met in Nairobi on Tuesday to discuss the border.</p>"
        "<p>Both sides agreed to meet again next month, a spokesman said.</p></article>"
        "<footer>Copyright 2022 Example Media</footer></body></html>"
    )
    [article], errors = _read(path)
    assert not errors
    assert "Kenya and Ethiopia met in Nairobi" in article.text
    assert "Copyright" not in article.text
    assert article.date == dt.date(2022, 6, 1)


def test_bad_files_are_reported_and_the_rest_is_read(tmp_path: Path) -> None:
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02junk")
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 talks".encode("latin-1"))
    (tmp_path / "empty.txt").write_text("   \n")
    (tmp_path / "notes.docx").write_text("not an article file type")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "good.txt").write_text("Ghana thanked Togo on Friday.")
    articles, errors = _read(tmp_path, tmp_path / "missing.jsonl")
    assert [a.text for a in articles] == ["Ghana thanked Togo on Friday."]
    reasons = {Path(e.where).name: e.reason for e in errors}
    assert "NUL" in reasons["binary.txt"]
    assert "UTF-8" in reasons["latin1.txt"]
    assert "empty" in reasons["empty.txt"]
    assert "no such file" in reasons["missing.jsonl"]
    assert "does not read files of this type (.docx)" in reasons["notes.docx"]  # reported, not skipped silently


def test_huge_article_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_text("word " * (MAX_CHARS // 5 + 10))
    articles, [error] = _read(path)
    assert not articles and "limit" in error.reason


def test_stdin_is_sniffed(monkeypatch: pytest.MonkeyPatch) -> None:
    data = json.dumps({"id": "x", "text": "Chad thanked Niger."}).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    [article] = [a for a in read(["-"]) if isinstance(a, Article)]
    assert article.id == "x"


def test_ids_derive_from_content_when_missing(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"text": "Mali thanked Niger."}) + "\n" + json.dumps({"text": "Niger thanked Mali."}) + "\n")
    first, second = _read(path)[0]
    assert first.id == article_id("Mali thanked Niger.")
    assert first.id != second.id
    assert _read(path)[0][0].id == first.id  # stable across runs


@given(st.text(min_size=1), st.text())
def test_article_id_is_deterministic_and_content_sensitive(text: str, other: str) -> None:
    assert article_id(text) == article_id(text)
    if other != text:
        assert article_id(text) != article_id(other)

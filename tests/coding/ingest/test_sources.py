"""Where items come from: directories (nothing skipped silently), gzip, `.json` documents,
stdin and other streams (sniffed), paths that cannot be read, CSV fields past the csv module's
default limit, huge JSON numbers and HTML in other charsets."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from dyad.coding.ingest import files
from dyad.coding.ingest.files import estimate, read
from dyad.errors import InputError
from dyad.types import Article

GOOD = "Peru accused Chile of spying on Monday."


def _read(*paths: Path | str, **kw: object) -> tuple[list[Article], dict[str, str]]:
    items = list(read([str(p) for p in paths], **kw))  # type: ignore[arg-type]
    errors = [i for i in items if isinstance(i, InputError)]
    assert len({e.where for e in errors}) == len(errors), "an item reported twice"
    return [i for i in items if isinstance(i, Article)], {e.where: e.reason for e in errors}


def _jsonl(*records: object) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records)


# Huge JSON numbers ---------------------------------------------------------------------------


def test_a_number_past_the_int_digit_limit_spoils_only_its_own_item(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    huge = "9" * 5000
    path.write_text(_jsonl({"id": "before", "text": GOOD}, f'{{"id": {huge}, "text": "{GOOD}"}}',
                           f'{{"id": "unknown-field", "views": {huge}, "text": "{GOOD}"}}', {"id": "after", "text": GOOD}))
    articles, errors = _read(path)
    assert [a.id for a in articles] == ["before", "unknown-field", "after"]
    assert list(errors) == [f"{path}:2"] and "'id' must be a string" in errors[f"{path}:2"]


# CSV fields past csv's default limit ----------------------------------------------------------


@pytest.fixture
def default_csv_limit() -> Iterator[None]:
    old = csv.field_size_limit(131_072)  # the csv module's default, whatever earlier tests set
    yield
    csv.field_size_limit(old)


@pytest.mark.usefixtures("default_csv_limit")
def test_a_csv_field_over_csvs_default_limit_is_read_and_later_rows_too(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    long_text = f"{GOOD} " * 6_000  # about 240,000 characters, under --max-chars
    path.write_text(f'id,text\nr1,"{GOOD}"\nr2,"{long_text}"\nr3,"{GOOD}"\n', encoding="utf-8")
    articles, errors = _read(path)
    assert not errors
    assert [a.id for a in articles] == ["r1", "r2", "r3"] and len(articles[1].text) == len(long_text)


@pytest.mark.usefixtures("default_csv_limit")
@pytest.mark.parametrize("max_chars", [1_000, 200_000])
def test_a_csv_field_over_the_article_limit_is_a_per_item_error_and_later_rows_are_read(
        tmp_path: Path, max_chars: int) -> None:
    path = tmp_path / "a.csv"
    # multi-line, with doubled quotes: the reader must find where the broken row ends
    big = ('He said ""no"".\n' + "x" * 500 + "\n") * (max_chars // 250)
    path.write_text(f'id,text\nr1,"{GOOD}"\nr2,"{big}"\nr3,"{GOOD}"\nr4,"{GOOD} Again."\n', encoding="utf-8")
    articles, errors = _read(path, max_chars=max_chars)
    assert [a.id for a in articles] == ["r1", "r3", "r4"]
    assert list(errors) == [f"{path}:3"] and "limit" in errors[f"{path}:3"]
    assert [a.origin for a in articles][1] == f"{path}:{4 + big.count(chr(10))}"  # line numbers stay true


# JSON documents and gzip --------------------------------------------------------------------


def test_a_json_array_is_one_item_per_object_and_one_object_is_one_item(tmp_path: Path) -> None:
    (tmp_path / "many.json").write_text(json.dumps([{"id": "a", "text": GOOD}, [1], {"id": "c", "text": ""},
                                                    {"id": "d", "text": GOOD}], indent=2))
    (tmp_path / "one.json").write_text(json.dumps({"id": "one", "text": GOOD}, indent=2))
    (tmp_path / "broken.json").write_text('[{"id": "x", "text": "unfinished')
    articles, errors = _read(tmp_path)
    assert sorted(a.id for a in articles) == ["a", "d", "one"]
    many = tmp_path / "many.json"
    assert set(errors) == {f"{many}:#1", f"{many}:#2", str(tmp_path / "broken.json")}
    assert "malformed JSON" in errors[str(tmp_path / "broken.json")]
    assert estimate([str(tmp_path)]) == 4 + 1 + 1


@pytest.mark.parametrize("name", ["a.jsonl.gz", "a.ndjson.gz", "a.csv.gz", "a.txt.gz", "a.html.gz", "a.json.gz",
                                  "A.JSONL.GZ"])
def test_gzipped_files_are_read_like_the_plain_ones(tmp_path: Path, name: str) -> None:
    kind = name.lower().split(".")[1]
    body = {"jsonl": _jsonl({"id": "g1", "text": GOOD}, {"id": "g2", "text": GOOD + " Twice."}),
            "ndjson": _jsonl({"id": "g1", "text": GOOD}, {"id": "g2", "text": GOOD + " Twice."}),
            "csv": f'id,text\ng1,"{GOOD}"\ng2,"{GOOD} Twice."\n',
            "json": json.dumps([{"id": "g1", "text": GOOD}, {"id": "g2", "text": GOOD + " Twice."}]),
            "txt": GOOD, "html": f"<html><body><article><p>{GOOD}</p></article></body></html>"}[kind]
    (tmp_path / name).write_bytes(gzip.compress(body.encode()))
    articles, errors = _read(tmp_path)
    assert not errors
    assert [a.text.strip() for a in articles][:1] == [GOOD]
    assert len(articles) == (1 if kind in ("txt", "html") else 2) == estimate([str(tmp_path)])


@pytest.mark.parametrize("name", ["a.jsonl.gz", "a.csv.gz", "a.txt.gz"])
def test_a_broken_gzip_stream_is_a_clear_error_after_the_items_before_it(tmp_path: Path, name: str) -> None:
    rows = [{"id": f"r{i}", "text": f"{GOOD} Number {i}."} for i in range(2_000)]
    body = _jsonl(*rows) if "jsonl" in name else "id,text\n" + "".join(f'{r["id"]},"{r["text"]}"\n' for r in rows)
    data = gzip.compress(body.encode() if "txt" not in name else GOOD.encode() * 500)
    (tmp_path / name).write_bytes(data[: len(data) // 2])  # truncated download
    (tmp_path / "not-gzip.jsonl.gz").write_bytes(b"plain text, not gzip")
    articles, errors = _read(tmp_path)
    assert set(errors) == {str(tmp_path / name), str(tmp_path / "not-gzip.jsonl.gz")}
    assert all("broken gzip stream" in reason for reason in errors.values())
    if "txt" not in name:
        assert 0 < len(articles) < 2_000  # what came before the break is read


def test_an_absurdly_long_gzipped_line_is_refused_without_holding_it_in_memory(tmp_path: Path) -> None:
    import tracemalloc

    path = tmp_path / "bomb.jsonl.gz"
    line = b'{"text": "' + b" " * 50_000_000 + b'"}\n'
    path.write_bytes(gzip.compress(line + _jsonl({"id": "after", "text": GOOD}).encode(), compresslevel=1))
    tracemalloc.start()
    try:
        articles, errors = _read(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [a.id for a in articles] == ["after"]
    assert "line is 50,000,013 bytes, over the limit" in errors[f"{path}:1"]
    assert peak < 20_000_000  # the 50 MB line was read past in pieces


# Directories: nothing skipped silently -------------------------------------------------------


def test_files_dyad_does_not_read_are_reported(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(GOOD)
    for name in ("feed.xml", "notes.docx", "README", "archive.tar.gz", "data.parquet"):
        (tmp_path / name).write_text("x")
    articles, errors = _read(tmp_path)
    assert len(articles) == 1
    assert set(errors) == {str(tmp_path / n) for n in ("feed.xml", "notes.docx", "README", "archive.tar.gz",
                                                       "data.parquet")}
    assert all("does not read files of this type" in r and ".jsonl" in r for r in errors.values())
    assert estimate([str(tmp_path)]) == 6


def test_estimate_counts_what_read_yields(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text(_jsonl({"text": GOOD}, "", {"text": GOOD + " 2."}, "{broken"))
    (tmp_path / "b.csv.gz").write_bytes(gzip.compress(f'id,text\nb1,"{GOOD}"\nb2,"{GOOD} 2."\n'.encode()))
    (tmp_path / "c.json").write_text(json.dumps([{"text": GOOD}, 1, {"text": GOOD + " 3."}]))
    (tmp_path / "d.txt").write_text(GOOD)
    (tmp_path / "e.xml").write_text("<rss/>")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "loop").symlink_to(tmp_path)
    (tmp_path / "sub" / "gone.txt").symlink_to(tmp_path / "nowhere")
    items = list(read([str(tmp_path), str(tmp_path / "missing")]))
    assert estimate([str(tmp_path), str(tmp_path / "missing")]) == len(items) == 3 + 2 + 3 + 1 + 1 + 2 + 1


def test_hidden_files_and_directories_are_passed_over(tmp_path: Path) -> None:
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x01")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD.txt").write_text(GOOD)
    (tmp_path / "good.txt").write_text(GOOD)
    articles, errors = _read(tmp_path)
    assert [Path(a.origin).name for a in articles] == ["good.txt"] and not errors


def test_symlinked_directories_are_followed_and_loops_reported(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "linked.txt").write_text(GOOD)
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "own.txt").write_text(GOOD + " Own.")
    (root / "link").symlink_to(elsewhere)
    (root / "sub" / "up").symlink_to(root)  # a loop
    (root / "more").symlink_to(elsewhere)  # a second way to the same files, met after "link"
    (root / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    articles, errors = _read(root)
    assert sorted(Path(a.origin).name for a in articles) == ["linked.txt", "own.txt"]
    assert set(errors) == {str(root / "sub" / "up"), str(root / "more"), str(root / "dangling.txt")}
    assert "already being read" in errors[str(root / "sub" / "up")]
    assert "broken symbolic link" in errors[str(root / "dangling.txt")]


def test_an_unreadable_subdirectory_is_reported_and_the_rest_read(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.txt").write_text(GOOD)
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "b.txt").write_text(GOOD + " Locked.")
    (tmp_path / "z.txt").write_text(GOOD + " Last.")
    real = os.scandir

    def scandir(path: Path) -> object:  # what chmod 000 does for a user who is not root
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(files.os, "scandir", scandir)
    articles, errors = _read(tmp_path)
    assert sorted(Path(a.origin).name for a in articles) == ["a.txt", "z.txt"]
    locked = str(tmp_path / "locked")
    assert list(errors) == [locked] and "permission denied" in errors[locked] and "chmod" in errors[locked]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads through chmod 000; the monkeypatched test covers the path")
def test_chmod_000_directories_and_files_are_reported(tmp_path: Path) -> None:
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "b.txt").write_text(GOOD)
    (tmp_path / "secret.txt").write_text(GOOD)
    (tmp_path / "locked").chmod(0)
    (tmp_path / "secret.txt").chmod(0)
    try:
        _, errors = _read(tmp_path, tmp_path / "locked")
    finally:
        (tmp_path / "locked").chmod(0o755)
    assert set(errors) == {str(tmp_path / "locked"), str(tmp_path / "secret.txt")}
    assert all("permission denied" in r for r in errors.values())


def test_unreadable_top_level_paths_say_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "secret.txt").write_text(GOOD)
    (tmp_path / "dir").mkdir()
    real_open, real_scandir = Path.open, os.scandir

    def deny_open(self: Path, *args: object, **kw: object) -> object:
        if self.name == "secret.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", deny_open)
    monkeypatch.setattr(files.os, "scandir", lambda p: (_ for _ in ()).throw(PermissionError(13, "denied"))
                        if Path(p).name == "dir" else real_scandir(p))
    _, errors = _read(tmp_path / "secret.txt", tmp_path / "dir", tmp_path / "missing.txt")
    assert "permission denied: cannot read this file" in errors[str(tmp_path / "secret.txt")]
    assert "permission denied: cannot list this directory" in errors[str(tmp_path / "dir")]
    assert errors[str(tmp_path / "missing.txt")] == "no such file or directory"


# Stdin and other streams, sniffed -------------------------------------------------------------

STREAMS = {
    "jsonl": (_jsonl({"id": "s1", "text": GOOD}, {"id": "s2", "text": GOOD + " Twice."}), ["s1", "s2"]),
    "json-array": (json.dumps([{"id": "s1", "text": GOOD}, {"id": "s2", "text": GOOD + " Twice."}], indent=2),
                   ["s1", "s2"]),
    "json-object": (json.dumps({"id": "s1", "text": GOOD}, indent=2), ["s1"]),
    "csv": (f'id,date,text\ns1,2024-03-06,"{GOOD}"\ns2,2024-03-07,"{GOOD} Twice."\n', ["s1", "s2"]),
    "csv-crlf": (f'title,text,id\r\nT,"{GOOD}",s1\r\n', ["s1"]),
    "html": (f"<html><head><title>Spying</title></head><body><article><p>{GOOD}</p></article></body></html>", None),
    "text": (f"Spying row\n\n{GOOD}\n", None),
    "text-with-commas": (f"text, html and more, said the ministry.\n\n{GOOD}\n", None),
}


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


@pytest.mark.parametrize("gzipped", [False, True])
@pytest.mark.parametrize("kind", list(STREAMS))
def test_stdin_is_sniffed_like_a_file(monkeypatch: pytest.MonkeyPatch, kind: str, gzipped: bool) -> None:
    text, ids = STREAMS[kind]
    _stdin(monkeypatch, gzip.compress(text.encode()) if gzipped else text.encode())
    articles, errors = _read("-")
    assert not errors
    if ids is None:  # one article, of text or extracted from HTML
        [article] = articles
        assert GOOD in article.text and "<" not in article.text
        assert kind == "html" or article.text == text  # plain text is stored whole
    else:
        assert [a.id for a in articles] == ids
        assert all(a.text.startswith(GOOD) for a in articles)


@pytest.mark.parametrize(("text", "outcome"), [(f"<html><body><article><p>{GOOD}</p></article></body></html>", GOOD),
                                             (GOOD, GOOD), (json.dumps({"text": GOOD}), "UTF-8")])
def test_utf16_stdin_is_text_or_html_and_utf16_json_is_refused(monkeypatch: pytest.MonkeyPatch, text: str,
                                                                outcome: str) -> None:
    _stdin(monkeypatch, b"\xff\xfe" + text.encode("utf-16-le"))
    articles, errors = _read("-")
    assert (articles[0].text.strip() if articles else errors["-"]).count(outcome) == 1


def test_a_broken_gzip_stdin_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, gzip.compress(_jsonl({"text": GOOD}).encode())[:-12])
    _, errors = _read("-")
    assert "broken gzip stream" in errors["-"]


@pytest.mark.parametrize("kind", ["jsonl", "csv", "json-array"])
def test_a_fifo_path_is_read_as_a_stream(tmp_path: Path, kind: str) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    text, ids = STREAMS[kind]

    def write() -> None:
        with open(fifo, "wb") as f:
            f.write(text.encode())

    writer = threading.Thread(target=write)
    writer.start()
    articles, errors = _read(fifo, default_date=dt.date(2024, 3, 6))
    writer.join()
    assert not errors and [a.id for a in articles] == ids
    assert estimate([str(fifo)]) is None


def test_dev_stdin_is_read_as_a_stream(tmp_path: Path) -> None:
    import subprocess

    code = ("from dyad.coding.ingest.files import read; "
            "print(sorted(getattr(i, 'id', None) or 'ERR ' + str(i) for i in read(['/dev/stdin'])))")
    for source in ("pipe", "file"):  # `cmd | dyad code /dev/stdin` and `dyad code /dev/stdin < file`
        data = STREAMS["csv"][0].encode()
        if source == "pipe":
            run = subprocess.run([sys.executable, "-c", code], input=data, capture_output=True, timeout=60,
                                 env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
        else:
            (tmp_path / "in").write_bytes(data)
            with (tmp_path / "in").open("rb") as f:
                run = subprocess.run([sys.executable, "-c", code], stdin=f, capture_output=True, timeout=60,
                                     env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
        assert run.stdout.decode().strip() == "['s1', 's2']", (source, run.stderr.decode()[-500:])


# HTML in other charsets ---------------------------------------------------------------------

RUSSIAN = "Россия обвинила Японию в шпионаже в понедельник, заявило министерство иностранных дел."
FRENCH = "Le Pérou a accusé le Chili d'espionnage lundi, a déclaré le ministère péruvien des affaires étrangères."


@pytest.mark.parametrize(("meta", "encoding", "text"), [
    ('<meta charset="windows-1251">', "cp1251", RUSSIAN),
    ("<meta charset=koi8-r>", "koi8_r", RUSSIAN),
    ('<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">', "latin-1", FRENCH),
    ("<META HTTP-EQUIV='content-type' CONTENT='text/html;charset=Windows-1252'>", "cp1252", FRENCH + " “Non”."),
    ('<meta charset="utf-8">', "utf-8", RUSSIAN),
    ("<meta name='viewport' content='width=device-width'><meta content='text/html; charset=ISO-8859-2' "
     "http-equiv='Content-Type'>", "iso-8859-2", "Polska oskarżyła Czechy o szpiegostwo w poniedziałek."),
])
def test_html_is_decoded_by_its_declared_charset(tmp_path: Path, meta: str, encoding: str, text: str) -> None:
    page = f"<html><head>{meta}<title>T</title></head><body><article><p>{text}</p><p>{text}</p></article></body></html>"
    path = tmp_path / "page.html"
    path.write_bytes(page.encode(encoding))
    articles, errors = _read(path)
    assert not errors
    assert text in articles[0].text


def test_an_xhtml_page_is_decoded_by_its_xml_declaration(tmp_path: Path) -> None:
    page = (f'<?xml version="1.0" encoding="windows-1251"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><head>'
            f"<title>T</title></head><body><article><p>{RUSSIAN}</p></article></body></html>")
    path = tmp_path / "page.html"
    path.write_bytes(page.encode("cp1251"))
    articles, errors = _read(path)
    assert not errors and RUSSIAN in articles[0].text


@pytest.mark.parametrize("charset", ["klingon-1", "rot13", "base64"])
def test_an_unknown_charset_is_a_clear_error(tmp_path: Path, charset: str) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(f'<html><head><meta charset="{charset}"></head><body><p>{GOOD}</p></body></html>'.encode())
    _, errors = _read(path)
    assert f"charset '{charset}'" in errors[str(path)] and "UTF-8" in errors[str(path)]


def test_a_bom_wins_over_the_meta_charset(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    page = f'<html><head><meta charset="windows-1251"></head><body><article><p>{RUSSIAN}</p></article></body></html>'
    path.write_bytes(b"\xef\xbb\xbf" + page.encode("utf-8"))
    articles, errors = _read(path)
    assert not errors and RUSSIAN in articles[0].text

"""A corpus of malformed inputs, generated here, coded in one `dyad code` run: every item is
either coded or reported with its reason, the rest of the batch is coded, nothing is lost or
stored twice, the exit status says that something failed, and no traceback reaches the user."""

from __future__ import annotations

import codecs
import gzip
import json
import random
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.model

GOOD = "Peru accused Chile of spying on Monday, the Peruvian foreign ministry said."


def _jsonl(*records: object) -> bytes:
    return b"".join((json.dumps(r) if not isinstance(r, bytes) else r.decode("utf-8", "surrogateescape")).encode(
        "utf-8", "surrogateescape") + b"\n" for r in records)


def corpus(folder: Path) -> tuple[set[str], dict[str, str]]:
    """Write the inputs; return the items that must be coded and, for the items that must be
    refused, a word their reason must contain."""
    rng = random.Random(7)
    coded: set[str] = set()
    refused: dict[str, str] = {}

    def put(name: str, data: bytes | str, outcome: str | None) -> str:
        path = folder / name
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        if outcome is None:
            coded.add(str(path))
        else:
            refused[str(path)] = outcome
        return str(path)

    # one article per file
    put("empty.txt", b"", "empty")
    put("whitespace.txt", " \n\t\r\n   ", "empty")
    put("binary.txt", bytes(rng.randrange(256) for _ in range(4096)) + b"\x00", "binary")
    put("invalid-utf8.txt", b"Peru accused Chile \xff\xfe of spying.", "UTF-8")
    put("latin1.txt", "Perú accused Chile of spying on Monday.".encode("latin-1"), "Latin-1")
    put("utf16-bom.txt", codecs.BOM_UTF16_LE + ("UTF-16: " + GOOD).encode("utf-16-le"), None)
    put("utf16-be-bom.txt", codecs.BOM_UTF16_BE + ("UTF-16 BE: " + GOOD).encode("utf-16-be"), None)
    put("utf8-bom.txt", codecs.BOM_UTF8 + ("UTF-8: " + GOOD).encode(), None)
    put("broken-utf16.txt", codecs.BOM_UTF16_LE + GOOD.encode("utf-16-le") + b"\x00\xd8", "UTF-16")
    put("huge-single-line.txt", b"Peru accused Chile. " * (50 * 1024 * 1024 // 20), "over the limit")
    put("many-sentences.txt", " ".join(GOOD if i % 5000 == 0 else "Rain." for i in range(100_000)), None)
    put("long-sentence.txt", "Peru and " + " and ".join(f"partner{i}" for i in range(2_500)) + " signed a pact.", None)
    put("all-names.txt", " ".join(rng.choice(["Peru", "Chile", "Japan", "Lima", "Putin", "Abe"]) for _ in range(3000)), None)
    put("punctuation.txt", "!!! ??? ... --- ;;; " * 50, None)
    put("control-chars.txt", "Peru \x01accused\x02 Chile\x07 of spying.\r\nChile denied it.\rLima said nothing.", None)
    put("non-english.txt", "Россия и Япония подписали соглашение. 中国和日本举行了会谈。", None)
    put("feed.xml", b"<rss></rss>", "does not read")  # a type Dyad does not read, inside a directory
    put("one-line.txt", GOOD + "\n", None)  # its text, not a title over nothing
    coded.add(put("archive.jsonl.gz", gzip.compress(_jsonl({"id": "gz-1", "text": GOOD})), None) + ":1")
    coded.remove(str(folder / "archive.jsonl.gz"))
    put("not-gzip.csv.gz", b"\x1f\x8b\x08 not really gzip", "gzip")
    put("cp1251.html", f'<html><head><meta charset="windows-1251"></head><body><article><p>{GOOD}</p><p>Россия '
        "обвинила Японию в шпионаже.</p></article></body></html>".encode("cp1251"), None)
    put("klingon.html", f'<html><head><meta charset="klingon"></head><body><p>{GOOD}</p></body></html>', "charset")
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")  # hidden: passed over
    (folder / "loop").symlink_to(folder)
    refused[str(folder / "loop")] = "already being read"
    array = folder / "array.json"
    array.write_text(json.dumps([{"id": "json-1", "text": GOOD}, 5], indent=1))
    coded.add(f"{array}:#0")
    refused[f"{array}:#1"] = "JSON object"
    # HTML pages
    put("nested.html", "<html><body>" + "<div>" * 20_000 + GOOD + "</div>" * 20_000 + "</body></html>", "HTML")
    put("broken.html", "<html><head><title>Spying row</title><body><div><p>" + f"{GOOD} " * 5
        + "<p>Chile denied the charge and said it would respond in kind.<p>Lima said talks would go on.<div><span>"
        + "<table><tr><td>", None)  # unclosed tags, no end
    put("unclosed-title.html", f"<html><head><title>Spying row</head><body><p>{GOOD}</p>", "no article text")
    put("scripts.html", "<html><body>" + "<script>alert('x')</script>" * 200 + "</body></html>", "no article text")
    put("empty.html", "", "empty")
    put("utf16.jsonl", codecs.BOM_UTF16_LE + json.dumps({"text": GOOD}).encode("utf-16-le"), "UTF-16")
    put("not-html.html", bytes(range(256)) * 4, "binary")
    # JSON lines: one item per line
    lines = folder / "mixed.jsonl"
    records: list[object] = [
        {"id": "ok-1", "text": GOOD, "date": "2024-03-06"},
        b"{this is not json",
        {"id": "ok-2", "text": "Chile denied the charge on Tuesday.", "date": "2024-03-07"},
        [1, 2, 3],
        {"id": "number-text", "text": 42},
        {"id": "no-text", "title": "A title"},
        {"id": "bad-date", "text": GOOD, "date": "2018-02-30"},
        {"id": "word-date", "text": GOOD, "date": "yesterday"},
        {"id": "future", "text": GOOD, "date": "3025-01-01"},
        {"id": "no-date", "text": GOOD},
        {"id": "nul", "text": "Peru\u0000accused Chile."},
        {"id": "ok-1", "text": "A second article with an id already used."},
        b"[" * 100_000,
        b"{\"id\": \"bad-bytes\", \"text\": \"Peru \xff\xfe accused Chile.\"}",
        {"id": "emoji", "text": "Peru 🇵🇪 accused Chile 🇨🇱 of spying. مرحبا"},
        {"id": "huge", "text": "x" * 1_200_000},
        {"id": "html-field", "html": f"<html><body><p>{GOOD}</p></body></html>"},
        {"id": "html-broken", "html": "<<<>>><p"},
        "",
        {"id": "surrogate", "text": "Peru \ud800 accused Chile."},
        {"id": "surrogate-title", "title": "\udfff", "text": GOOD},
        f'{{"id": {"9" * 5000}, "text": "{GOOD}"}}'.encode(),  # past Python's int-digit limit
        f'{{"id": "huge-number", "views": {"9" * 5000}, "text": "{GOOD}"}}'.encode(),
        {"id": "zero-date", "text": GOOD, "date": "0001-01-01"},
        {"id": "junk-date", "text": GOOD, "date": "2018-09-12garbage"},
        {"id": "timestamp", "text": GOOD, "date": "2018-09-12T08:00:00+02:00"},
    ]
    lines.write_bytes(_jsonl(*records))
    expect = {1: None, 2: "malformed JSON", 3: None, 4: "JSON object", 5: "string", 6: "no 'text'", 7: "date",
              8: "date", 9: "future", 10: None, 11: "binary", 12: "duplicate", 13: "JSON", 14: "UTF-8", 15: None,
              16: "over the", 17: None, 18: "HTML", 19: "JSON object", 20: "surrogate", 21: "surrogate",
              22: "string", 23: None, 24: "1800", 25: "date", 26: None}
    for number, outcome in expect.items():
        (coded.add(f"{lines}:{number}") if outcome is None else refused.__setitem__(f"{lines}:{number}", outcome))
    # CSV files
    put("no-text-column.csv", "id,title\n1,hello\n", "no 'text'")
    put("empty.csv", "", "no 'text'")
    put("invalid-utf8.csv", b"id,text\n1,\xff\xfe bad\n", "UTF-8")
    rows = folder / "rows.csv"
    rows.write_text(f'id,text,date\nr1,"{GOOD}",2024-03-06\nr2,too,many,fields,here\nr3,"Chile denied it.",2024-03-07\n'
                    f'r4,"{GOOD}",2018-02-30\nr5,"never closed quote,2024-03-08\n', encoding="utf-8")
    coded |= {f"{rows}:2", f"{rows}:4"}
    wide = folder / "wide.csv"  # a field over the csv module's default limit (131,072)
    wide.write_text(f'id,text\nw1,"{GOOD} {"Rain fell. " * 20_000}"\nw2,"{GOOD}"\n', encoding="utf-8")
    coded |= {f"{wide}:2", f"{wide}:3"}
    refused |= {f"{rows}:3": "more fields", f"{rows}:5": "date", f"{rows}:6": "CSV"}
    return coded, refused


def test_malformed_inputs_are_reported_and_the_rest_coded(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    coded, refused = corpus(folder)
    assert len(coded) + len(refused) >= 40
    missing = str(tmp_path / "missing.txt")
    refused[missing] = "no such file"
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4 binary")
    refused[str(pdf)] = "does not read"
    db = tmp_path / "d.duckdb"
    run = subprocess.run([sys.executable, "-m", "dyad", "code", str(folder), str(pdf), missing,
                          "--db", str(db), "--workers", "1"], capture_output=True, text=True, timeout=600)
    assert run.returncode == 1, run.stderr[-2000:]  # something failed, the rest was coded
    assert "Traceback" not in run.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        origins = [r[0] for r in con.execute("SELECT origin FROM articles").fetchall()]
        errors = dict(con.execute("SELECT item, reason FROM input_errors").fetchall())
        raw_errors = con.execute("SELECT count(*) FROM input_errors").fetchone()
    assert sorted(origins) == sorted(coded)  # each good item stored once
    assert set(errors) == set(refused) and raw_errors == (len(refused),)  # each bad one reported once
    for item, word in refused.items():
        assert word.lower() in errors[item].lower(), (item, errors[item])
        assert f"dyad: skipped {item}: " in run.stderr

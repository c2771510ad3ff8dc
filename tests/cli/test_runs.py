"""A run through the pipeline and the store: an article the store cannot take is reported and
the run goes on (exit 1, never 2); stored articles replaced with another text are counted."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from dyad.cli.main import main
from dyad.coding.pipeline import code_articles
from dyad.store.store import Store
from dyad.types import Article

pytestmark = pytest.mark.model


def _story(i: int) -> str:
    return f"Peru accused Chile of spying on Monday, officials said in report {i}."


def test_an_article_the_store_cannot_take_is_reported_and_the_run_goes_on(pipeline: Any, tmp_path: Path) -> None:
    items = [Article(id=f"a{i}", text=_story(i), origin=f"in:{i + 1}") for i in range(8)]
    items[2] = Article(id="zero", text=_story(2), date=dt.date(1, 1, 1), origin="in:3")  # a CMS's zero date
    items[5] = Article(id="bad", text=_story(5) + " \ud800", origin="in:6")  # no UTF-8 for a lone surrogate
    stored = []
    for _ in range(2):  # a rerun does the same
        with Store(tmp_path / "d.duckdb") as store:
            report = code_articles(items, store, pipeline, batch_size=2, write_size=4)
            stored.append(sorted(row[0] for row in store.db.execute("SELECT id FROM articles").fetchall()))
    assert stored[0] == stored[1] == sorted({a.id for a in items} - {"bad"})
    # the lone surrogate stops the nlp stage or, past it, the store: either way that item alone
    # (tests/store/test_failures.py drives the store's own per-item path)
    assert [e.where for e in report.errors] == ["in:6"] and "surrogate" in report.errors[0].reason
    assert report.articles == 7


def _jsonl(path: Path, texts: dict[str, str]) -> Path:
    path.write_text("".join(json.dumps({"id": i, "date": "2024-03-04", "text": t}) + "\n" for i, t in texts.items()))
    return path


def test_stored_articles_replaced_with_another_text_are_counted(pipeline: Any, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("dyad.coding.pipeline.Pipeline", lambda **settings: pipeline)
    db = str(tmp_path / "d.duckdb")
    first = {f"s{i}": _story(i) for i in range(4)}
    assert main(["code", str(_jsonl(tmp_path / "a.jsonl", first)), "--db", db, "--quiet"]) == 0
    assert main(["code", str(_jsonl(tmp_path / "b.jsonl", first)), "--db", db, "--quiet"]) == 0
    assert "replaced" not in capsys.readouterr().err  # the same texts coded again replace nothing
    second = {**first, "s1": _story(11), "s3": _story(13), "s9": _story(9)}
    assert main(["code", str(_jsonl(tmp_path / "c.jsonl", second)), "--db", db, "--quiet"]) == 0
    assert "replaced 2 stored article(s) that had the same id and a different text" in capsys.readouterr().err
    with Store(db) as store:
        report = code_articles([Article(id="s0", text="Chile thanked Peru.")], store, pipeline)
    assert report.replaced == 1

"""Posting articles, one bad item at a time: a duplicate id, an article that breaks a stage, one
the store refuses, a number too long for Python. Each is that item's error in the answer and
the rest of the post is stored; `dyad code --server` keeps the run's first copy of an id across
its posts, and a post the server refuses whole costs that post's articles, not the run."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from dyad.cli.client import post_articles
from dyad.errors import InputError
from dyad.serve.app import create_app
from dyad.serve.guards import Limits
from dyad.store.store import Store
from dyad.types import Article
from tests.serve.test_api import call
from tests.serve.threaded import running
from tests.store.test_store import _article

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


class _Coder:
    """Codes each article as the test store's one event, dated as the article; an article whose
    text says "boom" breaks the stage, as a pipeline bug would."""

    def pipe(self, articles: list[Article]) -> list[Article]:
        coded = []
        for a in articles:
            if "boom" in a.text:
                raise RuntimeError("a stage broke")
            event = _article(a.id, text=a.text, day=a.date or dt.date(2024, 3, 4))
            event.date, event.title, event.origin = a.date, a.title, a.origin
            coded.append(event)
        return coded


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Any]:
    Store(tmp_path / "posts.duckdb").close()
    app = create_app(tmp_path / "posts.duckdb", token=TOKEN, pipeline=_Coder)
    yield app
    app.state.store.close()


def _stored(app: Any) -> dict[str, str]:
    return dict(app.state.store.db.execute("SELECT id, text FROM articles").fetchall())


def _post(app: Any, body: Any) -> dict[str, Any]:
    response = call(app, "POST", "/api/articles", json=body, headers=AUTH)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


@pytest.mark.parametrize("post", [
    [{"id": "x", "text": "Russia expelled diplomats."}, {"id": "x", "text": "A later copy."}],
    [{"text": "Russia expelled diplomats."}, {"text": "Russia expelled diplomats."}],  # one content id
    [{"id": "x", "text": "Russia expelled diplomats."}, {"id": "y", "text": "Other."},
     {"id": "x", "text": "Again."}, {"id": "x", "text": "And again."}],
])
def test_a_duplicate_id_in_one_post_keeps_the_first(app: Any, post: list[dict[str, Any]]) -> None:
    answer = _post(app, post)
    stored = _stored(app)
    firsts = {}
    for i, item in enumerate(post):
        firsts.setdefault(item.get("id"), (i, item["text"]))
    later = [f"item {i}" for i, item in enumerate(post) if firsts[item.get("id")][0] != i]
    assert sorted(stored.values()) == sorted(text for _, text in firsts.values())
    assert len(answer["articles"]) == len(firsts) and sorted(answer["articles"]) == sorted(stored)
    assert [e["item"] for e in answer["errors"]] == later
    assert all("duplicate article id" in e["reason"] and "first one was kept" in e["reason"] for e in answer["errors"])


def test_a_later_post_replaces_an_earlier_article(app: Any) -> None:
    _post(app, {"id": "x", "text": "Russia expelled diplomats."})
    answer = _post(app, {"id": "x", "text": "Russia expelled more diplomats."})
    assert answer["articles"] == ["x"] and not answer["errors"]
    assert _stored(app) == {"x": "Russia expelled more diplomats."}


def test_an_article_that_breaks_a_stage_is_its_items_error(app: Any) -> None:
    answer = _post(app, [{"id": "a", "text": "Russia expelled diplomats."}, {"id": "b", "text": "boom"},
                         {"id": "c", "text": "Japan protested."}])
    assert answer["articles"] == ["a", "c"] and set(_stored(app)) == {"a", "c"}
    assert [e["item"] for e in answer["errors"]] == ["item 1"] and "could not be coded" in answer["errors"][0]["reason"]


def test_an_article_the_store_refuses_is_its_items_error(app: Any) -> None:
    store = app.state.store
    transaction = store._transaction

    def refusing(articles: list[Article], errors: Any, window: int) -> int:
        if any(a.id == "poison" for a in articles):  # what DuckDB raises for a value it cannot hold
            raise duckdb.ConversionException("Conversion Error: out of range")
        result: int = transaction(articles, errors, window)
        return result

    store._transaction = refusing
    answer = _post(app, [{"id": "a", "text": "Russia expelled diplomats."}, {"id": "poison", "text": "Fine text."},
                         {"id": "c", "text": "Japan protested."}, 42])
    assert answer["articles"] == ["a", "c"] and set(_stored(app)) == {"a", "c"}
    assert [e["item"] for e in answer["errors"]] == ["item 1", "item 3"]
    assert "out of range" in answer["errors"][0]["reason"] and str(store.path) not in answer["errors"][0]["reason"]
    assert store.db.execute("SELECT count(*) FROM input_errors").fetchone() == (2,)


def test_a_post_says_how_many_stored_articles_it_replaced(app: Any) -> None:
    assert _post(app, [{"id": "a", "text": "Russia expelled diplomats."}])["replaced"] == 0
    assert _post(app, [{"id": "a", "text": "Russia expelled diplomats."}])["replaced"] == 0  # the same text again
    assert _post(app, [{"id": "a", "text": "Japan protested."}])["replaced"] == 1


@pytest.mark.parametrize("bad", [
    {"id": "b", "text": "Russia expelled diplomats.", "date": "0001-01-01"},  # a CMS's zero date
    {"id": "b", "text": "Russia expelled diplomats.", "date": "9999-12-31"},
    {"id": "b", "text": "Russia expelled diplomats.", "title": 10**5000},  # past Python's int-digit limit
])
def test_a_field_the_server_cannot_hold_is_its_items_error(app: Any, bad: dict[str, Any]) -> None:
    body = b'[{"id": "a", "text": "Russia expelled diplomats."}, ' + _json(bad) + b', {"id": "c", "text": "Japan."}]'
    response = call(app, "POST", "/api/articles", content=body, headers=AUTH)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["articles"] == ["a", "c"] and set(_stored(app)) == {"a", "c"}
    assert [e["item"] for e in answer["errors"]] == ["item 1"]


def _json(item: dict[str, Any]) -> bytes:
    """The item as JSON, a huge int written out as digits (json.dumps refuses to)."""
    parts = []
    for key, value in item.items():
        text = ("1" * 5000) if isinstance(value, int) else f'"{value}"'
        parts.append(f'"{key}": {text}')
    return ("{" + ", ".join(parts) + "}").encode()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Any]]:
    """A writing server with the stand-in coder on a loopback port, and a post limit of 8 kB."""
    db = tmp_path / "served.duckdb"
    Store(db).close()
    app = create_app(db, token=TOKEN, pipeline=_Coder, limits=Limits(body=8_000))
    with running(app) as url:
        yield url, app
    app.state.store.close()


def _item(article_id: str, text: str, line: int) -> Article:
    return Article(id=article_id, text=text, origin=f"input.jsonl:{line}")


def test_code_on_a_server_keeps_the_runs_first_copy_and_goes_on_after_a_refused_post(
        served: tuple[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    url, app = served
    monkeypatch.setattr("dyad.cli.client.BATCH_BYTES", 9_000)  # posts of 50 short stories; the big one alone
    items: list[Article | InputError] = [_item(f"s{i}", f"Story {i}.", i) for i in range(130)]
    items[3] = _item("dup", "The first copy.", 3)
    items[20] = _item("dup", "A copy in the same post.", 20)
    items[70] = _item("dup", "A copy in the next post.", 70)
    items[110] = _item("big", "x" * 10_000, 110)  # its post is over the server's 8 kB: refused whole
    items[5] = InputError("input.jsonl:5", "malformed JSON")
    report = post_articles(items, url, TOKEN)
    stored = _stored(app)
    assert stored["dup"] == "The first copy."
    assert "big" not in stored
    skipped = {e.where: e.reason for e in report.errors}
    assert set(skipped) == {"input.jsonl:5", "input.jsonl:20", "input.jsonl:70", "input.jsonl:110"}
    assert "first one was kept" in skipped["input.jsonl:20"] and "first one was kept" in skipped["input.jsonl:70"]
    assert "(413)" in skipped["input.jsonl:110"]
    expected = {a.id for a in items if isinstance(a, Article)} - {"big"}
    assert set(stored) == expected and report.articles == len(expected)


def test_a_run_on_a_server_counts_the_stored_articles_it_replaced(served: tuple[str, Any]) -> None:
    url, _ = served
    first = post_articles([_item("a", "Russia expelled diplomats.", 1), _item("b", "Japan protested.", 2)], url, TOKEN)
    again = post_articles([_item("a", "Russia expelled diplomats.", 1), _item("b", "Japan protested loudly.", 2)],
                          url, TOKEN)
    assert (first.replaced, again.replaced) == (0, 1)

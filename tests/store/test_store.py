from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dyad.errors import InputError, StoreError
from dyad.store.rows import EVENT_FIELDS
from dyad.store.store import Store
from dyad.types import Actor, Article, Event, Location, Sentence

TEXT = "Russia expelled two Japanese diplomats in Tokyo on Monday."


def _article(article_id: str = "a1", cameo: str = "161", day: dt.date = dt.date(2024, 3, 4), recipient: bool = True,
             text: str | None = None) -> Article:
    """An article with one event; each id gets its own wording unless `text` is given."""
    text = text or f"{TEXT} Reported by {article_id} for the wire service today."
    article = Article(id=article_id, text=text, title="T", date=dt.date(2024, 3, 6), source="Wire", url="https://example.com/a")
    article.sentences = [Sentence(index=0, start=0, end=len(TEXT), text=TEXT)]
    actor = Actor("Russia", "RUS", "RUS", None, "Russia", 0, 6)
    target = Actor("Japanese diplomats", "JPNGOV", "JPN", "GOV", "Japan", 20, 38) if recipient else None
    article.events = [Event(
        sentence=0, cameo=cameo, event_type="SANCTION", mode="withdraw", context="diplomatic", goldstein=-4.0,
        quad_class=3, actor=actor, recipient=target, trigger=(7, 15), pattern="verbs[1] expel", confidence=0.9,
        date=day, date_precision="day", date_span=(51, 57), location=Location("Tokyo", "JPN", 35.68, 139.69, 42, 47, "capital", "sentence"),
    )]
    return article


def test_each_event_keeps_what_decided_it(tmp_path: Path) -> None:
    by_model = _article("a2")
    by_model.events[0] = dataclasses.replace(by_model.events[0], coder="model", model_version="v1", model_probability=0.83)
    with Store(tmp_path / "d.duckdb") as store:
        store.write([_article("a1"), by_model])
        rows = {row["article_id"]: row for row in store.events()}
    assert (rows["a1"]["coder"], rows["a1"]["model_version"], rows["a1"]["model_probability"]) == ("pattern", None, None)
    assert (rows["a2"]["coder"], rows["a2"]["model_version"], rows["a2"]["model_probability"]) == ("model", "v1", 0.83)


def test_round_trip_has_the_fixed_fields(tmp_path: Path) -> None:
    with Store(tmp_path / "d.duckdb") as store:
        store.write([_article()])
        [row] = store.events()
    assert set(EVENT_FIELDS) <= set(row)
    assert row["actor"] == {"text": "Russia", "code": "RUS", "country": "RUS", "sector": None, "name": "Russia",
                            "role": None, "ner": None}
    assert row["recipient"]["country"] == "JPN"
    assert row["location"] == {"name": "Tokyo", "country": "JPN", "lat": 35.68, "lon": 139.69, "type": "capital",
                               "source": "sentence"}
    assert row["evidence"] == {"actor": [0, 6], "recipient": [20, 38], "event": [7, 15], "location": [42, 47], "date": [51, 57]}
    assert TEXT[51:57] == "Monday"
    assert TEXT[slice(*row["evidence"]["event"])] == "expelled"
    assert (row["date"], row["sources"], row["mentions"], row["quad_class"]) == ("2024-03-04", 1, 1, 3)


def test_recoding_an_article_replaces_its_rows(tmp_path: Path) -> None:
    with Store(tmp_path / "d.duckdb") as store:
        store.write([_article()])
        store.write([_article(cameo="166")])
        rows = store.events()
        assert [r["cameo"] for r in rows] == ["166"]
        assert store.summary()["articles"] == 1


def test_sources_count_articles_reporting_the_same_event(tmp_path: Path) -> None:
    with Store(tmp_path / "d.duckdb") as store:
        store.write([_article("a1"), _article("a2"), _article("a3", day=dt.date(2024, 3, 1))])
        rows = store.events(limit=None)
    by_article = {r["article_id"]: r for r in rows}
    assert by_article["a1"]["sources"] == by_article["a2"]["sources"] == 2
    assert by_article["a3"]["sources"] == 1


def test_filters(tmp_path: Path) -> None:
    with Store(tmp_path / "d.duckdb") as store:
        store.write([_article("a1"), _article("a2", day=dt.date(2023, 1, 1), recipient=False)])
        assert [r["article_id"] for r in store.events(recipient="jpn")] == ["a1"]
        assert [r["article_id"] for r in store.events(actor="RUS", since=dt.date(2024, 1, 1))] == ["a1"]
        assert [r["article_id"] for r in store.events(until=dt.date(2023, 12, 31))] == ["a2"]
        assert store.events(event_type="assault") == []
        assert len(store.events(limit=1)) == 1


def test_input_errors_are_kept(tmp_path: Path) -> None:
    with Store(tmp_path / "d.duckdb") as store:
        store.write([], [InputError("x.jsonl:3", "malformed JSON")])
        assert store.summary()["input_errors"] == 1


def test_read_only_on_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="run `dyad code` first"):
        Store(tmp_path / "missing.duckdb", read_only=True)


def test_a_failed_transaction_writes_nothing(tmp_path: Path) -> None:
    bad = _article("bad")
    bad.text = None  # type: ignore[assignment]  # fails inside the transaction, after the first rows
    with Store(tmp_path / "d.duckdb") as store:
        store.write([_article("good")])
        with pytest.raises(AttributeError):  # the signature of no text
            store._transaction([_article("good", cameo="166"), _article("other"), bad], (), 1)
        assert [(r["article_id"], r["cameo"]) for r in store.events()] == [("good", "161")]
        assert store.summary()["articles"] == 1


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=1, max_size=12))
def test_writing_any_sequence_of_batches_leaves_one_copy_of_each_article(tmp_path: Path, ids: list[str]) -> None:
    path = tmp_path / f"{'-'.join(ids)}.duckdb"
    with Store(path) as store:
        for article_id in ids:
            store.write([_article(article_id)])
        summary = store.summary()
    assert summary["articles"] == len(set(ids))
    assert summary["events"] == len(set(ids))


def test_a_database_of_another_schema_is_refused_with_the_way_to_migrate_it(tmp_path: Path) -> None:
    import duckdb

    oldest, newer = tmp_path / "oldest.duckdb", tmp_path / "newer.duckdb"
    with duckdb.connect(str(oldest)) as db:
        db.execute("CREATE TABLE events (id VARCHAR)")
    Store(newer).close()
    with duckdb.connect(str(newer)) as db:
        db.execute("UPDATE dyad_meta SET value = '99' WHERE key = 'schema_version'")
    for read_only in (False, True):
        with pytest.raises(StoreError, match=r"schema 1, older .* `dyad migrate .*oldest.duckdb --out NEW.duckdb`"):
            Store(oldest, read_only=read_only)
        with pytest.raises(StoreError, match=r"schema 99, newer .*upgrade Dyad"):
            Store(newer, read_only=read_only)


def test_quotes_round_trip(tmp_path: Path) -> None:
    from dyad.coding.quotes import Quote

    article = _article()
    speaker = Actor("Russia", "RUS", "RUS", None, "Russia", 0, 6)
    article.quotes = [Quote("q1", 7, 38, TEXT[7:38], "indirect", speaker, "Russia", 0)]
    article.events[0].quote = "q1"
    with Store(tmp_path / "d.duckdb") as store:
        store.write([article])
        [quote] = store.quotes(speaker="rus")
        [event] = store.events()
    assert (quote["id"], quote["kind"], quote["speaker_code"], quote["text"]) == ("q1", "indirect", "RUS", TEXT[7:38])
    assert event["quote"] == "q1"


def test_a_near_duplicate_article_is_another_mention_not_another_source(tmp_path: Path) -> None:
    wire = "MOSCOW (Wire) - " + TEXT + " The ministry gave no reason for the move, which Tokyo condemned."
    reprint = TEXT + " The ministry gave no reason for the move, which Tokyo condemned."
    with Store(tmp_path / "d.duckdb") as store:
        store.write([_article("wire", text=wire)])
        store.write([_article("reprint", text=reprint), _article("other")])
        rows = {r["article_id"]: r for r in store.events(limit=None)}
        originals = dict(store.db.execute("SELECT id, duplicate_of FROM articles").fetchall())
    assert originals == {"wire": None, "reprint": "wire", "other": None}
    assert rows["reprint"]["sources"] == 2 and rows["reprint"]["mentions"] == 3  # wire + other; three sentences

"""What the store does when a write fails: an article it cannot take is an input error and the
rest is stored; a failure of the machine (a full disk, a read-only file) stops the write with a
message naming it; settings are checked when set and when read."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from dyad.errors import StoreError
from dyad.store.store import Store
from tests.store.test_store import _article


def _stored(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    queries = {"articles": "SELECT id, date, text FROM articles ORDER BY id",
               "events": "SELECT id, article_id, date, dedup_id FROM events ORDER BY id",
               "deduplicated": "SELECT * FROM deduplicated_events ORDER BY id"}
    return {name: store.db.execute(sql).fetchall() for name, sql in queries.items()}


def _errors(store: Store) -> list[tuple[str, str]]:
    return store.db.execute("SELECT item, reason FROM input_errors ORDER BY ALL").fetchall()


def _unstorable_text() -> Any:
    article = _article("bad", text="Russia expelled \ud800 diplomats.")  # a lone surrogate: no UTF-8 for it
    return article


def _no_text() -> Any:
    article = _article("bad")
    article.text = None  # violates NOT NULL
    return article


def _offset_past_integer() -> Any:
    article = _article("bad")
    article.sentences[0].end = 2**40  # no INTEGER holds it
    return article


def _bad_sentence_index() -> Any:
    article = _article("bad")
    article.events[0].sentence = 7  # a sentence it does not have
    return article


@pytest.mark.parametrize("bad", [_unstorable_text, _no_text, _offset_past_integer, _bad_sentence_index],
                         ids=["lone-surrogate", "no-text", "offset", "sentence-index"])
def test_an_article_the_store_cannot_take_is_an_input_error_and_the_rest_is_stored(tmp_path: Path, bad: Any) -> None:
    batch = [_article("a1"), _article("a2"), bad(), _article("a3"), _article("a4")]
    with Store(tmp_path / "d.duckdb") as store:
        written = store.write(batch)
        first = _stored(store)
        store.write(batch)  # a rerun: the same articles stored, the same one reported
        again = _stored(store)
        errors = _errors(store)
    assert [e.where for e in written.failed] == ["bad"]
    assert [row[0] for row in first["articles"]] == ["a1", "a2", "a3", "a4"]
    assert len(first["events"]) == 4
    assert again == first
    assert [item for item, _ in errors] == ["bad", "bad"] and "could not be stored" in errors[0][1]


@pytest.mark.parametrize("day", [dt.date(1, 1, 1), dt.date(9999, 12, 31), dt.date(1, 1, 2)])
def test_any_date_python_has_is_stored_and_grouped(tmp_path: Path, day: dt.date) -> None:
    """A CMS's zero date (0001-01-01) once made the deduplication window overflow, losing the batch."""
    edge = _article("edge", day=day)
    edge.date = day
    with Store(tmp_path / "d.duckdb") as store:
        store.set_dedup_window(3650)
        store.write([_article("a1"), edge, _article("a2")])
        store.write([_article("edge", day=day)])  # re-coding it refreshes the window around the date
        store.set_dedup_window(7)  # and regrouping regroups it
        stored = _stored(store)
        [event] = store.events(article_id="edge")
    assert [row[0] for row in stored["articles"]] == ["a1", "a2", "edge"]
    assert event["date"] == day.isoformat() and event["sources"] == 1


@pytest.mark.parametrize("cause", [OSError(errno.ENOSPC, "No space left on device"),
                                   duckdb.IOException('IO Error: Could not write file "d.duckdb.wal": '
                                                      "No space left on device"),
                                   OSError(errno.EROFS, "Read-only file system")],
                         ids=["oserror", "duckdb", "read-only"])
def test_a_failure_of_the_machine_stops_the_write_and_is_blamed_on_no_article(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cause: Exception) -> None:
    with Store(tmp_path / "d.duckdb") as store:
        store.write([_article("before")])

        def fail(*args: Any) -> None:
            raise cause

        monkeypatch.setattr(store, "_insert_frame", fail)
        with pytest.raises(StoreError) as raised:
            store.write([_article("a1"), _article("a2")])
        monkeypatch.undo()
        assert [row[0] for row in _stored(store)["articles"]] == ["before"]
        assert _errors(store) == []
    message = str(raised.value)
    assert ("disk holding" in message and "is full" in message) or "read-only file system" in message
    assert "Error:" not in message  # the cause in words, not the library's text


@contextlib.contextmanager
def _small_disk(path: Path, size: str, options: str = "") -> Iterator[Path]:
    """A tmpfs of `size` at `path` (root only: CI runs as root); skips the test where mounting
    is not permitted."""
    path.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}{options}", "tmpfs", str(path)],
                             capture_output=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.decode().strip() or 'mount failed'}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def test_a_full_disk_is_named_as_such(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    with _small_disk(disk, "1m"), Store(disk / "d.duckdb") as store, pytest.raises(StoreError) as raised:
        for i in range(40):  # about 3 MB of text into 1 MB
            store.write([_article(f"a{i}", text=f"{i} " + "Russia expelled diplomats. " * 3000)])
    assert "is full" in str(raised.value) and "free some space" in str(raised.value)


def test_the_window_is_checked_when_set(tmp_path: Path) -> None:
    with Store(tmp_path / "d.duckdb") as store:
        store.write([_article("a1")])
        for days in (0, -1, 3651, 1_000_000, True, 2.5):
            with pytest.raises(StoreError, match="from 1 to 3650"):
                store.set_dedup_window(days)  # type: ignore[arg-type]
        assert store.dedup_window() == 1
        store.write([_article("a2")])  # coding goes on


@pytest.mark.parametrize("value", ["1000000", "0", "abc", "-3"])
def test_a_bad_stored_window_names_the_fix(tmp_path: Path, value: str) -> None:
    path = tmp_path / "d.duckdb"
    with Store(path) as store:
        store.write([_article("a1")])
        store.db.execute("UPDATE dyad_meta SET value = ? WHERE key = 'dedup_window_days'", [value])
    with Store(path) as store:
        with pytest.raises(StoreError, match=r"dyad regroup --window DAYS"):
            store.write([_article("a2")])
        store.set_dedup_window(2)  # the fix the message names
        store.write([_article("a2")])
        assert store.summary()["articles"] == 2


def test_replacing_an_article_with_another_text_is_counted(tmp_path: Path) -> None:
    with Store(tmp_path / "d.duckdb") as store:
        assert store.write([_article("a1"), _article("a2")]).replaced == 0
        assert store.write([_article("a1"), _article("a2")]).replaced == 0  # the same texts coded again
        assert store.write([_article("a1", text="Another story."), _article("a2"), _article("a3")]).replaced == 1
        assert store.summary()["articles"] == 3


class _FailingClose:
    """A connection whose close fails as DuckDB's does when the final checkpoint meets a full disk."""

    def __init__(self, db: Any) -> None:
        self.db = db

    def __getattr__(self, name: str) -> Any:
        return getattr(self.db, name)

    def close(self) -> None:
        self.db.close()
        raise duckdb.IOException('IO Error: Could not write file "d.duckdb": No space left on device')


def test_a_checkpoint_that_fails_on_close_is_a_store_error(tmp_path: Path) -> None:
    store = Store(tmp_path / "d.duckdb")
    store.write([_article("a1")])
    store.db = _FailingClose(store.db)
    with pytest.raises(StoreError, match=r"could not finish writing .* disk holding .* is full"):
        store.close()
    with Store(tmp_path / "d.duckdb", read_only=True) as store:  # what was committed is there
        assert store.summary()["articles"] == 1


def test_a_file_that_is_not_a_database_is_named_as_such(tmp_path: Path) -> None:
    path = tmp_path / "notes.duckdb"
    path.write_text("these are my notes\n" * 100)
    for read_only in (False, True):
        with pytest.raises(StoreError, match="is not a DuckDB database file"):
            Store(path, read_only=read_only)
    assert path.read_text().startswith("these are my notes")

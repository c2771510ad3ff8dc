"""Messages that name the real cause and what to do, for failures of the machine (a full or
read-only disk, a missing folder, a database another process holds, a file that is not a
database) and for bad numbers; never "internal error", never exit 0."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dyad.cli.main import main
from dyad.store.store import Store
from tests.store.test_failures import _FailingClose, _small_disk
from tests.store.test_store import _article

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "events.duckdb"
    with Store(path) as store:
        store.write([_article(f"a{i}") for i in range(30)])
    return path


def _fails(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run the command, which must fail with exit status 2; return its one-line message."""
    capsys.readouterr()
    try:
        status = main(argv)
    except SystemExit as stop:  # argparse
        status = stop.code  # type: ignore[assignment]
    captured = capsys.readouterr()
    assert status == 2 and captured.out == "", captured
    assert "internal error" not in captured.err and "Traceback" not in captured.err
    return captured.err


@pytest.mark.parametrize("argv", [
    ["events", "--limit", "-1"], ["actors", "--top", "-5"], ["dyads", "--top", "0"], ["search", "x", "--limit", "-3"],
    ["regroup", "--window", "1000000"], ["regroup", "--window", "0"], ["trend", "RUS", "JPN", "--min-confidence", "2"],
    ["code", "x.txt", "--workers", "0"], ["code", "x.txt", "--workers", "100000"],
    ["events", "--limit", str(10**30)], ["actors", "--top", str(2**63)], ["code", "x.txt", "--partition-size", "-1", "--dask", "local"],
])
def test_bad_numbers_are_refused_naming_the_option(argv: list[str], db: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    option = next(a for a in argv if a.startswith("--"))
    err = _fails([*argv, "--db", str(db)], capsys)
    assert f"argument {option}: must be" in err
    with Store(db, read_only=True) as store:  # nothing was changed
        assert store.dedup_window() == 1


@pytest.mark.parametrize("argv", [["summary"], ["events"], ["actors"], ["regroup", "--window", "2"],
                                  ["export", "--format", "csv", "--out", "OUT"], ["code", "NONE.txt"]])
def test_a_file_that_is_not_a_database(argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n" * 50)
    argv = [str(tmp_path / a) if a in ("OUT", "NONE.txt") else a for a in argv]
    err = _fails([*argv, "--db", str(notes)], capsys)
    assert "is not a DuckDB database file" in err
    assert notes.read_text() == "my notes\n" * 50


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl", "plover", "gdelt"])
def test_an_export_into_a_missing_folder(fmt: str, db: Path, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    err = _fails(["export", "--db", str(db), "--format", fmt, "--out", str(tmp_path / "no" / "such" / "out")], capsys)
    assert "does not exist; create it first" in err


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl", "plover", "gdelt"])
def test_an_export_to_a_read_only_place(fmt: str, db: Path, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    with _small_disk(tmp_path / "disk", "1m", ",ro") as disk:
        err = _fails(["export", "--db", str(db), "--format", fmt, "--out", str(disk / "out")], capsys)
    assert "read-only file system" in err


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl", "plover", "gdelt"])
def test_an_export_to_a_full_disk_says_so_and_leaves_no_half_file(fmt: str, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "big.duckdb"
    noise = random.Random(1)
    articles = [_article(f"a{i}") for i in range(500)]
    for article in articles:  # sentences that do not compress to nothing
        article.sentences[0].text = noise.randbytes(400).hex()
    with Store(db) as store:
        store.write(articles)
    with _small_disk(tmp_path / "disk", "64k") as disk:
        err = _fails(["export", "--db", str(db), "--format", fmt, "--out", str(disk / "out")], capsys)
        assert not (disk / "out").exists()
    assert "is full" in err and "free some space" in err


@pytest.mark.parametrize("number", [28, 30, 5])  # ENOSPC, EROFS, EIO
def test_an_os_error_in_an_export_is_named(number: int, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    def fail(*args: Any, **kwargs: Any) -> Any:
        raise OSError(number, os.strerror(number))

    monkeypatch.setattr(Path, "open", fail)
    err = _fails(["export", "--db", str(db), "--format", "jsonl", "--out", str(tmp_path / "out.jsonl")], capsys)
    assert str(tmp_path / "out.jsonl") in err
    assert any(words in err for words in ("is full", "read-only", "input/output error"))


def test_a_checkpoint_failing_on_close_fails_the_command(db: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    opened = Store.__init__

    def failing(self: Store, *args: Any, **kwargs: Any) -> None:
        opened(self, *args, **kwargs)
        self.db = _FailingClose(self.db)

    monkeypatch.setattr(Store, "__init__", failing)
    err = _fails(["regroup", "--window", "2", "--db", str(db)], capsys)
    assert "could not finish writing" in err and "is full" in err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def _serving(db: Path, token: str | None) -> Iterator[subprocess.Popen[bytes]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("DYAD_TOKEN", None)
    port = _free_port()
    command = [sys.executable, "-m", "dyad", "serve", "--db", str(db), "--port", str(port)]
    server = subprocess.Popen(command + (["--token", token] if token else []), env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):  # until it listens, the database open
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            assert server.poll() is None, "the server stopped"
            time.sleep(0.05)
        yield server
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_a_database_held_by_a_writing_server_is_closed_to_readers_too(db: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """What the README says of `dyad serve --token`: no other process may open the database."""
    with _serving(db, token="secret"):
        for argv in (["events"], ["summary"], ["regroup", "--window", "2"]):
            err = _fails([*argv, "--db", str(db)], capsys)
            assert "held open by `dyad serve`" in err
            assert "/api/events" in err and "--server" in err


def test_a_database_a_reading_server_holds_can_be_read(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with _serving(db, token=None):
        capsys.readouterr()
        assert main(["summary", "--db", str(db)]) == 0
        assert "30 articles" in capsys.readouterr().out
        err = _fails(["regroup", "--window", "2", "--db", str(db)], capsys)
        assert "held open by `dyad serve`" in err


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl", "plover", "gdelt"])
def test_an_export_over_a_folder_keeps_the_folder(fmt: str, db: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine")
    err = _fails(["export", "--db", str(db), "--format", fmt, "--out", str(folder), "--force"], capsys)
    assert "is a folder" in err
    assert (folder / "keep.txt").read_text() == "mine"

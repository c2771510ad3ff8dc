"""`dyad code --workers N` when a worker dies (the out-of-memory killer sends SIGKILL) or the
run is stopped: the writer codes the dead worker's batch again, or reports its articles, and
leaves no process behind."""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from dyad.coding.pipeline import code_articles
from dyad.store.store import Store
from dyad.types import Article

pytestmark = pytest.mark.model

COUNTRIES = ["Peru", "Chile", "Japan", "Kenya", "Poland", "Egypt", "Brazil", "India"]
ROOT = Path(__file__).resolve().parents[2]


def _corpus(path: Path, count: int) -> list[str]:
    rng = random.Random(5)
    ids = []
    with path.open("w", encoding="utf-8") as f:
        for i in range(count):
            a, b = rng.sample(COUNTRIES, 2)
            text = (f"{a} accused {b} of spying on Monday. {b} rejected the charge. "
                    f"{a} pledged aid to {b} after the floods, story {i}.")
            ids.append(f"story-{i}")
            f.write(json.dumps({"id": ids[-1], "date": "2024-03-04", "text": text}) + "\n")
    return ids


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):  # the thread has ended
            found |= {int(child) for child in (task / "children").read_text().split()}
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")  # a zombie has exited; only its parent's wait is missing


def _survivors(pids: set[int]) -> list[int]:
    """The processes among `pids` still running, killed so that a failing test leaves none."""
    alive = [pid for pid in pids if _alive(pid)]
    for pid in alive:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return alive


def _start(corpus: Path, db: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "dyad", "code", str(corpus), "--db", str(db), "--workers", "2", "--quiet"]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)


def _wait_for_workers(process: subprocess.Popen[bytes], seen: set[int]) -> None:
    """Until the run has started its workers (the model loads first)."""
    for _ in range(2400):
        seen |= _children(process.pid)
        if seen or process.poll() is not None:
            return
        time.sleep(0.05)


def _finish(process: subprocess.Popen[bytes], seen: set[int]) -> int:
    """Wait for the run to end (a hang fails the test), noting every child it starts."""
    try:
        for _ in range(6000):  # 300 s: far more than the run needs; a hang never ends
            seen |= _children(process.pid)
            if process.poll() is not None:
                break
            time.sleep(0.05)
        return process.wait(timeout=1)
    finally:
        if process.poll() is None:  # hung: leave nothing behind
            children = seen | _children(process.pid)
            process.kill()
            process.wait()
            for child in children:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(child, signal.SIGKILL)


def test_a_killed_worker_has_its_batch_coded_again(tmp_path: Path) -> None:
    ids = _corpus(tmp_path / "corpus.jsonl", 300)
    db = tmp_path / "d.duckdb"
    process = _start(tmp_path / "corpus.jsonl", db)
    seen: set[int] = set()
    _wait_for_workers(process, seen)
    assert seen, "the run started no workers"
    os.kill(min(seen), signal.SIGKILL)
    status = _finish(process, seen)
    with duckdb.connect(str(db), read_only=True) as con:
        stored = [row[0] for row in con.execute("SELECT id FROM articles").fetchall()]
        reported = [row[0] for row in con.execute("SELECT item FROM input_errors").fetchall()]
    lines = [ids[int(item.rsplit(":", 1)[1]) - 1] for item in reported]  # reported as corpus.jsonl:LINE
    assert sorted(stored + lines) == sorted(ids)  # each article stored or reported, once
    assert not _survivors(seen)
    assert status == (1 if reported else 0), process.stderr.read() if process.stderr else ""


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_stopping_the_run_leaves_no_worker_behind(tmp_path: Path, stop: signal.Signals) -> None:
    _corpus(tmp_path / "corpus.jsonl", 300)
    process = _start(tmp_path / "corpus.jsonl", tmp_path / "d.duckdb")
    seen: set[int] = set()
    _wait_for_workers(process, seen)
    assert seen, "the run started no workers"
    process.send_signal(stop)
    status = _finish(process, seen)
    time.sleep(0.5)  # an orphan would still be running now; a stopped worker is gone
    assert not _survivors(seen)
    assert status == (130 if stop == signal.SIGINT else 143)


@contextlib.contextmanager
def _hang_bound(seconds: int) -> Iterator[None]:
    """Fail, rather than wait forever, if the block hangs (a lost batch once hung the writer)."""
    def hung(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s: hung")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_an_article_that_kills_its_worker_every_time_is_reported(pipeline: Any, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    def poison(article: Article) -> Article:
        if "POISON" in article.text:
            os.kill(os.getpid(), signal.SIGKILL)  # what the out-of-memory killer does
        return article

    monkeypatch.setattr(pipeline, "stages", [*pipeline.stages, ("poison", poison)])
    texts = [f"Peru accused Chile of spying, story {i}." for i in range(9)]
    texts[4] = "Peru accused Chile of spying. POISON"
    items = [Article(id=f"a{i}", text=t, origin=f"in:{i + 1}") for i, t in enumerate(texts)]
    with Store(tmp_path / "d.duckdb") as store, _hang_bound(300):
        report = code_articles(items, store, pipeline, batch_size=3, workers=2)
        stored = {row[0] for row in store.db.execute("SELECT id FROM articles").fetchall()}
    assert stored == {f"a{i}" for i in range(9)} - {"a4"}
    assert [e.where for e in report.errors] == ["in:5"]
    assert "SIGKILL" in report.errors[0].reason
    assert report.articles == 8
    assert not _survivors(_children(os.getpid()))

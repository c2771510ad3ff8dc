"""`dyad serve` as a user starts it: a real server process answering on loopback."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from dyad.store.store import Store
from dyad.store.views import NOT_STATEMENT
from tests.serve.threaded import wait_until_serving
from tests.store.test_store import _article


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_dyad_serve_answers_on_loopback(tmp_path: Path) -> None:
    db = tmp_path / "served.duckdb"
    with Store(db) as store:
        store.write([_article("a1")])
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "dyad", "serve", "--db", str(db), "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/api/events", timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stderr.read() if server.stderr else "server exited"
                assert time.monotonic() < deadline, "the server did not start in 30 s"
                time.sleep(0.2)
        assert response.status_code == 200
        assert [e["article_id"] for e in response.json()["events"]] == ["a1"]
        missing = httpx.get(f"http://127.0.0.1:{port}/api/events/ffffffffffffffff", timeout=2)
        assert missing.status_code == 404 and missing.json() == {"error": "no event 'ffffffffffffffff'"}
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_serving_a_missing_database_is_a_clear_error(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "dyad", "serve", "--db", str(tmp_path / "none.duckdb")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "no database at" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.model
def test_dyad_code_into_a_served_database_while_readers_read(tmp_path: Path) -> None:
    """`dyad code --server` posts to a running `dyad serve --token`, which codes and stores the
    articles in batches while other clients read: each reader sees whole batches only."""
    from tests.cli.test_crash import _corpus

    corpus = tmp_path / "corpus.jsonl"
    _corpus(corpus, 120)  # three posts of 50, 50 and 20 articles, and a broken line
    db, port = tmp_path / "served.duckdb", _free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "dyad", "serve", "--db", str(db), "--port", str(port),
                               "--token", "s3cret"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seen: list[int] = []
    failures: list[str] = []
    stop = threading.Event()

    def read() -> None:
        with httpx.Client(base_url=url, timeout=30) as client:
            while not stop.is_set():
                events = client.get("/api/events", params={"limit": 500})
                trend = client.get("/api/trend", params={"a": "PER", "b": "CHL"})
                if events.status_code != 200 or trend.status_code != 200:
                    failures.append(f"{events.status_code} {trend.status_code}")
                    continue
                assert events.json()["next_offset"] is None
                seen.append(len(events.json()["events"]))

    try:
        wait_until_serving(f"{url}/api/events", server)
        readers = [threading.Thread(target=read) for _ in range(3)]
        for reader in readers:
            reader.start()
        done = subprocess.run([sys.executable, "-m", "dyad", "code", str(corpus), "--server", url, "--token", "s3cret"],
                              capture_output=True, text=True, timeout=300)
        stop.set()
        for reader in readers:
            reader.join(timeout=60)
        assert done.returncode == 1 and f"dyad: skipped {corpus}:121: malformed JSON" in done.stderr, done.stderr
        wrong = subprocess.run([sys.executable, "-m", "dyad", "code", str(corpus), "--server", url, "--token", "nope"],
                               capture_output=True, text=True, timeout=60)
        assert wrong.returncode == 2 and "(401)" in wrong.stderr and "Traceback" not in wrong.stderr
    finally:
        stop.set()
        server.terminate()
        server.wait(timeout=10)
    with Store(db, read_only=True) as store:
        per_article = dict(store.db.execute(f"SELECT article_id, count(*) FROM events WHERE {NOT_STATEMENT} GROUP BY 1").fetchall())
        stored = store.db.execute("SELECT count(*) FROM articles").fetchone()
    assert stored == (120,) and f"coded 120 articles, {sum(per_article.values())} events" in done.stdout
    totals = [sum(per_article.get(f"story-{i}", 0) for i in range(end)) for end in (0, 50, 100, 120)]
    assert not failures and seen and set(seen) <= set(totals), (set(seen), totals)


def test_a_busy_port_stops_serve_with_status_2_before_it_says_serving(tmp_path: Path) -> None:
    db = tmp_path / "served.duckdb"
    with Store(db) as store:
        store.write([_article("a1")])
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "dyad", "serve", "--db", str(db), "--port", str(port)],
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "serving" not in done.stdout
    assert done.stderr.splitlines() == [f"dyad: error: port {port} on 127.0.0.1 is in use (another `dyad serve`?); "
                                        "stop that server, or pass --port another number"]

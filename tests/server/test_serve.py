"""`dyad serve` as a user starts it: a real server process answering on loopback."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from dyad.store import Store
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

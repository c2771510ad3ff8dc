"""Slow and many clients against a real `dyad serve` on loopback: a request whose headers or
body never finish is cut off after its timeout (the body with a 408), connections over the cap
are answered 503 at once, and other clients are served meanwhile. Every wait here is bounded
by a socket timeout far above the server's, so a server that never times out fails the test
instead of hanging it."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from dyad.store.store import Store
from tests.serve.threaded import wait_until_serving
from tests.store.test_store import _article

TOKEN = "s3cret"
PATIENCE = 30  # seconds a test waits for the server; the server's own timeouts are 1 s


def _start(db: Path, *flags: str) -> Iterator[int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = subprocess.Popen([sys.executable, "-m", "dyad", "serve", "--db", str(db), "--port", str(port), *flags],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_until_serving(f"http://127.0.0.1:{port}/api/actors", server, PATIENCE)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


def _database(path: Path) -> Path:
    with Store(path) as store:
        store.write([_article("a1")])
    return path


@pytest.fixture(scope="module")
def port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    db = _database(tmp_path_factory.mktemp("timeouts") / "served.duckdb")
    yield from _start(db, "--token", TOKEN, "--header-timeout", "1", "--body-timeout", "1")


def _connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=PATIENCE)
    return sock


def _until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (socket.timeout if it never does)."""
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    return received


def _served(port: int) -> bool:
    return httpx.get(f"http://127.0.0.1:{port}/api/events", timeout=PATIENCE).status_code == 200


@pytest.mark.parametrize("sent", [
    b"",  # connects and says nothing
    b"GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n",  # half a request: no blank line
    b"G",
])
def test_a_request_whose_headers_never_end_is_cut_off(port: int, sent: bytes) -> None:
    with _connect(port) as stalled:
        stalled.sendall(sent)
        assert _served(port)  # others are answered while it stalls
        answer = _until_closed(stalled)
    assert answer == b"" or answer.startswith(b"HTTP/1.1 408 ")


@pytest.mark.parametrize("auth", [f"Bearer {TOKEN}", "Bearer wrong"])
def test_a_body_that_never_ends_is_cut_off(port: int, auth: str) -> None:
    head = (f"POST /api/articles HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {auth}\r\n"
            "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n").encode()
    with _connect(port) as stalled:
        stalled.sendall(head + b'[{"text": "Russia')
        assert _served(port)
        answer = _until_closed(stalled)
    if auth.endswith(TOKEN):  # the server was reading the body: it says why it gave up
        assert answer.startswith(b"HTTP/1.1 408 ") and b"body took over 1 s" in answer, answer
        assert b"x-content-type-options: nosniff" in answer.lower()
    else:  # refused before the body: the answer, then the close
        assert answer.startswith(b"HTTP/1.1 401 ")
    assert _served(port)


def test_connections_over_the_cap_are_answered_503(tmp_path: Path) -> None:
    for port in _start(_database(tmp_path / "capped.duckdb"), "--max-connections", "3", "--header-timeout", str(PATIENCE * 4)):
        held = [_connect(port) for _ in range(3)]
        try:
            with _connect(port) as extra:
                answer = _until_closed(extra)
            assert answer.startswith(b"HTTP/1.1 503 ") and b"too many connections" in answer
            assert b"x-frame-options: DENY" in answer
        finally:
            for sock in held:
                sock.close()
        deadline = time.monotonic() + PATIENCE  # once they are closed, there is room again
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/events", timeout=PATIENCE).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not free the closed connections"
            time.sleep(0.1)

"""A Dyad app served by uvicorn in a thread on a free loopback port, for tests that need a real
HTTP server in this process (to share a fixture's pipeline or a stand-in coder)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import uvicorn


@contextlib.contextmanager
def running(app: Any) -> Iterator[str]:
    """Serve `app` until the block ends; yields its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def wait_until_serving(url: str, server: Any, seconds: float = 30) -> None:
    """Wait until the `dyad serve` subprocess `server` answers at `url`; fail if it exits or
    takes longer than `seconds`."""
    import httpx

    deadline = time.monotonic() + seconds
    while True:
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            assert server.poll() is None, server.stderr.read() if server.stderr else "server exited"
            assert time.monotonic() < deadline, f"the server did not start in {seconds:g} s"
            time.sleep(0.2)

"""The HTTP listener of `dyad serve`: a socket on the host and port (`listen`), and uvicorn
running the app on it (`serve`) with a timed HTTP/1.1 connection (`_TimedH11`) that enforces
the `Timeouts`: header and body timeouts and a cap on open connections."""

from __future__ import annotations

import asyncio
import errno
import json
import socket
from dataclasses import dataclass
from typing import Any, ClassVar

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from ..errors import DyadError
from .guards import SECURITY_HEADERS

__all__ = ["Timeouts", "listen", "serve"]


@dataclass(frozen=True)
class Timeouts:
    """What `dyad serve` allows one connection, so slow or idle clients cannot hold the server."""
    header_s: float = 10.0  # to send a request's line and headers, from connecting or the last answer
    body_s: float = 60.0  # to send a request's whole body, once its headers are in
    keep_alive_s: int = 5  # an idle kept-alive connection is closed after this
    connections: int = 100  # open connections at once; one more is answered 503 and closed


def _raw_answer(status: int, reason: str, message: str) -> bytes:
    """A whole HTTP answer, JSON error and security headers, for the connection layer to write
    when no app is there to answer (timeouts, too many connections, bad HTTP); it closes."""
    body = json.dumps({"error": message}).encode()
    head = [f"HTTP/1.1 {status} {reason}".encode(), b"content-type: application/json",
            b"content-length: " + str(len(body)).encode(), b"connection: close",
            *(name + b": " + value for name, value in SECURITY_HEADERS)]
    return b"\r\n".join(head) + b"\r\n\r\n" + body


class _TimedH11(H11Protocol):
    """uvicorn's HTTP/1.1 connection, timed: uvicorn has no timeout for a request's headers
    or body, so a client sending them a byte at a time holds a connection (and, with enough
    of them, the server) forever. A timer runs while the client owes us headers (from connecting
    or from our last answer) and another while it owes a body; either closes the connection,
    after a 408 when the client had sent part of its request. Connections over the cap are
    answered 503 at once."""

    timeouts: ClassVar[Timeouts] = Timeouts()
    _timer: asyncio.TimerHandle | None = None
    _phase: str | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.timeouts.connections:
            transport.write(_raw_answer(503, "Service Unavailable", "the server has too many connections open; "
                                                                   "try again shortly"))
            transport.close()
            return
        self._follow()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_timer()
        super().connection_lost(exc)

    def handle_events(self) -> None:
        super().handle_events()
        self._follow()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._follow()

    def send_400_response(self, msg: str) -> None:
        self._stop_timer()
        self.transport.write(_raw_answer(400, "Bad Request", "the request is not valid HTTP/1.1 (or its headers "
                                                             "are too long)"))
        self.transport.close()

    def _follow(self) -> None:
        """Time what the client owes now: headers, a body, or nothing (we owe the answer)."""
        if self.transport.is_closing():
            self._stop_timer()
            return
        state = self.conn.their_state
        phase = "headers" if state is h11.IDLE else "body" if state is h11.SEND_BODY else None
        if phase == self._phase:
            return
        self._stop_timer()
        self._phase = phase
        if phase is not None:
            seconds = self.timeouts.header_s if phase == "headers" else self.timeouts.body_s
            self._timer = self.loop.call_later(seconds, self._time_out)

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer, self._phase = None, None

    def _time_out(self) -> None:
        phase, self._timer, self._phase = self._phase, None, None
        if self.transport.is_closing():
            return
        answered = self.cycle is not None and self.cycle.response_started and phase == "body"
        if phase == "body" and not answered:
            self.transport.write(_raw_answer(408, "Request Timeout", f"the request body took over "
                                                                     f"{self.timeouts.body_s:g} s; send it faster "
                                                                     "or in smaller posts"))
        elif phase == "headers" and self.conn.trailing_data[0]:  # a request begun, never finished
            self.transport.write(_raw_answer(408, "Request Timeout", f"the request headers took over "
                                                                     f"{self.timeouts.header_s:g} s"))
        if self.cycle is not None and phase == "body":
            self.cycle.disconnected = True  # the app waiting for the body gets a disconnect
            self.cycle.message_event.set()
        self.transport.close()


def listen(host: str, port: int) -> socket.socket:
    """A socket listening on `host`:`port`, for `serve`; a DyadError saying what to do when it
    cannot be had (the port is taken, not the user's to take, or the host is no address of
    this machine), so that nothing says "serving" before it is."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                             flags=socket.AI_PASSIVE)[0]
    except (socket.gaierror, UnicodeError, OverflowError) as err:
        raise DyadError(f"cannot listen on {host}:{port} ({err}); pass --host an address or name of this "
                        "machine and --port a number from 1 to 65535") from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does: a restart needs no wait
        sock.bind(address)
        sock.listen(2048)
    except OSError as err:
        sock.close()
        if err.errno == errno.EADDRINUSE:
            raise DyadError(f"port {port} on {host} is in use (another `dyad serve`?); stop that server, or "
                            "pass --port another number") from None
        if err.errno == errno.EACCES:
            raise DyadError(f"this user may not listen on port {port}; pass --port a number from 1024 up") from None
        raise DyadError(f"cannot listen on {host}:{port}: {err.strerror}; pass --host an address of this "
                        "machine") from None
    return sock


def serve(app: Any, host: str, port: int, timeouts: Timeouts = Timeouts(), sock: socket.socket | None = None) -> None:
    """Run `app` under uvicorn on `host`:`port` (on `sock`, when `listen` opened it already)
    until Ctrl-C, with `timeouts`."""
    import uvicorn

    protocol = type("TimedH11", (_TimedH11,), {"timeouts": timeouts})
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", http=protocol,
                            timeout_keep_alive=timeouts.keep_alive_s)
    uvicorn.Server(config).run(sockets=[sock] if sock is not None else None)

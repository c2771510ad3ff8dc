"""What keeps `dyad serve` safe to expose: the bounds on every request (`Limits`), and the
app's outermost layer (`GuardedApp`), which refuses a request whose Host header names none of
the hosts the server was started for (so a DNS-rebinding page cannot read the database through
a visitor's browser) or that has two Authorization headers, and adds `SECURITY_HEADERS` (a
Content-Security-Policy with no inline script or style, nosniff, no framing, no referrer) to
every answer.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse

__all__ = ["LOOPBACK_HOSTS", "SECURITY_HEADERS", "GuardedApp", "Limits", "allowed_hosts", "host_name"]

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
# The pages need no inline script or style (their CSS is /static/style.css, their charts inline
# SVG with presentation attributes), so the policy allows only the server's own files.
SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
                                 b"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]
Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass(frozen=True)
class Limits:
    page: int = 500  # most rows one page returns
    body: int = 5_000_000  # bytes one POST may carry
    articles: int = 100  # articles one POST may carry
    query_s: float = 10.0  # a query running longer is stopped
    readers: int = 4  # requests querying at once; DuckDB already spreads each over the cores


class GuardedApp(FastAPI):
    """FastAPI with `_Gate` outside all of its middleware, its error handlers included, so even
    a 500 answer carries the security headers."""

    hosts: frozenset[str] = frozenset(LOOPBACK_HOSTS)

    def build_middleware_stack(self) -> Any:
        return _Gate(super().build_middleware_stack(), self.hosts)


def allowed_hosts(bound: str, extra: Iterable[str] = ()) -> frozenset[str]:
    """The Host names a server bound to `bound` answers: that address, this machine's loopback
    names when it listens on loopback (or on every address), and `extra` (--allowed-host, the
    names a reverse proxy or the network reaches it by)."""
    hosts = {host_name(bound)} | {_name_in_host_header(host_name(h)) or host_name(h) for h in extra}  # a port is dropped
    try:
        address = ipaddress.ip_address(host_name(bound))
        local = address.is_loopback or address.is_unspecified
        if address.is_unspecified:  # 0.0.0.0 or :: is no name a client sends
            hosts.discard(str(address))
    except ValueError:
        local = host_name(bound) == "localhost"
    return frozenset(hosts | set(LOOPBACK_HOSTS) if local else hosts)


def host_name(host: str) -> str:
    """A host as the Host header's name part: lower case, an IPv6 address without brackets."""
    host = host.strip().lower()
    return host[1:-1] if host.startswith("[") and host.endswith("]") else host


def _name_in_host_header(value: str) -> str | None:
    """The name a Host header gives, without its port; None if the header is malformed."""
    if value.startswith("["):  # [IPv6]:port
        name, bracket, after = value[1:].partition("]")
        port: str | None = after[1:] if after.startswith(":") else ("" if bracket and not after else None)
    else:
        name, colon, port = value.partition(":")
        port = port if colon else ""
    if port is None or (port and not (port.isascii() and port.isdigit() and len(port) <= 5)):
        return None
    return name.lower()


class _Gate:
    """The app's outermost layer: refuses a request whose Host is not one of `hosts` (DNS
    rebinding: an attacker's name resolving to this machine) or that has two Authorization
    headers (which one counts would depend on the code reading it), and adds
    `SECURITY_HEADERS` to every answer."""

    def __init__(self, app: ASGIApp, hosts: frozenset[str]) -> None:
        self.app, self.hosts = app, hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def secured(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *SECURITY_HEADERS]}
            await send(message)

        refusal = self.refusal(scope["headers"])
        if refusal is not None:
            await JSONResponse({"error": refusal}, status_code=400)(scope, receive, secured)
            return
        await self.app(scope, receive, secured)

    def refusal(self, headers: Iterable[tuple[bytes, bytes]]) -> str | None:
        hosts = [v for k, v in headers if k.lower() == b"host"]
        if sum(1 for k, _ in headers if k.lower() == b"authorization") > 1:
            return "the request has more than one Authorization header; send one"
        if len(hosts) != 1:
            return "the request needs one Host header"
        name = _name_in_host_header(hosts[0].decode("latin-1"))
        if name not in self.hosts:
            return ("this server does not answer for that Host; use the address it was started on, or start it "
                    "with --allowed-host NAME for each name it is reached by")
        return None

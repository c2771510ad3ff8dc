"""`dyad serve`: the JSON API and web pages over a database, on a port."""

from __future__ import annotations

import argparse
import os
from typing import Any

from ..errors import DyadError
from . import flags
from .flags import coder_settings

__all__ = ["add_serve_parser", "serve_command"]


def serve_command(args: argparse.Namespace) -> int:
    from ..serve.app import create_app
    from ..serve.guards import allowed_hosts
    from ..serve.listener import Timeouts, listen, serve
    from ..store.parties import load_party_names

    if args.max_connections < 1:
        raise DyadError("--max-connections must be at least 1")
    hosts = allowed_hosts(args.host, args.allowed_host)
    from ..coding.pipeline import Pipeline

    coder = coder_settings(args)
    if coder["coder"] != "rules":  # a missing or changed event model stops here, not at the first post
        from ..model.infer import EventModel

        EventModel.load(args.model)
    app = create_app(args.db, token=args.token or os.environ.get("DYAD_TOKEN") or None, hosts=hosts,
                     pipeline=lambda: Pipeline(**coder))
    with listen(args.host, args.port) as sock:  # a port in use stops here, before "serving"
        port = sock.getsockname()[1]
        load_party_names()  # here, not in the first visitor's overview
        print(f"serving {args.db} at http://{_url_host(args.host)}:{port}/ (the API at /docs; "
              f"Ctrl-C stops); answering for {', '.join(sorted(hosts)) or 'no host name: add --allowed-host'}",
              flush=True)
        serve(app, args.host, port, Timeouts(header_s=args.header_timeout, body_s=args.body_timeout,
                                             connections=args.max_connections), sock=sock)
    return 0


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def add_serve_parser(sub: Any) -> None:
    """`dyad serve`'s flags."""
    serve = sub.add_parser("serve", help="the JSON API (and web pages) over a database, in a browser")
    serve.add_argument("--db", default="dyad.duckdb")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s, this machine only)")
    serve.add_argument("--port", type=flags.whole(0, 65535), default=8000,
                       help="port to listen on, 0 for any free one (default: %(default)s); one in use stops "
                            "`dyad serve` with exit status 2 before it says it is serving")
    serve.add_argument("--token", help="allow POST /api/articles with 'Authorization: Bearer TOKEN' "
                                       "(also: DYAD_TOKEN); without one, the server only reads")
    serve.add_argument("--allowed-host", action="append", default=[], metavar="NAME",
                       help="also answer requests for this Host name (a reverse proxy's, or this machine's name "
                            "on the network); repeatable. Any other Host is refused")
    serve.add_argument("--header-timeout", type=flags.positive_seconds, default=10.0, metavar="S",
                       help="close a connection whose request line and headers take longer (default: %(default)g)")
    serve.add_argument("--body-timeout", type=flags.positive_seconds, default=60.0, metavar="S",
                       help="answer 408 and close when a request body takes longer (default: %(default)g)")
    flags.coder_flags(serve)  # how POST /api/articles codes
    serve.add_argument("--max-connections", type=int, default=100, metavar="N",
                       help="open connections at once; more are answered 503 (default: %(default)s)")

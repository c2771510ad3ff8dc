"""`dyad serve`: the JSON API and web pages over a database, on a port."""

from __future__ import annotations

import argparse
import os

from ..errors import DyadError
from .parser import coder_settings

__all__ = ["serve_command"]


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

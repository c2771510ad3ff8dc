"""The `dyad` command line: the commands in the order `dyad --help` lists them, each adding its
own flags from its module, and the one-line mistake message."""

from __future__ import annotations

import argparse
from typing import NoReturn

from .. import __version__
from . import admin, code, evaluate, events, queries, serve

__all__ = ["build_parser"]


class _Parser(argparse.ArgumentParser):
    """argparse, with a mistake told in one line (what is wrong, and where the options are
    listed) instead of the whole usage before it; exit status 2 as argparse's."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="dyad", description="Turn news articles into political event data.")
    parser.add_argument("--version", action="version", version=f"dyad {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    code.add_code_parser(sub)
    events.add_events_parser(sub)
    evaluate.add_eval_parser(sub)
    events.add_export_parser(sub)
    queries.add_trend_parser(sub)
    queries.add_listing_parsers(sub)
    queries.add_search_parser(sub)
    events.add_show_parser(sub)
    admin.add_migrate_parser(sub)
    serve.add_serve_parser(sub)
    admin.add_regroup_parser(sub)
    queries.add_summary_parser(sub)
    return parser

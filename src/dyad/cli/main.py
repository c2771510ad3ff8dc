"""The `dyad` command: a thin layer over the Python API. `main` reads the command line, runs
the command's module, and turns what stops it (a mistake, Ctrl-C, SIGTERM, a full disk, a
bug) into one line and an exit status."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from ..errors import DyadError, environment_problem
from .admin import migrate_command, regroup_command
from .code import code_command
from .evaluate import eval_command
from .events import events_command, export_command, show_command
from .parser import build_parser
from .queries import query_command, summary_command
from .serve import serve_command

__all__ = ["main"]


class Terminated(BaseException):
    """SIGTERM arrived: unwind like Ctrl-C (a BaseException, so no `except Exception` that
    reports an item swallows it), stopping the workers and closing the database."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


# each command's function; `code` also stops cleanly on SIGTERM (see `main`)
COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "code": code_command, "events": events_command, "eval": eval_command, "show": show_command,
    "export": export_command, "trend": query_command, "actors": query_command, "dyads": query_command,
    "search": query_command, "summary": summary_command, "migrate": migrate_command, "serve": serve_command,
    "regroup": regroup_command,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "code":
            with _on_sigterm(_terminate):
                return code_command(args)
        return COMMANDS[args.command](args)
    except DyadError as err:
        print(f"dyad: error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `dyad events | head`
        return 0
    except KeyboardInterrupt:
        print("dyad: interrupted; what was written before stays, and running the same command again "
              "finishes the job", file=sys.stderr)
        return 130
    except Terminated:
        print("dyad: stopped (SIGTERM); what was written before stays, and running the same command again "
              "finishes the job", file=sys.stderr)
        return 143
    except Exception as err:
        cause = environment_problem(err, getattr(args, "db", None) or "the file")
        if cause is not None:  # the machine's fault (a full disk, say), not a bug
            print(f"dyad: error: {cause}", file=sys.stderr)
            return 2
        if os.environ.get("DYAD_DEBUG"):  # a bug: one line for the user, the traceback on request
            raise
        print(f"dyad: internal error ({type(err).__name__}: {err}); set DYAD_DEBUG=1 to see where",
              file=sys.stderr)
        return 2


@contextlib.contextmanager
def _on_sigterm(handler: Any) -> Iterator[None]:
    """`handler` for SIGTERM inside the block (only the main thread may set one)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    raise SystemExit(main())

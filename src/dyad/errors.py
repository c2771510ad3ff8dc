"""Every exception Dyad raises on purpose, in one place.

The tree::

    DyadError
    ├── InputError        one input item (file, line, row) could not be read
    ├── DataFileError     a shipped or user dictionary file is malformed
    ├── ModelNotFoundError  no English spaCy pipeline is installed
    ├── EventModelError   the learned event model's files are missing or not the ones trained
    └── StoreError        the database could not be opened or written

`InputError` is raised per item and caught by the batch runner, which records it and
goes on with the rest of the batch.

`environment_problem` is the one place that turns a failure of the machine rather than of an
item (a full disk, a read-only or missing folder, a file another process holds, a file that
is not a database) into a message naming the cause and what to do: from an OSError's errno,
or from the text DuckDB gives the same OS error.
"""

from __future__ import annotations

import errno
import re
from pathlib import Path

__all__ = ["DataFileError", "DyadError", "EventModelError", "InputError", "ModelNotFoundError", "StoreError",
           "environment_problem"]


class DyadError(Exception):
    """Base class of Dyad's own errors."""


class InputError(DyadError):
    """One input item is unusable. `where` names it: a path, `path:line` or `path:row`."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}")
        self.where = where
        self.reason = reason


class DataFileError(DyadError):
    """A dictionary or codebook file failed validation at load time."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class ModelNotFoundError(DyadError):
    """Neither supported English spaCy pipeline is installed."""


class EventModelError(DyadError):
    """The event model (``dyad/model/weights``) is missing, incomplete or fails its sha256 check."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}; rebuild it with `make model`, or code without it (--rules-only)")
        self.path = path
        self.reason = reason


class StoreError(DyadError):
    """The event store could not be opened, read or written."""


# What to tell the user for each OS error that is the machine's, not an item's. {path} is the
# file Dyad was working on.
_ADVICE = {
    errno.ENOSPC: "the disk holding {path} is full; free some space (or use a file on another disk) and run the "
                  "command again",
    errno.EDQUOT: "the disk quota of the user writing {path} is used up; free some space or ask for a larger quota, "
                  "then run the command again",
    errno.EFBIG: "{path} has grown past the largest file its file system allows; use a file on another file system",
    errno.EROFS: "{path} is on a read-only file system; choose a writable location",
    errno.EACCES: "permission denied for {path}; choose a location you may write to, or change its permissions",
    errno.EPERM: "the operating system does not permit writing {path}; choose another location",
    errno.ENOENT: "{path}: no such file or folder; check the path, and create the folder first if it is new",
    errno.ENOTDIR: "{path}: a part of the path is a file, not a folder; check the path",
    errno.EISDIR: "{path} is a folder, not a file; name a file",
    errno.EIO: "an input/output error on the device holding {path} (a failing disk or a lost network share); check "
               "the device, then run the command again",
    errno.EMFILE: "too many files are open; raise the limit (ulimit -n) and run the command again",
}
# The same causes as DuckDB words them (it reports the OS error as text)
_DUCKDB_TEXT = (
    ("no space left on device", errno.ENOSPC), ("disk quota exceeded", errno.EDQUOT),
    ("file too large", errno.EFBIG), ("read-only file system", errno.EROFS), ("permission denied", errno.EACCES),
    ("operation not permitted", errno.EPERM), ("no such file or directory", errno.ENOENT),
    ("not a directory", errno.ENOTDIR), ("is a directory", errno.EISDIR), ("input/output error", errno.EIO),
    ("too many open files", errno.EMFILE),
)
_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (.*?) \(PID (\d+)\)")


def environment_problem(err: BaseException, path: str | Path) -> str | None:
    """What the user should know when `err`, met while working on `path`, is a failure of the
    machine (disk, permissions, another process, a file of the wrong kind), or None when it is
    not one of those (then it may be the item's fault, or a bug)."""
    if isinstance(err, OSError) and err.errno in _ADVICE:
        return _ADVICE[err.errno].format(path=err.filename or path)
    text = str(err)
    lowered = text.lower()
    if "could not set lock" in lowered:
        return _locked(path, _LOCK_HOLDER.search(text))
    if "not a valid duckdb database file" in lowered or "not a valid database" in lowered:
        return (f"{path} is not a DuckDB database file (perhaps another kind of file, or a damaged one); pass the "
                f"database `dyad code` wrote, or a new file name for a new database")
    for words, number in _DUCKDB_TEXT:
        if words in lowered:
            return _ADVICE[number].format(path=path)
    return None


def _locked(path: str | Path, holder: re.Match[str] | None) -> str:
    """Who holds a database, and what to do instead of waiting for it."""
    pid = holder.group(2) if holder else None
    rule = ("DuckDB lets either one process open a database to write it, and then no other process open it at "
            "all, or several processes open it to read")
    if pid and _is_dyad_serve(pid):
        return (f"{path} is held open by `dyad serve` (PID {pid}); {rule}. While the server runs, read through its "
                f"pages and JSON API (/api/events, /api/deduplicated, ...) and add articles with "
                f"`dyad code PATH --server URL` (a server started with --token); or stop the server first")
    who = f"another process (PID {pid})" if pid else "another process"
    return (f"{path} is in use by {who}, such as `dyad code`, `dyad regroup` or `dyad serve`; {rule}. Wait for "
            f"it to finish, or stop it; while `dyad serve` runs, use its JSON API and `dyad code PATH --server URL`")


def _is_dyad_serve(pid: str) -> bool:
    try:
        words = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return b"serve" in words and any(w.endswith((b"dyad", b"dyad.cli.main")) or w == b"dyad" for w in words)

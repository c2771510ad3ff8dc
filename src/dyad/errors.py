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
"""

from __future__ import annotations

__all__ = ["DataFileError", "DyadError", "EventModelError", "InputError", "ModelNotFoundError", "StoreError"]


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
        super().__init__(f"{path}: {reason}; rebuild it with `make model`")
        self.path = path
        self.reason = reason


class StoreError(DyadError):
    """The event store could not be opened, read or written."""

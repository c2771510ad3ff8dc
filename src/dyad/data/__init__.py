"""Dyad's data files (dictionaries, patterns, codebook) and the readers that validate them."""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import yaml

from ..errors import DataFileError

__all__ = ["data_path", "read_tsv", "read_yaml"]

_HERE = Path(__file__).parent


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """YAML 1.1 reads on/off/yes/no as booleans; in patterns they are words ("insist on").
    libyaml's parser when PyYAML has it (several times faster on the people files)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def codebook_digest() -> str:
    """A short digest of the files that decide event codes, to tell runs of different codebooks apart."""
    digest = hashlib.sha256()
    for name in ("cameo.tsv", "verbs.yaml"):
        digest.update(data_path(name).read_bytes())
    return digest.hexdigest()[:12]


def data_path(name: str) -> Path:
    return _HERE / name


def read_tsv(path: Path, required: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) from a tab-separated file whose `#` lines are comments."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise DataFileError(str(path), f"cannot read: {err.strerror or err}") from None
    numbered = [(n, line) for n, line in enumerate(lines, start=1) if line.strip() and not line.startswith("#")]
    if not numbered:
        raise DataFileError(str(path), "no header line")
    header = next(csv.reader([numbered[0][1]], delimiter="\t"))
    missing = [c for c in required if c not in header]
    if missing:
        raise DataFileError(str(path), f"missing columns: {', '.join(missing)}")
    for number, line in numbered[1:]:
        values = next(csv.reader([line], delimiter="\t", quoting=csv.QUOTE_NONE))
        if len(values) > len(header):
            raise DataFileError(f"{path}:{number}", f"{len(values)} fields, the header has {len(header)}")
        values += [""] * (len(header) - len(values))
        yield number, {k: v.strip() for k, v in zip(header, values, strict=True)}


def read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as f:
            return yaml.load(f, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except OSError as err:
        raise DataFileError(str(path), f"cannot read: {err.strerror or err}") from None
    except yaml.YAMLError as err:
        raise DataFileError(str(path), f"malformed YAML: {err}") from None

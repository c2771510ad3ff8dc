"""The codebook: CAMEO codes with their Goldstein value, QuadClass and PLOVER type and mode.

Read from ``data/cameo.tsv``. CAMEO 14 (protest) is material conflict (QuadClass 4) by default,
as PLOVER and the ConfliBERT annotators have it; GDELT files it under verbal conflict (3).
`Codebook(protest_quad_class=3)` follows GDELT instead. CAMEO 01 (statements: comments,
denials, optimistic and pessimistic remarks) has no PLOVER type and QuadClass 0, the
ConfliBERT PentaClass of a statement.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .data import data_path, read_tsv
from .errors import DataFileError

__all__ = ["PLOVER_TYPES", "STATEMENT_CLASS", "Code", "Codebook", "is_statement", "penta_class"]

STATEMENT_CLASS = 0  # the QuadClass (PentaClass) of a CAMEO 01 statement

PLOVER_TYPES = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)


@dataclass(frozen=True)
class Code:
    cameo: str
    name: str
    goldstein: float
    quad_class: int | None
    plover_type: str | None
    plover_mode: str | None
    plover_context: str | None


def is_statement(cameo: str) -> bool:
    """CAMEO 01: a statement, recorded as an event but left out of event counts by default."""
    return cameo.startswith("01")


def penta_class(code: Code) -> int:
    """0 for a statement (CAMEO 01), else the QuadClass: the ConfliBERT PentaClass scheme."""
    return code.quad_class or 0


class Codebook:
    def __init__(self, path: Path | None = None, protest_quad_class: int = 4) -> None:
        if protest_quad_class not in (3, 4):
            raise ValueError("protest_quad_class must be 3 (verbal conflict) or 4 (material conflict)")
        self.path = path or data_path("cameo.tsv")
        self.codes: dict[str, Code] = {}
        for line, row in read_tsv(self.path, ("cameo", "name", "goldstein", "quad_class", "plover_type", "plover_mode", "plover_context")):
            try:
                goldstein = float(row["goldstein"])
                quad = int(row["quad_class"]) if row["quad_class"] else None
            except ValueError:
                raise DataFileError(f"{self.path}:{line}", "goldstein must be a number and quad_class 1-4 or empty") from None
            if row["cameo"].startswith("14") and quad is not None:
                quad = protest_quad_class
            if is_statement(row["cameo"]):
                quad = STATEMENT_CLASS
            if row["plover_type"] and row["plover_type"] not in PLOVER_TYPES:
                raise DataFileError(f"{self.path}:{line}", f"unknown PLOVER type {row['plover_type']!r}")
            self.codes[row["cameo"]] = Code(
                cameo=row["cameo"], name=row["name"], goldstein=goldstein, quad_class=quad,
                plover_type=row["plover_type"] or None, plover_mode=row["plover_mode"] or None,
                plover_context=row["plover_context"] or None,
            )

    def __getitem__(self, cameo: str) -> Code:
        return self.codes[cameo]

    def __contains__(self, cameo: object) -> bool:
        return cameo in self.codes

    def get(self, cameo: str) -> Code | None:
        return self.codes.get(cameo)

    def __len__(self) -> int:
        return len(self.codes)


@lru_cache(maxsize=4)
def default_codebook(protest_quad_class: int = 4) -> Codebook:
    return Codebook(protest_quad_class=protest_quad_class)

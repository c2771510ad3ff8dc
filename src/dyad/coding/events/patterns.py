"""Event patterns: which verb (or event noun), with which object, particle or preposition,
means which CAMEO code. Read from ``data/verbs.yaml`` and validated against the codebook.

Statements (CAMEO 01) have their own list, `statements`, and only it may name a 01 code."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ...codebook import Codebook, default_codebook, is_statement
from ...data import data_path, read_yaml
from ...errors import DataFileError

__all__ = ["Pattern", "Patterns", "default_patterns"]

_KEYS = {"verb", "noun", "cameo", "object", "prep", "prep_object", "particle", "xcomp", "note"}
_STATEMENT_KEYS = _KEYS - {"noun"} | {"negated"}


@dataclass(frozen=True)
class Pattern:
    ref: str  # "verbs[12]": where the entry stands in the file, for evidence and debugging
    lemmas: frozenset[str]
    cameo: str
    object: frozenset[str] | None = None
    prep: str | None = None
    prep_object: frozenset[str] | None = None
    particle: str | None = None
    xcomp: frozenset[str] | None = None
    negated: bool = False  # statements only: fires on the negated verb ("did not respond to requests for comment")

    @property
    def specificity(self) -> int:
        return sum(x is not None for x in (self.object, self.prep, self.prep_object, self.particle, self.xcomp)) + self.negated


class Patterns:
    def __init__(self, path: Path | None = None, codebook: Codebook | None = None) -> None:
        self.path = path or data_path("verbs.yaml")
        codebook = codebook or default_codebook()
        raw = read_yaml(self.path)
        if not isinstance(raw, dict):
            raise DataFileError(str(self.path), "expected a mapping with 'verbs' and 'nouns'")
        self.say_verbs = frozenset(_words(raw.get("say_verbs", []), self.path, "say_verbs"))
        self.light_verbs = frozenset(_words(raw.get("light_verbs", []), self.path, "light_verbs"))
        self.demand_modals = frozenset(_words(raw.get("demand_modals", []), self.path, "demand_modals"))
        self.aspect_verbs = frozenset(_words(raw.get("aspect_verbs", []), self.path, "aspect_verbs"))
        self.intent_auxiliaries = frozenset(_words(raw.get("intent_auxiliaries", []), self.path, "intent_auxiliaries"))
        self.intent_verbs = frozenset(_words(raw.get("intent_verbs", []), self.path, "intent_verbs"))
        self.intent_adjectives = frozenset(_words(raw.get("intent_adjectives", []), self.path, "intent_adjectives"))
        self.intent_codes = self._prefix_map(raw.get("intent_codes") or {}, codebook, "intent_codes", ("AGREE", "THREATEN"))
        self.refusal_codes = self._prefix_map(raw.get("refusal_codes") or {}, codebook, "refusal_codes", ("REJECT",))
        self.verbs = self._index(raw.get("verbs") or [], "verb", codebook)
        self.nouns = self._index(raw.get("nouns") or [], "noun", codebook)
        self.statements = self._index(raw.get("statements") or [], "verb", codebook, section="statements")
        self.statement_default = str(raw.get("statement_default", "010"))
        if not is_statement(self.statement_default) or self.statement_default not in codebook:
            raise DataFileError(str(self.path), f"statement_default: {self.statement_default!r} is not a CAMEO 01 code")

    def _prefix_map(self, raw: Any, codebook: Codebook, name: str, types: tuple[str, ...]) -> dict[str, str]:
        if not isinstance(raw, dict):
            raise DataFileError(str(self.path), f"'{name}' must map code prefixes to codes")
        codes = {str(k): str(v) for k, v in raw.items()}
        for prefix, code in codes.items():
            if code not in codebook or codebook[code].plover_type not in types:
                raise DataFileError(str(self.path), f"{name}: {prefix!r} -> {code!r} is not a {' or '.join(types)} code")
        return codes

    def intent(self, cameo: str) -> str:
        """The CAMEO code for intending what `cameo` does ("071" aid -> "0331" intent to aid)."""
        return _by_prefix(self.intent_codes, cameo) or cameo

    def refusal(self, cameo: str) -> str | None:
        """The CAMEO code for refusing what `cameo` does ("0841" release -> "1243"), if any."""
        return _by_prefix(self.refusal_codes, cameo)

    def _index(self, entries: Any, kind: str, codebook: Codebook, section: str | None = None) -> dict[str, list[Pattern]]:
        """Patterns by lemma. Statements (CAMEO 01) are in the `statements` section and only
        there, so an event pattern can never code a statement by mistake nor the reverse."""
        section = section or f"{kind}s"
        statements = section == "statements"
        if not isinstance(entries, list):
            raise DataFileError(str(self.path), f"'{section}' must be a list")
        index: dict[str, list[Pattern]] = {}
        for number, entry in enumerate(entries):
            where = f"{self.path} ({section}[{number}])"
            if not isinstance(entry, dict) or kind not in entry or "cameo" not in entry:
                raise DataFileError(where, f"each entry needs '{kind}' and 'cameo'")
            unknown = set(entry) - (_STATEMENT_KEYS if statements else _KEYS)
            if unknown:
                raise DataFileError(where, f"unknown keys: {', '.join(sorted(unknown))}")
            cameo = str(entry["cameo"])
            if cameo not in codebook:
                raise DataFileError(where, f"CAMEO code {cameo!r} is not in the codebook")
            if is_statement(cameo) != statements:
                raise DataFileError(where, f"CAMEO {cameo!r}: statements (CAMEO 01) belong in 'statements' and only there")
            lemmas = frozenset(_words(entry[kind], self.path, kind))
            pattern = Pattern(
                ref=f"{section}[{number}]",
                lemmas=lemmas, cameo=cameo,
                object=_set(entry.get("object"), self.path), prep=_one(entry.get("prep")),
                prep_object=_set(entry.get("prep_object"), self.path), particle=_one(entry.get("particle")),
                xcomp=_set(entry.get("xcomp"), self.path), negated=entry.get("negated") is True,
            )
            for lemma in lemmas:
                index.setdefault(lemma, []).append(pattern)
        for candidates in index.values():
            candidates.sort(key=lambda p: -p.specificity)  # stable: file order breaks ties
        return index


def _by_prefix(codes: dict[str, str], cameo: str) -> str | None:
    for length in range(len(cameo), 1, -1):
        if cameo[:length] in codes:
            return codes[cameo[:length]]
    return None


def _words(value: Any, path: Path, what: str) -> list[str]:
    values = value if isinstance(value, list) else [value]
    if not all(isinstance(v, str) and v.strip() for v in values):
        raise DataFileError(str(path), f"{what}: expected words, got {value!r}")
    return [v.strip().lower() for v in values]


def _set(value: Any, path: Path) -> frozenset[str] | None:
    return None if value is None else frozenset(_words(value, path, "constraint"))


def _one(value: Any) -> str | None:
    return None if value is None else str(value).lower()


@lru_cache(maxsize=1)
def default_patterns() -> Patterns:
    return Patterns()

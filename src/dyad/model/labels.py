"""The label spaces of the event model, derived from the codebook (``data/cameo.tsv``).

Four heads share one encoder:

- **type**: ``NONE`` (no event), ``STATEMENT`` (CAMEO 01) or one of the 16 PLOVER types;
- **mode**: ``none`` or one of the PLOVER modes the codebook uses (a mode belongs to a type, but
  one flat head is smaller and `cameo_for` resolves the pair against the codebook);
- **penta**: the ConfliBERT PentaClass (0 statement, 1-4 QuadClass), an auxiliary task that lets
  the PentaClass sentences train the shared encoder;
- **token**: BIO tags over the source (S), target (T) and reciprocal (R) actor spans.

Nothing here is listed by hand except the roles: a new type or mode in the codebook changes the
label lists (and then needs a retrained model, which `model.json`'s label lists make visible).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..codebook import Code, Codebook, default_codebook, penta_class

__all__ = [
    "NO_EVENT",
    "NO_MODE",
    "ROLES",
    "STATEMENT",
    "LabelSpace",
    "cameo_for",
    "label_space",
    "labels_of_code",
]

NO_EVENT = "NONE"
STATEMENT = "STATEMENT"
NO_MODE = "none"
ROLES = ("S", "T", "R")  # source, target, reciprocal: the tags of conflibert_actor_spans_train.txt
STATEMENT_CAMEO = "010"  # "Make statement": the root of CAMEO 01, which has no PLOVER type


@dataclass(frozen=True)
class LabelSpace:
    types: tuple[str, ...]
    modes: tuple[str, ...]
    penta: tuple[str, ...]
    bio: tuple[str, ...]

    def as_dict(self) -> dict[str, list[str]]:
        return {"types": list(self.types), "modes": list(self.modes), "penta": list(self.penta), "bio": list(self.bio)}


def _plover_codes(codebook: Codebook) -> list[Code]:
    return [code for code in codebook.codes.values() if code.plover_type]


@lru_cache(maxsize=4)
def label_space(codebook: Codebook | None = None) -> LabelSpace:
    """The four heads' labels, in a fixed order: types and modes in codebook order of first use."""
    codebook = codebook or default_codebook()
    plover = _plover_codes(codebook)
    types = list(dict.fromkeys(code.plover_type for code in plover if code.plover_type))
    modes = list(dict.fromkeys(code.plover_mode for code in plover if code.plover_mode))
    quads = sorted({code.quad_class for code in plover if code.quad_class})
    return LabelSpace(
        types=(NO_EVENT, STATEMENT, *types),
        modes=(NO_MODE, *modes),
        penta=("0", *(str(q) for q in quads)),
        bio=("O", *(f"{prefix}-{role}" for role in ROLES for prefix in ("B", "I"))),
    )


def labels_of_code(cameo: str | None, codebook: Codebook | None = None) -> tuple[str, str, int | None]:
    """(type, mode, PentaClass) of a sentence labelled with a CAMEO code, or with None for no
    event. A statement (CAMEO 01) is STATEMENT with mode ``none`` and PentaClass 0; no event has
    no PentaClass (the ConfliBERT scheme has no class for it)."""
    codebook = codebook or default_codebook()
    if cameo is None:
        return NO_EVENT, NO_MODE, None
    code = codebook[cameo]
    if code.plover_type is None:
        return STATEMENT, NO_MODE, 0
    return code.plover_type, code.plover_mode or NO_MODE, penta_class(code)


def _generality(code: Code) -> tuple[int, str]:
    """Fewer digits is more general (020 before 0211); among equals, the lower code, which in
    CAMEO is the unspecified root (020 'make an appeal' before 021 'appeal for cooperation')."""
    return len(code.cameo), code.cameo


def cameo_for(event_type: str, mode: str = NO_MODE, penta: int | None = None, codebook: Codebook | None = None) -> str | None:
    """The CAMEO code the codebook gives for a model's (type, mode): None for no event, 010 for a
    statement, else the most general code with that type and mode.

    Why the most general: the model decides the type and mode, not CAMEO's finer distinctions,
    so the code must not claim more than it knows; its Goldstein value and QuadClass then come
    from the codebook like any other event's. Two refinements keep the code true to the model:
    a type can span two QuadClasses (REQUEST is an appeal, 02, in class 1 and a demand, 10, in
    class 3), so the PentaClass head, when given, picks the class; and a mode the codebook never
    pairs with the type (a head can disagree with another) falls back to the type's own root.
    """
    codebook = codebook or default_codebook()
    if event_type == NO_EVENT:
        return None
    if event_type == STATEMENT:
        return STATEMENT_CAMEO
    wanted = None if mode == NO_MODE else mode
    of_type = [code for code in _plover_codes(codebook) if code.plover_type == event_type]
    if not of_type:
        raise ValueError(f"{event_type!r} is not a PLOVER type of the codebook")
    candidates = [code for code in of_type if code.plover_mode == wanted] or [code for code in of_type if code.plover_mode is None] or of_type
    in_class = [code for code in candidates if penta is not None and code.quad_class == penta]
    return min(in_class or candidates, key=_generality).cameo

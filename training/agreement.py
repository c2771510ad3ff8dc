"""Agreement between two codings of the same sentences (a blind second coder against the writer).

    python training/agreement.py SECOND.jsonl [--disagreements OUT.jsonl]

SECOND holds {"id", "cameo", "modality", "source", "target", "reciprocal"} per line for
sentences whose first coding is in training/data/. Prints agreement on event vs no event,
PLOVER type (statements and no event as their own classes), CAMEO root, modality (where both
saw an event) and source actor (overlapping spans), with Cohen's kappa for the type.
"""

from __future__ import annotations

import argparse
import collections
import json
from pathlib import Path
from typing import Any

from validate import HERE, codebook


def kind(cameo: str | None, codes: dict[str, dict[str, str]]) -> str:
    if cameo is None:
        return "NONE"
    return codes[cameo]["plover_type"] or ("STATEMENT" if cameo.startswith("01") else "OTHER")


def overlaps(a: list[str], b: list[str], text: str) -> bool:
    """Do the two span lists share a character of the text?"""
    def chars(spans: list[str]) -> set[int]:
        out: set[int] = set()
        for span in spans:
            start = text.find(span)
            if start >= 0:
                out.update(range(start, start + len(span)))
        return out
    return bool(chars(a) & chars(b)) or (not a and not b)


def kappa(pairs: list[tuple[str, str]]) -> float:
    n = len(pairs)
    observed = sum(a == b for a, b in pairs) / n
    left = collections.Counter(a for a, _ in pairs)
    right = collections.Counter(b for _, b in pairs)
    expected = sum(left[k] * right[k] for k in left) / (n * n)
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("second", type=Path)
    parser.add_argument("--disagreements", type=Path)
    args = parser.parse_args()
    codes = codebook()
    first: dict[str, dict[str, Any]] = {}
    for path in sorted((HERE / "data").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                first[record["id"]] = record
    second = [json.loads(line) for line in args.second.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [(first[s["id"]], s) for s in second if s["id"] in first]
    types = [(kind(a["cameo"], codes), kind(b["cameo"], codes)) for a, b in rows]
    both = [(a, b) for a, b in rows if a["cameo"] and b["cameo"]]
    n = len(rows)
    print(f"{n} sentences coded twice")
    print(f"event vs no event: {sum((a == 'NONE') == (b == 'NONE') for a, b in types) / n:.3f}")
    print(f"type (NONE, STATEMENT, 16 PLOVER): {sum(a == b for a, b in types) / n:.3f}, kappa {kappa(types):.3f}")
    print(f"CAMEO root, where both saw an event: {sum(a['cameo'][:2] == b['cameo'][:2] for a, b in both) / len(both):.3f}")
    print(f"modality, where both saw an event: {sum(a['modality'] == b['modality'] for a, b in both) / len(both):.3f}")
    same_type = [(a, b) for a, b in both if kind(a["cameo"], codes) == kind(b["cameo"], codes)]
    print("source overlaps, where both gave the type: "
          f"{sum(overlaps(a['source'] + a['reciprocal'], b['source'] + b['reciprocal'], a['text']) for a, b in same_type) / len(same_type):.3f}")
    print("target overlaps, where both gave the type: "
          f"{sum(overlaps(a['target'], b['target'], a['text']) for a, b in same_type) / len(same_type):.3f}")
    confusion = collections.Counter((a, b) for a, b in types if a != b)
    print("most common type disagreements (first -> second):",
          ", ".join(f"{a}->{b} {c}" for (a, b), c in confusion.most_common(10)))
    if args.disagreements:
        with args.disagreements.open("w", encoding="utf-8") as out:
            for a, b in rows:
                if kind(a["cameo"], codes) != kind(b["cameo"], codes) or (a["cameo"] and b["cameo"] and a["modality"] != b["modality"]):
                    out.write(json.dumps({"id": a["id"], "text": a["text"], "first": {k: a[k] for k in ("cameo", "modality", "source", "target", "reciprocal")},
                                          "second": {k: b.get(k) for k in ("cameo", "modality", "source", "target", "reciprocal")}}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()

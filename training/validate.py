"""Check the team's training sentences and count what they cover.

    python training/validate.py [FILE ...]     (default: every training/data/*.jsonl)

Exits 1 when any line breaks the format of training/README.md, naming file, line and why.
"""

from __future__ import annotations

import collections
import csv
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CODEBOOK = HERE.parent / "src" / "dyad" / "data" / "cameo.tsv"
MODALITIES = {"asserted", "intended", "negated", "hypothetical", "historical"}
STYLES = {"lede", "attribution", "quote", "passive", "nominal", "long", "headline", "caption", "dateline",
          "background", "analysis", "markets", "sport", "weather", "other"}
REGIONS = {"europe", "russia-central-asia", "north-america", "latin-america", "middle-east", "africa", "south-asia",
           "east-asia", "southeast-asia", "oceania", "global"}
ROLES = ("source", "target", "reciprocal")


def codebook() -> dict[str, dict[str, str]]:
    lines = [line for line in CODEBOOK.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return {row["cameo"]: row for row in csv.DictReader(lines, delimiter="\t")}


def problems(record: Any, codes: dict[str, dict[str, str]]) -> list[str]:
    """Why a record breaks the format; empty when it is fine."""
    if not isinstance(record, dict):
        return ["not a JSON object"]
    found = []
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        return ["no text"]
    cameo = record.get("cameo")
    if cameo is not None and cameo not in codes:
        found.append(f"unknown CAMEO code {cameo!r}")
    modality = record.get("modality")
    if cameo is None and modality is not None:
        found.append("modality given for a sentence with no event")
    if cameo is not None and modality not in MODALITIES:
        found.append(f"modality {modality!r} is not one of {sorted(MODALITIES)}")
    if record.get("style") not in STYLES:
        found.append(f"style {record.get('style')!r} is not one of {sorted(STYLES)}")
    if record.get("region") not in REGIONS:
        found.append(f"region {record.get('region')!r} is not one of {sorted(REGIONS)}")
    for role in ROLES:
        spans = record.get(role, [])
        if not isinstance(spans, list) or not all(isinstance(s, str) and s.strip() for s in spans):
            found.append(f"{role} must be a list of strings")
            continue
        for span in spans:
            count = text.count(span)
            if count != 1:
                found.append(f"{role} {span!r} occurs {count} times in the text (must be once)")
    if record.get("reciprocal") and (record.get("source") or record.get("target")):
        found.append("a reciprocal event has no separate source or target")
    if cameo is not None and not (record.get("source") or record.get("reciprocal")):
        found.append("an event needs a source (or reciprocal actors)")
    return found


def main(argv: list[str]) -> int:
    files = [Path(a) for a in argv] or sorted((HERE / "data").glob("*.jsonl"))
    codes = codebook()
    seen: set[str] = set()
    texts: set[str] = set()
    counts: dict[str, collections.Counter[str]] = {k: collections.Counter() for k in
                                                   ("type", "modality", "style", "region")}
    bad = total = 0
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            total += 1
            try:
                record = json.loads(line)
            except json.JSONDecodeError as err:
                print(f"{path}:{number}: malformed JSON ({err.msg})")
                bad += 1
                continue
            found = problems(record, codes)
            rid, text = record.get("id"), record.get("text")
            if rid in seen:
                found.append(f"id {rid!r} used before")
            if text in texts:
                found.append("the same text appears earlier")
            seen.add(rid)
            texts.add(text)
            if found:
                bad += 1
                for problem in found:
                    print(f"{path}:{number}: {problem}")
                continue
            cameo = record["cameo"]
            kind = "NONE" if cameo is None else codes[cameo]["plover_type"] or (
                "STATEMENT" if cameo.startswith("01") else "?")
            counts["type"][kind] += 1
            counts["modality"][record["modality"] or "-"] += 1
            counts["style"][record["style"]] += 1
            counts["region"][record["region"]] += 1
    print(f"{total} sentences in {len(files)} files, {bad} with problems")
    for name, counter in counts.items():
        print(f"{name}: " + ", ".join(f"{k} {v}" for k, v in counter.most_common()))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

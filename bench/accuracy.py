"""Event-coding accuracy against public gold data in ../shared/gold (or --gold DIR).

    python bench/accuracy.py [--gold DIR] [--json]

Prints one block per evaluation set; says so and exits 0 when the gold folder is absent.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from dyad.evaluate import macro_f1, pipeline_coder, score_pentaclass, score_petrarch, score_plover
from dyad.pipeline import Pipeline

DEFAULT_GOLD = Path(__file__).resolve().parent.parent.parent / "shared" / "gold"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not args.gold.is_dir():
        print(f"gold data not found at {args.gold}; nothing to score (pass --gold DIR)")
        return 0
    coder = pipeline_coder(Pipeline())
    results = {}
    started = time.perf_counter()

    plover = score_plover(args.gold / "plover_gsr_dev.json", coder)
    results["plover_gsr"] = {
        "sentences": plover.items,
        "type_recall": round(plover.ratio("type_recall_hits", "gold_events"), 3),
        "type_precision": round(plover.ratio("type_precision_hits", "coded_events"), 3),
        "source_country": round(plover.ratio("source_hits", "source_gold"), 3),
        "target_country": round(plover.ratio("target_hits", "target_gold"), 3),
    }
    penta = score_pentaclass(args.gold / "conflibert_pentaclass_train.tsv", coder)
    results["conflibert_pentaclass"] = {
        "sentences": penta.items,
        "accuracy": round(penta.ratio("correct", "total"), 3),
        "macro_f1": round(macro_f1(penta), 3),
    }
    petr = score_petrarch(args.gold / "petr2_gsr_silver.xml", coder)
    results["petrarch_silver"] = {
        "sentences": petr.items,
        "root_recall": round(petr.ratio("root_recall_hits", "gold_events"), 3),
        "root_precision": round(petr.ratio("root_precision_hits", "coded_events"), 3),
    }
    results["seconds"] = round(time.perf_counter() - started, 1)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        for name, values in results.items():
            print(name, values if not isinstance(values, dict) else "")
            if isinstance(values, dict):
                for key, value in values.items():
                    print(f"  {key:<16} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

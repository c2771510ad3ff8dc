"""Actor resolution against public gold data in ../shared/gold (or --gold DIR).

    python bench/actors.py [--gold DIR] [--json]

- PLOVER gold records: is each gold source/target text resolved to the gold country?
- ConfliBERT actor spans: do coded events' actor and recipient spans overlap the annotated
  source (S), target (T) and reciprocal (R) spans? Precision, recall and F1.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from dyad.evaluate import f1, pipeline_coder, score_actor_resolution, score_actor_spans
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
    pipeline = Pipeline()
    resolution = score_actor_resolution(args.gold / "plover_gsr_dev.json", pipeline)
    spans = score_actor_spans(args.gold / "conflibert_actor_spans_train.txt", pipeline_coder(pipeline))
    precision, recall, f = f1(spans)
    results = {
        "plover_actor_resolution": {
            "source_actors": resolution.counts["source_gold"],
            "source_country_accuracy": round(resolution.ratio("source_hits", "source_gold"), 3),
            "target_actors": resolution.counts["target_gold"],
            "target_country_accuracy": round(resolution.ratio("target_hits", "target_gold"), 3),
        },
        "conflibert_actor_spans": {
            "sentences": spans.items,
            "gold_spans": spans.counts["gold"],
            "precision": round(precision, 3),
            "recall": round(recall, 3),
            "f1": round(f, 3),
        },
    }
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        for name, values in results.items():
            print(name)
            for key, value in values.items():
                print(f"  {key:<24} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

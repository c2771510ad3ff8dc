"""Throughput: Dyad end to end against a plain spaCy parse of the same text, on the same cores.

    python bench/throughput.py [--articles 2000] [--workers 1 2] [--coders combined rules]

On a generated corpus (`bench/corpus.py`) it times, in one run:
- the baseline: spaCy's `nlp.pipe` over every article's text, one process;
- `dyad code corpus.jsonl --workers N` end to end into a new DuckDB file, for each N, with the
  patterns and the event model combined (the default) and with `--rules-only`;
- with `--dask`, `dyad code --dask local --workers 2` (Parquet, then loaded into DuckDB).
It reports words per second, the ratio of each run to the baseline, the scaling from one
worker to two, and each run's peak memory: the largest process of the run (getrusage), and for
Dask the largest worker as the workers report it.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import write  # noqa: E402

BASELINE = """
import json, sys, time, resource
from dyad.coding.nlp import load_model
nlp = load_model()
texts = [json.loads(line)["text"] for line in open(sys.argv[1], encoding="utf-8")]
started = time.perf_counter()
for _ in nlp.pipe(texts, batch_size=64):
    pass
print(json.dumps({"s": time.perf_counter() - started,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--dask", action="store_true", help="also time a Dask LocalCluster of two workers")
    parser.add_argument("--partition-size", type=int, default=250)
    parser.add_argument("--coders", nargs="+", choices=("combined", "rules"), default=["combined", "rules"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        corpus = folder / "corpus.jsonl"
        write(corpus, args.articles)
        words = sum(len(json.loads(line)["text"].split()) for line in corpus.open(encoding="utf-8"))
        base = json.loads(subprocess.run([sys.executable, "-c", BASELINE, str(corpus)], check=True,
                                         capture_output=True, text=True).stdout)
        result: dict[str, object] = {"articles": args.articles, "words": words,
                                     "baseline": {"s": round(base["s"], 1), "words_per_s": round(words / base["s"]),
                                                  "peak_mib": round(base["peak_mib"])}}
        for coder in args.coders:
            flags = ["--rules-only"] if coder == "rules" else []
            for n in args.workers:
                db = folder / f"{coder}-w{n}.duckdb"
                started = time.perf_counter()
                before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
                done = subprocess.run([sys.executable, "-m", "dyad", "code", str(corpus), "--db", str(db), "--workers",
                                       str(n), *flags], check=True, capture_output=True, text=True)
                seconds = time.perf_counter() - started
                peak = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before)
                events = re.search(r"coded \d+ articles, (\d+) events", done.stdout)
                result[f"{coder}_workers_{n}"] = {
                    "s": round(seconds, 1), "words_per_s": round(words / seconds),
                    "events": int(events.group(1)) if events else None,
                    "vs_baseline": round(base["s"] / seconds, 2), "peak_mib": round(peak / 1024),
                }
            one, two = result.get(f"{coder}_workers_1"), result.get(f"{coder}_workers_2")
            if one and two:
                result[f"{coder}_scaling_2_over_1"] = round(one["s"] / two["s"], 2)  # type: ignore[index]
        if args.dask:  # the same with a Dask LocalCluster of two worker processes
            started = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "dyad", "code", str(corpus), "--db", str(folder / "dask.duckdb"),
                                   "--dask", "local", "--workers", "2", "--out", str(folder / "parquet"),
                                   "--partition-size", str(args.partition_size)], check=True, capture_output=True, text=True)
            seconds = time.perf_counter() - started
            peak = re.search(r"largest worker (\d+) MiB", done.stdout)
            result["dask_local_2"] = {"s": round(seconds, 1), "words_per_s": round(words / seconds),
                                      "vs_baseline": round(base["s"] / seconds, 2),
                                      "peak_mib_per_worker": int(peak.group(1)) if peak else None}
            if f"{args.coders[0]}_workers_2" in result:
                result["dask_over_workers_2"] = round(seconds / result[f"{args.coders[0]}_workers_2"]["s"], 2)  # type: ignore[index]
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

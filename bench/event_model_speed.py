"""Speed and size of the learned event model at run time (onnxruntime, int8, one thread).

    python bench/event_model_speed.py [--model DIR] [--sentences N] [--threads 1] [--batch 1 8 32]

Times `EventModel.predict` on the team's training sentences (their text only; no score: the
model has seen them) and prints sentences/s, words/s, the file size and load time as JSON, for
each batch size (Dyad codes one sentence per run: see `EventModel.predict`).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from dyad.model.data import read_team
from dyad.model.infer import MODEL_FILE, WEIGHTS, EventModel

TEAM = Path(__file__).resolve().parent.parent / "training" / "data"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, default=WEIGHTS)
    parser.add_argument("--sentences", type=int, default=500)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--batch", type=int, nargs="+", default=[1, 8, 32])
    args = parser.parse_args()
    sentences = [e.text for e in read_team(TEAM.glob("*.jsonl"))][:args.sentences]
    started = time.perf_counter()
    model = EventModel.load(args.model, threads=args.threads)
    loaded = time.perf_counter() - started
    words = sum(len(s.split()) for s in sentences)
    speeds = {}
    for batch in args.batch:
        model.predict(sentences[:batch], batch_size=batch)  # warm-up
        started = time.perf_counter()
        model.predict(sentences, batch_size=batch)
        seconds = time.perf_counter() - started
        speeds[f"batch_{batch}"] = {"sentences_per_s": round(len(sentences) / seconds, 1), "words_per_s": round(words / seconds)}
    print(json.dumps({
        "model": model.version, "onnx_mb": round((args.model / MODEL_FILE).stat().st_size / 2**20, 1),
        "threads": args.threads, "sentences": len(sentences), "load_s": round(loaded, 2), **speeds,
    }))

if __name__ == "__main__":
    main()

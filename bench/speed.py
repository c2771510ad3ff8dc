"""Coding speed on the example articles, next to a plain spaCy parse of the same text.

    python bench/speed.py [--copies 20]

The examples are coded `copies` times (with distinct ids) so the run is long enough to time.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from pathlib import Path

from dyad.coding.clean import clean
from dyad.coding.ingest.files import read
from dyad.coding.nlp import load_model
from dyad.coding.pipeline import Pipeline, batches
from dyad.types import Article

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "articles.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=20)
    args = parser.parse_args()
    originals = [a for a in read([str(EXAMPLES)]) if isinstance(a, Article)]
    articles = [replace(a, id=f"{a.id}-{i}") for i in range(args.copies) for a in originals]
    words = sum(len(a.text.split()) for a in articles)

    nlp = load_model()
    texts = [a.text[b.start : b.end] for a in map(clean, [replace(x) for x in articles]) for b in a.kept_blocks]
    started = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=64):
        pass
    plain = time.perf_counter() - started

    pipeline = Pipeline(nlp)
    started = time.perf_counter()
    events = sentences = 0
    for batch in batches(articles, 32):
        for article in pipeline.pipe(batch):
            events += len(article.events)
            sentences += len(article.sentences)
    full = time.perf_counter() - started

    print(json.dumps({
        "articles": len(articles),
        "words": words,
        "events": events,
        "plain_spacy_parse_s": round(plain, 2),
        "dyad_pipeline_s": round(full, 2),
        "articles_per_s": round(len(articles) / full, 1),
        "words_per_s": round(words / full),
        "overhead_over_parse": round(full / plain, 2),
    }, indent=2))


if __name__ == "__main__":
    main()

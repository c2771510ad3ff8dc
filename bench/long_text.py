"""Time against size for one paragraph without full stops: every stage should be linear.

    python bench/long_text.py [--sizes 10000,100000,1000000] [--variants news,commas] [--cli]

Each variant is one article of N characters in one paragraph, whose only full stop is its
last character:

- ``news``: news-like clauses (countries, leaders, event verbs) joined by ", and ";
- ``commas``: the same words separated by commas only, no spaces;
- ``nospace``: the same clauses with every space removed, one long run of letters and commas;
- ``token``: one token of N letters;
- ``punct``: one run of N commas;
- ``quotes``: clauses opened by a quotation mark that is never closed, and quoted names;
- ``names``: capitalised names only ("Vladimir Putin Emmanuel Macron Tehran ...");
- ``lines``: short lines of a few words each, one per line;
- ``sentences``: for comparison, the same clauses as sentences with full stops (all parsed).

The table shows seconds and seconds per 100,000 characters: a linear stage keeps the last
column flat as N grows. `--cli` also times `dyad code FILE --db TEMP` in a subprocess (model
load and store write included, `--workers 1`) for each size of the first variant.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from dyad.coding.nlp import load_model
from dyad.coding.pipeline import Pipeline

COUNTRIES = ["Russia", "Ukraine", "France", "Germany", "China", "Iran", "Israel", "Egypt", "Turkey", "Japan"]
PEOPLE = ["Vladimir Putin", "Emmanuel Macron", "Olaf Scholz", "Xi Jinping", "Recep Tayyip Erdogan"]
CITIES = ["Kyiv", "Paris", "Berlin", "Beijing", "Tehran", "Cairo", "Ankara"]
CLAUSES = [
    "{a} accused {b} of violating the ceasefire", "{a} met {b} in {c}", "{a} threatened sanctions against {b}",
    "President {p} said {a} would negotiate with {b}", "police arrested protesters in {c}",
    "{a} signed an agreement with {b}", "{p} criticised {b} over the talks", "troops attacked positions near {c}",
    "{a} proposed new talks with {b} on Tuesday", "“{a} will retaliate” said {p}",
]


def clauses(size: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    out: list[str] = []
    total = 0
    while total < size:
        clause = rng.choice(CLAUSES).format(a=rng.choice(COUNTRIES), b=rng.choice(COUNTRIES), c=rng.choice(CITIES),
                                            p=rng.choice(PEOPLE))
        out.append(clause)
        total += len(clause) + 2
    return out


def _names(size: int) -> str:
    rng = random.Random(1)
    words: list[str] = []
    total = 0
    while total < size:
        words.append(rng.choice([*PEOPLE, *COUNTRIES, *CITIES]))
        total += len(words[-1]) + 1
    return " ".join(words)


VARIANTS: dict[str, Callable[[int], str]] = {
    "news": lambda n: ", and ".join(clauses(n)),
    "commas": lambda n: ",".join(w for c in clauses(n) for w in c.split()),
    "nospace": lambda n: ",".join(clauses(n)).replace(" ", ""),
    "token": lambda n: "a" * n,
    "punct": lambda n: "," * n,
    "quotes": lambda n: " ".join("“" + c for c in clauses(n)),
    "names": _names,
    "lines": lambda n: "\n".join(" ".join(c.split()[:4]) for c in clauses(n)),
    "sentences": lambda n: " ".join(c[0].upper() + c[1:] + "." for c in clauses(n)),
}


def text_of(variant: str, size: int) -> str:
    """The variant's text, cut to `size` characters, its last one a full stop: a block with
    no sentence punctuation at all is dropped as a heading when it has few words."""
    return VARIANTS[variant](size)[: size - 1] + "."


def time_pipeline(pipeline: Pipeline, text: str) -> tuple[float, int, int]:
    """Seconds to code `text` as one article, and its sentences and events."""
    started = time.perf_counter()
    article = pipeline.code_text(text, date="2024-03-06")
    return time.perf_counter() - started, len(article.sentences), len(article.events)


def time_cli(text: str) -> tuple[float, int]:
    """Seconds for a whole `dyad code` run on one file holding `text`, and its exit status."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "long.txt"
        path.write_text("Title\n\n" + text, encoding="utf-8")
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "dyad", "code", str(path), "--db", str(Path(tmp) / "db.duckdb"),
                               "--date", "2024-03-06", "--workers", "1", "--quiet", "--max-chars", str(2 * len(text))],
                              check=False, capture_output=True, env=os.environ.copy())
        return time.perf_counter() - started, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,25000,50000,100000,200000,1000000")
    parser.add_argument("--variants", default="news", help=f"comma-separated, of: {', '.join(VARIANTS)}")
    parser.add_argument("--cli", action="store_true", help="also time `dyad code` on the first variant")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    variants = args.variants.split(",")
    pipeline = Pipeline(load_model())
    pipeline.code_text("Russia attacked Ukraine on Tuesday.", date="2024-03-06")  # warm up
    print("| variant | characters | sentences | events | seconds | s per 100k chars |")
    print("|---|---|---|---|---|---|")
    for variant in variants:
        for size in sizes:
            seconds, sentences, events = time_pipeline(pipeline, text_of(variant, size))
            print(f"| {variant} | {size:,} | {sentences:,} | {events:,} | {seconds:.2f} | {seconds / size * 1e5:.3f} |",
                  flush=True)
    if args.cli:
        print("\n| `dyad code`, variant | characters | exit status | seconds | s per 100k chars |")
        print("|---|---|---|---|---|")
        for size in sizes:
            seconds, status = time_cli(text_of(variants[0], size))
            print(f"| {variants[0]} | {size:,} | {status} | {seconds:.2f} | {seconds / size * 1e5:.3f} |", flush=True)


if __name__ == "__main__":
    main()

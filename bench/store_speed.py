"""Store speed: writing synthetic events, and a dyad-month trend over them.

    python bench/store_speed.py [--events 100000] [--batch 1000]

Writes `--events` synthetic events (one per article, `--batch` articles per transaction) into
a temporary DuckDB file through `Store.write`, then times `query.trend` for one dyad by month.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import tempfile
import time
from pathlib import Path

from dyad.query import trend
from dyad.store import Store
from dyad.types import Actor, Article, Event, Sentence

COUNTRIES = ["RUS", "JPN", "CHN", "USA", "IND", "PAK", "KOR", "PRK", "UKR", "TUR", "GRC", "ISR", "IRN", "FRA", "DEU"]


def synthetic(i: int, rng: random.Random) -> Article:
    a, b = rng.sample(COUNTRIES, 2)
    text = f"Article {i}: {a} and {b} did something on day {i % 365}."
    article = Article(id=f"s{i}", text=text, date=dt.date(2020, 1, 1) + dt.timedelta(days=i % 1460))
    article.sentences = [Sentence(index=0, start=0, end=len(text), text=text)]
    quad = rng.randint(1, 4)
    article.events = [Event(
        sentence=0, cameo="190" if quad == 4 else "040", event_type="ASSAULT" if quad == 4 else "CONSULT", mode=None,
        context=None, goldstein=-10.0 if quad == 4 else 1.0, quad_class=quad,
        actor=Actor(a, a, a, None, a, 0, 3), recipient=Actor(b, b, b, None, b, 8, 11), trigger=(12, 15),
        pattern="synthetic", confidence=0.9, date=article.date, date_precision="day",
    )]
    return article


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "bench.duckdb") as store:
        started = time.perf_counter()
        for first in range(0, args.events, args.batch):
            store.write([synthetic(i, rng) for i in range(first, min(first + args.batch, args.events))])
        written = time.perf_counter() - started
        started = time.perf_counter()
        rows = trend(store, "RUS", "JPN", "month")
        queried = time.perf_counter() - started
    print(json.dumps({"events": args.events, "write_s": round(written, 1),
                      "events_per_s": round(args.events / written), "trend_months": len(rows),
                      "trend_s": round(queried, 3)}, indent=2))


if __name__ == "__main__":
    main()

"""Latency of the events table, its downloads and the actor and article pages over a large database.

    python bench/pages.py [--db PATH] [--events 1000000] [--repeat 20]

Builds the database as `bench/load.py` does when `--db` does not exist (`bench/store_speed.py`'s
synthetic events), serves it with `dyad serve` (read-only) and asks each page `--repeat` times,
one request at a time, after one warm-up request. The pages: /events unfiltered, sorted by a
column, with each kind of filter (QuadClass, CAMEO root, place country, text, confidence), a
far page, the deduplicated view (sorted too), an actor's page, an article's page and the CSV of
one page of the table. Prints JSON: per page its status and p50/p95/max latency in ms.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import serve  # noqa: E402
from store_speed import write  # noqa: E402

PAGES = {
    "events": "/events",
    "events sorted by goldstein": "/events?sort=goldstein",
    "events sorted by actor": "/events?sort=-actor",
    "events quad_class=4": "/events?quad_class=4",
    "events cameo=19": "/events?cameo=19",
    "events place_country=UKR": "/events?place_country=UKR",
    "events text=ceasefire": "/events?text=ceasefire",
    "events involving RUS, a year": "/events?involving=RUS&since=2021-01-01&until=2021-12-31",
    "events min_confidence=0.95": "/events?min_confidence=0.95",
    "events page 1000": "/events?offset=49950",
    "events with all modalities": "/events?all_modalities=1",
    "deduplicated": "/events?dedup=1",
    "deduplicated sorted by sources": "/events?dedup=1&sort=-sources",
    "deduplicated RUS and JPN": "/events?dedup=1&actor=RUS&recipient=JPN",
    "actor RUS": "/actors/RUS",
    "article s1000": "/articles/s1000",
    "CSV of a page": "/api/events.csv?quad_class=4&limit=50&offset=0",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, help="a database to serve; built there when it does not exist")
    parser.add_argument("--events", type=int, default=1_000_000, help="events to build (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=20, help="requests per page (default: %(default)s)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "pages.duckdb"
        if not db.exists():
            print(json.dumps({"built": write(db, args.events, per_article=5, batch=10_000)}), file=sys.stderr)
        server, base = serve(db, Path(tmp) / "serve.log")
        try:
            result = {name: timed(base + path, args.repeat) for name, path in PAGES.items()}
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(json.dumps(result, indent=1))


def timed(url: str, repeat: int) -> dict[str, object]:
    """The status and p50/p95/max latency (ms) of `repeat` requests for `url`, after a warm-up."""
    with httpx.Client(timeout=60) as client:
        status = client.get(url).status_code
        took = []
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(url)
            took.append((time.perf_counter() - started) * 1000)
    ranked = sorted(took)
    return {"status": status, "p50_ms": round(statistics.median(took)), "p95_ms": round(ranked[int(0.95 * (len(ranked) - 1))]),
            "max_ms": round(ranked[-1])}


if __name__ == "__main__":
    main()

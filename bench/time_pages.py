"""Time a few pages of `dyad serve` again and again: a second look at what a crawl found slow.

    python bench/time_pages.py DB.duckdb PATH [PATH ...] [--times 12]

Each PATH (with its query string, as `bench/crawl.py` prints it) is fetched `--times` times
through the app in this process, after one untimed fetch; prints the median, p95 and slowest.
"""

from __future__ import annotations

import argparse
import math
import statistics
import time

from fastapi.testclient import TestClient

from dyad.serve.app import create_app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db")
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--times", type=int, default=12)
    args = parser.parse_args()
    client = TestClient(create_app(args.db), base_url="http://127.0.0.1")
    for path in args.paths:
        client.get(path)  # warm: the first fetch reads the tables from disk
        times = []
        for _ in range(args.times):
            start = time.perf_counter()
            answer = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
            if answer.status_code != 200:
                raise SystemExit(f"{path}: {answer.status_code} {answer.text[:200]}")
        times.sort()
        p95 = times[min(len(times) - 1, math.ceil(0.95 * len(times)) - 1)]
        print(f"{path}\n  median {statistics.median(times):.0f} ms, p95 {p95:.0f} ms, slowest {times[-1]:.0f} ms")


if __name__ == "__main__":
    main()

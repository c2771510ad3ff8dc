"""Load: `dyad serve` over a million events, answering many clients at once.

    python bench/load.py [--db PATH] [--events 1000000] [--clients 50] [--requests 3000]

1. Database: `--db PATH` when it exists; otherwise synthetic events are written there (or in a
   temporary folder) by `bench/store_speed.py`'s writer.
2. Server: `dyad serve --db PATH` (read-only, no token) on 127.0.0.1 and a free port, as a
   subprocess, waited for until it answers.
3. Load: for each endpoint in turn, one client alone sends 100 requests (the latency of a
   request on an idle server), then `--clients` tasks share one `httpx.AsyncClient` and send
   `--requests` requests in all, each as soon as its previous one is answered:
   - `events`: `/api/events` pages, a mix of the first page unfiltered, dyad filters
     (`actor=RUS&recipient=JPN`, either way or not), and offsets into both;
   - `trend`: `/api/trend?a=RUS&b=JPN` and other dyads, by month.
It prints JSON: per endpoint the requests, errors by status or exception (the goal is none),
requests/s and p50/p90/p99 latency in ms; and the server's peak memory. Client and server share
the machine's cores, so the figures are a floor for the server alone.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

from dyad.store.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parent))
from store_speed import COUNTRIES, write  # noqa: E402


def events_urls(rng: random.Random, n: int) -> list[str]:
    """The mix of `/api/events` requests a browsing analyst and a polling script make."""
    urls = []
    for _ in range(n):
        a, b = rng.sample(COUNTRIES, 2)
        urls.append(rng.choice([
            "/api/events?limit=100",
            f"/api/events?actor={a}&recipient={b}&limit=100",
            f"/api/events?actor={a}&recipient={b}&either_way=true&limit=50",
            f"/api/events?limit=100&offset={100 * rng.randrange(1, 100)}",
            f"/api/events?actor={a}&recipient={b}&limit=100&offset={100 * rng.randrange(1, 20)}",
        ]))
    return urls


def trend_urls(rng: random.Random, n: int) -> list[str]:
    return ["/api/trend?a=RUS&b=JPN" if rng.random() < 0.5 else "/api/trend?a={}&b={}".format(*rng.sample(COUNTRIES, 2))
            for _ in range(n)]


async def hammer(base: str, urls: list[str], clients: int) -> dict[str, object]:
    """Send `urls` from `clients` tasks at once; their latencies and statuses."""
    queue = list(reversed(urls))
    latencies: list[float] = []
    statuses: Counter[str] = Counter()

    async def client_task(client: httpx.AsyncClient) -> None:
        while queue:
            url = queue.pop()
            started = time.perf_counter()
            try:
                response = await client.get(url)
                statuses[str(response.status_code)] += 1
            except httpx.HTTPError as err:
                statuses[type(err).__name__] += 1
            latencies.append(time.perf_counter() - started)

    # idle connections are dropped before uvicorn's 5 s keep-alive ends, not reused as it closes them
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients, keepalive_expiry=2)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        started = time.perf_counter()
        await asyncio.gather(*(client_task(client) for _ in range(clients)))
        elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100)
    return {"requests": len(latencies), "errors": {s: n for s, n in statuses.items() if s != "200"},
            "requests_per_s": round(len(latencies) / elapsed, 1), "p50_ms": round(cuts[49] * 1000, 1),
            "p90_ms": round(cuts[89] * 1000, 1), "p99_ms": round(cuts[98] * 1000, 1),
            "max_ms": round(max(latencies) * 1000, 1), "seconds": round(elapsed, 1)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(db: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """`dyad serve` on a free loopback port, once it answers. Its output goes to `log`: a pipe
    nobody reads would stop the server once full."""
    port = free_port()
    with log.open("wb") as out:
        server = subprocess.Popen([sys.executable, "-m", "dyad", "serve", "--db", str(db), "--host", "127.0.0.1",
                                   "--port", str(port)], stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"{base}/api/events?limit=1", timeout=5).raise_for_status()
            return server, base
        except httpx.TransportError:
            if server.poll() is not None:
                raise SystemExit(f"dyad serve exited: {log.read_text()}") from None
            if time.monotonic() > deadline:
                server.terminate()
                raise SystemExit("dyad serve did not answer in 60 s") from None
            time.sleep(0.2)


def peak_mib(pid: int) -> int:
    found = re.search(r"VmHWM:\s+(\d+)", Path(f"/proc/{pid}/status").read_text())
    return round(int(found.group(1)) / 1024) if found else -1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, help="a database to serve; built there when it does not exist")
    parser.add_argument("--events", type=int, default=1_000_000, help="events to build (default: %(default)s)")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (default: %(default)s)")
    parser.add_argument("--requests", type=int, default=3000, help="requests per endpoint (default: %(default)s)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = args.db or Path(folder) / "load.duckdb"
        result: dict[str, object] = {}
        if not db.exists():
            result["built"] = write(db, args.events, per_article=5, batch=10_000)
        with Store(db, read_only=True) as store:
            result["events_served"] = store.db.execute("SELECT count(*) FROM events").fetchall()[0][0]
        server, base = serve(db, Path(folder) / "serve.log")
        try:
            rng = random.Random(11)
            for name, make in (("events", events_urls), ("trend", trend_urls)):
                asyncio.run(hammer(base, make(rng, 2 * args.clients), args.clients))  # warm up, not counted
                result[f"{name}_alone"] = asyncio.run(hammer(base, make(rng, 100), 1))
                result[name] = asyncio.run(hammer(base, make(rng, args.requests), args.clients))
            result["clients"] = args.clients
            result["server_peak_mib"] = peak_mib(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)
        said = [line for line in (Path(folder) / "serve.log").read_text().splitlines() if not line.startswith("serving ")]
        if said:  # a warning or an error from the server
            result["server_log"] = said[-20:]
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

"""Crawl every internal link of `dyad serve` from the overview, and time each page.

    python bench/crawl.py DB.duckdb|URL [--depth 3] [--per-kind N] [--json OUT.json]

Starts `dyad serve` on the database on a free port (or crawls the one running at URL), fetches
`/`, then every same-origin link (`href` and `src`) of every HTML page it gets, breadth first,
down to `--depth` links from the overview. A page is fetched once, one at a time, and timed from request to the last byte.
Pages are grouped by kind: the path with every segment after the first (after `/api/x` for the
API) read as a parameter, and `?` when it has a query string, so `/events/3f2a...` is
`/events/{}`, `/events?actor=RUS` is `/events?` and `/api/trend?a=RUS&b=JPN` is `/api/trend?`.
Prints per kind the pages fetched, the answers other than 200 and the median, p95 and slowest
time, then the non-200 answers themselves.

On a large database, level three has tens of thousands of pages (every period of every dyad
page lists its events, and each of those has its page); `--per-kind N` fetches at most N pages
of each kind on each level, drawn at random (seeded) from the new links of that kind, and
counts the links it left, so that the times stay a fair sample of every kind.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import signal
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import httpx

SERVING = re.compile(r"serving .* at (http://\S+?)/ ")


class Links(HTMLParser):
    """The `href` and `src` values of a page, in document order."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [value for name, value in attrs if name in ("href", "src") and value]


def kind(url: str) -> str:
    """The page kind of a same-origin URL (see the module's docstring)."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    fixed = 2 if segments[:1] == ["api"] else 1
    path = "/" + "/".join(segments[:fixed] + ["{}"] * (len(segments) - fixed))
    return path + ("?" if parts.query else "")


@dataclass
class Crawl:
    base: str
    per_kind: int | None
    times: dict[str, list[tuple[float, str]]] = field(default_factory=lambda: defaultdict(list))
    failures: list[tuple[str, int, str]] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def fetch(self, client: httpx.Client, url: str) -> list[str]:
        """Fetch one page, record its time and status; its same-origin links when it is HTML."""
        started = time.perf_counter()
        response = client.get(url)
        self.times[kind(url)].append((time.perf_counter() - started, url))
        if response.status_code != 200:
            self.failures.append((url, response.status_code, response.text[:200]))
            return []
        if not response.headers.get("content-type", "").startswith("text/html"):
            return []
        parser = Links()
        parser.feed(response.text)
        links = []
        for href in parser.found:
            absolute = urldefrag(urljoin(url, href))[0]
            if absolute.startswith(self.base + "/"):
                links.append(absolute)
        return links

    def run(self, depth: int) -> None:
        seen = {self.base + "/"}
        level = [self.base + "/"]
        pick = random.Random(17)
        with httpx.Client(timeout=120) as client:
            for step in range(depth + 1):
                found: dict[str, list[str]] = defaultdict(list)
                for n, url in enumerate(level, 1):
                    links = self.fetch(client, url)
                    for link in links if step < depth else []:  # the last level's links are not followed
                        if link not in seen:
                            seen.add(link)
                            found[kind(link)].append(link)
                    if n % 200 == 0:
                        print(f"level {step}: {n} of {len(level)} pages", file=sys.stderr)
                print(f"level {step}: {len(level)} pages fetched", file=sys.stderr)
                level = []
                for name, links in found.items():
                    if self.per_kind is not None and len(links) > self.per_kind:
                        self.skipped[name] += len(links) - self.per_kind
                        links = pick.sample(links, self.per_kind)
                    level += links

    def report(self) -> dict[str, object]:
        failed: dict[str, int] = defaultdict(int)
        for url, _, _ in self.failures:
            failed[kind(url)] += 1
        kinds = {}
        for name, timed in sorted(self.times.items()):
            ordered = sorted(seconds for seconds, _ in timed)
            kinds[name] = {"pages": len(timed), "non_200": failed[name], "skipped": self.skipped.get(name, 0),
                           "median_ms": round(statistics.median(ordered) * 1000, 1),
                           "p95_ms": round(ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)] * 1000, 1),
                           "max_ms": round(ordered[-1] * 1000, 1),
                           "slowest": [(round(s * 1000, 1), u[len(self.base):]) for s, u in sorted(timed)[-5:]]}
        return {"pages": sum(len(t) for t in self.times.values()), "non_200": len(self.failures), "kinds": kinds,
                "failures": [{"url": u, "status": s, "body": b} for u, s, b in self.failures[:50]]}


def start_server(db: Path) -> tuple[subprocess.Popen[str], str]:
    """`dyad serve` on `db` on a free port, and its base URL once it says it is serving."""
    server = subprocess.Popen([sys.executable, "-m", "dyad", "serve", "--db", str(db), "--port", "0"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert server.stdout is not None
    line = server.stdout.readline()
    found = SERVING.search(line)
    if not found:
        server.kill()
        sys.exit(f"dyad serve did not start: {line}{server.stderr.read() if server.stderr else ''}")
    base = found.group(1)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # it says "serving" once the port is bound, before uvicorn answers
        try:
            httpx.get(base + "/static/style.css", timeout=5)
            return server, base
        except httpx.TransportError:
            time.sleep(0.1)
    server.kill()
    sys.exit("dyad serve did not answer within a minute")


def table(result: dict[str, object]) -> str:
    """The per-kind figures as a Markdown table."""
    lines = ["| page kind | pages | non-200 | median ms | p95 ms | slowest ms |", "|---|---|---|---|---|---|"]
    kinds: dict[str, dict[str, float]] = result["kinds"]  # type: ignore[assignment]
    for name, k in kinds.items():
        skipped = f" (+{k['skipped']} not fetched)" if k["skipped"] else ""
        lines.append(f"| `{name}` | {k['pages']}{skipped} | {k['non_200']} | {k['median_ms']} | {k['p95_ms']} | "
                     f"{k['max_ms']} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("target", help="a database to serve, or the URL of a `dyad serve` already running")
    parser.add_argument("--depth", type=int, default=3, help="links followed from the overview (default 3)")
    parser.add_argument("--per-kind", type=int, help="fetch at most this many pages of each kind on each level")
    parser.add_argument("--json", type=Path, help="also write the figures and failures here")
    args = parser.parse_args()
    server = None
    if args.target.startswith(("http://", "https://")):
        base = args.target.rstrip("/")
    elif Path(args.target).is_file():
        server, base = start_server(Path(args.target))
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the server too
    else:
        sys.exit(f"{args.target} is not a file; build one with `dyad code examples/ --db {args.target}` "
                 "or bench/big_db.py")
    try:
        crawl = Crawl(base, args.per_kind)
        started = time.perf_counter()
        crawl.run(args.depth)
        result = {"target": args.target, "depth": args.depth, "per_kind": args.per_kind,
                  "seconds": round(time.perf_counter() - started, 1), **crawl.report()}
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
    print(table(result))
    print(f"\n{result['pages']} pages in {result['seconds']} s, {result['non_200']} answers other than 200")
    for failure in result["failures"]:
        print(f"  {failure['status']} {failure['url']}: {failure['body'][:120]}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()

"""Screenshots of the main pages for the README: docs/*.png.

    .venv/bin/python tools/screenshots.py [--db dyad.duckdb] [--pages overview dyad ...]

Serves the database (by default the one `make demo` writes) and photographs the overview,
the events table filtered to Japan and China, an event page, the Japan-China dyad page (with a
time range dragged on its chart and the events of that range listed), Japan's page and the
event's article in Debian's headless Chromium; `--pages` retakes only those named.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import sync_playwright

DOCS = Path(__file__).resolve().parent.parent / "docs"
PAGES = ["overview", "events", "event", "dyad"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="dyad.duckdb")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--pages", nargs="+", choices=PAGES, default=PAGES)
    args = parser.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "dyad", "serve", "--db", args.db, "--port", str(port)],
                              stdout=subprocess.DEVNULL)
    try:
        for _ in range(150):
            try:
                event = httpx.get(url + "/api/events", params={"actor": "JPN", "recipient": "CHN", "limit": 1}).json()
                break
            except httpx.TransportError:
                time.sleep(0.2)
        pages = {"overview": "/", "events": "/events?actor=JPN&recipient=CHN",
                 "event": f"/events/{event['events'][0]['id']}", "dyad": "/dyads/JPN/CHN?by=quarter",
                 "actor": "/actors/JPN", "article": f"/articles/{event['events'][0]['article_id']}"}
        DOCS.mkdir(exist_ok=True)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=args.chromium, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            for name in args.pages:
                page.goto(url + pages[name])
                if name == "dyad":
                    _drag_a_range(page)
                page.screenshot(path=str(DOCS / f"{name}.png"), full_page=True)
                print(f"docs/{name}.png")
            browser.close()
    finally:
        server.terminate()


def _drag_a_range(page: Any) -> None:
    """Drag across the middle third of the trend chart, as an analyst choosing a time range."""
    page.wait_for_selector("#trend-plot canvas")  # drawn (wait_for_function polls with eval: the CSP forbids it)
    box = page.locator("#trend-plot .u-over").bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.45, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.99, y, steps=8)
    page.mouse.up()
    page.wait_for_selector("#range-events tr >> nth=1")


if __name__ == "__main__":
    main()

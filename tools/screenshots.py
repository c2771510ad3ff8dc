"""Screenshots of the main pages for the README: docs/*.png.

    .venv/bin/python tools/screenshots.py [--db dyad.duckdb]

Serves the database (by default the one `make demo` writes) and photographs the overview,
the events table filtered to Japan and China, an event page, the Japan-China dyad page, Japan's
page and the event's article in Debian's headless Chromium.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

DOCS = Path(__file__).resolve().parent.parent / "docs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="dyad.duckdb")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
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
            for name, path in pages.items():
                page.goto(url + path)
                page.screenshot(path=str(DOCS / f"{name}.png"), full_page=True)
                print(f"docs/{name}.png")
            browser.close()
    finally:
        server.terminate()


if __name__ == "__main__":
    main()

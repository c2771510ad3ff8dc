"""The pages in a real headless Chromium (Debian's, driven by Playwright): what an analyst
clicks through, and that a script in an article never runs."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from dyad.store.store import Store
from tests.serve.test_pages import _hostile_article
from tests.store.test_store import _article

CHROMIUM = os.environ.get("DYAD_CHROMIUM", "/usr/bin/chromium")
SCRIPT_URL = " JaVaScRiPt:alert('url')"  # the hostile article's URL
pytestmark = pytest.mark.browser

if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium; .ci/run installs it)", allow_module_level=True)
playwright = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (make test installs it)")


@contextmanager
def serving(db: Path) -> Iterator[str]:
    """`dyad serve` over `db` on a free port, until the block ends; its URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "dyad", "serve", "--db", str(db), "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    try:
        while True:
            try:
                httpx.get(url + "/api/actors", timeout=2)
                break
            except httpx.TransportError:
                assert process.poll() is None and time.monotonic() < deadline, "dyad serve did not start"
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("browser") / "pages.duckdb"
    with Store(db) as store:
        store.write([_article(f"a{i}", day=dt.date(2024, 1 + i, 5)) for i in range(3)] + [dataclasses.replace(_hostile_article(), url=SCRIPT_URL)])  # type: ignore[list-item,type-var]
    with serving(db) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.dialogs = []  # type: ignore[attr-defined]
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))  # type: ignore[attr-defined]
    page.violations = []  # type: ignore[attr-defined]
    page.on("console", lambda m: "Content Security Policy" in m.text and page.violations.append(m.text))  # type: ignore[attr-defined]
    yield page
    context.close()


def test_overview_shows_actors_network_and_map(server: str, page: Any) -> None:
    page.goto(server + "/")
    assert page.locator("#top-actors tr").count() == 2  # header and RUS
    assert page.locator("#network path.edge").count() == 1 and page.locator("#network circle.node").count() == 2
    assert page.locator("#map path.country").count() > 150 and page.locator("#map circle.place").count() == 1


def test_filter_the_events_table_and_open_an_event(server: str, page: Any) -> None:
    page.goto(server + "/events")
    assert page.locator("#events tr").count() == 5
    page.fill("input[name=since]", "2024-02-01")
    page.click("button[type=submit]")
    page.wait_for_url("**/events?**since=2024-02-01**")
    assert page.locator("#events tr").count() == 4  # header, March, February and the May article
    page.locator("#events a[href^='/events/']").first.click()
    page.wait_for_url("**/events/*")
    marks = {m.get_attribute("class"): m.inner_text() for m in page.locator("#sentence mark").all()}
    assert marks["actor"] == "Russia" and marks["event"] == "expelled" and marks["recipient"] == "Japanese diplomats"


def test_a_script_in_an_article_is_shown_not_run(server: str, page: Any) -> None:
    page.goto(server + "/events?since=2024-05-01")
    page.locator("#events a[href^='/events/']").first.click()
    page.wait_for_url("**/events/*")
    assert "<script>alert('owned')</script>" in page.locator("#sentence").inner_text()
    assert page.dialogs == []  # type: ignore[attr-defined]


def test_dyad_chart(server: str, page: Any) -> None:
    page.goto(server + "/dyads/RUS/JPN?by=month")
    assert page.locator("#trend-chart rect.q3").count() == 4
    page.locator("#periods a").first.click()
    page.wait_for_url("**/events?**either_way=true**")
    assert page.locator("#events tr").count() == 2


def test_a_script_url_is_shown_as_text_and_never_followed(server: str, page: Any) -> None:
    page.goto(server + "/events?since=2024-05-01")
    page.locator("#events a[href^='/events/']").first.click()
    page.wait_for_url("**/events/*")
    assert page.locator("a[href*='script:' i]").count() == 0
    shown = page.get_by_text(SCRIPT_URL.strip())
    shown.click()
    assert page.dialogs == [] and page.url.startswith(server)  # type: ignore[attr-defined]


def test_the_pages_work_under_their_content_security_policy(server: str, page: Any) -> None:
    for path in ("/", "/events", "/dyads/RUS/JPN?by=month"):
        page.goto(server + path)
        injected = page.evaluate("""() => { const s = document.createElement('script');
            s.textContent = 'window.injected = true'; document.body.appendChild(s); return window.injected === true }""")
        assert injected is False, path  # an inline script, even one added later, does not run
    legend = page.locator(".legend mark.q4").evaluate("m => getComputedStyle(m).backgroundColor")
    assert legend == "rgb(202, 0, 32)"  # the stylesheet's colours apply
    assert [v for v in page.violations if "inline script" not in v.lower() and "script-src" not in v] == []  # type: ignore[attr-defined]

"""What a hostile page or article could do through a visitor's browser: a stored URL that runs
script when clicked, a page framed or sniffed, a DNS-rebinding name reading the API, two
Authorization headers. In-process."""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from dyad.serve.app import create_app
from dyad.serve.guards import LOOPBACK_HOSTS, allowed_hosts
from dyad.serve.web import web_link
from dyad.store.store import Store
from tests.serve.test_api import _Coder, call
from tests.store.test_store import _article

TOKEN = "s3cret-token"
# what browsers run or load when clicked: any case, behind control characters and spaces they
# strip, split by tabs and newlines they remove
SCRIPT_URLS = ["javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "\x01\x1fjavascript:alert(1)",
               "java\tscript:alert(1)", "java\nscript:alert(1)", "javascript\r:alert(1)", "\x00javascript:alert(1)",
               "javascript:alert(1)\x00", "data:text/html,<script>alert(1)</script>", "DATA:text/html;base64,PHNjcmlwdD4=",
               "vbscript:msgbox(1)", "VBScript:msgbox(1)", "javascript&#58;alert(1)", "&#106;avascript:alert(1)",
               "javascript&colon;alert(1)", "file:///etc/passwd", "//evil.example/x", "about:blank", "http:", "https:alert(1)"]
WEB_URLS = ["https://example.com/a", "http://example.com/a?b=c&d=e", "HTTPS://Example.com/", " https://example.com/ "]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "security.duckdb"
    with Store(path) as store:
        store.write([dataclasses.replace(_article(f"u{i}"), url=url) for i, url in enumerate(SCRIPT_URLS + WEB_URLS)])
    return path


@pytest.fixture
def app(db: Path) -> Iterator[Any]:
    app = create_app(db, token=TOKEN, pipeline=_Coder)
    yield app
    app.state.store.close()


def _links(page: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'<a [^>]*href="([^"]*)"', page)]


def test_only_http_urls_become_links_on_the_event_page(app: Any) -> None:
    events = {e["article_id"]: e["id"] for e in call(app, "GET", "/api/events", params={"limit": 100}).json()["events"]}
    for i, url in enumerate(SCRIPT_URLS + WEB_URLS):
        page = call(app, "GET", f"/events/{events[f'u{i}']}").text
        links = _links(page)
        foreign = [h for h in links if not (h.startswith("/") and not h.startswith("//"))]
        assert all(urlsplit(h).scheme.lower() in ("http", "https") for h in foreign), (url, foreign)
        if url in WEB_URLS:
            assert foreign == [url.strip()]
        else:
            assert not foreign and html.escape(url.strip("\x00 ")[:8]) in page  # shown, as text


@pytest.mark.parametrize("url", SCRIPT_URLS + ["/events", "example.com", "", "http://[::1", None, 42])
def test_web_link_refuses_everything_but_http(url: Any) -> None:
    assert web_link(url) is None


@pytest.mark.parametrize("url", WEB_URLS)
def test_web_link_keeps_http_urls(url: str) -> None:
    assert web_link(url) == url.strip()


def _broken(app: Any) -> Any:
    def broken(**_: Any) -> None:
        raise RuntimeError("secret internals")

    app.state.store.events = broken
    return app


@pytest.mark.parametrize("method, path, status", [
    ("GET", "/", 200), ("GET", "/events", 200), ("GET", "/api/events", 200), ("GET", "/static/style.css", 200),
    ("GET", "/openapi.json", 200), ("GET", "/api/events/ffffffffffffffff", 404), ("GET", "/events/zz", 404),
    ("GET", "/api/events?limit=0", 422), ("GET", "/nowhere", 404), ("POST", "/api/articles", 401),
    ("DELETE", "/api/events", 405),
])
def test_every_answer_carries_the_security_headers(app: Any, method: str, path: str, status: int) -> None:
    response = call(app, method, path)
    assert response.status_code == status
    _assert_secured(response)


def test_a_500_and_a_refused_host_carry_them_too(app: Any) -> None:
    _assert_secured(call(app, "GET", "/api/events", headers={"Host": "evil.example"}))
    failed = call(_broken(app), "GET", "/api/events")
    assert failed.status_code == 500
    _assert_secured(failed)


def _assert_secured(response: httpx.Response) -> None:
    policy = {d.split()[0]: d.split()[1:] for d in response.headers.get("content-security-policy", "").split(";")
              if d.strip()}
    assert policy.get("script-src") == ["'self'"] and policy.get("object-src") == ["'none'"], response.headers
    assert policy.get("frame-ancestors") == ["'none'"] and policy.get("base-uri") == ["'none'"]
    assert not any("unsafe" in v for values in policy.values() for v in values)
    assert response.headers.get("x-content-type-options") == "nosniff"
    assert response.headers.get("x-frame-options") == "DENY"
    assert response.headers.get("referrer-policy") == "no-referrer"


def test_the_pages_need_no_inline_script_or_style(app: Any) -> None:
    event = call(app, "GET", "/api/events").json()["events"][0]["id"]
    for path in ("/", "/events", f"/events/{event}", "/dyads/RUS/JPN"):
        page = call(app, "GET", path).text
        assert not re.search(r"\sstyle=|\son[a-z]+=", page, re.IGNORECASE), path
        # scripts only from the server's own /static, and data blocks that never run
        for attributes, body in re.findall(r"<script([^>]*)>(.*?)</script>", page, re.IGNORECASE | re.DOTALL):
            assert re.fullmatch(r' src="/static/[\w/.-]+\.js"', attributes) and not body or \
                attributes == ' type="application/json" id="trend-data"', (path, attributes)
        assert page.lower().count("<script") == len(re.findall(r"<script[^>]*>.*?</script>", page, re.I | re.S)), path


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "127.0.0.1.evil.example", "localhost.evil.example",
                                  "evil.example#localhost", "localhost:80:80", "localhost:x", "[::2]:8000", "[::1", "",
                                  "user@localhost", "0.0.0.0"])
def test_a_host_it_was_not_started_for_is_refused(app: Any, db: Path, host: str) -> None:
    for path in ("/api/events", "/", "/events/", "/static/style.css", "/openapi.json"):
        response = call(app, "GET", path, headers={"Host": host}, follow_redirects=False)
        assert response.status_code == 400 and "Host" in response.json()["error"], (path, response.text)
        assert "location" not in response.headers and "evil" not in response.text
    posted = call(app, "POST", "/api/articles", headers={"Host": host, "Authorization": f"Bearer {TOKEN}"},
                  json={"text": "Russia expelled diplomats."})
    assert posted.status_code == 400


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST", "localhost:8000", "127.0.0.1", "127.0.0.1:65535",
                                  "[::1]", "[::1]:8000"])
def test_the_loopback_names_are_answered(app: Any, host: str) -> None:
    assert call(app, "GET", "/api/events", headers={"Host": host}).status_code == 200


def test_a_redirect_names_only_an_allowed_host(app: Any) -> None:
    response = call(app, "GET", "/api/events/", headers={"Host": "localhost:8000"}, follow_redirects=False)
    assert response.status_code == 307 and urlsplit(response.headers["location"]).hostname == "localhost"


def test_allowed_hosts_follow_what_the_server_listens_on(db: Path) -> None:
    assert allowed_hosts("127.0.0.1") == frozenset(LOOPBACK_HOSTS)
    assert allowed_hosts("localhost") == frozenset(LOOPBACK_HOSTS)
    assert allowed_hosts("::1") == frozenset(LOOPBACK_HOSTS)
    assert allowed_hosts("0.0.0.0", ["Dyad.Example.org"]) == frozenset([*LOOPBACK_HOSTS, "dyad.example.org"])
    assert allowed_hosts("10.0.0.5") == frozenset(["10.0.0.5"])
    assert allowed_hosts("[fe80::1]", ["proxy.example:443", "[fe80::2]:80"]) == frozenset(["fe80::1", "proxy.example", "fe80::2"])
    app = create_app(db, hosts=allowed_hosts("10.0.0.5", ["dyad.example.org"]))
    try:
        assert call(app, "GET", "/api/events", headers={"Host": "dyad.example.org:443"}).status_code == 200
        assert call(app, "GET", "/api/events", headers={"Host": "10.0.0.5:8000"}).status_code == 200
        assert call(app, "GET", "/api/events", headers={"Host": "localhost"}).status_code == 400
    finally:
        app.state.store.close()


@pytest.mark.parametrize("values", [
    [f"Bearer {TOKEN}", "Bearer wrong"], ["Bearer wrong", f"Bearer {TOKEN}"], [f"Bearer {TOKEN}", f"Bearer {TOKEN}"],
])
def test_two_authorization_headers_are_refused(app: Any, values: list[str]) -> None:
    before = app.state.store.db.execute("SELECT count(*) FROM articles").fetchone()
    headers = [("Authorization", v) for v in values]
    posted = call(app, "POST", "/api/articles", headers=headers, json={"id": "new", "text": "Russia expelled diplomats."})
    assert posted.status_code == 400 and "Authorization" in posted.json()["error"]
    assert app.state.store.db.execute("SELECT count(*) FROM articles").fetchone() == before
    assert call(app, "GET", "/api/events", headers=headers).status_code == 400

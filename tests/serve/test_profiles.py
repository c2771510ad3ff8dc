"""The actor and article pages and the HTML error pages, in-process: an actor's counts agree
with the events table its links open, an article shows every event and every removed block, and
a page route's error is a page with the site's navigation."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import re
from pathlib import Path
from typing import Any

import pytest

from dyad.serve.app import create_app
from dyad.serve.pages import readable_date
from dyad.store.store import Store
from dyad.types import Actor, Article, Block, Sentence
from tests.serve.test_api import call
from tests.serve.test_table import COUNT, _copies_of_the_first, _event_article, _page
from tests.store.test_store import TEXT, _article

DENIAL = "Japan did not expel Russian diplomats."
FOOTER = "Sign up for our newsletter."


def _article_with_a_denial_and_a_footer() -> Article:
    """TEXT's event, a negated one in the next sentence, and a footer the cleaner removed."""
    body = f"{TEXT} {DENIAL}"
    article = _article("art", text=f"{body}\n\n{FOOTER}")
    start = len(TEXT) + 1
    article.sentences = [Sentence(index=0, start=0, end=len(TEXT), text=TEXT),
                         Sentence(index=1, start=start, end=len(body), text=DENIAL)]
    article.blocks = [Block(0, len(body)), Block(len(body) + 2, len(article.text), "boilerplate")]
    trigger = start + DENIAL.index("expel")
    japan, russians = Actor("Japan", "JPN", "JPN", None, "Japan", start, start + 5), \
        Actor("Russian diplomats", "RUSGOV", "RUS", "GOV", "Russia", start + 20, start + 37)
    denial = dataclasses.replace(article.events[0], sentence=1, actor=japan, recipient=russians, modality="negated",
                                 trigger=(trigger, trigger + 5), location=None, date_span=None)
    article.events.append(denial)
    return article


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    path: Path = tmp_path_factory.mktemp("profiles") / "profiles.duckdb"
    with Store(path) as store:
        store.write([_event_article(i) for i in range(COUNT)] + _copies_of_the_first()
                    + [_article_with_a_denial_and_a_footer()])
    return create_app(path)


def _total(app: Any, link: str) -> int:
    """How many events the events-table link shows."""
    response = call(app, "GET", html.unescape(link))
    assert response.status_code == 200, link
    found = re.search(r'<strong id="total">(\d+)</strong>', response.text)
    assert found
    return int(found[1])


@pytest.mark.parametrize("code", ["RUS", "RUSMIL", "JPN", "JPNGOV"])
def test_an_actors_counts_are_what_its_links_show(app: Any, code: str) -> None:
    page = call(app, "GET", f"/actors/{code}")
    assert page.status_code == 200
    text = page.text
    summary = re.search(r'<strong>(\d+)</strong> events stated as happening:\s*<a href="([^"]+)">(\d+) as actor</a>,\s*'
                        r'<a href="([^"]+)">(\d+) as recipient</a>\s*\(<a href="([^"]+)">all</a>', text)
    assert summary
    events, actor_link, as_actor, recipient_link, as_recipient, all_link = summary.groups()
    assert _total(app, actor_link) == int(as_actor) and _total(app, recipient_link) == int(as_recipient)
    assert _total(app, all_link) == int(events) > 0
    months = re.findall(r'<tr><td><a href="([^"]+)"><time[^>]*>[^<]*</time></a></td>\s*<td class="num">(\d+)</td>', text)
    assert months and sum(int(n) for _, n in months) <= int(events)
    for link, n in months:
        assert _total(app, link) == int(n)
    types = re.findall(r'<td class="num"><a href="(/events\?(?:actor|recipient)=[^"]+)">(\d+)</a></td>', text)
    assert types
    for link, n in types:
        assert _total(app, link) == int(n)


def test_an_actors_partners_link_their_pages_and_dyads(app: Any) -> None:
    page = call(app, "GET", "/actors/RUS").text
    row = re.search(r'<tr><td><a href="/actors/JPN">JPN</a></td><td class="num"><a href="([^"]+)">(\d+)</a></td>'
                    r'<td class="num"><a href="([^"]+)">(\d+)</a></td>(.*?)</tr>', page, re.S)
    assert row and 'href="/dyads/RUS/JPN"' in row[5]
    assert int(row[2]) == _total(app, row[1]) == _total(app, "/events?actor=RUS&recipient=JPN") > 0
    assert int(row[4]) == _total(app, row[3]) == 0  # the denial is not stated as happening
    assert '<figure id="actor-map">' in page and page.count('<circle class="place ') == 2  # Tokyo and Kyiv
    assert 'href="/actors/RUS"' in call(app, "GET", "/actors/RUSMIL").text  # a sector's page links its country


def test_an_article_shows_every_event_and_its_removed_blocks(app: Any) -> None:
    response = call(app, "GET", "/articles/art")
    assert response.status_code == 200
    page = response.text
    ids = call(app, "GET", "/api/articles/art").json()["events"]
    modalities = {call(app, "GET", f"/api/events/{i}").json()["event"]["modality"] for i in ids}
    assert len(ids) == 2 and modalities == {"asserted", "negated"}
    for event in (call(app, "GET", f"/api/events/{i}").json()["event"] for i in ids):
        cls = "event" if event["modality"] == "asserted" else "event unstated"
        assert re.search(rf'<a href="/events/{event["id"]}"><mark class="{cls}"[^>]*>expel', page), event["modality"]
    assert '<span class="reason">boilerplate</span><span class="removed" title="removed: boilerplate">' + FOOTER in page
    for kind, word in (("actor", "Japan"), ("recipient", "Russian diplomats"), ("location", "Tokyo"), ("date", "Monday")):
        assert f'<mark class="{kind}">{word}</mark>' in page
    # the table of its events links each actor, recipient and event
    table = page.split('id="article-events"')[1]
    assert all(f'href="/actors/{code}"' in table for code in ("RUS", "JPNGOV", "JPN", "RUSGOV"))


def test_an_event_links_its_actor_recipient_dyad_and_article(app: Any) -> None:
    _, ids, _ = _page(app, place_country="UKR")
    page = call(app, "GET", f"/events/{ids[0]}").text
    for anchor, link in (("actor-link", "/actors/RUS"), ("recipient-link", "/actors/JPNGOV"), ("dyad-link", "/dyads/RUS/JPN"),
                         ("article-link", "/articles/t")):
        assert re.search(rf'<a id="{anchor}" href="{link}', page), anchor
    shown = re.search(r'<dt>date</dt><dd><time datetime="([0-9-]{10})">([^<]+)</time>', page)
    assert shown and dt.datetime.strptime(shown[2], "%d %b %Y").date().isoformat() == shown[1]


@pytest.mark.parametrize(("value", "precision", "shown"), [
    ("2024-03-04", "day", "4 Mar 2024"), ("2024-03-01", "month", "Mar 2024"), ("2024-01-01", "year", "2024"),
    (dt.date(2023, 12, 31), None, "31 Dec 2023"), (None, "day", "-"),
])
def test_dates_read_as_people_write_them_to_the_precision_known(value: Any, precision: str | None, shown: str) -> None:
    assert re.sub(r"<[^>]+>", "", readable_date(value, precision)) == shown


@pytest.mark.parametrize(("url", "status", "says"), [
    ("/no/such/page", 404, "Not Found"),
    ("/actors/ZZZ", 404, "unknown actor code"),
    ("/actors/RUSSIA", 404, "SIA is not a sector"),
    ("/articles/none-such", 404, "no article"),
    ("/events/0123456789abcdef", 404, ""),
    ("/events?min_confidence=2", 400, "min_confidence"),
])
def test_a_page_routes_error_is_a_page_with_the_sites_navigation(app: Any, url: str, status: int, says: str) -> None:
    response = call(app, "GET", url)
    assert response.status_code == status and response.headers["content-type"].startswith("text/html")
    page = response.text
    assert '<a href="/events">' in page and '<a href="/">' in page and 'id="error-message"' in page
    assert says in html.unescape(page) and "Traceback" not in page


def test_the_api_keeps_its_json_errors(app: Any) -> None:
    for url, status in (("/api/nothing", 404), ("/api/events?quad_class=9", 422), ("/api/events.csv?sort=nope", 422)):
        response = call(app, "GET", url)
        assert response.status_code == status and "error" in response.json(), url


def test_an_actors_page_is_titled_with_what_its_code_names_not_a_person(app: Any) -> None:
    page = call(app, "GET", "/actors/RUSMIL").text
    assert re.search(r'<span class="muted" id="actor-name">· Russia · MIL</span>', page)
    assert '<span class="muted" id="actor-name">· Japan</span>' in call(app, "GET", "/actors/JPN").text
    assert '<span class="muted" id="actor-name">· United Nations</span>' in call(app, "GET", "/actors/IGOUNO").text


def test_a_page_that_fails_says_so_in_a_page_without_its_internals(tmp_path: Path) -> None:
    path = tmp_path / "broken.duckdb"
    with Store(path) as store:
        store.write([_event_article(0)])
    app = create_app(path)

    def broken(**_: Any) -> None:
        raise RuntimeError("secret internals at /home/analyst")

    app.state.store.events = broken
    response = call(app, "GET", "/events")
    assert response.status_code == 500 and response.headers["content-type"].startswith("text/html")
    assert '<a href="/events">' in response.text and "secret" not in response.text and "Traceback" not in response.text
    assert call(app, "GET", "/api/events").json() == {"error": "internal error"}

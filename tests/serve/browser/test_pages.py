"""The events table, the actor and article pages and the narrow layout in a real headless
Chromium: what an analyst clicks (a column to sort, a filter and a facet, a download, an actor,
an article), checked against what the page and the file hold."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from typing import Any

import pytest

from dyad.store.store import Store
from tests.serve.browser.test_browser import browser, serving  # noqa: F401 (the fixture; its module skips without Chromium)
from tests.serve.test_profiles import _article_with_a_denial_and_a_footer
from tests.serve.test_table import COUNT, _copies_of_the_first, _event_article

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("table-browser") / "table.duckdb"
    with Store(db) as store:
        store.write([_event_article(i) for i in range(COUNT)] + _copies_of_the_first()
                    + [_article_with_a_denial_and_a_footer()])
    with serving(db) as url:
        yield url


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:  # noqa: F811 (the imported browser fixture)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def _ids(page: Any) -> list[str]:
    return [row.get_attribute("data-id") for row in page.locator("#events tr[data-id]").all()]


def _column(page: Any, index: int) -> list[str]:
    return [cell.inner_text() for cell in page.locator(f"#events tr[data-id] td:nth-child({index})").all()]


def _total(page: Any) -> int:
    return int(page.locator("#total").inner_text())


def test_clicking_a_column_sorts_by_it_and_again_reverses(server: str, page: Any) -> None:
    page.goto(server + "/events")
    page.click("a.sort[data-sort=goldstein]")
    page.wait_for_url("**/events?**sort=goldstein**")
    scores = [float(s) for s in _column(page, 5)]
    assert len(scores) == 50 and scores == sorted(scores) and scores[0] < scores[-1]
    assert "▲" in page.locator("a.sort[data-sort=goldstein]").inner_text()
    page.click("a.sort[data-sort=goldstein]")
    page.wait_for_url("**/events?**sort=-goldstein**")
    again = [float(s) for s in _column(page, 5)]
    assert again == sorted(again, reverse=True) and again[0] > scores[-1]


def test_a_filter_and_its_facet_counts(server: str, page: Any) -> None:
    page.goto(server + "/events")
    everything = _total(page)
    page.select_option("select[name=quad_class]", "4")
    page.click("button[type=submit]")
    page.wait_for_url("**/events?**quad_class=4**")
    total = _total(page)
    assert 0 < total < everything
    types = {li.locator("a").inner_text(): int(li.locator(".count").inner_text())
             for li in page.locator("#facet-type li").all()}
    assert sum(types.values()) == total and set(types) == {"ASSAULT"}  # QuadClass 4 here is only ASSAULT
    kyiv = page.locator("#facet-country li", has=page.locator("a[data-value=UKR]"))
    shown = int(kyiv.locator(".count").inner_text())
    kyiv.locator("a").click()
    page.wait_for_url("**/events?**place_country=UKR**")
    assert _total(page) == shown == len(_ids(page))
    assert set(_column(page, 6)) == {"Kyiv"}
    assert page.locator("select[name=quad_class]").input_value() == "4"  # the facet kept the filter


def test_the_csv_download_holds_exactly_the_rows_shown(server: str, page: Any) -> None:
    page.goto(server + "/events?sort=-confidence&place=tok&all_modalities=1")
    shown = _ids(page)
    assert 0 < len(shown) == _total(page)
    for link in ("#csv", "#csv-all"):
        with page.expect_download() as download:
            page.click(link)
        with open(download.value.path(), newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        assert [r["id"] for r in rows] == shown, link
        assert {r["location_name"] for r in rows} == {"Tokyo"}


def test_negated_and_hypothetical_events_are_hidden_and_look_apart_when_shown(server: str, page: Any) -> None:
    page.goto(server + "/events")
    hidden = _total(page)
    assert page.locator("#events tr.unstated").count() == 0
    page.click("#modality-toggle")
    page.wait_for_url("**/events?**all_modalities=1**")
    assert _total(page) > hidden
    unstated, stated = page.locator("#events tr.unstated td").first, page.locator("#events tr:not(.unstated) td").first
    style = "c => [getComputedStyle(c).fontStyle, getComputedStyle(c).color]"
    assert unstated.evaluate(style) != stated.evaluate(style)


def test_from_a_row_to_its_actor_and_its_article(server: str, page: Any) -> None:
    page.goto(server + "/events?sector=MIL")
    page.locator("#events tr[data-id] td:nth-child(2) a").first.click()
    page.wait_for_url("**/actors/RUSMIL")
    as_actor = page.locator("#actor-summary a").first
    count = int(re.match(r"\d+", as_actor.inner_text())[0])  # type: ignore[index]
    as_actor.click()
    page.wait_for_url("**/events?actor=RUSMIL")
    assert _total(page) == count
    page.goto(server + "/articles/art")
    events = page.locator("#article-text mark.event")
    assert events.count() == 2
    assert events.nth(1).evaluate("m => getComputedStyle(m).fontStyle") == "italic"  # the denial
    removed = page.locator("#article-text .removed")
    assert removed.inner_text() == "Sign up for our newsletter."
    assert removed.evaluate("s => getComputedStyle(s).color") != page.locator("#article-text").evaluate(
        "t => getComputedStyle(t).color")
    assert page.locator("#article-text .reason").inner_text() == "boilerplate"
    events.first.click()
    page.wait_for_url("**/events/*")
    assert page.locator("#article-link").get_attribute("href") == "/articles/art"


@pytest.mark.parametrize("path", ["/", "/events", "/events?dedup=1", "/actors/RUS", "/articles/art", "/dyads/RUS/JPN",
                                  "/no/such/page"])
def test_no_page_scrolls_sideways_at_400_px(server: str, browser: Any, path: str) -> None:  # noqa: F811
    context = browser.new_context(viewport={"width": 400, "height": 800})
    page = context.new_page()
    page.goto(server + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 400, path
    if path.startswith("/events"):  # the wide table scrolls inside its box
        assert page.locator(".scroll").evaluate("s => s.scrollWidth > s.clientWidth")
        facets, table = page.locator("#facets").bounding_box(), page.locator("#events").bounding_box()
        assert facets["y"] > table["y"]  # stacked: the table first, the facets below
    context.close()

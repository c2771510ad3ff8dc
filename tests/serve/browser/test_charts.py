"""The interactive charts in a real headless Chromium: the trend's brush and period clicks list
their events and hovering shows a period's values, a map place lists its events, nearby places
cluster until zoomed, the dateline box hides dateline places, and a network edge opens its
dyad's page."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest

from dyad.store.store import Store
from dyad.types import Location
from tests.serve.browser import test_browser as shared
from tests.serve.test_charts import MOSCOW, TOKYO, _placed

pytestmark = pytest.mark.browser
browser, page = shared.browser, shared.page  # the same Chromium and page fixtures (a module skips without them)
OSAKA = Location("Osaka", "JPN", 34.69, 135.50, 42, 47, "city", "sentence")  # near Tokyo: one cluster on the world map


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("charts") / "charts.duckdb"
    with Store(db) as store:
        store.write([_placed("jan1", dt.date(2024, 1, 5), TOKYO), _placed("jan2", dt.date(2024, 1, 20), TOKYO),
                     _placed("mar", dt.date(2024, 3, 2), MOSCOW), _placed("osaka", dt.date(2024, 3, 20), OSAKA),
                     _placed("jun", dt.date(2024, 6, 9), TOKYO)])
    with shared.serving(db) as url:
        yield url


def _x(page: Any, day: str) -> float:
    """The page x of a day on the trend chart's time axis."""
    return float(page.evaluate("""day => { const u = window.dyadTrend; const box = u.over.getBoundingClientRect();
        return box.left + u.valToPos(Date.parse(day + 'T00:00:00Z') / 1000, 'x'); }""", day))


def test_the_trend_brush_narrows_the_events_list(server: str, page: Any) -> None:
    page.goto(server + "/dyads/RUS/JPN?by=month")
    page.wait_for_selector("#trend-plot canvas")  # drawn (wait_for_function polls with eval: the CSP forbids it)
    assert page.locator("#trend-plot canvas").count() == 1 and page.locator("#range").is_hidden()
    y = page.locator("#trend-plot .u-over").bounding_box()["y"] + 100
    page.mouse.move(_x(page, "2024-01-03"), y)
    page.mouse.down()
    page.mouse.move(_x(page, "2024-02-10"), y, steps=5)
    page.mouse.up()
    page.wait_for_selector("#range-events tr >> nth=1")
    assert page.locator("#range-title").inner_text().startswith("Events 2024-01 to 2024-02")
    dates = page.locator("#range-events tr td:first-child").all_inner_texts()
    assert sorted(dates) == ["2024-01-05", "2024-01-20"]  # March and June are outside the brush
    assert "since=2024-01-01" in page.locator("#range-link").get_attribute("href")


def test_a_click_on_a_period_lists_its_events(server: str, page: Any) -> None:
    page.goto(server + "/dyads/RUS/JPN?by=month")
    page.wait_for_selector("#trend-plot canvas")  # drawn (wait_for_function polls with eval: the CSP forbids it)
    y = page.locator("#trend-plot .u-over").bounding_box()["y"] + 100
    page.mouse.click(_x(page, "2024-06-15"), y)
    page.wait_for_selector("#range-events tr >> nth=1")
    assert page.locator("#range-events tr td:first-child").all_inner_texts() == ["2024-06-09"]


def _tokyo(page: Any) -> Any:
    """Tokyo's circle, the map zoomed in on Japan so that it is not in a cluster with Osaka."""
    page.evaluate(f"window.dyadMap.zoomAt(6, {TOKYO.lon + 180}, {90 - TOKYO.lat})")
    return page.locator(f'#map circle.place.own[cx="{TOKYO.lon + 180:.2f}"]')


def test_hovering_a_period_shows_its_values(server: str, page: Any) -> None:
    page.goto(server + "/dyads/RUS/JPN?by=month")
    page.wait_for_selector("#trend-plot canvas")  # drawn (wait_for_function polls with eval: the CSP forbids it)
    chart = json.loads(page.locator("#trend-data").text_content())
    january = next(p for p in chart["periods"] if p["label"] == "2024-01")
    y = page.locator("#trend-plot .u-over").bounding_box()["y"] + 100
    page.mouse.move(_x(page, "2024-01-16"), y)
    legend = dict(zip(page.locator("#trend-plot .u-legend .u-series th").all_inner_texts(),
                      page.locator("#trend-plot .u-legend .u-series td").all_inner_texts(), strict=True))
    assert legend["period"] == "2024-01"
    assert legend["verbal conflict"] == str(january["verbal_conflict"]) and legend["material conflict"] == "0"
    assert legend["mean Goldstein"] == f"{january['mean_goldstein']:+.2f}"


def test_a_map_place_opens_its_events(server: str, page: Any) -> None:
    page.goto(server + "/")
    _tokyo(page).click()
    page.wait_for_selector("#place-events tr >> nth=1")
    assert page.locator("#place-title").inner_text().startswith("Tokyo")
    assert len(page.locator("#place-events tr").all()) == 4  # a header and Tokyo's three events
    page.locator("#place-events a").first.click()
    page.wait_for_url("**/events/*")


def test_the_dateline_box_hides_dateline_places(server: str, page: Any) -> None:
    page.goto(server + "/")
    assert "1 place (1 event, dashed rim) is only" in page.locator("#map-note").inner_text()
    dateline = page.locator("#map circle.place.dateline")
    assert dateline.is_visible()
    page.check("#hide-datelines")
    assert dateline.is_hidden() and page.locator("#map g.cluster").count() == 1  # Tokyo and Osaka stay
    page.uncheck("#hide-datelines")
    assert dateline.is_visible()


def test_the_map_zooms_and_clusters_nearby_places(server: str, page: Any) -> None:
    page.goto(server + "/")
    page.evaluate("window.dyadMap.setView({x: 0, y: 0, w: 360})")
    page.set_viewport_size({"width": 420, "height": 900})  # a narrow map: Tokyo and Moscow stay apart
    page.evaluate("window.dispatchEvent(new Event('resize'))")
    before = page.locator("#map svg").get_attribute("viewBox")
    page.click("#zoom-in")
    after = page.locator("#map svg").get_attribute("viewBox")
    assert float(after.split()[2]) == pytest.approx(float(before.split()[2]) / 2)


def test_nearby_places_are_one_cluster_until_it_is_clicked(server: str, page: Any) -> None:
    page.goto(server + "/")
    cluster = page.locator("#map g.cluster")
    assert cluster.count() == 1 and cluster.locator("text").text_content() == "2"  # Tokyo and Osaka
    assert page.locator("#map circle.place.own").evaluate_all("cs => cs.filter(c => c.checkVisibility()).length") == 0
    before = float(page.locator("#map svg").get_attribute("viewBox").split()[2])
    cluster.click()
    assert float(page.locator("#map svg").get_attribute("viewBox").split()[2]) < before  # zoomed in on it
    assert cluster.count() == 0 and page.locator("#map circle.place.own").evaluate_all(
        "cs => cs.filter(c => c.checkVisibility()).length") == 2


def test_a_network_edge_opens_its_dyad_page(server: str, page: Any) -> None:
    page.goto(server + "/")
    x, y = page.evaluate("""() => { const path = document.querySelector('#network a.dyad path.edge');
        const p = path.getPointAtLength(path.getTotalLength() / 2).matrixTransform(path.getScreenCTM());
        return [p.x, p.y]; }""")  # the middle of the arrow (a straight one has no width to click)
    page.mouse.click(x + 3, y)  # beside the line, on its wider clickable band
    page.wait_for_url("**/dyads/RUS/JPN")
    assert page.locator("h1").inner_text().startswith("RUS and JPN")


def test_the_network_shows_only_the_top_dyads_asked_for(server: str, page: Any) -> None:
    page.goto(server + "/")
    page.fill("input[name=network_top]", "1")
    page.click("#network-top button")
    page.wait_for_url("**/?network_top=1")
    assert page.locator("#network a.dyad").count() == 1


def test_the_trend_fits_a_400_px_screen(server: str, page: Any) -> None:
    page.set_viewport_size({"width": 400, "height": 800})
    page.goto(server + "/dyads/RUS/JPN?by=day")
    page.wait_for_selector("#trend-plot canvas")  # drawn (wait_for_function polls with eval: the CSP forbids it)
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    page.set_viewport_size({"width": 1000, "height": 800})  # and follows a wider window
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")  # the resize ran
    assert page.locator("#trend-plot .uplot").bounding_box()["width"] > 900


def test_dragging_the_map_pans_it(server: str, page: Any) -> None:
    page.goto(server + "/")
    page.click("#zoom-in")
    x, y = (float(v) for v in page.locator("#map svg").get_attribute("viewBox").split()[:2])
    box = page.locator("#map svg").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 - 100, box["y"] + box["height"] / 2 - 40, steps=5)
    page.mouse.up()
    after_x, after_y = (float(v) for v in page.locator("#map svg").get_attribute("viewBox").split()[:2])
    assert after_x > x and after_y > y  # dragged left and up: the map shows what lies east and south
    assert page.locator("#place").is_hidden()  # a drag is not a click on a place

"""One definition of "the events of a dyad in a period" (`query.dyad_events`): the dyad page's
table counts exactly the events its period links list, and so do the list's JSON link, its
Filter button and the API's trend."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import re
from pathlib import Path
from typing import Any

import pytest

from dyad.serve.app import create_app
from dyad.store.store import Store
from dyad.types import Actor
from tests.serve.test_api import call
from tests.store.test_store import _article

RUSSIA = Actor("Russia", "RUS", "RUS", None, "Russia", 0, 6)
JAPAN = Actor("Japanese diplomats", "JPNGOV", "JPN", "GOV", "Japan", 20, 38)


def dyad_articles() -> list[Any]:
    """Russia and Japan both ways in two months, some events negated or hypothetical, one a
    statement and one undated; and one event of another dyad."""
    made = []
    for i, (day, modality, backwards, cameo) in enumerate([
        (dt.date(2024, 1, 5), "asserted", False, "161"), (dt.date(2024, 1, 9), "negated", False, "161"),
        (dt.date(2024, 1, 20), "asserted", True, "161"), (dt.date(2024, 1, 21), "hypothetical", True, "161"),
        (dt.date(2024, 3, 2), "intended", False, "161"), (dt.date(2024, 3, 3), "historical", True, "161"),
        (dt.date(2024, 3, 4), "asserted", False, "010"), (None, "asserted", False, "161"),
    ]):
        article = _article(f"d{i}", cameo=cameo, day=day or dt.date(2024, 1, 1))
        event = article.events[0]
        actor, recipient = (JAPAN, RUSSIA) if backwards else (RUSSIA, JAPAN)
        article.events[0] = dataclasses.replace(
            event, actor=actor, recipient=recipient, modality=modality, date=day,
            event_type=None if cameo == "010" else event.event_type, quad_class=0 if cameo == "010" else 3)
        made.append(article)
    other = _article("other", day=dt.date(2024, 1, 6))
    other.events[0] = dataclasses.replace(other.events[0], recipient=Actor("Ukraine", "UKR", "UKR", None, "Ukraine", 20, 38))
    return [*made, other]


@pytest.fixture
def app(tmp_path: Path) -> Any:
    path = tmp_path / "dyad.duckdb"
    with Store(path) as store:
        store.write(dyad_articles())
    return create_app(path)


def _listed(page: str) -> int:
    return len(re.findall(r'<a href="/events/[0-9a-f]{16}">', page))


def _form_query(page: str) -> list[tuple[str, str]]:
    """What pressing the events page's Filter button sends: its inputs with a value, checked
    boxes, chosen options."""
    form = page[page.index('<form class="filters"'):page.index("</form>")]
    sent = []
    for tag in re.findall(r"<input [^>]*>", form):
        attrs = dict(re.findall(r'(\w+)="([^"]*)"', tag))
        if attrs.get("type") == "checkbox" and " checked" not in tag:
            continue
        sent.append((attrs["name"], html.unescape(attrs.get("value", ""))))
    for name, options in re.findall(r'<select name="(\w+)">(.*?)</select>', form, re.S):
        chosen = re.findall(r"<option selected>([^<]*)</option>", options)
        sent += [(name, value) for value in chosen or [""]]  # a multiple select sends each chosen option
    return sent


def test_each_period_counts_the_events_its_list_json_and_filter_give(app: Any) -> None:
    page = call(app, "GET", "/dyads/RUS/JPN", params={"by": "month"}).text
    periods = re.findall(r'<tr><td><a href="([^"]+)">([0-9-]+)</a></td>(?:<td class="num">[^<]*</td>\s*){4}'
                         r'<td class="num">(\d+)</td>', page)
    assert [(p, int(n)) for _, p, n in periods] == [("2024-01", 2), ("2024-03", 2)]  # named as the chart names them
    for link, _, counted in periods:
        listed = call(app, "GET", html.unescape(link)).text
        assert _listed(listed) == int(counted)
        api = html.unescape(re.search(r'<a id="json" href="([^"]+)"', listed)[1])  # type: ignore[index]
        assert len(call(app, "GET", api).json()["events"]) == int(counted)
        refiltered = call(app, "GET", "/events", params=_form_query(listed)).text
        assert _listed(refiltered) == int(counted)


def test_the_api_trend_counts_what_api_events_lists_with_the_same_filters(app: Any) -> None:
    trend = call(app, "GET", "/api/trend", params={"a": "JPN", "b": "RUS", "by": "month"}).json()["periods"]
    assert sum(p["events"] for p in trend) == 4
    listed = call(app, "GET", "/api/events", params=[("actor", "JPN"), ("recipient", "RUS"), ("either_way", "true"),
                                                     *[("modality", m) for m in ("asserted", "intended", "historical")],
                                                     ("since", "2024-01-01"), ("until", "2024-12-31")]).json()
    assert len(listed["events"]) == 4


def test_an_events_page_flag_set_to_false_is_off(app: Any) -> None:
    shown = {"actor": "RUS", "recipient": "JPN", "all_modalities": "1"}  # the negated and hypothetical too
    both = call(app, "GET", "/events", params={**shown, "either_way": "true"}).text
    one = call(app, "GET", "/events", params={**shown, "either_way": "false"}).text
    assert _listed(both) == 7 and _listed(one) == 4  # the undated too

"""The events table's filters and downloads under hostile values, as test_hostile.py sends them
to the older filters: a coded filter (QuadClass, CAMEO, country, sort, a flag) refuses them with
a clean error; a free-text one (text, place) searches for them and finds nothing. Either way
nothing of the server leaks and the database is left as it was."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from tests.serve.test_hostile import HOSTILE, LEAKS, RAW, TRAVERSALS, _get_all, _refused, _tables, app, db, tables  # noqa: F401 (app, db and tables are fixtures)

CODED = ["quad_class", "cameo", "place_country", "sort", "involving", "dedup", "all_modalities"]
PATHS = ["/events", "/api/events", "/api/events.csv", "/api/deduplicated", "/api/deduplicated.csv"]


def _urls(path: str, name: str) -> list[str]:
    return ([f"{path}?{httpx.QueryParams({name: value})}" for value in HOSTILE]
            + [f"{path}?{name}={raw}" for raw in RAW])


@pytest.mark.parametrize("path, name", [(p, n) for p in PATHS for n in CODED
                                        if not (p.startswith("/api") and n in ("dedup", "all_modalities"))])
def test_hostile_coded_filters_are_refused(app: Any, db: Path, tables: dict[str, int], path: str,  # noqa: F811
                                           name: str) -> None:
    urls = _urls(path, name)
    problems = {url[:120]: why for url, r in zip(urls, _get_all(app, urls), strict=True) if (why := _refused(r, db, url=url))}
    assert not problems
    assert _tables(app) == tables


@pytest.mark.parametrize("path, name", [(p, n) for p in PATHS for n in ("text", "place")])
def test_hostile_text_is_searched_for_and_finds_nothing(app: Any, db: Path, tables: dict[str, int], path: str,  # noqa: F811
                                                        name: str) -> None:
    urls = _urls(path, name)
    problems = {}
    for url, response in zip(urls, _get_all(app, urls), strict=True):
        if response.status_code != 200:
            why = _refused(response, db, url=url)  # a value the server cannot read (NUL, not UTF-8) is refused
        else:
            body = response.text.partition("\n")[2] if path.endswith(".csv") else response.text  # not the CSV's header
            leaked = [s for s in [*LEAKS, str(db)] if s in body]
            found = ('id="total">0<' not in response.text if path == "/events"
                     else response.text.count("\n") > 1 if path.endswith(".csv") else response.json()["events"] != [])
            why = f"leaks {leaked}" if leaked else "found events" if found else None
        if why:
            problems[url[:120]] = why
    assert not problems
    assert _tables(app) == tables


@pytest.mark.parametrize("route", ["/actors/", "/articles/"])
def test_hostile_actor_and_article_ids_are_404_pages(app: Any, db: Path, tables: dict[str, int], route: str) -> None:  # noqa: F811
    urls = [route + quote(value, safe="") for value in HOSTILE] + [route + raw for raw in RAW + TRAVERSALS]
    problems = {url[:120]: why for url, r in zip(urls, _get_all(app, urls), strict=True)
                if (why := _refused(r, db, allowed=(404,), url=url))}
    assert not problems
    assert _tables(app) == tables

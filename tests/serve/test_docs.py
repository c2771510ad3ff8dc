"""The API link of every page opens a page that works offline and lists every endpoint of the
app's OpenAPI schema with its parameters."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path
from typing import Any

import pytest

from dyad.serve.apidocs import describe_type
from dyad.serve.app import create_app
from dyad.store.store import Store
from tests.serve.test_api import call
from tests.store.test_store import _article


@pytest.fixture
def app(tmp_path: Path) -> Any:
    path = tmp_path / "docs.duckdb"
    with Store(path) as store:
        store.write([_article("a1", day=dt.date(2024, 1, 5))])
    return create_app(path)


@pytest.mark.parametrize("page", ["/", "/events", "/dyads/RUS/JPN"])
def test_the_header_api_link_opens_a_page_listing_every_endpoint(app: Any, page: str) -> None:
    header = re.search(r"<header>.*?</header>", call(app, "GET", page).text, re.S)
    assert header is not None
    link = re.search(r'<a href="([^"]+)">API</a>', header[0])
    assert link is not None
    answer = call(app, "GET", html.unescape(link[1]))
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    text = html.unescape(answer.text)
    schema = call(app, "GET", "/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert f"{method.upper()} {path}</code>" in text
            for parameter in operation.get("parameters", []):
                assert f"<code>{parameter['name']}</code>" in text
    assert not re.search(r'(?:src|href)="(?:https?:)?//', answer.text)  # nothing from another host


def test_parameter_types_read_as_a_client_sends_them() -> None:
    assert describe_type({"type": "boolean", "default": False}) == "boolean, default false"
    assert describe_type({"anyOf": [{"type": "integer", "minimum": 1}, {"type": "null"}], "default": 100}) == \
        "integer, ≥ 1, default 100"
    assert describe_type({"type": "array", "items": {"type": "string"}}) == "list of string"

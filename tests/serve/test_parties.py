"""The API and the web pages find international organisations and take codes with a sector."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dyad.serve.app import create_app
from tests.serve.test_api import call
from tests.store.test_parties import write_parties


@pytest.fixture
def app(tmp_path: Path) -> object:
    write_parties(tmp_path / "p.duckdb")
    return create_app(tmp_path / "p.duckdb")


def _ids(app: object, url: str, **params: str) -> set[str]:
    answer = call(app, "GET", url, params=params)
    assert answer.status_code == 200, answer.text
    return {e["article_id"] for e in answer.json()["events"]}


def test_api_filters_by_organisation_code_and_sector(app: object) -> None:
    assert _ids(app, "/api/events", actor="IGOEUR") == {"eu-sanctions"}
    assert _ids(app, "/api/events", actor="RUSMIL") == {"troops-shell"}
    assert _ids(app, "/api/events", actor="RUS") == {"troops-shell", "kremlin-condemns"}
    assert _ids(app, "/api/events", sector="MIL") == {"troops-shell", "peacekeepers"}
    assert _ids(app, "/api/events", recipient_sector="GOV") == set()
    assert _ids(app, "/api/events", actor="IGONAT") == {"old-nato"}
    deduplicated = call(app, "GET", "/api/deduplicated", params={"recipient": "IGOEUR"}).json()["events"]
    assert [r["reports"][0]["article_id"] for r in deduplicated] == ["kremlin-condemns"]
    periods = call(app, "GET", "/api/trend", params={"a": "IGOEUR", "b": "RUS"}).json()["periods"]
    assert sum(p["events"] for p in periods) == 2


@pytest.mark.parametrize(("url", "params"), [("/api/events", {"actor": "XYZ"}), ("/api/deduplicated", {"recipient": "IGOXYZ"}),
                                             ("/api/trend", {"a": "RUS", "b": "XYZ"}), ("/api/events", {"sector": "XYZ"}),
                                             ("/api/events", {"actor": "RUSXYZ"})])
def test_api_names_an_unknown_code(app: object, url: str, params: dict[str, str]) -> None:
    answer = call(app, "GET", url, params=params)
    error = answer.json()["error"]
    assert answer.status_code == 422 and ("unknown" in error or "not an actor code" in error) and "XYZ" in error


def test_pages_of_an_organisation(app: object) -> None:
    dyad = call(app, "GET", "/dyads/IGOEUR/RUS")
    assert dyad.status_code == 200 and "actor=IGOEUR" in dyad.text and "recipient=RUS" in dyad.text
    events = call(app, "GET", "/events", params={"actor": "IGOEUR", "recipient": "RUS", "either_way": "1"}).text
    assert len(re.findall(r'<a href="/events/[0-9a-f]{16}">', events)) == 2
    assert len(re.findall(r'<a href="/events/[0-9a-f]{16}">', call(app, "GET", "/events", params={"sector": "MIL"}).text)) == 2
    overview = call(app, "GET", "/").text
    assert '<a href="/events?actor=RUSMIL">RUSMIL</a>' in overview  # the link keeps the sector
    assert '<a href="/events?actor=IGOUNOMIL">IGOUNOMIL</a>' in overview
    assert '<a href="/dyads/IGOEUR/RUS">IGOEUR → RUS</a>' in overview
    unknown = call(app, "GET", "/dyads/IGOXYZ/RUS")
    assert unknown.status_code == 404 and "IGOXYZ" in unknown.text
    assert call(app, "GET", "/dyads/RUS/RUSSIA").status_code == 404  # six letters, but SIA is no sector
    assert call(app, "GET", "/events", params={"actor": "XYZ"}).status_code == 400

"""Readers while the server writes: each request reads one snapshot on its own connection, so
a reader sees the database as it was after some whole number of posted batches, never half of
one, and no reader waits for another's slow query or for the writer."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from dyad.coding.ingest.records import read_record
from dyad.errors import InputError
from dyad.serve.app import create_app
from dyad.serve.guards import Limits
from dyad.store.query import trend
from dyad.store.store import Store
from tests.serve.threaded import running
from tests.store.test_store import _article

TOKEN = "writer-token"
SENTENCES = [
    "Peru accused Chile of spying on its navy on Monday.",
    "Chile expelled two Peruvian diplomats on Tuesday.",
    "Peru and Chile signed a trade agreement in Lima.",
    "Chile's foreign minister met Peruvian officials to discuss the border dispute.",
    "Peru recalled its ambassador from Chile after the spying row.",
    "Chile threatened Peru with sanctions over fishing rights.",
    "Peru praised Chile for its help after the earthquake.",
    "Chilean troops clashed with Peruvian soldiers near the border.",
    "Bolivia condemned Chile over water rights on Wednesday.",
    "Argentina offered to mediate between Peru and Chile.",
    "Chile rejected Peru's demand for an apology.",
]
BATCHES = 6
PER_BATCH = 4


def _batch(b: int) -> list[dict[str, Any]]:
    """Articles of two sentences each, dated across the months so the trend has periods."""
    return [{"id": f"b{b}-{i}", "date": f"2024-{1 + (b + i) % 6:02d}-{1 + 3 * i:02d}", "source": f"wire{i}",
             "title": f"Story {b}.{i}",
             "text": f"{SENTENCES[(b * PER_BATCH + i) % len(SENTENCES)]} {SENTENCES[(b + 5 * i + 3) % len(SENTENCES)]}"}
            for i in range(PER_BATCH)]


def _signatures(events: list[dict[str, Any]], deduplicated: list[dict[str, Any]],
                periods: list[dict[str, Any]]) -> dict[str, Any]:
    """What a reader of each endpoint sees, in a form to compare."""
    return {"events": frozenset(e["id"] for e in events),
            "deduplicated": frozenset((d["id"], d["sources"], d["mentions"]) for d in deduplicated),
            "trend": tuple((str(p["period"])[:10], p["events"]) for p in periods)}


def _states(path: Path, pipeline: Any) -> list[dict[str, Any]]:
    """The database after 0, 1, ... all batches, written as the server writes a post."""
    states = []
    with Store(path) as store:
        for b in range(BATCHES + 1):
            states.append(_signatures(store.events(limit=None), store.deduplicated(limit=None),
                                      trend(store, "PER", "CHL")))
            if b < BATCHES:
                items = [read_record(r, f"item {i}") for i, r in enumerate(_batch(b))]
                store.write(pipeline.pipe([a for a in items if not isinstance(a, InputError)]),
                            [e for e in items if isinstance(e, InputError)])
    return states


@pytest.fixture
def served(tmp_path: Path, pipeline: Any) -> Iterator[str]:
    """A writing server (its pipeline the session's) on a loopback port; its base URL."""
    db = tmp_path / "served.duckdb"
    Store(db).close()
    app = create_app(db, token=TOKEN, pipeline=lambda: pipeline)
    with running(app) as url:
        yield url
    app.state.store.close()


@pytest.mark.model
def test_readers_see_whole_batches_while_the_server_codes(served: str, pipeline: Any, tmp_path: Path) -> None:
    states = _states(tmp_path / "reference.duckdb", pipeline)
    assert len({len(s["events"]) for s in states}) == BATCHES + 1  # every batch adds events
    seen: list[tuple[str, int, Any]] = []
    writing = threading.Event()
    writing.set()

    def read(worker: int) -> None:
        paths = [("events", "/api/events?limit=500"), ("deduplicated", "/api/deduplicated?limit=500"),
                 ("trend", "/api/trend?a=PER&b=CHL")]
        with httpx.Client(base_url=served, timeout=30) as client:
            n = worker
            while writing.is_set():
                name, path = paths[n % len(paths)]
                response = client.get(path)
                body = response.json() if response.status_code == 200 else None
                if body is None:
                    seen.append((name, response.status_code, response.text))
                else:
                    key = "periods" if name == "trend" else "events"
                    sig = _signatures(body["events"] if name == "events" else [],
                                      body["events"] if name == "deduplicated" else [],
                                      body[key] if name == "trend" else [])
                    seen.append((name, 200, sig[name]))
                n += 1

    readers = [threading.Thread(target=read, args=(w,)) for w in range(4)]
    for r in readers:
        r.start()
    try:
        with httpx.Client(base_url=served, timeout=60, headers={"Authorization": f"Bearer {TOKEN}"}) as client:
            for b in range(BATCHES):
                posted = client.post("/api/articles", json=_batch(b))
                assert posted.status_code == 200, posted.text
                assert posted.json()["articles"] == [r["id"] for r in _batch(b)]
    finally:
        writing.clear()
        for r in readers:
            r.join(30)
    errors = [(name, status, text[:200]) for name, status, text in seen if status != 200]
    assert not errors
    assert len(seen) >= 30
    for name in ("events", "deduplicated", "trend"):
        possible = {s[name] for s in states}
        assert all(sig in possible for n, _, sig in seen if n == name), f"a reader of {name} saw half a batch"
    with httpx.Client(base_url=served) as client:
        final = client.get("/api/events?limit=500").json()["events"]
    assert frozenset(e["id"] for e in final) == states[-1]["events"]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "readers.duckdb"
    with Store(path) as store:
        store.write([_article(f"a{i}", day=dt.date(2024, 1, 1 + i)) for i in range(3)])
    return path


def test_a_slow_query_is_stopped_and_holds_up_no_other_reader(db: Path) -> None:
    app = create_app(db, limits=Limits(query_s=2.0))
    store = app.state.store
    # through a cursor, as the store's readers query: the timer must stop it there too
    store.deduplicated = lambda **_: store.db.cursor().execute(
        "SELECT sum(hash(a)) FROM range(100000000000) t(a)").fetchall()

    async def go() -> tuple[httpx.Response, float, httpx.Response, float]:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost", timeout=60) as client:
            started = time.perf_counter()
            slow = asyncio.create_task(client.get("/api/deduplicated"))
            await asyncio.sleep(0.3)
            quick_started = time.perf_counter()
            quick = await client.get("/api/events")
            quick_s = time.perf_counter() - quick_started
            return await slow, time.perf_counter() - started, quick, quick_s

    try:
        slow, slow_s, quick, quick_s = asyncio.run(go())
    finally:
        store.close()
    assert quick.status_code == 200 and len(quick.json()["events"]) == 3 and quick_s < 1.5
    assert slow.status_code == 503 and "2 s" in slow.json()["error"] and slow_s < 10

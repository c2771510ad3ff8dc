from __future__ import annotations

import csv
import dataclasses
import json
from pathlib import Path

import duckdb
import pytest

from dyad.errors import DyadError
from dyad.store.export import GDELT_COLUMNS, export
from dyad.store.store import Store
from tests.store.test_store import TEXT, _article


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "d.duckdb")
    fight = _article("a3", cameo="190", recipient=False)
    fight.events[0] = dataclasses.replace(fight.events[0], event_type="ASSAULT")  # CAMEO 190's type: another event
    store.write([_article("a1"), _article("a2"), fight])
    return store


def test_parquet_and_csv(store: Store, tmp_path: Path) -> None:
    assert export(store, tmp_path / "e.parquet", "parquet") == 3
    rows = duckdb.sql(f"SELECT article_id, sources, evidence FROM '{tmp_path / 'e.parquet'}' ORDER BY article_id").fetchall()
    assert [r[0] for r in rows] == ["a1", "a2", "a3"] and rows[0][1] == 2
    assert json.loads(rows[0][2])["event"] == [7, 15]
    assert export(store, tmp_path / "e.csv", "csv", actor="RUS", recipient="JPN") == 2
    exported = list(csv.DictReader((tmp_path / "e.csv").open()))
    assert len(exported) == 2
    assert {(r["location_name"], r["location_source"]) for r in exported} == {("Tokyo", "sentence")}


def test_plover_records(store: Store, tmp_path: Path) -> None:
    export(store, tmp_path / "e.json", "plover")
    records = [json.loads(line) for line in (tmp_path / "e.json").read_text().splitlines()]
    first = next(r for r in records if r["articleId"] == "a1")
    assert first["event"] == "SANCTION" and first["source"][0]["code"] == "RUS" and first["target"][0]["code"] == "JPN"
    assert first["text"] == TEXT and first["evidence"]["actor"] == [0, 6]
    assert (first["location"]["name"], first["location"]["source"]) == ("Tokyo", "sentence")


def test_gdelt_table(store: Store, tmp_path: Path) -> None:
    export(store, tmp_path / "e.tsv", "gdelt")
    rows = list(csv.DictReader((tmp_path / "e.tsv").open(), delimiter="\t"))
    assert list(rows[0]) == list(GDELT_COLUMNS)
    row = next(r for r in rows if r["EventCode"] == "161")
    assert (row["SQLDATE"], row["Actor1CountryCode"], row["Actor2CountryCode"], row["EventRootCode"]) == ("20240304", "RUS", "JPN", "16")
    assert (row["QuadClass"], row["NumSources"], row["ActionGeo_FullName"]) == ("3", "2", "Tokyo")


def test_an_existing_file_needs_force(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "e.jsonl"
    out.write_text("keep me")
    with pytest.raises(DyadError, match="--force"):
        export(store, out, "jsonl")
    assert out.read_text() == "keep me"
    assert export(store, out, "jsonl", force=True) == 3


def test_parquet_by_month(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "events"
    assert export(store, out, "parquet", by_month=True) == 3
    assert sorted(p.name for p in out.iterdir()) == ["month=2024-03"]
    assert duckdb.sql(f"SELECT count(*) FROM read_parquet('{out}/*/*.parquet')").fetchall() == [(3,)]
    with pytest.raises(DyadError, match="Parquet exports only"):
        export(store, tmp_path / "e.csv", "csv", by_month=True)


def test_every_format_says_what_decided_each_event(tmp_path: Path) -> None:
    import dataclasses

    by_model = _article("m1")
    by_model.events[0] = dataclasses.replace(by_model.events[0], coder="model", model_version="v7", model_probability=0.8)
    with Store(tmp_path / "d.duckdb") as store:
        store.write([_article("a1"), by_model])
        export(store, tmp_path / "e.csv", "csv")
        export(store, tmp_path / "e.json", "plover")
        export(store, tmp_path / "e.parquet", "parquet")
    rows = {r["article_id"]: r for r in csv.DictReader((tmp_path / "e.csv").open())}
    assert (rows["m1"]["coder"], rows["m1"]["model_version"], rows["m1"]["model_probability"]) == ("model", "v7", "0.8")
    assert (rows["a1"]["coder"], rows["a1"]["model_version"]) == ("pattern", "")
    records = {r["articleId"]: r for r in map(json.loads, (tmp_path / "e.json").read_text().splitlines())}
    assert records["m1"]["coder"] == {"by": "model", "modelVersion": "v7", "modelProbability": 0.8}
    parquet = duckdb.sql(f"SELECT article_id, coder FROM '{tmp_path / 'e.parquet'}' ORDER BY article_id").fetchall()
    assert parquet == [("a1", "pattern"), ("m1", "model")]

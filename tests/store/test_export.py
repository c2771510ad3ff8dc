from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pytest

from dyad.errors import DyadError
from dyad.export import GDELT_COLUMNS, export
from dyad.store import Store
from tests.store.test_store import TEXT, _article


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "d.duckdb")
    store.write([_article("a1"), _article("a2"), _article("a3", cameo="190", recipient=False)])
    return store


def test_parquet_and_csv(store: Store, tmp_path: Path) -> None:
    assert export(store, tmp_path / "e.parquet", "parquet") == 3
    rows = duckdb.sql(f"SELECT article_id, sources, evidence FROM '{tmp_path / 'e.parquet'}' ORDER BY article_id").fetchall()
    assert [r[0] for r in rows] == ["a1", "a2", "a3"] and rows[0][1] == 2
    assert json.loads(rows[0][2])["event"] == [7, 15]
    assert export(store, tmp_path / "e.csv", "csv", actor="RUS", recipient="JPN") == 2
    assert len(list(csv.DictReader((tmp_path / "e.csv").open()))) == 2


def test_plover_records(store: Store, tmp_path: Path) -> None:
    export(store, tmp_path / "e.json", "plover")
    records = [json.loads(line) for line in (tmp_path / "e.json").read_text().splitlines()]
    first = next(r for r in records if r["articleId"] == "a1")
    assert first["event"] == "SANCTION" and first["source"][0]["code"] == "RUS" and first["target"][0]["code"] == "JPN"
    assert first["text"] == TEXT and first["evidence"]["actor"] == [0, 6]


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

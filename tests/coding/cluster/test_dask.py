"""Coding on a Dask LocalCluster with two worker processes gives the database a plain run does."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from dyad.coding.cluster import Partition, code_on_dask, load_parquet, partitions
from dyad.coding.ingest.files import read
from dyad.coding.pipeline import code_paths
from dyad.errors import DyadError, InputError
from dyad.store.store import Store
from tests.conftest import EXAMPLES

pytestmark = pytest.mark.model


def test_partitions_cut_json_lines_by_line_and_keep_csv_whole(tmp_path: Path) -> None:
    lines = tmp_path / "a.jsonl"
    lines.write_text("".join(json.dumps({"text": f"story {i}"}) + "\n" for i in range(7)))
    (tmp_path / "b.csv").write_text("text\none\ntwo\n")
    (tmp_path / "c.txt").write_text("a story")
    (tmp_path / "d.txt").write_text("another story")
    parts = partitions([str(tmp_path)], size=3)
    assert [(p.files, p.first_line, p.last_line) for p in parts if p.last_line is not None] == [
        ((str(lines),), 0, 3), ((str(lines),), 3, 6), ((str(lines),), 6, 9)]
    assert Partition(3, (str(tmp_path / "b.csv"),)) in parts
    assert [p.files for p in parts][-1] == (str(tmp_path / "c.txt"), str(tmp_path / "d.txt"))
    with pytest.raises(DyadError, match="not stdin"):
        partitions(["-"])


def test_partitions_list_directories_as_a_local_run_does(tmp_path: Path) -> None:
    """Gzipped files are read whole, and what a local run reports (an unsupported file, a link
    loop) a Dask run reports too, once, instead of skipping it."""
    with gzip.open(tmp_path / "a.jsonl.gz", "wt") as f:
        f.write("".join(json.dumps({"text": f"story {i}"}) + "\n" for i in range(5)))
    (tmp_path / "notes.xml").write_text("<notes/>")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "loop").symlink_to(tmp_path)
    parts = partitions([str(tmp_path)], size=2)
    assert [p.files for p in parts if p.files] == [(str(tmp_path / "a.jsonl.gz"),)]
    reported = [e.where for p in parts for e in p.errors]
    assert sorted(reported) == sorted([str(tmp_path / "notes.xml"), str(tmp_path / "sub" / "loop")])
    assert [e.where for p in parts for e in p.errors] == [e.where for e in read([str(tmp_path)]) if isinstance(e, InputError)]


def test_a_local_cluster_codes_what_a_plain_run_does(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    lines = EXAMPLES.read_text().splitlines()
    corpus.write_text("\n".join([*lines[:5], "{broken json", *lines[5:]]) + "\n")
    with Store(tmp_path / "plain.duckdb") as store:
        code_paths([str(corpus)], store)
        plain = {(e["id"], e["cameo"], e["date"], e["sources"], e["mentions"], e["deduplicated_id"])
                 for e in store.events(limit=None)}
    totals = code_on_dask([str(corpus)], tmp_path / "parquet", "local", workers=2, size=4)
    assert totals["partitions"] == 5 and totals["articles"] == len(lines) and totals["errors"] == 1
    db = tmp_path / "dask.duckdb"
    for _ in range(2):  # loading again replaces, never duplicates
        counts = load_parquet(tmp_path / "parquet", db)
    with Store(db, read_only=True) as store:
        dask = {(e["id"], e["cameo"], e["date"], e["sources"], e["mentions"], e["deduplicated_id"])
                for e in store.events(limit=None)}
        errors = store.db.execute("SELECT item FROM input_errors").fetchall()
        reprints = store.db.execute("SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL").fetchall()
    assert dask == plain and counts["articles"] == len(lines)
    assert errors == [(f"{corpus}:6",)]  # the broken line, named in the original file, once
    assert reprints == [(1,)]  # the syndicated copy, found across partitions


def test_a_worker_reuses_its_pipeline_and_rebuilds_it_for_other_options(monkeypatch: pytest.MonkeyPatch) -> None:
    from dyad.coding import cluster

    monkeypatch.setattr(cluster, "_PIPELINE", None)
    monkeypatch.setattr(cluster, "_OPTIONS", None)
    monkeypatch.delenv("DYAD_ACTORS", raising=False)
    cluster.dask_setup()  # what `dask worker --preload dyad.coding.cluster` runs at start-up
    preloaded = cluster._PIPELINE
    assert preloaded is not None and preloaded.parser.sifter is not None
    assert cluster._pipeline([], False) is preloaded
    everything = cluster._pipeline([], True)
    assert everything is not preloaded and everything.parser.sifter is None

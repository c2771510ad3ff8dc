"""A database of about a million events for timing the web pages (`bench/crawl.py`).

    python bench/big_db.py OUT.duckdb [--events 1000000] [--seed SEED.duckdb]

Coding a million articles would take hours, so the demo articles are coded once (`dyad code
examples/`, or `--seed`, a database already coded) and their rows are copied in SQL until there
are `--events` events: every copy of an article gets its own id, its events their own 16-hex
ids, dates moved back by up to ten years, and the countries of its actors rotated
through a pool of forty, so that the copies spread over many dyads, actor codes and periods
rather than stacking on the demo's few. Texts, evidence offsets, quotes and places are the
seed's, so every page (an event with its highlighted evidence, an article) has what a coded
one has. The reports are then grouped into deduplicated events by `Store.set_dedup_window`,
as the writer would have grouped them.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from dyad.store.store import Store

ROOT = Path(__file__).resolve().parent.parent
# countries of the knowledge base; the demo's come first, the copies rotate actors through all
POOL = ["PRK", "USA", "JPN", "PAK", "IND", "TUR", "UKR", "DEU", "IRN", "KOR", "CHN", "GRC", "RUS", "ISR", "FRA",
        "NOR", "AUT", "BEL", "GBR", "ITA", "ESP", "POL", "SYR", "IRQ", "SAU", "EGY", "NGA", "ZAF", "BRA", "MEX",
        "ARG", "CAN", "AUS", "IDN", "PHL", "VNM", "THA", "AFG", "ETH", "KEN"]

# SQL of the copy `k` of a row: ids, dates and countries
MACROS = f"""
CREATE OR REPLACE TEMP MACRO copy_id(id, k) AS CASE WHEN id IS NULL THEN NULL ELSE id || '-c' || k END;
CREATE OR REPLACE TEMP MACRO hex_id(id, k) AS CASE WHEN id IS NULL THEN NULL ELSE md5(id || '-c' || k)[:16] END;
CREATE OR REPLACE TEMP MACRO days(k) AS -CAST(hash(k) % 3650 AS INTEGER);  -- no date in the future
CREATE OR REPLACE TEMP MACRO shift(d, precision, k) AS CASE
    WHEN d IS NULL THEN NULL
    WHEN precision = 'year' THEN CAST(date_trunc('year', d + days(k)) AS DATE)
    WHEN precision = 'month' THEN CAST(date_trunc('month', d + days(k)) AS DATE)
    ELSE d + days(k) END;
CREATE OR REPLACE TEMP MACRO country(c, k) AS CASE WHEN list_position({POOL}, c) IS NULL THEN c
    ELSE {POOL}[(list_position({POOL}, c) - 1 + k) % {len(POOL)} + 1] END;
CREATE OR REPLACE TEMP MACRO code(code, c, k) AS CASE
    WHEN code IS NOT NULL AND c IS NOT NULL AND starts_with(code, c) THEN country(c, k) || code[length(c) + 1:]
    ELSE code END;
"""

# Each table's rows for copies 1 .. $copies - 1 (copy 0 is the seed itself)
COPIES = {
    "articles": """SELECT s.* REPLACE (copy_id(id, k) AS id, shift(date, 'day', k) AS date,
                                     copy_id(duplicate_of, k) AS duplicate_of)""",
    "article_bands": "SELECT s.* REPLACE (copy_id(article_id, k) AS article_id)",
    "sentences": "SELECT s.* REPLACE (copy_id(article_id, k) AS article_id)",
    "mentions": "SELECT s.* REPLACE (copy_id(article_id, k) AS article_id, country(country, k) AS country)",
    "quotes": """SELECT s.* REPLACE (hex_id(id, k) AS id, copy_id(article_id, k) AS article_id,
                                   code(speaker_code, speaker_country, k) AS speaker_code,
                                   country(speaker_country, k) AS speaker_country)""",
    "events": """SELECT s.* REPLACE (hex_id(id, k) AS id, copy_id(article_id, k) AS article_id,
                                   shift(date, date_precision, k) AS date,
                                   code(actor_code, actor_country, k) AS actor_code,
                                   country(actor_country, k) AS actor_country,
                                   code(recipient_code, recipient_country, k) AS recipient_code,
                                   country(recipient_country, k) AS recipient_country,
                                   hex_id(quote_id, k) AS quote_id)""",
}


def code_seed(folder: Path) -> Path:
    """The demo articles coded into a new database, as `make demo` codes them."""
    seed = folder / "seed.duckdb"
    subprocess.run([sys.executable, "-m", "dyad", "code", str(ROOT / "examples"), "--db", str(seed)], check=True,
                   stdout=subprocess.DEVNULL)
    return seed


def grow(out: Path, events: int) -> dict[str, object]:
    """Copy the seed's rows in `out` until it holds about `events` events."""
    db = duckdb.connect(str(out))
    try:
        seed_events = db.execute("SELECT count(*) FROM events").fetchall()[0][0]
        copies = max(1, round(events / seed_events))
        db.execute(MACROS)
        started = time.perf_counter()
        for table, select in COPIES.items():
            db.execute(f"INSERT INTO {table} {select} FROM {table} s, range(1, $copies) r(k)", {"copies": copies})
        db.execute("CHECKPOINT")
        counts = {t: db.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in COPIES}
    finally:
        db.close()
    return {"seed_events": seed_events, "copies": copies, "copy_s": round(time.perf_counter() - started, 1), **counts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--seed", type=Path, help="a coded database to copy (default: code examples/ anew)")
    args = parser.parse_args()
    if args.out.exists():
        sys.exit(f"{args.out} exists; name a new file")
    with tempfile.TemporaryDirectory() as folder:
        seed = args.seed or code_seed(Path(folder))
        shutil.copyfile(seed, args.out)
    result = grow(args.out, args.events)
    started = time.perf_counter()
    with Store(args.out) as store:
        result["deduplicated_events"] = store.set_dedup_window(1)
    result["group_s"] = round(time.perf_counter() - started, 1)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

"""Store speed: writing synthetic events, trends over millions of them, and export memory.

    python bench/store_speed.py [--events 1000000] [--per-article 5] [--batch 10000]
                                [--trend-events 10000000] [--export]

1. Write: `--events` synthetic events (`--per-article` per article, `--batch` articles per
   transaction) go into a new DuckDB file through `Store.write`, as a feed of four years of
   news arriving in date order. The articles' MinHash signatures are computed first, as the
   pipeline's `signature` stage does, and timed apart.
2. Trend: a second file gets `--trend-events` events straight from SQL (writing ten million
   through Python would time the writer again) and are grouped into deduplicated events; then
   `query.trend` is timed for one dyad by month, cold and warm, and pages of events and
   deduplicated events are timed.
3. Export (`--export`): the first file's events are exported as Parquet and as JSON lines in
   child processes, and their peak memory is reported.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tqdm import tqdm

from dyad.coding.signature import sign
from dyad.store.query import trend
from dyad.store.store import Store
from dyad.types import Actor, Article, Block, Event, Location, Sentence

COUNTRIES = ["RUS", "JPN", "CHN", "USA", "IND", "PAK", "KOR", "PRK", "UKR", "TUR", "GRC", "ISR", "IRN", "FRA", "DEU"]
KINDS = [("040", "CONSULT", 1.0, 1), ("036", "AGREE", 4.0, 1), ("112", "ACCUSE", -2.0, 3), ("190", "ASSAULT", -10.0, 4),
         ("070", "AID", 7.0, 2), ("163", "SANCTION", -8.0, 4)]
# word forms like news vocabulary: a few common words and a long tail
WORDS = [f"{stem}{suffix}" for stem in ["minister", "talks", "border", "troops", "aid", "sanction", "summit", "envoy", "ceasefire", "accord", "trade", "visit", "protest", "army", "navy", "spokesman", "president", "parliament", "treaty", "island", "dispute", "agreement", "deal", "strike", "rebel", "election", "court"]
         for suffix in ("", "s", "ed", "ing", "al", "ist", "ism", "ity", "ize", "ous")] + [f"w{i}" for i in range(5000)]


def synthetic(i: int, per_article: int, rng: random.Random, per_day: int = 1) -> Article:
    """An article of `per_article` one-sentence events between random countries, published on
    day `i // per_day`: a feed arrives in date order."""
    day = dt.date(2020, 1, 1) + dt.timedelta(days=i // per_day)
    sentences, events, text = [], [], ""
    for n in range(per_article):
        a, b = rng.sample(COUNTRIES, 2)
        cameo, kind, goldstein, quad = rng.choice(KINDS)
        words = " ".join(rng.choices(WORDS, k=12))
        sentence = f"{a} {kind.lower()} {b} over {words} in story {i}."
        start = len(text)
        text += sentence + " "
        sentences.append(Sentence(index=n, start=start, end=start + len(sentence), text=sentence))
        events.append(Event(
            sentence=n, cameo=cameo, event_type=kind, mode=None, context=None, goldstein=goldstein, quad_class=quad,
            actor=Actor(a, a, a, None, a, start, start + 3), recipient=Actor(b, b, b, None, b, start + 4 + len(kind),
                                                                             start + 7 + len(kind)),
            trigger=(start + 4, start + 4 + len(kind)), pattern="synthetic", confidence=0.9, date=day,
            date_precision="day", location=Location(b, b, 10.0, 20.0, start, start + 3, "country"),
        ))
    article = Article(id=f"s{i}", text=text, date=day, title=f"Story {i}", source="bench")
    article.blocks = [Block(0, len(text))]
    article.sentences, article.events = sentences, events
    return article


def write(path: Path, events: int, per_article: int, batch: int) -> dict[str, object]:
    rng = random.Random(7)
    n_articles = events // per_article
    per_day = max(1, n_articles // 1460)  # four years of news
    articles = [synthetic(i, per_article, rng, per_day) for i in range(n_articles)]
    started = time.perf_counter()
    for article in articles:
        sign(article)
    signed = time.perf_counter() - started
    started = time.perf_counter()
    with Store(path) as store:
        for first in tqdm(range(0, n_articles, batch), desc="writing", unit=" batches", file=sys.stderr):
            store.write(articles[first : first + batch])
        stored = store.db.execute("SELECT count(*) FROM events").fetchall()[0][0]
    written = time.perf_counter() - started
    return {"events": stored, "articles": n_articles, "batch_articles": batch, "signatures_s": round(signed, 1),
            "write_s": round(written, 1), "events_per_s": round(stored / written)}


def trend_at_scale(path: Path, events: int) -> dict[str, object]:
    with Store(path) as store:
        started = time.perf_counter()
        store.db.execute(f"""
            INSERT INTO events (id, article_id, sentence_index, date, event_type, modality, cameo, goldstein,
                                quad_class, actor_text, actor_code, actor_country, recipient_text, recipient_code,
                                recipient_country, confidence, mentions, evidence, notes)
            SELECT 'e' || i, 'a' || (i // 5), i % 5, DATE '2015-01-01' + CAST(hash(i) % 3650 AS INTEGER),
                   ['CONSULT', 'AGREE', 'ACCUSE', 'ASSAULT'][k], 'asserted', '040',
                   [1.0, 4.0, -2.0, -10.0][k], k,
                   c1, c1, c1, c2, c2, c2, 0.9, 1, '{{}}', '[]'
            FROM (SELECT i, CAST(1 + hash(i + 1) % 4 AS INTEGER) AS k,
                         {COUNTRIES}[CAST(1 + hash(i + 2) % {len(COUNTRIES)} AS INTEGER)] AS c1,
                         {COUNTRIES}[CAST(1 + hash(i + 3) % {len(COUNTRIES)} AS INTEGER)] AS c2
                  FROM range({events}) t(i))""")
        built = time.perf_counter() - started
        started = time.perf_counter()
        store.set_dedup_window(1)  # group them into deduplicated events, as the writer would have
        grouped = time.perf_counter() - started
    with Store(path, read_only=True) as store:
        timings = []
        for _ in range(3):
            started = time.perf_counter()
            rows = trend(store, "RUS", "JPN", "month")
            timings.append(time.perf_counter() - started)
        pages = {}
        for name, page in (("events_page_s", lambda: store.events(limit=100)),
                           ("events_dyad_page_s", lambda: store.events(actor="RUS", recipient="JPN", limit=100)),
                           ("deduplicated_page_s", lambda: store.deduplicated(limit=100)),
                           ("deduplicated_dyad_page_s", lambda: store.deduplicated(actor="RUS", recipient="JPN")),
                           ("event_by_id_s", lambda: store.event("e12345"))):
            started = time.perf_counter()
            page()
            pages[name] = round(time.perf_counter() - started, 2)
    return {"events": events, "build_s": round(built, 1), "group_s": round(grouped, 1), "trend_months": len(rows),
            "trend_first_s": round(timings[0], 3), "trend_warm_s": round(min(timings[1:]), 3), **pages}


def export_memory(path: Path, folder: Path) -> dict[str, object]:
    """Peak memory of a child process exporting every event, per format."""
    out: dict[str, object] = {}
    for fmt in ("parquet", "jsonl"):
        target = folder / f"export.{fmt}"
        # the child's own high-water mark (VmHWM; getrusage would report the parent's after fork)
        code = (f"import re; from pathlib import Path; from dyad.store.store import Store; "
                f"from dyad.store.export import export; s = Store({str(path)!r}, read_only=True); "
                f"n = export(s, Path({str(target)!r}), {fmt!r}); "
                f"print(n, re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))")
        started = time.perf_counter()
        count, peak = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                                     text=True).stdout.split()
        out[fmt] = {"events": int(count), "s": round(time.perf_counter() - started, 1),
                    "peak_mib": round(int(peak) / 1024), "file_mib": round(target.stat().st_size / 2**20)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--per-article", type=int, default=5)
    parser.add_argument("--batch", type=int, default=10_000, help="articles per transaction")
    parser.add_argument("--trend-events", type=int, default=10_000_000)
    parser.add_argument("--export", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        result: dict[str, object] = {"write": write(folder / "write.duckdb", args.events, args.per_article, args.batch)}
        if args.export:
            result["export"] = export_memory(folder / "write.duckdb", folder)
        if args.trend_events:
            result["trend"] = trend_at_scale(folder / "trend.duckdb", args.trend_events)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

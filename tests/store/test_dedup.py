"""Deduplicated events: reports of one real-world event chained by date, and near-duplicate
articles counted as mentions."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import uuid
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dyad.coding import signature as dedup
from dyad.errors import StoreError
from dyad.store.migrations import migrate
from dyad.store.rows import event_id
from dyad.store.schema import SCHEMA_VERSION
from dyad.store.store import Store
from dyad.types import Actor
from tests.store.test_store import _article

DAY = dt.date(2024, 3, 4)


def _on(article_id: str, days: int, **changes: object) -> object:
    article = _article(article_id, day=DAY + dt.timedelta(days=days))
    article.events[0] = dataclasses.replace(article.events[0], **changes)  # type: ignore[arg-type]
    return article


def test_reports_of_one_day_are_one_event_and_the_next_day_another(tmp_path: Path) -> None:
    with Store(tmp_path / "d.duckdb") as store:
        store.write([_on("a1", 0), _on("a2", 0), _on("a3", 0), _on("a4", 1)])  # type: ignore[list-item]
        deduplicated = store.deduplicated()
        raw = {r["article_id"]: r for r in store.events(limit=None)}
    assert [(d["date"], d["sources"], d["mentions"], [r["article_id"] for r in d["reports"]]) for d in deduplicated] == [
        ("2024-03-05", 1, 1, ["a4"]),
        ("2024-03-04", 3, 3, ["a1", "a2", "a3"]),
    ]
    assert raw["a2"]["sources"] == 3 and raw["a4"]["sources"] == 1
    assert raw["a1"]["deduplicated_id"] == raw["a3"]["deduplicated_id"] == deduplicated[1]["id"]
    first = deduplicated[1]["reports"][0]
    assert (first["event_id"], first["sentence_index"], first["sentence"]) == (raw["a1"]["id"], 0, raw["a1"]["sentence"])


def test_another_type_or_a_denial_is_another_event_but_another_sector_is_not(tmp_path: Path) -> None:
    military = Actor("Japanese troops", "JPNMIL", "JPN", "MIL", "Japan", 20, 38)
    with Store(tmp_path / "d.duckdb") as store:
        store.write([_on("a1", 0), _on("a2", 0, recipient=military), _on("a3", 0, event_type="REJECT"),  # type: ignore[list-item]
                     _on("a4", 0, modality="negated"), _on("a5", 0)])
        deduplicated = store.deduplicated()
    assert sorted(d["sources"] for d in deduplicated) == [1, 1, 3]
    [summit] = [d for d in deduplicated if d["sources"] == 3]
    assert summit["recipient"]["country"] == "JPN" and summit["recipient"]["sector"] == "GOV"  # the most common
    assert {d["modality"] for d in deduplicated} == {"asserted", "negated"}


RUSSIA = Actor("Russia", "RUS", "RUS", None, "Russia", 0, 6)
KREMLIN = Actor("the Kremlin", "RUSGOV", "RUS", "GOV", "Russia", 0, 11)
CHINA = Actor("China", "CHN", "CHN", None, "China", 20, 25)
BEIJING = Actor("Chinese officials", "CHNGOV", "CHN", "GOV", "China", 20, 37)
INDIA = Actor("India", "IND", "IND", None, "India", 20, 25)


def _meet(article_id: str, actor: Actor, recipient: Actor | None, days: int = 0, **changes: object) -> object:
    return _on(article_id, days, **{"actor": actor, "recipient": recipient, "event_type": "CONSULT", "cameo": "036",
                                    **changes})


def _groups(store: Store) -> set[frozenset[str]]:
    """The articles of each deduplicated event, as the deduplicated_events table and the
    events' dedup_id both give them (asserting that they agree)."""
    table = {d["id"]: frozenset(r["article_id"] for r in d["reports"]) for d in store.deduplicated(limit=None)}
    by_report: dict[str, set[str]] = {}
    for event in store.events(limit=None):
        by_report.setdefault(event["deduplicated_id"], set()).add(event["article_id"])
    assert {k: frozenset(v) for k, v in by_report.items()} == table
    counted = store.db.execute("SELECT id, reports FROM deduplicated_events").fetchall()
    assert {i: n for i, n in counted} == {i: len(v) for i, v in table.items()}
    return set(table.values())


def test_outlets_reports_of_one_summit_are_one_event_whatever_their_sectors(tmp_path: Path) -> None:
    """Wire, a national broadcaster and two scraped pages report one Moscow-Beijing summit: as
    Russia or the Kremlin, with China or Chinese officials, one naming no counterpart."""
    reports = [_meet("wire", RUSSIA, CHINA), _meet("broadcaster", KREMLIN, BEIJING),
               _meet("page1", KREMLIN, CHINA), _meet("page2", RUSSIA, None)]
    with Store(tmp_path / "d.duckdb") as store:
        store.write(reports)  # type: ignore[arg-type]
        [summit] = store.deduplicated()
        groups = _groups(store)
    assert groups == {frozenset({"wire", "broadcaster", "page1", "page2"})}
    assert summit["sources"] == 4 and summit["mentions"] == 4
    assert (summit["actor"]["country"], summit["recipient"]["country"]) == ("RUS", "CHN")


def test_two_recipients_stay_apart_and_a_report_naming_neither_stands_alone(tmp_path: Path) -> None:
    with Store(tmp_path / "d.duckdb") as store:
        store.write([_meet("a1", RUSSIA, CHINA), _meet("a2", KREMLIN, BEIJING), _meet("a3", RUSSIA, INDIA),  # type: ignore[list-item]
                     _meet("a4", RUSSIA, None), _meet("a5", RUSSIA, None, days=1)])
        groups = _groups(store)
    # a5 is on another day: its block has no recipient to join
    assert groups == {frozenset({"a1", "a2"}), frozenset({"a3"}), frozenset({"a4"}), frozenset({"a5"})}


def test_a_later_report_with_another_recipient_takes_the_unaddressed_report_back(tmp_path: Path) -> None:
    """A report with no recipient joins its block's only recipient; once a later batch brings a
    second recipient the join is ambiguous, and it stands alone again; when that report is
    re-coded away, it joins once more."""
    with Store(tmp_path / "d.duckdb") as store:
        store.write([_meet("a1", RUSSIA, CHINA), _meet("a2", RUSSIA, None)])  # type: ignore[list-item]
        assert _groups(store) == {frozenset({"a1", "a2"})}
        store.write([_meet("a3", KREMLIN, INDIA)])  # type: ignore[list-item]
        assert _groups(store) == {frozenset({"a1"}), frozenset({"a2"}), frozenset({"a3"})}
        assert sorted(d["sources"] for d in store.deduplicated()) == [1, 1, 1]
        store.write([_meet("a3", KREMLIN, INDIA, event_type="REJECT", cameo="120")])  # re-coded: another type
        assert _groups(store) == {frozenset({"a1", "a2"}), frozenset({"a3"})}


def test_an_intended_and_an_asserted_report_are_one_event_a_denial_is_not(tmp_path: Path) -> None:
    with Store(tmp_path / "d.duckdb") as store:
        store.write([_meet("plan", RUSSIA, CHINA, modality="intended"), _meet("held", KREMLIN, CHINA),  # type: ignore[list-item]
                     _meet("denied", RUSSIA, CHINA, modality="negated")])
        groups = _groups(store)
        shown = {d["sources"]: d["modality"] for d in store.deduplicated()}
    assert groups == {frozenset({"plan", "held"}), frozenset({"denied"})}
    assert shown == {2: "asserted", 1: "negated"}


def test_an_organisation_with_no_country_is_grouped_by_its_code(tmp_path: Path) -> None:
    un = [Actor("the United Nations", "IGOUNO", None, None, "United Nations", 0, 18),
          Actor("UN", "IGOUNO", None, None, "United Nations", 0, 2)]
    eu = Actor("the EU", "IGOEUR", None, None, "European Union", 0, 6)
    with Store(tmp_path / "d.duckdb") as store:
        store.write([_on("a1", 0, actor=un[0]), _on("a2", 0, actor=un[1]), _on("a3", 0, actor=eu),  # type: ignore[list-item]
                     _on("a4", 0, recipient=un[1]), _on("a5", 0, recipient=un[0])])
        assert _groups(store) == {frozenset({"a1", "a2"}), frozenset({"a3"}), frozenset({"a4", "a5"})}


_ROLES = {"wire": (RUSSIA, CHINA), "tass": (KREMLIN, BEIJING), "page": (RUSSIA, None), "blog": (KREMLIN, None),
          "india": (RUSSIA, INDIA), "xinhua": (KREMLIN, CHINA)}


@settings(max_examples=12, deadline=None)
@given(st.permutations(list(_ROLES)), st.lists(st.integers(1, 5), min_size=1, max_size=6), st.data())
def test_the_grouping_does_not_depend_on_the_order_or_batches_reports_come_in(
        order: list[str], cuts: list[int], data: st.DataObject) -> None:
    """Any order, any split into batches, any report re-coded on the way: the same groups as a
    single batch, and as a full regrouping."""
    chosen = order[: data.draw(st.integers(2, len(order)))]
    articles = {name: _meet(name, *_ROLES[name]) for name in chosen}
    with Store(":memory:") as whole:
        whole.write(list(articles.values()))  # type: ignore[arg-type]
        expected = _groups(whole)
        expected_rows = whole.db.execute("SELECT * FROM deduplicated_events ORDER BY id").fetchall()
    with Store(":memory:") as store:
        start = 0
        for cut in cuts:
            batch = chosen[start : start + cut] or chosen[:1]  # past the end: a rerun of the first
            store.write([articles[name] for name in batch])  # type: ignore[misc]
            start += cut
        store.write([articles[name] for name in chosen[start:]])  # type: ignore[misc]
        assert _groups(store) == expected
        rows = store.db.execute("SELECT * FROM deduplicated_events ORDER BY id").fetchall()
        assert rows == expected_rows
        store.set_dedup_window(1)
        assert store.db.execute("SELECT * FROM deduplicated_events ORDER BY id").fetchall() == expected_rows


def test_filters_and_the_other_reports_of_an_event(tmp_path: Path) -> None:
    with Store(tmp_path / "d.duckdb") as store:
        store.write([_on("a1", 0), _on("a2", 0), _on("a3", 2)])  # type: ignore[list-item]
        [event] = store.deduplicated(actor="rus", since=DAY, until=DAY)
        [late] = store.events(actor="RUS", since=DAY + dt.timedelta(days=1))
        others = store.reports(event["id"], but=event["reports"][0]["event_id"])
    assert event["sources"] == 2 and late["sources"] == 1 and late["article_id"] == "a3"
    assert [r["article_id"] for r in others] == ["a2"]


def test_the_window_is_a_setting_and_regroups_stored_events(tmp_path: Path) -> None:
    days = [0, 1, 2, 3, 7]
    with Store(tmp_path / "d.duckdb") as store:
        store.write([_on(f"a{d}", d) for d in days])  # type: ignore[misc]
        assert len(store.deduplicated()) == 5
        assert store.set_dedup_window(3) == len({(DAY - dt.date(1970, 1, 1)).days // 3 + 0 for _ in [0]} |
                                                {((DAY - dt.date(1970, 1, 1)).days + d) // 3 for d in days})
        store.write([_on("late", 8)])  # type: ignore[list-item]
        blocks: dict[int, int] = {}
        for d in [*days, 8]:
            block = ((DAY - dt.date(1970, 1, 1)).days + d) // 3
            blocks[block] = blocks.get(block, 0) + 1
        assert sorted(e["sources"] for e in store.deduplicated()) == sorted(blocks.values())
        with pytest.raises(StoreError, match="from 1 to 3650"):
            store.set_dedup_window(0)


def test_undated_reports_stand_alone(tmp_path: Path) -> None:
    with Store(tmp_path / "d.duckdb") as store:
        store.write([_on("a1", 0, date=None), _on("a2", 0, date=None)])  # type: ignore[list-item]
        assert [d["sources"] for d in store.deduplicated()] == [1, 1]


def test_a_reprint_is_a_mention_of_the_deduplicated_event_not_a_source(tmp_path: Path) -> None:
    body = " The ministry gave no reason for the move, which the other side condemned at length on Tuesday."
    wire, reprint = _article("wire", text="Expulsion." + body), _article("reprint", text="Expulsion." + body + " Ends.")
    with Store(tmp_path / "d.duckdb") as store:
        store.write([wire, reprint, _article("other")])
        [event] = store.deduplicated()
        table = store.db.execute("SELECT sources, mentions, reports FROM deduplicated_events").fetchall()
    assert (event["sources"], event["mentions"], len(event["reports"])) == (2, 3, 3)
    assert table == [(2, 3, 3)]


def test_re_coding_an_original_after_its_copy_does_not_make_it_a_copy_of_itself(tmp_path: Path) -> None:
    body = " The ministry gave no reason for the move, which the other side condemned at length on Tuesday."
    with Store(tmp_path / "d.duckdb") as store:
        store.write([_article("wire", text="Expulsion." + body)])
        store.write([_article("reprint", text="Expulsion." + body + " Ends.")])
        store.write([_article("wire", text="Expulsion." + body)])  # a rerun after a crash codes it again
        pointers = dict(store.db.execute("SELECT id, duplicate_of FROM articles").fetchall())
    assert pointers == {"wire": None, "reprint": "wire"}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.tuples(st.sampled_from("abcdef"), st.integers(0, 3), st.sampled_from(["161", "112"])),
                         min_size=1, max_size=5), min_size=1, max_size=5))
def test_writes_keep_deduplicated_events_equal_to_a_full_regrouping(tmp_path: Path, batches: list) -> None:
    """Whatever articles are written and re-coded, batch by batch, the deduplicated events the
    writer maintains are those a regrouping of every report gives."""
    path = tmp_path / f"{uuid.uuid4().hex}.duckdb"
    kinds = {"161": "SANCTION", "112": "ACCUSE"}
    with Store(path) as store:
        for batch in batches:
            articles = {name: _on(name, day, cameo=cameo, event_type=kinds[cameo]) for name, day, cameo in batch}
            store.write(list(articles.values()))  # type: ignore[arg-type]
        query = "SELECT * FROM deduplicated_events ORDER BY id"
        kept = store.db.execute(query).fetchall()
        store.set_dedup_window(1)
        assert kept == store.db.execute(query).fetchall()
        assert store.db.execute("SELECT count(DISTINCT dedup_id) FROM events").fetchall() == [(len(kept),)]


def test_signature_is_the_same_whatever_the_chunk_size(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(5)
    words = [f"word{rng.randrange(10**6)}" for _ in range(5000)]
    text = " ".join(words)
    whole = dedup.signature(text)
    monkeypatch.setattr(dedup, "_CHUNK", 100)
    assert dedup.signature(text) == whole
    edited = dedup.signature(" ".join(words[:4700] + ["edited"] * 300))  # about 6% of the 5-grams differ
    assert 0.8 <= dedup.similarity(whole, edited) < 1
    assert dedup.similarity(whole, dedup.signature("a wholly different story about the weather")) < 0.2


def _as_schema_7(path: Path) -> None:
    """Turn a database into what schema 7 wrote: no sentences, mentions or views; text band keys."""
    with duckdb.connect(str(path)) as db:
        db.execute("DROP TABLE deduplicated_events; DROP TABLE sentences; DROP TABLE mentions")
        db.execute("ALTER TABLE events DROP COLUMN dedup_id")
        for column in ("coder", "model_version", "model_probability", "location_source"):  # added by 9 and 10
            db.execute(f"ALTER TABLE events DROP COLUMN {column}")
        db.execute("DROP TABLE article_bands; CREATE TABLE article_bands (band_key VARCHAR, article_id VARCHAR)")
        db.execute("DELETE FROM dyad_meta WHERE key = 'dedup_window_days'")
        db.execute("UPDATE dyad_meta SET value = '7' WHERE key = 'schema_version'")


def test_a_schema_7_database_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    body = " The ministry gave no reason for the move, which the other side condemned at length on Tuesday."
    with Store(path) as store:
        store.write([_article("wire", text="Expulsion." + body)])
    _as_schema_7(path)
    with pytest.raises(StoreError, match=r"schema 7.*`dyad migrate .*old.duckdb`"):
        Store(path)
    assert migrate(path) == ["8", "9", "10", SCHEMA_VERSION]
    assert migrate(path) == []
    with Store(path) as store:
        assert store.db.execute("SELECT count(*) FROM article_bands").fetchall() == [(dedup.BANDS,)]
        store.write([_article("reprint", text="Expulsion." + body + " Ends.")])  # found against the migrated bands
        assert dict(store.db.execute("SELECT id, duplicate_of FROM articles").fetchall()) == {
            "wire": None, "reprint": "wire"}
        assert [e["sources"] for e in store.deduplicated()] == [1]


def test_a_schema_8_database_keeps_its_events_which_the_patterns_coded(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    with Store(path) as store:
        store.write([_article("a1"), _article("a2", text="Another story entirely.")])
        before = store.db.execute("SELECT id, cameo, dedup_id FROM events ORDER BY id").fetchall()
    with duckdb.connect(str(path)) as db:
        for column in ("coder", "model_version", "model_probability", "location_source"):
            db.execute(f"ALTER TABLE events DROP COLUMN {column}")
        db.execute("UPDATE dyad_meta SET value = '8' WHERE key = 'schema_version'")
    assert migrate(path) == ["9", "10", SCHEMA_VERSION]
    with Store(path) as store:
        after = store.db.execute("SELECT id, cameo, dedup_id FROM events ORDER BY id").fetchall()
        assert after == before and after
        assert {e["coder"] for e in store.events(limit=None, statements=True)} == {"pattern"}
        assert {e["model_version"] for e in store.events(limit=None, statements=True)} == {None}


def test_a_schema_9_database_gains_the_place_source_and_is_regrouped_for_its_window(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    with Store(path) as store:
        store.write([_on("a1", 0), _on("a2", 1), _on("a3", 5)])  # type: ignore[list-item]
        store.set_dedup_window(3)
        grouped = store.db.execute("SELECT id, dedup_id FROM events ORDER BY id").fetchall()
        events = store.db.execute("SELECT * EXCLUDE (place_source) FROM deduplicated_events ORDER BY id").fetchall()
    with duckdb.connect(str(path)) as db:
        db.execute("ALTER TABLE events DROP COLUMN location_source")
        db.execute("UPDATE events SET dedup_id = 'stale'; DELETE FROM deduplicated_events")
        db.execute("UPDATE dyad_meta SET value = '9' WHERE key = 'schema_version'")
    assert migrate(path) == ["10", SCHEMA_VERSION]
    with Store(path) as store:
        assert store.db.execute("SELECT id, dedup_id FROM events ORDER BY id").fetchall() == grouped
        assert store.db.execute("SELECT * EXCLUDE (place_source) FROM deduplicated_events ORDER BY id").fetchall() == events
        assert len(events) == 2  # the window of 3 days, not the default, grouped a1 with a2
        assert {e["location"]["source"] for e in store.events(limit=None)} == {None}
        assert {e["location"]["name"] for e in store.events(limit=None)} == {"Tokyo"}


def test_a_failed_migration_leaves_the_database_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dyad.store import migrations as store_module

    path = tmp_path / "old.duckdb"
    with Store(path) as store:
        store.write([_article("a1")])
    _as_schema_7(path)

    def broken(db: object) -> None:
        store_module._migrate_7(db)
        raise RuntimeError("disk full")

    monkeypatch.setitem(store_module.MIGRATIONS, "7", broken)
    with pytest.raises(StoreError, match="could not migrate .* from schema 7: disk full"):
        migrate(path)
    with duckdb.connect(str(path)) as db:
        assert db.execute("SELECT value FROM dyad_meta WHERE key = 'schema_version'").fetchall() == [("7",)]
        assert db.execute("SELECT data_type FROM information_schema.columns WHERE table_name = 'article_bands' "
                          "AND column_name = 'band_key'").fetchall() == [("VARCHAR",)]


def test_a_page_of_events_has_the_counts_a_full_listing_has(tmp_path: Path) -> None:
    with Store(tmp_path / "d.duckdb") as store:
        store.write([_on("a1", 0), _on("a2", 0), _on("a3", 1), _on("a4", 2), _on("a5", 2)])  # type: ignore[list-item]
        everything = store.events(limit=None)
        pages = [store.events(limit=2, offset=offset) for offset in (0, 2, 4)]
    assert [e for page in pages for e in page] == everything
    assert [e["sources"] for e in everything] == [2, 2, 1, 2, 2]


def test_a_no_recipient_report_on_a_zero_date_joins_across_batches(tmp_path: Path) -> None:
    """A CMS's zero date (0001-01-01) and a window of days: the block is still found and regrouped."""
    zero = dt.date(1, 1, 1)
    with Store(tmp_path / "d.duckdb") as store:
        store.set_dedup_window(3)
        store.write([_meet("a1", RUSSIA, CHINA, date=zero)])  # type: ignore[list-item]
        store.write([_meet("a2", KREMLIN, None, date=zero + dt.timedelta(days=1))])  # type: ignore[list-item]
        assert _groups(store) == {frozenset({"a1", "a2"})}
        assert [d["sources"] for d in store.deduplicated()] == [2]


def test_a_deduplicated_event_takes_the_place_a_report_says_it_happened_over_a_dateline(tmp_path: Path) -> None:
    from dyad.types import Location

    filed = Location("Geneva", "CHE", 46.2, 6.14, 42, 47, "city", source="dateline")
    stated = Location("Tokyo", "JPN", 35.68, 139.69, 42, 47, "capital", source="sentence")
    first, second = _on("a1", 0), _on("a2", 0)
    # the dateline's report is the one an order by date and id would take first
    order = sorted([first, second], key=lambda a: event_id(a.id, a.events[0]))  # type: ignore[attr-defined]
    order[0].events[0] = dataclasses.replace(order[0].events[0], location=filed)  # type: ignore[attr-defined]
    order[1].events[0] = dataclasses.replace(order[1].events[0], location=stated)  # type: ignore[attr-defined]
    with Store(tmp_path / "d.duckdb") as store:
        store.write([first, second])  # type: ignore[list-item]
        [event] = store.deduplicated()
    assert event["sources"] == 2 and event["location"]["name"] == "Tokyo"

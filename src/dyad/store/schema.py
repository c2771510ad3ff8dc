"""The tables of a Dyad database, the schema version they make, and the settings a database
starts with. Upgrading an older database to them is `migrations`."""

from __future__ import annotations

from typing import Any

__all__ = ["DEDUP_WINDOW_DAYS", "DEDUP_WINDOW_RANGE", "SCHEMA", "SCHEMA_VERSION", "TABLES", "schema_version"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id VARCHAR PRIMARY KEY,
    date DATE,
    title VARCHAR,
    source VARCHAR,
    url VARCHAR,
    origin VARCHAR,
    text VARCHAR NOT NULL,
    removed JSON,            -- blocks the cleaner dropped: [{start, end, reason}]
    n_sentences INTEGER,
    n_events INTEGER,
    coded_at TIMESTAMP,
    duplicate_of VARCHAR,    -- the earlier article this one near-duplicates (a wire copy, a reprint)
    minhash BLOB             -- its MinHash signature (coding/signature.py), as little-endian unsigned 64-bit integers
);
CREATE TABLE IF NOT EXISTS article_bands (
    band_key UBIGINT,        -- an LSH band of the article's MinHash signature (coding/signature.py)
    article_id VARCHAR
);
CREATE TABLE IF NOT EXISTS sentences (
    article_id VARCHAR NOT NULL,
    sentence_index INTEGER,
    start_offset INTEGER,    -- offsets into the article's text
    end_offset INTEGER,
    text VARCHAR
);
CREATE TABLE IF NOT EXISTS mentions (
    article_id VARCHAR NOT NULL,
    sentence_index INTEGER,
    start_offset INTEGER,
    end_offset INTEGER,
    text VARCHAR,
    kind VARCHAR,            -- country, demonym, capital, metonym, person, agent, org or place
    key VARCHAR,             -- the dictionary entry it matched
    country VARCHAR,
    sector VARCHAR
);
CREATE TABLE IF NOT EXISTS events (
    id VARCHAR,              -- unique: the writer replaces an article's events as a whole
    article_id VARCHAR NOT NULL,
    sentence_index INTEGER,
    date DATE,
    date_precision VARCHAR,
    date_text VARCHAR,
    event_type VARCHAR,
    mode VARCHAR,
    modality VARCHAR,        -- asserted, intended, negated, hypothetical, historical
    context VARCHAR,
    cameo VARCHAR NOT NULL,
    goldstein DOUBLE,
    quad_class INTEGER,
    actor_text VARCHAR, actor_code VARCHAR, actor_country VARCHAR, actor_sector VARCHAR, actor_name VARCHAR,
    actor_role VARCHAR, actor_ner VARCHAR,
    recipient_text VARCHAR, recipient_code VARCHAR, recipient_country VARCHAR, recipient_sector VARCHAR,
    recipient_name VARCHAR, recipient_role VARCHAR, recipient_ner VARCHAR,
    location_name VARCHAR, location_country VARCHAR, location_lat DOUBLE, location_lon DOUBLE, location_type VARCHAR,
    sentence VARCHAR,
    evidence JSON,           -- {actor: [start, end], recipient: [...], event: [...], location: [...]}
    confidence DOUBLE,
    mentions INTEGER,
    pattern VARCHAR,
    quote_id VARCHAR,
    notes JSON,
    dedup_id VARCHAR,        -- the deduplicated event this report belongs to
    coder VARCHAR,           -- what decided its type and roles: pattern or model
    model_version VARCHAR,   -- the event model that read its sentence, if one did
    model_probability DOUBLE, -- that model's probability for the event's type
    location_source VARCHAR  -- where its place was read: sentence, article or dateline
);
CREATE TABLE IF NOT EXISTS deduplicated_events (  -- what defines each one, and its counts
    id VARCHAR PRIMARY KEY,
    date DATE, last_date DATE,
    event_type VARCHAR, modality VARCHAR,
    actor_country VARCHAR, actor_sector VARCHAR, recipient_country VARCHAR, recipient_sector VARCHAR,
    sources INTEGER,         -- distinct articles, a near-duplicate counted with its original
    mentions INTEGER,        -- reporting sentences
    reports INTEGER,         -- rows in events
    goldstein DOUBLE,        -- the mean of its reports' scores, unrounded
    place_name VARCHAR, place_country VARCHAR, place_lat DOUBLE, place_lon DOUBLE,
    place_source VARCHAR,    -- where it happened, as its best-placed report says (best_place)
    place_event_id VARCHAR   -- that report
);
CREATE TABLE IF NOT EXISTS quotes (
    id VARCHAR PRIMARY KEY,
    article_id VARCHAR NOT NULL,
    kind VARCHAR,            -- direct (in quotation marks) or indirect (reported)
    text VARCHAR,
    start_offset INTEGER,
    end_offset INTEGER,
    speaker_text VARCHAR,
    speaker_code VARCHAR,
    speaker_country VARCHAR,
    speaker_name VARCHAR
);
CREATE TABLE IF NOT EXISTS dyad_meta (
    key VARCHAR PRIMARY KEY,
    value VARCHAR
);
CREATE TABLE IF NOT EXISTS runs (
    id VARCHAR PRIMARY KEY,
    started_at TIMESTAMP,
    finished_at TIMESTAMP,   -- null while running, or if the run was killed
    dyad_version VARCHAR,
    codebook VARCHAR,        -- digest of the codebook and pattern files the run coded with
    model VARCHAR,
    inputs JSON,
    articles INTEGER,
    events INTEGER,
    input_errors INTEGER
);
CREATE TABLE IF NOT EXISTS input_errors (
    item VARCHAR,
    reason VARCHAR,
    seen_at TIMESTAMP
);
"""

SCHEMA_VERSION = "11"
# the tables a batch writes rows to (deduplicated_events is derived from events)
TABLES = ("articles", "article_bands", "sentences", "mentions", "events", "quotes", "input_errors")
DEDUP_WINDOW_DAYS = 1
# the windows a database may be set to: a day to ten years
DEDUP_WINDOW_RANGE = (1, 3650)


def schema_version(db: Any) -> str | None:
    """The schema version of an open database: None when it holds no Dyad data, "1" for the
    first releases, which kept no version."""
    tables = {row[0] for row in db.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    if "dyad_meta" in tables:
        row = db.execute("SELECT value FROM dyad_meta WHERE key = 'schema_version'").fetchall()
        return str(row[0][0]) if row else "1"
    return "1" if "events" in tables else None


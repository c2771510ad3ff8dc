"""Near-duplicate articles: wire copies and syndicated reprints, found with MinHash and LSH.

An article's signature is the minimum hash, under `PERMUTATIONS` seeded hash functions, of
its word 5-grams; two articles whose signatures agree in a whole band of `ROWS` values are
candidates, confirmed when the signatures agree on at least `THRESHOLD` of their values (an
estimate of the Jaccard similarity of their 5-grams). A duplicate counts as another mention
of its original's events, not as another source.
"""

from __future__ import annotations

import hashlib
import re
import struct
from collections.abc import Sequence

__all__ = ["BANDS", "THRESHOLD", "band_keys", "signature", "similarity"]

PERMUTATIONS = 64
BANDS = 16
ROWS = PERMUTATIONS // BANDS
THRESHOLD = 0.8
SHINGLE = 5
_MASK = (1 << 63) - 1  # fits a signed 64-bit integer, for the database and DataFrames
_SEEDS = [int.from_bytes(hashlib.sha256(f"dyad-minhash-{i}".encode()).digest()[:8], "big") | 1 for i in range(PERMUTATIONS)]


def _shingles(text: str) -> set[int]:
    words = re.findall(r"\w+", text.lower())
    grams = [" ".join(words[i : i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))]
    return {struct.unpack("<Q", hashlib.blake2b(g.encode(), digest_size=8).digest())[0] for g in grams}


def signature(text: str) -> list[int]:
    """The MinHash signature of a text (`PERMUTATIONS` values)."""
    shingles = _shingles(text) or {0}
    return [min(((s * seed) ^ (s >> 29)) & _MASK for s in shingles) for seed in _SEEDS]


def band_keys(sig: Sequence[int]) -> list[str]:
    """One key per LSH band: articles sharing a key are near-duplicate candidates."""
    return [f"{b}:" + hashlib.blake2b(struct.pack(f"<{ROWS}Q", *sig[b * ROWS : (b + 1) * ROWS]), digest_size=8).hexdigest()
            for b in range(BANDS)]


def similarity(a: Sequence[int], b: Sequence[int]) -> float:
    """The estimated Jaccard similarity of two signatures' texts."""
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)

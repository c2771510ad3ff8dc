"""Near-duplicate articles: wire copies and syndicated reprints, found with MinHash and LSH.

An article's signature is the minimum hash, under `PERMUTATIONS` seeded hash functions, of
its word 5-grams; two articles whose signatures agree in a whole band of `ROWS` values are
candidates, confirmed when the signatures agree on at least `THRESHOLD` of their values (an
estimate of the Jaccard similarity of their 5-grams). A duplicate counts as another mention
of its original's events, not as another source.

The arithmetic is numpy's, on unsigned 64-bit integers that wrap, so a signature costs a few
array operations rather than a Python loop per word.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ..types import Article

__all__ = ["BANDS", "THRESHOLD", "band_keys", "sign", "signature", "similarity"]

PERMUTATIONS = 64
BANDS = 16
ROWS = PERMUTATIONS // BANDS
THRESHOLD = 0.8
SHINGLE = 5
_CHUNK = 8192  # shingles hashed at once: bounds memory on very long texts
_WORD = re.compile(r"\w+")
_MASK = np.uint64((1 << 63) - 1)  # fits a signed 64-bit integer, for the database and DataFrames
_PRIME = np.uint64(1099511628211)
_SHIFT = np.uint64(29)
_SEEDS = np.array([int.from_bytes(hashlib.sha256(f"dyad-minhash-{i}".encode()).digest()[:8], "big") | 1
                   for i in range(PERMUTATIONS)], dtype=np.uint64)[:, None]


def _shingles(text: str) -> np.ndarray:
    """One 64-bit hash per distinct word 5-gram (per text, if it is shorter than that)."""
    words = [zlib.crc32(w.encode()) for w in _WORD.findall(text.lower())] or [0]
    hashes = np.array(words, dtype=np.uint64)
    n = max(1, len(hashes) - SHINGLE + 1)
    grams = np.zeros(n, dtype=np.uint64)
    for k in range(min(SHINGLE, len(hashes))):
        grams = grams * _PRIME + hashes[k : k + n]
    return np.unique(grams)


def signature(text: str) -> list[int]:
    """The MinHash signature of a text (`PERMUTATIONS` values)."""
    shingles = _shingles(text)
    best = np.full(PERMUTATIONS, _MASK, dtype=np.uint64)
    for first in range(0, len(shingles), _CHUNK):
        chunk = shingles[None, first : first + _CHUNK]
        best = np.minimum(best, (((chunk * _SEEDS) ^ (chunk >> _SHIFT)) & _MASK).min(axis=1))
    return [int(v) for v in best]


def band_keys(signatures: Sequence[Sequence[int]]) -> np.ndarray:
    """For each signature, one key per LSH band (an array of shape (len(signatures), BANDS)):
    articles sharing a key are near-duplicate candidates. The band's number is part of the
    key, so equal values in different bands do not collide."""
    values = np.array(signatures, dtype=np.uint64).reshape(len(signatures), BANDS, ROWS)
    keys = np.broadcast_to(np.arange(BANDS, dtype=np.uint64), (len(signatures), BANDS))
    for column in range(ROWS):
        keys = keys * _PRIME + values[:, :, column]
    return keys & _MASK


def similarity(a: Sequence[int], b: Sequence[int]) -> float:
    """The estimated Jaccard similarity of two signatures' texts."""
    return float(np.count_nonzero(np.asarray(a) == np.asarray(b))) / len(a)


def sign(article: Article) -> Article:
    """The pipeline stage: the signature of the text the cleaner kept, so reprints framed by
    different site furniture still match."""
    kept = " ".join(article.text[b.start : b.end] for b in article.kept_blocks)
    article.signature = signature(kept or article.text)
    return article

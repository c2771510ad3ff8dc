"""Near-copies among stored articles: which earlier article (stored, or earlier in the batch)
each new one is a wire copy or reprint of, found through the LSH bands of their MinHash
signatures (`coding.signature`), which the articles and article_bands tables keep."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..coding.signature import BANDS, THRESHOLD, similarity
from ..types import Article
from .rows import registered

__all__ = ["CANDIDATES_PER_BAND", "bands_frame", "find_originals", "pack", "unpack"]

# Articles compared per shared LSH band, earliest first. A band common to many articles is
# boilerplate, not a copy; an original is found through the bands it shares with few others.
CANDIDATES_PER_BAND = 20


def find_originals(db: Any, articles: Sequence[Article], signatures: dict[str, list[int]],
                   keys: Any) -> dict[str, str | None]:
    """For each article, the earliest article (stored, or earlier in the batch) it
    near-duplicates: sharing an LSH band and similar enough (`coding.signature`). Candidates are
    found with joins on the band keys; only they are compared one by one."""
    import numpy as np
    import pandas

    bands = pandas.DataFrame({"band_key": keys.ravel(), "position": np.repeat(np.arange(len(articles)), BANDS)})
    with registered(db, "_dyad_keys", bands):
        stored = db.execute(
            """SELECT k.position, a.id, a.duplicate_of, a.minhash
               FROM (SELECT b.band_key, b.article_id FROM article_bands b
                     WHERE b.band_key IN (SELECT band_key FROM _dyad_keys)) b
               JOIN articles a ON a.id = b.article_id
               JOIN _dyad_keys k ON k.band_key = b.band_key
               QUALIFY row_number() OVER (PARTITION BY k.position, b.band_key ORDER BY a.coded_at, a.id)
                       <= ?
               ORDER BY k.position, a.coded_at, a.id""", [CANDIDATES_PER_BAND]).fetchall()
    earlier: dict[int, list[tuple[str, str | None, list[int]]]] = {}
    for position, other, duplicate_of, minhash in stored:
        earlier.setdefault(position, []).append((other, duplicate_of, unpack(minhash)))
    # earlier articles of this batch sharing a band, the first few per band
    bands["rank"] = bands.groupby("band_key").cumcount()
    pairs = bands.merge(bands[bands["rank"] < CANDIDATES_PER_BAND], on="band_key", suffixes=("", "_other"))
    pairs = pairs[pairs["position_other"] < pairs["position"]].sort_values(["position", "position_other"])
    in_batch: dict[int, list[int]] = {}
    for position, other in zip(pairs["position"].tolist(), pairs["position_other"].tolist(), strict=True):
        in_batch.setdefault(position, []).append(other)
    originals: dict[str, str | None] = {}
    for position, article in enumerate(articles):
        found = None
        if position in earlier or position in in_batch:
            sig, tried = signatures[article.id], {article.id}
            batch_candidates = [(articles[o].id, originals[articles[o].id], signatures[articles[o].id])
                                for o in in_batch.get(position, [])]
            for other, duplicate_of, minhash in [*earlier.get(position, []), *batch_candidates]:
                if duplicate_of == article.id:  # re-coding an original whose copies are stored
                    continue
                if other not in tried:
                    tried.add(other)
                    if similarity(sig, minhash) >= THRESHOLD:
                        found = duplicate_of or other
                        break
        originals[article.id] = found
    return originals


def pack(sig: Sequence[int]) -> bytes:
    import numpy as np

    return np.asarray(sig, dtype="<u8").tobytes()


def unpack(blob: bytes) -> Any:
    import numpy as np

    return np.frombuffer(blob, dtype="<u8")


def bands_frame(ids: list[str], keys: Any) -> Any:
    """The article_bands rows of articles with these ids and band keys (`coding.signature.band_keys`)."""
    import numpy as np
    import pandas

    return pandas.DataFrame({"band_key": keys.ravel(), "article_id": np.repeat(np.array(ids, dtype=object), BANDS)})

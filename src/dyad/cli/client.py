"""`dyad code PATH... --server URL`: code into a database that `dyad serve` holds.

DuckDB lets one process write a database file, and `dyad serve` keeps its file open, so a
second process cannot code into it. Instead the input is read here, as `dyad code` reads it,
and posted in batches to the server's `POST /api/articles`, which codes and stores them while
it goes on answering readers. Items that cannot be read are reported here; items the server
refuses come back with their reasons. As in a local run, an id seen earlier in the run is
skipped (the first is kept), and a post the server refuses whole (too big, say) makes its
articles skipped items; only a wrong token or an unreachable server stops the run.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..coding.pipeline import RunReport
from ..errors import DyadError, InputError
from ..types import Article

__all__ = ["post_articles"]

STOPPING = (401, 403)  # answers that would be the same for every post: no use going on

BATCH = 50  # articles a post carries: under the server's limit of 100
BATCH_BYTES = 4_000_000  # and under its 5 MB body limit


def post_articles(items: Iterable[Article | InputError], url: str, token: str | None,
                  progress: Callable[[int], None] | None = None, timeout: float = 600) -> RunReport:
    """Post every article to the server at `url`; the report counts what it stored."""
    if not token:
        raise DyadError("--server needs the server's token: --token TOKEN or DYAD_TOKEN")
    started = time.perf_counter()
    report = RunReport()
    endpoint = url.rstrip("/") + "/api/articles"
    for batch, errors in _batches(_first_of_each_id(items)):
        report.errors.extend(errors)
        if batch:
            try:
                answer = _post(endpoint, token, [_record(a) for a in batch], timeout)
            except _Refused as refused:  # the whole post: each of its articles is a skipped item
                report.errors.extend(InputError(a.origin or a.id, str(refused)) for a in batch)
            else:
                report.articles += len(answer["articles"])
                report.events += answer["events"]
                report.replaced += answer.get("replaced", 0)
                stored = set(answer["articles"])
                report.words += sum(len(a.text.split()) for a in batch if a.id in stored)
                report.errors.extend(InputError(_origin(batch, e["item"]), e["reason"]) for e in answer["errors"])
        if progress is not None:
            progress(len(batch) + len(errors))
    report.seconds = time.perf_counter() - started
    return report


class _Refused(Exception):
    """The server refused one post whole; the next may be fine."""


def _first_of_each_id(items: Iterable[Article | InputError]) -> Iterator[Article | InputError]:
    """The run's items with each later copy of an id made an error, as a local run does: the
    server only sees one post at a time, so across posts it would replace the first with it."""
    sent: set[str] = set()
    for item in items:
        if isinstance(item, Article):
            if item.id in sent:
                item = InputError(item.origin or item.id, f"duplicate article id {item.id!r}; the first one was kept")
            else:
                sent.add(item.id)
        yield item


def _origin(batch: list[Article], item: str) -> str:
    """Where the posted item the server names ("item N") was read from."""
    number = item.rpartition(" ")[2]
    return (batch[int(number)].origin or item) if number.isdigit() and int(number) < len(batch) else item


def _batches(items: Iterable[Article | InputError]) -> Iterator[tuple[list[Article], list[InputError]]]:
    batch: list[Article] = []
    errors: list[InputError] = []
    size = 0
    for item in items:
        if isinstance(item, InputError):
            errors.append(item)
            continue
        length = len(_body([_record(item)])) + 2
        if batch and (len(batch) >= BATCH or size + length > BATCH_BYTES):
            yield batch, errors
            batch, errors, size = [], [], 0
        batch.append(item)
        size += length
    if batch or errors:
        yield batch, errors


def _record(article: Article) -> dict[str, Any]:
    return {"id": article.id, "text": article.text, "title": article.title, "source": article.source,
            "url": article.url, "date": article.date.isoformat() if article.date else None}


def _body(records: list[dict[str, Any]]) -> bytes:
    return json.dumps(records, ensure_ascii=False).encode()  # UTF-8: non-ASCII text \u-escaped would be 2x larger


def _post(endpoint: str, token: str, records: list[dict[str, Any]], timeout: float) -> dict[str, Any]:
    request = urllib.request.Request(endpoint, data=_body(records), method="POST",
                                     headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - the user's own server
            answer: dict[str, Any] = json.loads(response.read())
            return answer
    except urllib.error.HTTPError as err:
        try:
            reason = json.loads(err.read()).get("error", err.reason)
        except ValueError:
            reason = err.reason
        if err.code in STOPPING:
            raise DyadError(f"the server at {endpoint} refused the articles ({err.code}): {reason}") from None
        raise _Refused(f"the server refused the post holding it ({err.code}): {reason}") from None
    except (urllib.error.URLError, OSError) as err:
        raise DyadError(f"cannot reach the server at {endpoint}: {getattr(err, 'reason', err)}") from None

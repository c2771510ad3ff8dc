"""POST /api/articles: articles posted to a server started with a token, read, coded with its
pipeline (one batch at a time, while readers go on) and stored; each item that cannot be
read, coded or stored is reported by its number in the post."""

from __future__ import annotations

import hmac
import json
import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

from fastapi import FastAPI, Request
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from ..coding.ingest.records import load_json, read_record
from ..errors import DyadError, InputError
from ..store.store import Store
from ..types import Article
from .api import ApiError
from .guards import Limits

__all__ = ["add_posting"]

log = logging.getLogger(__name__)


def add_posting(app: FastAPI, store: Store, limits: Limits, token: str | None,
                pipeline: Callable[[], Any] | None) -> None:
    """POST /api/articles on `app`, coding with `pipeline()` (default: a `Pipeline`, loaded on
    the first post) into `store`; off (403) without a `token`."""
    coding = threading.Lock()  # one pipeline, one writer
    coder: list[Any] = []

    @app.post("/api/articles")
    async def post_articles(request: Request) -> dict[str, Any]:
        """Code and store articles: a JSON object, or a list of them, with the JSON-lines fields
        (`text` or `html`; `id`, `date`, `title`, `source`, `url`)."""
        if token is None:
            raise ApiError(403, "posting articles is off; start the server with --token (or DYAD_TOKEN)")
        given = request.headers.get("authorization", "")  # _Gate refused two of them
        if not given.startswith("Bearer ") or not hmac.compare_digest(given[7:].encode(), token.encode()):
            raise ApiError(401, "a valid 'Authorization: Bearer <token>' header is needed")
        declared = request.headers.get("content-length")
        if declared is not None and not (declared.isascii() and declared.isdigit()):
            raise ApiError(400, "the Content-Length header is not a number")
        if declared is not None and int(declared) > limits.body:
            raise ApiError(413, f"the body is over {limits.body} bytes")
        body = bytearray()  # bytes += bytes would copy the whole body for each small chunk
        try:
            async for chunk in request.stream():
                body += chunk
                if len(body) > limits.body:
                    raise ApiError(413, f"the body is over {limits.body} bytes")
        except ClientDisconnect:  # gone, or cut off by the body timeout: no one to answer, nothing to log
            raise ApiError(400, "the connection closed before the whole body came") from None
        try:  # load_json: a number too long for Python is one field's problem, not the body's
            payload = load_json(body)
        except (ValueError, RecursionError) as err:  # also bad UTF-8, too deep
            raise ApiError(400, f"the body is not JSON: {err}") from None
        records = payload if isinstance(payload, list) else [payload]
        if not records or len(records) > limits.articles:
            raise ApiError(422, f"post 1 to {limits.articles} articles")
        return await _code(records)

    async def _code(records: list[Any]) -> dict[str, Any]:
        articles, errors = _first_of_each_id([_read(r, f"item {i}") for i, r in enumerate(records)])

        def work() -> dict[str, Any]:
            from ..coding.pipeline import code_safely

            with coding:  # one pipeline, one batch at a time; readers go on meanwhile
                if not coder:
                    from ..coding.pipeline import Pipeline

                    coder.append(pipeline() if pipeline else Pipeline())
                coded, failed = code_safely(coder[0], articles)  # an article that breaks a stage is its own error
                written = store.write(coded, [*errors, *failed])  # and so is one the store cannot hold
            stored = [a for a in coded if a.id not in written.failed_ids]
            reported = sorted([*errors, *failed, *written.failed], key=_item_number)
            return {"articles": [a.id for a in stored], "events": sum(not e.statement for a in stored for e in a.events),
                    "replaced": written.replaced, "errors": [{"item": e.where, "reason": e.reason} for e in reported]}

        try:
            return await run_in_threadpool(work)
        except DyadError as err:  # its message may name the server's files
            log.error("coding posted articles failed: %s", err)
            raise ApiError(500, "the articles could not be coded and stored; the server's log says why") from None


def _read(record: Any, where: str) -> Article | InputError:
    """One posted item as an `Article`, or the reason it is not one."""
    try:  # a lone surrogate escape ("\\ud800") is valid JSON but no text DuckDB can store
        json.dumps(record, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        return InputError(where, "a string in it is not valid Unicode (a lone surrogate)")
    return read_record(record, where)


def _item_number(error: InputError) -> int:
    """The posted item an error is about: its `where` is "item N"."""
    number = error.where.rpartition(" ")[2]
    return int(number) if number.isdigit() else -1


def _first_of_each_id(items: Iterable[Article | InputError]) -> tuple[list[Article], list[InputError]]:
    """The post's articles, the first of each id only (as in one local run: two identical
    articles without ids have the same content id), and its errors, later copies included."""
    articles: dict[str, Article] = {}
    errors: list[InputError] = []
    for item in items:
        if isinstance(item, InputError):
            errors.append(item)
        elif item.id in articles:
            errors.append(InputError(item.origin or item.id, f"duplicate article id {item.id!r} in this post "
                                                              f"({articles[item.id].origin}); the first one was kept"))
        else:
            articles[item.id] = item
    return list(articles.values()), errors

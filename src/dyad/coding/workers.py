"""Coding on several processes, for `dyad code --workers N`: workers the writer watches.

Each worker process codes one batch at a time, sent to it down its own pipe, so when a worker
dies (the out-of-memory killer, a SIGKILL, a crash in a library) the writer knows which batch it
held. That batch is coded once more in a fresh worker; if a worker dies on it again, its
articles are coded one by one, each in a worker of its own, and an article that still kills
its worker is reported as an input error: an article that kills workers is bad input. Results
come back in input order whatever happens.

Workers are forked from the writer with its pipeline loaded (no second model load) where the
platform can fork. They ignore Ctrl-C, which is the writer's to handle: the writer stops them
when it stops, for whatever reason, and on Linux a worker also dies when its writer does.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import logging
import multiprocessing
import os
import signal
from collections.abc import Iterator
from multiprocessing.connection import Connection, wait
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..types import Article

if TYPE_CHECKING:
    from .pipeline import Pipeline

__all__ = ["WorkerPool"]

log = logging.getLogger("dyad")
READ_AHEAD = 2  # batches in flight per worker: enough to keep them busy, and memory bounded
STOP_SECONDS = 5.0  # how long a stopped worker may take to exit before it is killed

Coded = tuple[list[Article], list[InputError]]


@dataclasses.dataclass
class _Job:
    batch: int  # the batch's number in input order
    start: int  # the position of its first article in the batch
    articles: list[Article]
    deaths: int = 0  # workers that died coding it


@dataclasses.dataclass
class _Worker:
    process: Any  # a multiprocessing Process (its type depends on the start method)
    conn: Connection
    job: _Job | None = None


class WorkerPool:
    """`size` worker processes coding batches with `pipeline`; use it as a context manager, so
    the workers are stopped however the block ends."""

    def __init__(self, pipeline: Pipeline, size: int) -> None:
        self.pipeline = pipeline
        self.size = size
        self.fork = "fork" in multiprocessing.get_all_start_methods()
        self.context: Any = multiprocessing.get_context("fork" if self.fork else "spawn")
        self.workers: list[_Worker] = []

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()

    def code(self, batches: Iterator[list[Article]]) -> Iterator[Coded]:
        """Each batch coded (the articles, and the input errors of those that could not be),
        in the order the batches came."""
        todo: collections.deque[_Job] = collections.deque()
        parts: dict[int, dict[int, Coded]] = {}  # batch -> position of a part -> the part coded
        missing: dict[int, int] = {}  # batch -> articles not coded yet
        read = written = 0
        more = True
        while True:
            while more and read - written < READ_AHEAD * self.size:
                batch = next(batches, None)
                if batch is None:
                    more = False
                    break
                parts[read], missing[read] = {}, len(batch)
                if batch:
                    todo.append(_Job(read, 0, batch))
                read += 1
            while written < read and missing[written] == 0:
                done = parts.pop(written)
                del missing[written]
                yield ([a for start in sorted(done) for a in done[start][0]],
                       [e for start in sorted(done) for e in done[start][1]])
                written += 1
            if not more and written == read:
                return
            self._hand_out(todo)
            for job, result in self._results(todo):
                parts[job.batch][job.start] = result
                missing[job.batch] -= len(job.articles)

    def stop(self) -> None:
        """Stop every worker (one that does not exit in time is killed) and wait for it."""
        for worker in self.workers:
            worker.conn.close()
            if worker.process.is_alive():
                worker.process.terminate()
        for worker in self.workers:
            worker.process.join(STOP_SECONDS)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
        self.workers = []

    def _hand_out(self, todo: collections.deque[_Job]) -> None:
        """Give each idle worker a job, starting workers up to `size`."""
        while todo:
            idle = next((w for w in self.workers if w.job is None), None)
            if idle is None:
                if len(self.workers) >= self.size:
                    return
                idle = self._start()
            job = todo.popleft()
            try:
                idle.conn.send(job.articles)
            except OSError:  # it died idle: not the job's fault
                todo.appendleft(job)
                self._bury(idle)
                continue
            idle.job = job

    def _results(self, todo: collections.deque[_Job]) -> list[tuple[_Job, Coded]]:
        """Wait for a worker to send back its job, or to die; return the jobs that are done
        (a job whose article killed its worker twice is done too: reported)."""
        busy = [w for w in self.workers if w.job is not None]
        if not busy:
            return []
        wait([w.conn for w in busy] + [w.process.sentinel for w in busy])
        done: list[tuple[_Job, Coded]] = []
        for worker in busy:
            result = _receive(worker)
            if result is not None:
                assert worker.job is not None
                done.append((worker.job, result))
                worker.job = None
            if worker.process.exitcode is None:
                continue
            if worker.job is None:
                self._bury(worker)
            else:
                done += self._died(worker, todo)
        return done

    def _died(self, worker: _Worker, todo: collections.deque[_Job]) -> list[tuple[_Job, Coded]]:
        """A worker died holding a job: code it again, in parts, or report its article."""
        job = worker.job
        assert job is not None
        self._bury(worker)
        cause = _cause_of_death(worker.process.exitcode)
        if job.deaths == 0:
            log.warning("dyad: a worker coding %d article(s) %s; coding them again", len(job.articles), cause)
            todo.appendleft(dataclasses.replace(job, deaths=1))
            return []
        if len(job.articles) > 1:
            log.warning("dyad: a worker %s again; coding its %d articles one by one", cause, len(job.articles))
            todo.extendleft(reversed([_Job(job.batch, job.start + i, [a], 1) for i, a in enumerate(job.articles)]))
            return []
        [article] = job.articles
        reason = (f"could not be coded: the worker process coding it {cause}, twice (it may need more memory "
                  f"than there is, or break a library)")
        return [(job, ([], [InputError(article.origin or article.id, reason)]))]

    def _start(self) -> _Worker:
        ours, theirs = self.context.Pipe()
        if self.fork:  # the child starts with this process's pipeline, its model loaded
            args: tuple[Any, ...] = (theirs, self.pipeline, None)
        else:
            settings = self.pipeline.settings()
            args = (theirs, None, settings)
        process = self.context.Process(target=_work, args=(*args, os.getpid()), daemon=True, name="dyad-worker")
        with _signals_held():  # a Ctrl-C or SIGTERM raised inside fork's callbacks would be lost
            process.start()
        theirs.close()
        worker = _Worker(process, ours)
        self.workers.append(worker)
        return worker

    def _bury(self, worker: _Worker) -> None:
        worker.conn.close()
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join()
        self.workers.remove(worker)


_STOPPING = {signal.SIGINT, signal.SIGTERM}


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM for the length of the block: they arrive after it."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPPING)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _receive(worker: _Worker) -> Coded | None:
    """The worker's result if it sent one; None if it has not, or died before it could (then
    it is made sure to be dead, so that its job is coded again)."""
    try:
        if not worker.conn.poll():
            return None
        result: Coded = worker.conn.recv()
        return result
    except Exception:  # noqa: BLE001 - a pipe closed mid-message: the worker is gone
        worker.process.join(STOP_SECONDS)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join()
        return None


def _cause_of_death(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name
        why = " (the out-of-memory killer does this)" if exitcode == -signal.SIGKILL else ""
        return f"was killed by {name}{why}"
    return f"exited with status {exitcode}"


def _work(conn: Connection, pipeline: Pipeline | None,
          settings: dict[str, Any] | None, writer: int) -> None:
    """A worker: code each batch that comes down the pipe and send it back, until the pipe
    closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the writer's: it stops the workers
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):  # held by the writer while it forked
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPPING)
    _die_with(writer)
    from .pipeline import Pipeline, code_safely

    if pipeline is None:
        assert settings is not None
        pipeline = Pipeline(**settings)
    while True:
        try:
            articles = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(code_safely(pipeline, articles))


def _die_with(writer: int) -> None:
    """On Linux, have the kernel kill this worker when the writer dies, even by SIGKILL."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != writer:  # it died before the request was made
        os._exit(1)

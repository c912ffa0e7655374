"""Run one picklable function over many inputs on every core, in worker processes, and hand the
results back in input order as they come (Qt-free).

Used for the CPU-bound part of importing and verifying many signed PDFs: pyHanko and the
JSON Schema check hold the GIL, so threads would run them one at a time. Workers are separate
processes started with ``spawn`` on every platform: a forked child would inherit a copy of the
parent's memory (the unlocked vault's key, the GUI's threads); a spawned one starts clean and
receives only what it is sent, through a pipe (nothing is written to temporary files). Each
worker switches core dumps off before it does anything else (see `lscp_audit.hardening`). With
`lower_priority` (the app does this) workers run at niceness 10 on POSIX, so the GUI thread in
the parent process gets the CPU it needs to keep redrawing while every core is busy checking
files; the command line leaves them at normal priority, to finish as soon as possible.

Only a few inputs are in flight at a time (`AHEAD` per worker), so memory stays flat however
many inputs there are, and stopping early (the caller closes the iterator, e.g. on Cancel)
drops what was queued and waits only for the files being worked on. A worker that dies
(a crash in a native library on a hostile file) breaks the pool: the input at the head of the
queue is then run again alone in a fresh worker (so the blame is certain: if that worker dies
too, the input gets `on_error`'s result), the pool is started again and the other inputs that
were in flight are resubmitted.

The frozen app calls `multiprocessing.freeze_support()` first thing (packaging/entry_*.py), as
spawned workers need.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

J = TypeVar("J")
R = TypeVar("R")
# Inputs queued per worker beyond the one it is working on: enough that the workers keep busy
# while the caller stores a batch of results (the inbox stores 50 returns in about 75 ms, in
# which a worker checks about 6), few enough that memory stays flat.
AHEAD = 8


def available_cores() -> int:
    """The cores this process may run on (the affinity mask where the platform has one)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def worker_count(inputs: int, requested: int | None = None) -> int:
    """How many workers to use for `inputs` items: `requested` (default: every core), never more
    than there are items and never fewer than one (one means: no worker processes at all)."""
    wanted = available_cores() if requested is None else requested
    return max(1, min(wanted, inputs))


WORKER_NICENESS = 10  # workers yield the CPU to the app's own GUI thread and to the user's other work


def _start_worker(lower_priority: bool) -> None:
    from lscp_audit.hardening import disable_core_dumps

    disable_core_dumps()
    if lower_priority and hasattr(os, "nice"):
        try:
            os.nice(WORKER_NICENESS)
        except OSError:  # not allowed here: run at the normal priority
            pass


class _Slot(Generic[J, R]):
    """One input in flight and its future."""

    def __init__(self, job: J, future: Future[R]) -> None:
        self.job = job
        self.future = future


_END = object()


def ordered_map(
    fn: Callable[[J], R],
    jobs: Iterable[J],
    *,
    workers: int,
    on_error: Callable[[J, BaseException], R],
    lower_priority: bool = False,
) -> Generator[R, None, None]:
    """``fn(job)`` for every job, in order, computed by `workers` processes (inline, one at a
    time, when `workers` is 1). `fn` must be a module-level function and jobs and results
    picklable. `on_error(job, exc)` gives the result for a job whose call raised or whose
    worker died running it alone. Close the iterator to stop early."""
    if workers <= 1:
        for job in jobs:
            try:
                yield fn(job)
            except Exception as exc:  # noqa: BLE001 - the caller decides what a failure means
                yield on_error(job, exc)
        return
    yield from _Pool(fn, workers, on_error, lower_priority).run(iter(jobs))


class _Pool(Generic[J, R]):
    def __init__(
        self, fn: Callable[[J], R], workers: int, on_error: Callable[[J, BaseException], R], lower_priority: bool
    ) -> None:
        self._fn = fn
        self._workers = workers
        self._on_error = on_error
        self._lower = lower_priority
        self._executor = self._new_executor(workers)

    def _new_executor(self, workers: int) -> ProcessPoolExecutor:
        context = multiprocessing.get_context("spawn")
        return ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_start_worker, initargs=(self._lower,)
        )

    def run(self, jobs: Iterator[J]) -> Iterator[R]:
        pending: deque[_Slot[J, R]] = deque()
        limit = self._workers * (1 + AHEAD)
        try:
            while True:
                while len(pending) < limit:
                    job = next(jobs, _END)
                    if job is _END:
                        break
                    pending.append(_Slot(job, self._executor.submit(self._fn, job)))  # type: ignore[arg-type]
                if not pending:
                    return
                slot = pending.popleft()
                try:
                    result = slot.future.result()
                except BrokenProcessPool:
                    result = self._alone(slot.job)
                    self._restart(pending)
                except Exception as exc:  # noqa: BLE001 - fn raised in the worker
                    result = self._on_error(slot.job, exc)
                yield result
        finally:
            for slot in pending:
                slot.future.cancel()
            self._executor.shutdown(wait=True, cancel_futures=True)

    def _alone(self, job: J) -> R:
        """Run `job` by itself in a fresh worker: its result, or `on_error`'s when it kills that
        worker too."""
        log.error("a worker process stopped unexpectedly; checking its input again on its own")
        with self._new_executor(1) as single:
            try:
                return single.submit(self._fn, job).result()
            except Exception as exc:  # noqa: BLE001 - BrokenProcessPool or fn raised
                return self._on_error(job, exc)

    def _restart(self, pending: deque[_Slot[J, R]]) -> None:
        """Start a new pool and resubmit whatever was in flight and not finished."""
        self._executor.shutdown(wait=True, cancel_futures=True)
        self._executor = self._new_executor(self._workers)
        for number, slot in enumerate(pending):
            future = slot.future
            finished = future.done() and not future.cancelled() and future.exception() is None
            if not finished:
                pending[number] = _Slot(slot.job, self._executor.submit(self._fn, slot.job))

"""`services.parallel.ordered_map` with real worker processes: results in input order, a raising
input and a worker that dies are each that input's result (the others carry on), stopping early
leaves no worker behind, and workers start clean (spawned, core dumps off)."""

from __future__ import annotations

import os
import sys
import time

import pytest

from lscp_audit.services.parallel import ordered_map, worker_count


def square_slowly_in_reverse(n: int) -> tuple[int, int]:
    time.sleep(0.02 * (10 - n))  # later inputs finish first
    return n, n * n


def fail_or_die(n: int) -> int:
    if n == 3:
        raise ValueError("three is refused")
    if n == 5:
        os._exit(7)  # a native crash, as far as the parent can tell
    return n * 10


def my_pid(_n: int) -> int:
    time.sleep(0.05)
    return os.getpid()


def dumpable(_n: int) -> int:
    """The worker's PR_GET_DUMPABLE flag (a new program starts dumpable; it is not inherited)."""
    from lscp_audit.hardening import PR_GET_DUMPABLE, _libc_prctl

    return _libc_prctl(PR_GET_DUMPABLE, 0)


def test_results_come_back_in_input_order() -> None:
    results = list(ordered_map(square_slowly_in_reverse, range(10), workers=2, on_error=lambda n, e: (n, -1)))
    assert results == [(n, n * n) for n in range(10)]


def test_a_failing_or_dying_input_is_its_own_result() -> None:
    errors: list[tuple[int, str]] = []

    def on_error(n: int, exc: BaseException) -> int:
        errors.append((n, type(exc).__name__))
        return -n

    results = list(ordered_map(fail_or_die, range(8), workers=2, on_error=on_error))
    assert results == [0, 10, 20, -3, 40, -5, 60, 70]
    assert errors == [(3, "ValueError"), (5, "BrokenProcessPool")]


def test_one_worker_runs_inline() -> None:
    assert set(ordered_map(my_pid, range(3), workers=1, on_error=lambda n, e: 0)) == {os.getpid()}


def test_work_runs_in_other_processes_and_stopping_early_ends_them() -> None:
    import multiprocessing

    results = ordered_map(my_pid, range(50), workers=2, on_error=lambda n, e: 0)
    first = next(results)
    assert first != os.getpid()
    results.close()  # as the CLI does when its reader goes away, or an import is cancelled
    assert multiprocessing.active_children() == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux only")
def test_workers_switch_core_dumps_off() -> None:
    assert set(ordered_map(dumpable, range(4), workers=2, on_error=lambda n, e: -1)) == {0}


def niceness(_n: int) -> int:
    return os.nice(0)


@pytest.mark.skipif(not hasattr(os, "nice"), reason="POSIX priorities")
def test_workers_can_yield_the_cpu_to_the_app() -> None:
    mine = os.nice(0)
    assert set(ordered_map(niceness, range(2), workers=2, on_error=lambda n, e: -1)) == {mine}
    lower = set(ordered_map(niceness, range(2), workers=2, on_error=lambda n, e: -1, lower_priority=True))
    assert lower == {min(19, mine + 10)}


def test_worker_count() -> None:
    assert worker_count(1) == 1 and worker_count(100, 3) == 3 and worker_count(2, 8) == 2 and worker_count(0) == 1

"""Tiny benchmark harness: run callables or subprocesses repeatedly and report medians.

Machines here are noisy, so every figure is a median over repeats and, where it makes sense, a
ratio against a baseline measured in the same run.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    name: str
    median_ms: float
    baseline: str = ""
    ratio: float | None = None
    goal: str = ""
    extra: str = ""


def time_call(fn: Callable[[], object], repeats: int = 7, warmup: int = 1) -> list[float]:
    """Run `fn` and return wall times in milliseconds."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def percentile(values: Sequence[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def time_process(argv: Sequence[str], repeats: int = 5, env: dict[str, str] | None = None) -> list[float]:
    """Wall time of a whole process, in milliseconds, from spawn to exit."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, *argv], check=True, env=env, stdout=subprocess.DEVNULL)
        times.append((time.perf_counter() - start) * 1000)
    return times


def print_table(rows: Sequence[Row]) -> None:
    header = f"{'benchmark':<52} {'median ms':>10} {'ratio':>7}  {'vs baseline':<28} goal"
    print(header)
    print("-" * len(header))
    for row in rows:
        ratio = f"{row.ratio:.2f}x" if row.ratio is not None else ""
        line = f"{row.name:<52} {row.median_ms:>10.2f} {ratio:>7}  {row.baseline:<28} {row.goal}"
        print(line + (f"  ({row.extra})" if row.extra else ""))

"""QA inbox at scale: import and verify 1,000 distinct signed returns on 2 cores against a
same-run single-process baseline, with peak memory, then list the inbox and check one duplicate
at 1,000 stored returns.

The returns come from `bench.signed_returns` (made once per run, on every core). Each import
runs in a process of its own (`bench.inbox_run`), so its peak RSS is its own; "flat" means the
main process's peak does not grow with the number of files (a fifth of them is imported the
same way for comparison). Each import is run three times, interleaved with the baseline, and the
median is shown (LSCP_BENCH_INBOX_REPEATS for another number). `bench.inbox_stages` then shows
where a worker's CPU time goes, per return. Set LSCP_BENCH_INBOX_FILES for another count and
LSCP_BENCH_RETURNS to keep the returns between runs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.harness import Row
from lscp_audit.services.parallel import available_cores

FILES = int(os.environ.get("LSCP_BENCH_INBOX_FILES", "1000"))
WORKERS = 2
REPEATS = int(os.environ.get("LSCP_BENCH_INBOX_REPEATS", "3"))
STAGE_FILES = 200  # returns checked for the per-stage CPU breakdown


def _run(folder: Path, count: int, workers: int, *, recheck: bool = False) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.inbox_run", str(folder), str(count), str(workers)]
        + (["recheck"] if recheck else []),
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    outcome: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome["statuses"] == {"imported": count}, outcome  # every return imported and trusted
    assert outcome["trusted"] == count and outcome["duplicate"] == "duplicate", outcome
    return outcome


def _stages(folder: Path, count: int) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.inbox_stages", str(folder), str(count)],
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    outcome: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return outcome


def _middle(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median wall time."""
    return sorted(runs, key=lambda r: float(r["seconds"]))[len(runs) // 2]


def run() -> list[Row]:
    from bench.signed_returns import signed_returns

    start = time.perf_counter()
    made = signed_returns(FILES)
    making = time.perf_counter() - start
    print(f"  {FILES} signed returns ready in {making:.0f} s ({made.folder})", file=sys.stderr, flush=True)
    serial_runs: list[dict[str, Any]] = []
    parallel_runs: list[dict[str, Any]] = []
    for repeat in range(REPEATS):  # interleaved, so a change of load hits both alike
        serial_runs.append(_run(made.folder, FILES, 1, recheck=repeat == 0))
        parallel_runs.append(_run(made.folder, FILES, WORKERS, recheck=repeat == 0))
    serial, parallel = _middle(serial_runs), _middle(parallel_runs)
    fifth = _run(made.folder, max(1, FILES // 5), WORKERS)
    stages = _stages(made.folder, STAGE_FILES)
    size = sum(p.stat().st_size for p in made.paths) / len(made.paths) / 1024
    base_ms, par_ms = serial["seconds"] * 1000, parallel["seconds"] * 1000
    ratios = sorted(p["seconds"] / s["seconds"] for s, p in zip(serial_runs, parallel_runs, strict=True))
    # On a busy machine wall time measures the other programs too; CPU time does not. On a quiet
    # machine with as many cores as workers, the import takes at least its busiest part: the main
    # process, the workers' CPU shared between them, or everything shared among the cores.
    cores = available_cores()
    serial_cpu = serial["main_cpu_s"] + serial["worker_cpu_s"]
    quiet_ms = (
        max(
            parallel["main_cpu_s"],
            parallel["worker_cpu_s"] / WORKERS,
            (parallel["main_cpu_s"] + parallel["worker_cpu_s"]) / min(cores, WORKERS),
        )
        * 1000
    )
    all_parallel = ", ".join(f"{r['seconds']:.1f}" for r in parallel_runs)
    others = ""
    if parallel.get("machine_cpu_s") is not None:
        ours = parallel["main_cpu_s"] + parallel["worker_cpu_s"]
        spare = cores * parallel["seconds"] - parallel["machine_cpu_s"]
        others = (
            f"; meanwhile other programs used {max(0.0, parallel['machine_cpu_s'] - ours):.1f} s of CPU and "
            f"{max(0.0, spare):.1f} s of the {cores} cores' time was idle"
        )
    breakdown = "; ".join(f"{name} {ms:.2f}" for name, ms in stages["stages"].items())
    return [
        Row(
            f"inbox import: {FILES} returns, 1 process (baseline)",
            base_ms,
            extra=f"{base_ms / FILES:.1f} ms per file, CPU {serial_cpu:.1f} s, peak RSS {serial['rss_mib']:.0f} MiB; "
            f"returns {size:.0f} kB each; median of {REPEATS}; load average {serial['load']:.1f}",
        ),
        Row(
            f"inbox import: {FILES} returns, {WORKERS} worker processes",
            par_ms,
            "1 process (baseline)",
            ratios[len(ratios) // 2],
            "< 8000 ms",
            f"{par_ms / FILES:.1f} ms per file; CPU main {parallel['main_cpu_s']:.1f} s, workers "
            f"{parallel['worker_cpu_s']:.1f} s; peak RSS main {parallel['rss_mib']:.0f} MiB "
            f"(with {max(1, FILES // 5)} files: {fifth['rss_mib']:.0f} MiB), a worker {parallel['worker_rss_mib']:.0f} MiB; "
            f"median of {REPEATS} (all: {all_parallel} s); "
            f"load average {parallel['load']:.1f}{others}",
        ),
        Row(
            f"inbox import: {FILES} returns, {WORKERS} workers, from CPU time",
            quiet_ms,
            "1 process CPU time",
            quiet_ms / (serial_cpu * 1000),
            "< 8000 ms",
            f"what a quiet {cores}-core machine would take: the busiest of the main process, the workers per "
            "worker and all the CPU per core",
        ),
        Row(
            "inbox check: CPU per return (one worker)",
            stages["ms_per_file"],
            extra=f"{stages['files']} returns; {breakdown}",
        ),
        Row(
            f"re-check trust: {FILES} kept returns, 1 process",
            serial_runs[0]["recheck_s"] * 1000,
            extra=f"CPU {sum(serial_runs[0]['recheck_cpu_s']):.1f} s",
        ),
        Row(
            f"re-check trust: {FILES} kept returns, {WORKERS} workers",
            parallel_runs[0]["recheck_s"] * 1000,
            "1 process",
            parallel_runs[0]["recheck_s"] / serial_runs[0]["recheck_s"],
            extra="every kept PDF read from the vault and verified again (first run only); CPU main "
            f"{parallel_runs[0]['recheck_cpu_s'][0]:.1f} s, workers {parallel_runs[0]['recheck_cpu_s'][1]:.1f} s",
        ),
        Row(f"inbox list at {FILES} stored returns", parallel["list_ms"], goal="no stored JSON read"),
        Row(
            f"import 1 copy of a stored return into {FILES}",
            parallel["duplicate_ms"],
            extra="checking the file, then found to be a duplicate",
        ),
        Row(f"duplicate check: look-up by report id among {FILES}", parallel["lookup_ms"], goal="indexed report id"),
    ]

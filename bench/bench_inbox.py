"""QA inbox at scale: import and verify 1,000 distinct signed returns on 2 cores against a
same-run single-process baseline, with peak memory, then list the inbox and check one duplicate
at 1,000 stored returns.

The returns come from `bench.signed_returns` (made once per run, on every core). Each import
runs in a process of its own (`bench.inbox_run`), so its peak RSS is its own; "flat" means the
main process's peak does not grow with the number of files (a fifth of them is imported the
same way for comparison). Set LSCP_BENCH_INBOX_FILES for another count and LSCP_BENCH_RETURNS
to keep the returns between runs.
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

FILES = int(os.environ.get("LSCP_BENCH_INBOX_FILES", "1000"))
WORKERS = 2


def _run(folder: Path, count: int, workers: int) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.inbox_run", str(folder), str(count), str(workers)],
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    outcome: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome["statuses"] == {"imported": count}, outcome  # every return imported and trusted
    assert outcome["trusted"] == count and outcome["duplicate"] == "duplicate", outcome
    return outcome


def run() -> list[Row]:
    from bench.signed_returns import signed_returns

    start = time.perf_counter()
    made = signed_returns(FILES)
    making = time.perf_counter() - start
    print(f"  {FILES} signed returns ready in {making:.0f} s ({made.folder})", file=sys.stderr, flush=True)
    serial = _run(made.folder, FILES, 1)
    parallel = _run(made.folder, FILES, WORKERS)
    fifth = _run(made.folder, max(1, FILES // 5), WORKERS)
    size = sum(p.stat().st_size for p in made.paths) / len(made.paths) / 1024
    base_ms, par_ms = serial["seconds"] * 1000, parallel["seconds"] * 1000
    return [
        Row(
            f"inbox import: {FILES} returns, 1 process (baseline)",
            base_ms,
            extra=f"{base_ms / FILES:.1f} ms per file, peak RSS {serial['rss_mib']:.0f} MiB; "
            f"returns {size:.0f} kB each",
        ),
        Row(
            f"inbox import: {FILES} returns, {WORKERS} worker processes",
            par_ms,
            "1 process (baseline)",
            par_ms / base_ms,
            "< 8000 ms",
            f"{par_ms / FILES:.1f} ms per file; peak RSS main {parallel['rss_mib']:.0f} MiB "
            f"(with {max(1, FILES // 5)} files: {fifth['rss_mib']:.0f} MiB), a worker {parallel['worker_rss_mib']:.0f} MiB",
        ),
        Row(f"inbox list at {FILES} stored returns", parallel["list_ms"], goal="no stored JSON read"),
        Row(f"duplicate check: import 1 file into {FILES}", parallel["duplicate_ms"], goal="indexed report id"),
    ]

"""Size of a built bundle and the frozen app's start-up time, with the same app run from the
virtualenv as the same-run baseline (these machines are noisy). Rows for docs/benchmarks.md.

Usage: .venv/bin/python packaging/measure.py build/package/dist/lscp-audit-VERSION [--repeats 7]
Each start is a whole process, spawn to exit, offscreen, in a scratch LSCP_AUDIT_HOME: the GUI
opens its main window and closes at once (``gui --quit-after 0``); the CLI prints its version.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def median_ms(argv: list[str], env: dict[str, str], repeats: int) -> float:
    subprocess.run(argv, check=True, env=env, stdout=subprocess.DEVNULL)  # warm the file cache
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(argv, check=True, env=env, stdout=subprocess.DEVNULL)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def folder_size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.stat().st_size for p in files), len(files)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("bundle", type=Path)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    exe = args.bundle / ("lscp-audit.exe" if sys.platform == "win32" else "lscp-audit")
    size, count = folder_size(args.bundle)
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", LSCP_AUDIT_HOME=home)
        rows = [
            ("frozen: main window shown", [str(exe), "gui", "--quit-after", "0"]),
            ("venv:   main window shown (baseline)", [sys.executable, "-m", "lscp_audit", "gui", "--quit-after", "0"]),
            ("frozen: lscp-audit --version", [str(exe), "--version"]),
            ("venv:   lscp-audit --version (baseline)", [sys.executable, "-m", "lscp_audit", "--version"]),
        ]
        results = {name: median_ms(argv, env, args.repeats) for name, argv in rows}
    print(f"bundle {args.bundle.name}: {size / 2**20:.0f} MiB ({size:,} bytes), {count} files")
    names = [name for name, _ in rows]
    for frozen, venv in (names[0:2], names[2:4]):
        ratio = results[frozen] / results[venv]
        print(f"{frozen:<42} {results[frozen]:8.0f} ms  {ratio:5.2f}x the virtualenv")
        print(f"{venv:<42} {results[venv]:8.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())

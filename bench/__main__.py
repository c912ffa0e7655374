"""Run every benchmark module (bench/bench_*.py, each with `run() -> list[Row]`) and print one table.

`python -m bench [NAME ...]` runs only the named modules (e.g. `startup templates`).
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

from bench.harness import Row, print_table


def main(argv: list[str]) -> int:
    here = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    wanted = {f"bench_{n}" if not n.startswith("bench_") else n for n in argv}
    rows: list[Row] = []
    for name in names:
        if wanted and name not in wanted:
            continue
        print(f"running {name} ...", file=sys.stderr, flush=True)
        rows.extend(importlib.import_module(f"bench.{name}").run())
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Entry point: `lscp-audit` with no subcommand starts the GUI, otherwise the CLI runs.

Kept thin so the CLI path never imports PySide6. The first step of every start is to switch core
dumps off (`lscp_audit.hardening`), before any key or answer can be in memory.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from lscp_audit.hardening import disable_core_dumps

    disable_core_dumps()
    args = sys.argv[1:] if argv is None else argv
    from lscp_audit.cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    import multiprocessing

    multiprocessing.freeze_support()  # a no-op unless frozen; see packaging/entry_*.py
    sys.exit(main())

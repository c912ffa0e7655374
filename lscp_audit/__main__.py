"""Entry point: `lscp-audit` with no subcommand starts the GUI, otherwise the CLI runs.

Kept thin so the CLI path never imports PySide6.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    from lscp_audit.cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())

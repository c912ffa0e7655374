"""Run in a spawned worker process by tests: what checking one file there loads. Kept apart from
the test modules, whose own imports (SQLAlchemy, vault helpers) would load what is looked for."""

from __future__ import annotations

import sys

HEAVY = ("sqlalchemy", "sqlcipher3", "PySide6", "lscp_audit.storage", "lscp_audit.ui", "lscp_audit.cli")


def modules_after_check(path: str) -> list[str]:
    """Check `path` as an import's worker does, then list the heavy modules loaded in this process."""
    from lscp_audit.services.inbox_service import CheckJob, check_file

    check_file(CheckJob(path))
    return sorted(m for m in sys.modules if any(m == h or m.startswith(h + ".") for h in HEAVY))

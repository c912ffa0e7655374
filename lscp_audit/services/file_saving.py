"""Writing a file the user asked for: through a temporary file and a rename, so a full disk or a
closed share leaves any earlier file untouched, and a failure is an `LscpAuditError` naming the
file and the reason."""

from __future__ import annotations

from pathlib import Path

from lscp_audit.atomic_files import atomic_write_bytes
from lscp_audit.core.errors import LscpAuditError


def save_file(destination: Path | str, data: bytes, what: str) -> Path:
    """Write `data` to `destination` atomically; `what` names it in the error ("the report")."""
    path = Path(destination)
    try:
        return atomic_write_bytes(path, data)
    except OSError as exc:
        raise LscpAuditError(
            f"{what} could not be saved to {path.name} ({exc.strerror or type(exc).__name__}); "
            "any previous file there is unchanged"
        ) from exc

"""Logging to a rotating file in the user log directory.

The rule is to log identifiers and outcomes, never content: no answer text, case references,
passphrases or keys. `RedactingFilter` is a safety net for the one kind of secret that can be
recognised mechanically: raw keys and derived keys (48 or more hex digits; a vault key is 64). It
leaves audit ids (32 hex digits, a random UUID) alone, so a log line can be traced to its audit;
ids say nothing about a child or a case. It does not replace the rule.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
from pathlib import Path

from lscp_audit import paths

LOG_FILE_NAME = "lscp-audit.log"
_HEX_SECRET = re.compile(r"(?i)(?:x')?(?<![0-9a-f])[0-9a-f]{48,}(?![0-9a-f])'?")


class RedactingFilter(logging.Filter):
    """Replaces anything that looks like a raw key in a formatted record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _HEX_SECRET.search(message):
            record.msg = _HEX_SECRET.sub("[redacted]", message)
            record.args = None
        return True


def configure_logging(level: int = logging.INFO, directory: Path | None = None) -> Path:
    """Send the app's log records to a rotating file; return the file's path."""
    log_dir = paths.ensure_private_dir(directory or paths.log_dir())
    log_path = log_dir / LOG_FILE_NAME
    root = logging.getLogger("lscp_audit")
    for handler in list(root.handlers):
        if getattr(handler, "_lscp_audit", False):
            root.removeHandler(handler)
            handler.close()
    handler = logging.handlers.RotatingFileHandler(log_path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    handler._lscp_audit = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    return log_path

"""One place that turns exceptions into dialogs, and the hook for unexpected crashes.

Expected failures (`LscpAuditError`) show their message. Unexpected ones show a generic message
and the exception type; the traceback goes only to the log file, because a traceback's locals and
messages may hold answer text. Nothing here shows or logs answer content.
"""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from lscp_audit.core.errors import Cancelled, LscpAuditError

log = logging.getLogger(__name__)


def show_error(parent: QWidget | None, exc: BaseException, title: str = "") -> None:
    """Explain a failure to the user; a cancellation is silent."""
    if isinstance(exc, Cancelled):
        return
    if isinstance(exc, LscpAuditError):
        QMessageBox.warning(parent, title or "LSCP Audit", str(exc))
        return
    log.error("unexpected error: %s", type(exc).__name__)
    QMessageBox.critical(
        parent,
        title or "LSCP Audit",
        f"Something went wrong ({type(exc).__name__}). Your saved answers are safe in the vault. "
        "Details were written to the log file.",
    )


class ExceptionHook(QObject):
    """Routes uncaught exceptions from any thread to one dialog on the GUI thread."""

    raised = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self._seen: set[str] = set()
        self.raised.connect(self._show)
        sys.excepthook = self._hook

    def _hook(self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        frames = "".join(traceback.format_tb(tb))  # file/line/function names only, no values
        log.error("uncaught %s\n%s", kind.__name__, frames)
        self.raised.emit(exc)

    def _show(self, exc: BaseException) -> None:
        key = f"{type(exc).__name__}:{exc.__traceback__ and exc.__traceback__.tb_lineno}"
        if key in self._seen:
            return
        self._seen.add(key)
        show_error(None, exc)

"""Driving real modal dialogs in tests: nothing replaces `exec`; a timer finds the modal dialog
the app opened and acts on it, as a user would."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

W = TypeVar("W", bound=QWidget)
POLL_MS = 20
GIVE_UP_MS = 20_000


def when_modal(kind: type[W], act: Callable[[W], object], *, failures: list[str] | None = None) -> None:
    """Run `act` on the first modal dialog of type `kind` the app opens (polled every 20 ms).

    An exception in `act` closes the dialog (so the test cannot hang) and is re-raised; after 20 s
    without such a dialog the poll gives up and records the miss in `failures`.
    """
    waited = [0]

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind) and dialog.isVisible():
            try:
                act(dialog)
            except BaseException:
                close_modals()
                raise
            return
        waited[0] += POLL_MS
        if waited[0] > GIVE_UP_MS:
            if failures is not None:
                failures.append(f"no {kind.__name__} appeared")
            return
        QTimer.singleShot(POLL_MS, poll)

    QTimer.singleShot(0, poll)


def close_modals() -> None:
    """Reject every open modal dialog (innermost first)."""
    from PySide6.QtWidgets import QDialog

    for _ in range(10):
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QDialog):
            return
        dialog.reject()

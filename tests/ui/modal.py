"""Driving real modal dialogs in tests: nothing replaces `exec`; a timer finds the modal dialog
the app opened and acts on it, as a user would."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QLineEdit, QWidget

W = TypeVar("W", bound=QWidget)
POLL_MS = 20
GIVE_UP_MS = 30_000


class ModalWatch:
    """A pending `when_modal`: `acted` once it ran, `missed` when it gave up; `cancel()` stops it."""

    def __init__(self) -> None:
        self.acted = False
        self.missed = False
        self.cancelled = False
        self.error: BaseException | None = None

    def cancel(self) -> None:
        self.cancelled = True


def when_modal(kind: type[W], act: Callable[[W], object]) -> ModalWatch:
    """Run `act` on the first modal dialog of type `kind` the app opens (polled every 20 ms).

    An exception in `act` is kept in `watch.error` and every modal dialog is closed, so a test
    never hangs on a dialog; after 30 s without such a dialog the watch gives up (`missed`).
    """
    watch = ModalWatch()
    waited = [0]

    def poll() -> None:
        if watch.cancelled:
            return
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind) and dialog.isVisible():
            watch.acted = True
            try:
                act(dialog)
            except BaseException as exc:  # noqa: BLE001 - reported by the test through `watch`
                watch.error = exc
                close_modals()
            return
        waited[0] += POLL_MS
        if waited[0] > GIVE_UP_MS:
            watch.missed = True
            close_modals()
            return
        QTimer.singleShot(POLL_MS, poll)

    QTimer.singleShot(0, poll)
    return watch


def close_modals() -> None:
    """Reject every open modal dialog, innermost first."""
    for _ in range(10):
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QDialog):
            return
        dialog.reject()


def choose_file(path: Path) -> Callable[[QFileDialog], None]:
    """An action for `when_modal(QFileDialog, ...)`: pick `path` (open or save) and accept."""

    def act(dialog: QFileDialog) -> None:
        dialog.selectFile(str(path))
        # Qt's own dialog leaves its file-name box alone while the box has the keyboard focus,
        # so a save dialog that suggested a name would keep it: type the name as a user would.
        name_box = dialog.findChild(QLineEdit, "fileNameEdit")
        if name_box is not None and dialog.selectedFiles()[:1] != [str(path)]:
            dialog.setDirectory(str(path.parent))
            name_box.setText(path.name)
        dialog.accept()

    return act


def check(watch: ModalWatch) -> None:
    """Fail the test with what went wrong inside a dialog, if anything did."""
    if watch.error is not None:
        raise watch.error
    assert not watch.missed, "the expected dialog never appeared"

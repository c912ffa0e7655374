"""Idle auto-lock: lock the vault after a period without keyboard or mouse input to the app.

An application-wide event filter restarts a single-shot timer on input (like KeePassXC's
``InactivityTimer``); on timeout it calls ``on_idle`` (usually the window's lock action).

The pre-lock save hook ``before_lock`` runs first: it saves what is pending (answers, and
unfinished work as drafts) and returns False when something typed could not be written (a full
disk). Nobody is there to answer a question, so the lock is then postponed and tried again
every `RETRY_MS` (it keeps saving meanwhile) rather than dropping what was typed.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

DEFAULT_MINUTES = 10
RETRY_MS = 60_000
_INPUT_EVENTS = {
    QEvent.Type.KeyPress,
    QEvent.Type.KeyRelease,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonRelease,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.HoverMove,
    QEvent.Type.TouchBegin,
}


class AutoLock(QObject):
    """Calls `on_idle` once after `minutes` of no input; `minutes=0` switches it off."""

    idle_locked = Signal()
    postponed = Signal()  # `before_lock` could not save everything; trying again later

    def __init__(
        self,
        on_idle: Callable[[], object],
        minutes: float = DEFAULT_MINUTES,
        parent: QObject | None = None,
        *,
        before_lock: Callable[[], bool] | None = None,
    ) -> None:
        super().__init__(parent)
        self._on_idle = on_idle
        self.before_lock = before_lock
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._fire)
        self._interval_ms = 0
        self.set_minutes(minutes)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def set_minutes(self, minutes: float) -> None:
        self._interval_ms = int(minutes * 60_000)
        self.restart()

    def set_interval_ms(self, msecs: int) -> None:
        """For tests and fine control."""
        self._interval_ms = msecs
        self.restart()

    def restart(self) -> None:
        if self._interval_ms > 0:
            self._timer.start(self._interval_ms)
        else:
            self._timer.stop()

    def stop(self) -> None:
        """Stop counting (e.g. while the vault is already locked)."""
        self._timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() in _INPUT_EVENTS and self._timer.isActive():
            self._timer.start(self._interval_ms)
        return False

    def _fire(self) -> None:
        if self.before_lock is not None and not self.before_lock():
            self._timer.start(min(RETRY_MS, max(self._interval_ms, 1)))
            self.postponed.emit()
            return
        self._on_idle()
        self.idle_locked.emit()

    def uninstall(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self._timer.stop()

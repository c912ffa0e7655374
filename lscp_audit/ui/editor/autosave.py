"""Debounced autosave: every edit reaches the vault within about a second, and nothing is lost
on close (`flush`). Shows "Saving…" / "Saved" / "Not saved" through `state_changed`.

Saves are small single-answer writes; the vault serialises them on its own writer thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from lscp_audit.core.errors import LscpAuditError
from lscp_audit.ui.timers import single_shot_timer

log = logging.getLogger(__name__)
DEBOUNCE_MS = 400

SAVING = "saving"
SAVED = "saved"
FAILED = "failed"
IDLE = "idle"


class Autosaver(QObject):
    """Collects pending saves by key and runs them after a short pause in typing."""

    state_changed = Signal(str)
    saved = Signal(str)  # key
    rejected = Signal(str, object)  # key, the LscpAuditError

    def __init__(self, parent: QObject | None = None, delay_ms: int = DEBOUNCE_MS) -> None:
        super().__init__(parent)
        self._pending: dict[str, Callable[[], object]] = {}
        self._timer = single_shot_timer(self, delay_ms)
        self._timer.timeout.connect(self.flush)
        self.state = IDLE

    def schedule(self, key: str, save: Callable[[], object]) -> None:
        """Remember the latest save for `key` and (re)start the pause timer."""
        self._pending[key] = save
        self._set_state(SAVING)
        self._timer.start()

    def discard(self, key: str) -> None:
        self._pending.pop(key, None)

    @property
    def has_pending(self) -> bool:
        return bool(self._pending)

    def flush(self) -> bool:
        """Run every pending save now; True when all succeeded."""
        self._timer.stop()
        if not self._pending:
            return self.state != FAILED
        ok = True
        while self._pending:
            key, save = next(iter(self._pending.items()))
            del self._pending[key]
            ok = self._run(key, save) and ok
        self._set_state(SAVED if ok else FAILED)
        return ok

    def _run(self, key: str, save: Callable[[], object]) -> bool:
        try:
            save()
        except LscpAuditError as exc:
            log.info("autosave rejected for one answer (%s)", type(exc).__name__)
            self.rejected.emit(key, exc)
            return False
        self.saved.emit(key)
        return True

    def _set_state(self, state: str) -> None:
        if state != self.state or state == SAVED:
            self.state = state
            self.state_changed.emit(state)

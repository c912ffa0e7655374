"""Debounced autosave: every edit reaches the vault within about a second, and nothing is lost
on close (`flush`). Shows "Saving…" / "Saved" / "Not saved" through `state_changed`.

Two kinds of failure are told apart:
- a *rejected* answer (`ValidationError`: a rule of the template, a missing warning reason; or
  another `LscpAuditError` such as a read-only audit) is not retried; the editor keeps what was
  typed as a draft and says what to fix;
- a *failed write* (a `VaultError`, e.g. `DiskFull`) is kept and retried with a
  growing pause until it succeeds. The state stays "Not saved" while any write has failed or
  any answer is rejected, even when other answers save in between; `attention_key` says which.

Saves are small single-answer writes; the vault serialises them on its own writer thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from lscp_audit.core.errors import LscpAuditError, VaultError
from lscp_audit.ui.timers import single_shot_timer

log = logging.getLogger(__name__)
DEBOUNCE_MS = 400
RETRY_MS = (2_000, 5_000, 15_000, 30_000)

SAVING = "saving"
SAVED = "saved"
FAILED = "failed"
IDLE = "idle"


class Autosaver(QObject):
    """Collects pending saves by key and runs them after a short pause in typing."""

    state_changed = Signal(str)
    saved = Signal(str)  # key
    rejected = Signal(str, object)  # key, the LscpAuditError (not retried)
    write_failed = Signal(str, object)  # key, the VaultError (it will be retried)

    def __init__(self, parent: QObject | None = None, delay_ms: int = DEBOUNCE_MS) -> None:
        super().__init__(parent)
        self._pending: dict[str, Callable[[], object]] = {}
        self._failed: dict[str, Callable[[], object]] = {}
        self._rejected: set[str] = set()
        self._timer = single_shot_timer(self, delay_ms)
        self._timer.timeout.connect(self.flush)
        self._retry = single_shot_timer(self, RETRY_MS[0])
        self._retry.timeout.connect(self.flush)
        self._retries = 0
        self.state = IDLE

    def schedule(self, key: str, save: Callable[[], object]) -> None:
        """Remember the latest save for `key` and (re)start the pause timer."""
        self._pending[key] = save
        self._failed.pop(key, None)
        self._set_state(SAVING)
        self._timer.start()

    def discard(self, key: str) -> None:
        self._pending.pop(key, None)
        self._failed.pop(key, None)
        self._rejected.discard(key)

    def discard_failed(self) -> None:
        """Give up the writes that failed (the user chose to drop them)."""
        self._failed.clear()
        self._retry.stop()
        self._update_state()

    @property
    def has_pending(self) -> bool:
        return bool(self._pending or self._failed)

    @property
    def failed_keys(self) -> list[str]:
        """Answers whose write failed and is being retried, oldest first."""
        return list(self._failed)

    @property
    def attention_key(self) -> str | None:
        """The answer the "Not saved" state is about: a failed write first, then a rejection."""
        return next(iter(self._failed), None) or next(iter(self._rejected), None)

    def flush(self) -> bool:
        """Run every pending save and retry failed writes now; True when nothing is left that
        could not be written (rejected answers are kept as drafts by the editor)."""
        self._timer.stop()
        self._retry.stop()
        work = {**self._failed, **self._pending}
        self._failed.clear()
        self._pending.clear()
        for key, save in work.items():
            self._run(key, save)
        self._update_state()
        if self._failed:
            self._retry.start(RETRY_MS[min(self._retries, len(RETRY_MS) - 1)])
            self._retries += 1
        else:
            self._retries = 0
        return not self._failed

    def _run(self, key: str, save: Callable[[], object]) -> None:
        try:
            save()
        except VaultError as exc:
            log.warning("autosave could not write one answer (%s); will retry", type(exc).__name__)
            self._failed[key] = save
            self.write_failed.emit(key, exc)
            return
        except LscpAuditError as exc:
            log.info("autosave rejected for one answer (%s)", type(exc).__name__)
            self._rejected.add(key)
            self.rejected.emit(key, exc)
            return
        self._rejected.discard(key)
        self.saved.emit(key)

    def _update_state(self) -> None:
        if self._pending:
            self._set_state(SAVING)
        elif self._failed or self._rejected:
            self._set_state(FAILED)
        else:
            self._set_state(SAVED)

    def _set_state(self, state: str) -> None:
        if state != self.state or state in (SAVED, FAILED):
            self.state = state
            self.state_changed.emit(state)

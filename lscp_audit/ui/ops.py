"""The one helper for long work: run an operation off the GUI thread, report back on it.

Usage (modelled on Anki's ``QueryOp``)::

    BackgroundOp(parent=self, op=lambda ctx: service.export(audit_id, progress=ctx.progress,
                                                           cancel=ctx.cancel),
                 success=self._exported).failure(self._failed).with_progress("Exporting…").run()

Be careful not to call any UI routines in ``op``, as that may crash Qt: the operation runs on a
worker thread and must only touch services. ``success`` and ``failure`` always run on the GUI
thread (results are posted back through signals). The default failure handler is
`lscp_audit.ui.errors.show_error`; a `Cancelled` error is ignored silently.

Vault work is serialised on one worker (``serial=True``, the default) because a vault
connection is not shared across threads; other work can use the general pool.

When the work is slow, a progress dialog appears after ~600 ms; its Cancel button sets the
operation's `CancelToken`, which the service checks between steps. Progress moves the dialog's
own bar, never `QProgressDialog.setValue`: in a modal dialog that runs a nested event loop, which
would deliver the operation's success (or more progress) in the middle of a progress update.
Progress that arrives after the operation finished is ignored.

An operation is always let go of on the GUI thread. It holds Qt objects made there (its signal
relay, its progress timer), and Qt objects must be destroyed on the thread they belong to. So the
worker drops its references and then tells the GUI thread it has finished, and the operation
leaves ``_running`` only when both its result has been handled and its worker has finished. Were
the worker to hold the last reference, it would destroy those objects while the GUI thread may be
using them, which Qt forbids.

Tests call `set_synchronous(True)` so operations run inline and finish before the call returns.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QApplication, QProgressBar, QProgressDialog, QWidget

from lscp_audit.core.errors import Cancelled
from lscp_audit.core.progress import CancelToken  # the one cancel flag every layer checks
from lscp_audit.ui.errors import show_error
from lscp_audit.ui.timers import single_shot_timer

T = TypeVar("T")
PROGRESS_DELAY_MS = 600

_synchronous = False
_serial_pool: QThreadPool | None = None
_running: dict[int, BackgroundOp[Any]] = {}  # keeps ops (and their relays) alive until finished
_keys = itertools.count()


def set_synchronous(value: bool) -> None:
    """Run every operation inline on the calling thread (for tests)."""
    global _synchronous
    _synchronous = value


def serial_pool() -> QThreadPool:
    """The single worker that all vault work shares."""
    global _serial_pool
    if _serial_pool is None:
        _serial_pool = QThreadPool()
        _serial_pool.setMaxThreadCount(1)
        _serial_pool.setExpiryTimeout(-1)
    return _serial_pool


def wait_for_all(msecs: int = 30_000) -> bool:
    """Block until queued vault work has finished (used before locking and quitting)."""
    return serial_pool().waitForDone(msecs) if _serial_pool is not None else True


class _Relay(QObject):
    """Lives on the GUI thread; worker emissions are queued to it."""

    succeeded = Signal(object)
    failed = Signal(object)
    progressed = Signal(int, str)


class _WorkerEnd(QObject):
    """Lives on the GUI thread: a worker says here that it has let go of its operation."""

    finished = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.finished.connect(_worker_finished, Qt.ConnectionType.QueuedConnection)


_worker_end: _WorkerEnd | None = None


def _worker_end_signal() -> _WorkerEnd:
    global _worker_end
    if _worker_end is None:
        _worker_end = _WorkerEnd()  # made by `run`, so on the GUI thread
    return _worker_end


def _worker_finished(key: int) -> None:
    background = _running.get(key)
    if background is not None:
        background._worker_done()


class OpContext:
    """What an operation receives: a progress callback and a cancel token (both thread-safe)."""

    def __init__(self, relay: _Relay, cancel: CancelToken) -> None:
        self._relay = relay
        self.cancel = cancel

    def progress(self, percent: int, step: str = "") -> None:
        self._relay.progressed.emit(int(percent), step)


class _Runnable(QRunnable):
    """Runs `fn` on a pool thread, drops it, then reports `key` finished to the GUI thread."""

    def __init__(self, fn: Callable[[], None], key: int, end: _WorkerEnd) -> None:
        super().__init__()
        self._fn: Callable[[], None] | None = fn
        self._key = key
        self._end = end
        self.setAutoDelete(True)

    def run(self) -> None:
        fn, self._fn = self._fn, None
        try:
            if fn is not None:
                fn()
        finally:
            del fn  # the last reference this thread held to the operation
            self._end.finished.emit(self._key)


class BackgroundOp(Generic[T]):
    """One long operation with success/failure callbacks and optional progress dialog."""

    def __init__(
        self,
        *,
        parent: QWidget | None,
        op: Callable[[OpContext], T],
        success: Callable[[T], object] | None = None,
        serial: bool = True,
    ) -> None:
        self._parent = parent
        self._op = op
        self._success = success
        self._failure: Callable[[BaseException], object] | None = None  # None: `show_error`
        self._serial = serial
        self._label: str | None = None
        self._cancellable = False
        self._dialog: QProgressDialog | None = None
        self._bar: QProgressBar | None = None
        self._done = False
        self._worker_finished = False
        self._key = next(_keys)
        self._timer: QTimer | None = None
        self.token = CancelToken()
        self._relay = _Relay()

    @property
    def in_flight(self) -> bool:
        """Started and not yet let go of (its result not handled, or its worker not finished)."""
        return self._key in _running

    def failure(self, handler: Callable[[BaseException], object]) -> BackgroundOp[T]:
        self._failure = handler
        return self

    def with_progress(self, label: str, *, cancellable: bool = True) -> BackgroundOp[T]:
        self._label = label
        self._cancellable = cancellable
        return self

    def run(self) -> None:
        """Start the operation (inline when synchronous)."""
        relay = self._relay
        relay.succeeded.connect(self._on_success, Qt.ConnectionType.QueuedConnection)
        relay.failed.connect(self._on_failure, Qt.ConnectionType.QueuedConnection)
        relay.progressed.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        context = OpContext(relay, self.token)
        if _synchronous:
            self._run_inline(context)
            return
        _running[self._key] = self
        if self._label is not None:
            self._timer = single_shot_timer(None, PROGRESS_DELAY_MS)
            self._timer.timeout.connect(self._show_dialog)
            self._timer.start()
        pool = serial_pool() if self._serial else QThreadPool.globalInstance()
        pool.start(_Runnable(lambda: self._work(context), self._key, _worker_end_signal()))

    def _run_inline(self, context: OpContext) -> None:
        try:
            result = self._op(context)
        except Exception as exc:  # noqa: BLE001 - handed to the failure callback
            if not isinstance(exc, Cancelled):
                self._report_failure(exc)
            return
        if self._success is not None:
            self._success(result)

    def _work(self, context: OpContext) -> None:
        try:
            result = self._op(context)
        except Exception as exc:  # noqa: BLE001 - posted back to the GUI thread
            self._relay.failed.emit(exc)
            return
        self._relay.succeeded.emit(result)

    def _show_dialog(self) -> None:
        if self._done:
            return
        dialog = QProgressDialog(self._label or "", self._cancel_text(), 0, 100, self._parent)
        bar = QProgressBar(dialog)
        bar.setRange(0, 100)
        bar.setValue(0)
        bar.setAccessibleName(self._label or "")
        dialog.setBar(bar)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setAccessibleName(self._label or "")
        if self._cancellable:
            dialog.canceled.connect(self.token.cancel)
        else:
            dialog.setCancelButton(None)
        self._dialog, self._bar = dialog, bar
        dialog.show()

    def _cancel_text(self) -> str:
        return "Cancel" if self._cancellable else ""

    def _on_progress(self, percent: int, step: str) -> None:
        dialog, bar = self._dialog, self._bar
        if self._done or dialog is None or bar is None:
            return  # not shown yet, or a late signal queued behind the result
        bar.setValue(max(0, min(100, percent)))  # no nested event loop (see the module notes)
        if step:
            dialog.setLabelText(f"{self._label}\n{step}")

    def _finish(self) -> None:
        self._done = True
        if self._timer is not None:
            self._timer.stop()
        dialog, self._dialog, self._bar = self._dialog, None, None
        if dialog is not None:
            dialog.close()
            dialog.deleteLater()
            self._give_back_keyboard(dialog)
        if self._worker_finished:
            self._release()

    def _worker_done(self) -> None:
        self._worker_finished = True
        if self._done:
            self._release()

    def _release(self) -> None:
        """Let go of the operation, on the GUI thread: its relay's connections to this object's
        methods are the only references Python's collector cannot see, so they go first."""
        _running.pop(self._key, None)
        for signal in (self._relay.succeeded, self._relay.failed, self._relay.progressed):
            signal.disconnect()
        if self._timer is not None:
            self._timer.timeout.disconnect()
            self._timer = None

    def _give_back_keyboard(self, dialog: QProgressDialog) -> None:
        """The window the progress dialog covered gets the keyboard back: a window manager may
        leave it nowhere when a short-lived dialog closes, and typing would then go astray."""
        owner = self._parent.window() if self._parent is not None else None
        active = QApplication.activeWindow()
        if owner is not None and owner.isVisible() and active in (None, dialog):
            owner.activateWindow()

    def _on_success(self, result: object) -> None:
        self._finish()
        if self._success is not None:
            self._success(result)  # type: ignore[arg-type]

    def _on_failure(self, exc: BaseException) -> None:
        self._finish()
        if isinstance(exc, Cancelled):
            return
        self._report_failure(exc)

    def _report_failure(self, exc: BaseException) -> None:
        if self._failure is None:
            show_error(self._parent, exc)
        else:
            self._failure(exc)


def run_in_background(
    parent: QWidget | None,
    op: Callable[[OpContext], T],
    success: Callable[[T], object] | None = None,
    *,
    progress: str | None = None,
    serial: bool = True,
) -> BackgroundOp[T]:
    """Shorthand for `BackgroundOp(...).with_progress(progress).run()`."""
    background = BackgroundOp(parent=parent, op=op, success=success, serial=serial)
    if progress is not None:
        background.with_progress(progress)
    background.run()
    return background

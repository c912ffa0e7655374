"""The background helper: work runs off the GUI thread, callbacks come back on it, a slow
operation shows a progress dialog whose Cancel sets the token, and Cancelled is silent."""

from __future__ import annotations

import threading
import time
import weakref

import pytest
from PySide6.QtWidgets import QApplication, QProgressDialog
from pytestqt.qtbot import QtBot

from lscp_audit.core.errors import Cancelled
from lscp_audit.ui import ops


@pytest.fixture
def threaded() -> None:
    ops.set_synchronous(False)


def test_success_and_failure_come_back_on_the_gui_thread(qtbot: QtBot, threaded: None) -> None:
    seen: dict[str, object] = {}

    def work(_ctx: ops.OpContext) -> int:
        seen["worker"] = threading.current_thread() is threading.main_thread()
        return 42

    def done(value: int) -> None:
        seen["value"] = value
        seen["gui"] = threading.current_thread() is threading.main_thread()

    ops.BackgroundOp(parent=None, op=work, success=done).run()
    qtbot.waitUntil(lambda: "value" in seen)
    assert seen == {"worker": False, "value": 42, "gui": True}

    def fail(_ctx: ops.OpContext) -> None:
        raise ValueError("boom")

    failures: list[BaseException] = []
    ops.BackgroundOp(parent=None, op=fail).failure(failures.append).run()
    qtbot.waitUntil(lambda: bool(failures))
    assert isinstance(failures[0], ValueError)


def test_slow_work_shows_progress_and_cancel_is_silent(qtbot: QtBot, threaded: None) -> None:
    failures: list[BaseException] = []

    def slow(ctx: ops.OpContext) -> None:
        for step in range(300):
            ctx.progress(step // 3, "working")
            ctx.cancel.raise_if_cancelled()
            time.sleep(0.01)

    op = ops.BackgroundOp(parent=None, op=slow).failure(failures.append).with_progress("Exporting")
    op.run()
    qtbot.waitUntil(
        lambda: any(isinstance(w, QProgressDialog) and w.isVisible() for w in QApplication.topLevelWidgets())
    )
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog) and w.isVisible())
    dialog.cancel()
    qtbot.waitUntil(lambda: not op.in_flight, timeout=5000)
    assert failures == [] and op.token.cancelled
    assert ops.wait_for_all()


def test_synchronous_mode_for_tests() -> None:
    results: list[int] = []
    ops.BackgroundOp(parent=None, op=lambda _ctx: 7, success=results.append).run()
    assert results == [7]
    ops.BackgroundOp(parent=None, op=lambda _ctx: (_ for _ in ()).throw(Cancelled("x"))).failure(
        lambda exc: results.append(-1)
    ).run()
    assert results == [7]


def test_progress_queued_behind_success_does_not_turn_it_into_a_failure(
    qtbot: QtBot, threaded: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Progress signals still queued when the work finishes reach the GUI thread while the
    progress dialog processes events (`setValue` does, in a modal dialog): they must be harmless."""
    monkeypatch.setattr(ops, "PROGRESS_DELAY_MS", 0)
    shown = threading.Event()
    outcome: list[object] = []

    def work(ctx: ops.OpContext) -> str:
        assert shown.wait(5)
        for step in range(50):
            ctx.progress(step * 2, f"step {step}")
        return "exported"

    op = ops.BackgroundOp(parent=None, op=work, success=outcome.append).failure(outcome.append)
    op.with_progress("Exporting").run()
    qtbot.waitUntil(lambda: op._dialog is not None and op._dialog.isVisible())
    shown.set()
    qtbot.waitUntil(lambda: not op.in_flight, timeout=5000)
    qtbot.wait(50)  # any late queued progress arrives now
    assert outcome == ["exported"]
    assert not any(isinstance(w, QProgressDialog) and w.isVisible() for w in QApplication.topLevelWidgets())


@pytest.mark.parametrize("outcome", ["success", "failure", "cancelled"])
def test_an_operation_is_always_released_on_the_gui_thread(qtbot: QtBot, threaded: None, outcome: str) -> None:
    """An operation holds Qt objects made on the GUI thread (its signal relay, its progress
    timer). Were the worker thread to drop the last reference, they would be destroyed there
    while the GUI thread uses them, which Qt forbids (before, no operation was ever let go of).
    Quick operations make the race likely: the GUI thread handles the result before the worker
    has let go of its closure."""
    released_on: list[bool] = []
    handled: list[str] = []

    def handle(value: object) -> None:
        handled.append(repr(value))  # not the exception itself: its traceback holds the operation

    def work(_ctx: ops.OpContext) -> int:
        if outcome == "failure":
            raise ValueError("boom")
        if outcome == "cancelled":
            raise Cancelled()
        return 1

    for _ in range(150):
        op = ops.BackgroundOp(parent=None, op=work, success=handle).failure(handle)
        op.with_progress("Working")
        weakref.finalize(op, lambda: released_on.append(threading.current_thread() is threading.main_thread()))
        op.run()
        del op
    expected = 0 if outcome == "cancelled" else 150
    qtbot.waitUntil(lambda: len(released_on) == 150 and len(handled) == expected, timeout=20_000)
    assert all(released_on), f"{released_on.count(False)} of 150 operations were released on a worker thread"

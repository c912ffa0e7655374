"""Reference cycles that hold Qt objects are collected on the GUI thread, however much a worker
thread allocates (the cycle collector runs wherever a threshold is crossed, unless the app's
`GuiThreadCollector` runs it). The tests' own conftest starts a collector for every Qt test, as
`lscp_audit.ui.app.run` does for the app."""

from __future__ import annotations

import gc
import threading
import weakref

from PySide6.QtCore import QObject, QTimer
from pytestqt.qtbot import QtBot

from lscp_audit.ui.gui_thread_gc import GuiThreadCollector

CYCLES = 20


def _make_cycles(released_on: list[bool]) -> None:
    for _ in range(CYCLES):
        owner = QObject()
        owner.setProperty("role", "relay")
        owner.keep = owner  # type: ignore[attr-defined]  # a reference cycle only the collector frees
        owner.timer = QTimer(owner)  # type: ignore[attr-defined]
        weakref.finalize(owner, lambda: released_on.append(threading.current_thread() is threading.main_thread()))


def _allocate_on_a_worker() -> list[list[int]]:
    """What an import does to the collector's counts: many container objects, kept (results)."""
    results: list[list[int]] = []

    def churn() -> None:
        results.extend([number] for number in range(100_000))

    worker = threading.Thread(target=churn)
    worker.start()
    worker.join()
    return results


def test_cycles_holding_qt_objects_are_collected_on_the_gui_thread(qtbot: QtBot) -> None:
    assert not gc.isenabled(), "the Qt tests run with the GUI-thread collector, as the app does"
    released_on: list[bool] = []
    gc.collect()  # counts from zero: making the cycles crosses no threshold on this thread
    _make_cycles(released_on)
    results = _allocate_on_a_worker()
    assert released_on == [], "collected on the worker thread"
    qtbot.waitUntil(lambda: len(released_on) == CYCLES, timeout=5_000)
    assert all(released_on) and len(results) == 100_000


def test_the_collector_takes_the_oldest_generation_past_its_threshold_and_hands_back_on_stop(qtbot: QtBot) -> None:
    collector = GuiThreadCollector(interval_ms=60_000)
    gc.collect()
    assert collector.check() == -1  # nothing past a threshold just after a full collection
    kept = [[number] for number in range(gc.get_threshold()[0] * 2)]
    assert collector.check() == 0
    del kept
    collector.stop()  # hands back to how it was: off, as the conftest's collector has it
    assert not gc.isenabled()

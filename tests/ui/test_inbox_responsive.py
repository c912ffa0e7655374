"""A large import in the app (real vault, real signed PDFs, worker processes, operations off the
GUI thread as in the running app) into an inbox that already holds 300 returns: the GUI thread
never stalls for 100 ms, progress is shown, and Cancel stops the import with what was stored
kept and listed.

A stall is the longest time between two ticks of a 10 ms timer on the GUI thread. The GUI
thread's own CPU time in that interval is measured too, which tells our code's work apart
from time the operating system gave to other programs."""

from __future__ import annotations

import dataclasses
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QProgressBar, QProgressDialog, QPushButton
from pytestqt.qtbot import QtBot

from lscp_audit.core.identity import ImportedReturn
from lscp_audit.services.inbox_service import TRUSTED, ImportStatus, InboxImportResult, InboxService
from lscp_audit.services.parallel import available_cores
from lscp_audit.ui import ops
from lscp_audit.ui.inbox import ImportedReturnsWidget
from tests.reports.sample_audit import make_vault
from tests.services.signed_returns import SignedReturns, make_signed_returns

DISTINCT = 12
COPIES = 5  # 60 files: every one is verified in full; the copies are found to be duplicates
MAX_GAP_MS = 100.0
STORED = 300  # returns already in the inbox (the list shown after the import holds them all)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[SignedReturns, list[Path]]:
    folder = tmp_path_factory.mktemp("large")
    made = make_signed_returns(folder, DISTINCT)
    files = []
    for copy in range(COPIES):
        for number, path in enumerate(made.files):
            target = folder / f"copy{copy}-{number:02d}.pdf"
            shutil.copyfile(path, target)
            files.append(target)
    return made, files


@pytest.fixture()
def widget(qtbot: QtBot, tmp_path: Path, made: tuple[SignedReturns, list[Path]]) -> Iterator[ImportedReturnsWidget]:
    ops.set_synchronous(False)  # as in the app: the import runs off the GUI thread
    vault = make_vault(tmp_path / "qa.lscp")
    inbox = InboxService(vault)
    inbox.trust_certificate(made[0].pem)
    _fill(vault, STORED)
    shown = ImportedReturnsWidget(inbox)
    qtbot.addWidget(shown)
    shown.resize(1000, 700)
    shown.show()
    qtbot.waitExposed(shown)
    yield shown
    ops.wait_for_all()
    vault.close()


def _fill(vault: object, count: int) -> None:
    """`count` stored returns from other audits (listing columns and signatures; no PDF)."""
    base = ImportedReturn(
        id="",
        file_hash="",
        report_id="",
        signer="Nguyễn Thị Thảo",
        verified=TRUSTED,
        imported_at="2026-11-20T10:00:00+00:00",
        template_id="maca-sample",
        template_title="Multi-agency case audit: neglect",
        template_version="1.2.0",
        kind="case_audit",
        signed_at="2026-11-19T10:00:00+00:00",
        overall_judgement="good",
        overall_label="Good",
    )
    rows = [
        dataclasses.replace(base, id=f"stored{n:06d}", report_id=f"R-OLD{n:05d}", subject=f"OLD-{n:05d}")
        for n in range(count)
    ]
    vault.imported_returns.in_one_transaction(  # type: ignore[attr-defined]
        lambda batch: [batch.add(row, "{}", None) for row in rows]
    )


class GapMeter:
    """A 10 ms timer on the GUI thread: the longest time between two of its ticks is the
    longest the GUI thread could not handle events (redraws, input); the GUI thread's CPU time
    over the same interval is what it spent working rather than waiting."""

    def __init__(self) -> None:
        self.ticks: list[tuple[float, float]] = []
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        self.ticks.append((time.perf_counter(), time.thread_time()))

    def start(self) -> None:
        self.ticks = []
        self._tick()
        self.timer.start()

    def stop(self) -> tuple[float, float]:
        """(longest wall-clock gap, most GUI-thread CPU in one gap), in ms."""
        self.timer.stop()
        self._tick()
        pairs = list(zip(self.ticks, self.ticks[1:], strict=False))
        wall = max(b[0] - a[0] for a, b in pairs) * 1000
        cpu = max(b[1] - a[1] for a, b in pairs) * 1000
        return wall, cpu


def _quiet_machine() -> bool:
    return not hasattr(os, "getloadavg") or os.getloadavg()[0] < available_cores()


def _imported(qtbot: QtBot, widget: ImportedReturnsWidget, files: list[Path]) -> list[InboxImportResult]:
    with qtbot.waitSignal(widget.files_imported, timeout=300_000) as blocker:
        widget.import_files(files)
    results: list[InboxImportResult] = blocker.args[0]
    return results


def _import_measured(
    qtbot: QtBot, widget: ImportedReturnsWidget, made: tuple[SignedReturns, list[Path]]
) -> tuple[float, float]:
    """Import the files while a 10 ms timer ticks on the GUI thread: (longest wall-clock gap,
    most GUI-thread CPU in one gap), in ms, once the list shows the new returns."""
    files = made[1]
    qtbot.waitUntil(lambda: widget.model.rowCount() == STORED, timeout=60_000)
    meter = GapMeter()
    meter.start()
    results = _imported(qtbot, widget, files)
    qtbot.waitUntil(lambda: widget.model.rowCount() == STORED + DISTINCT, timeout=60_000)  # the list refreshed too
    qtbot.wait(50)
    gap, busy = meter.stop()
    statuses = [r.status for r in results]
    assert (
        statuses.count(ImportStatus.IMPORTED) == DISTINCT
        and statuses.count(ImportStatus.DUPLICATE) == len(files) - DISTINCT
    )
    assert len(meter.ticks) > 20
    assert widget.summary.text() == f"{DISTINCT} imported, {len(files) - DISTINCT} already in the inbox."
    print(f"longest GUI-thread gap {gap:.0f} ms, of which it was busy {busy:.0f} ms")
    return gap, busy


def test_gui_thread_never_stalls_100_ms_during_a_large_import(
    qtbot: QtBot, widget: ImportedReturnsWidget, made: tuple[SignedReturns, list[Path]]
) -> None:
    """No wall-clock gap of 100 ms between two ticks, and our code is never the cause (the GUI
    thread's own CPU time in the worst gap). Measured on a quiet 2-core machine under Xvfb:
    23 to 37 ms (16 ms of it the GUI thread's own work); 40 to 43 ms with two other programs
    keeping both cores busy. When the machine was already loaded before the test (CI runs other
    suites beside it) the wall-clock budget is half again: that time is other programs'."""
    budget = MAX_GAP_MS if _quiet_machine() else MAX_GAP_MS * 1.5
    gap, busy = _import_measured(qtbot, widget, made)
    assert busy < MAX_GAP_MS, f"the GUI thread was busy for {busy:.0f} ms without handling events"
    assert gap < budget, f"the GUI thread stalled for {gap:.0f} ms"


def test_progress_is_shown_and_cancel_keeps_what_was_stored(
    qtbot: QtBot, widget: ImportedReturnsWidget, made: tuple[SignedReturns, list[Path]]
) -> None:
    files = made[1]
    seen: list[int] = []

    def cancel_when_under_way() -> None:
        dialog = next((d for d in widget.findChildren(QProgressDialog) if d.isVisible()), None)
        bar = dialog.findChild(QProgressBar) if dialog is not None else None
        if dialog is None or bar is None or bar.value() < 10:
            QTimer.singleShot(20, cancel_when_under_way)
            return
        seen.append(bar.value())
        assert "Checked" in dialog.labelText() and bar.accessibleName() == "Importing signed PDFs…"
        [button] = [b for b in dialog.findChildren(QPushButton) if b.text() == "Cancel"]
        button.click()

    QTimer.singleShot(0, cancel_when_under_way)
    results = _imported(qtbot, widget, files)
    statuses = [r.status for r in results]
    assert seen and ImportStatus.SKIPPED in statuses
    done = statuses.index(ImportStatus.SKIPPED)
    assert set(statuses[done:]) == {ImportStatus.SKIPPED} and done > 0
    imported = [r.entry.id for r in results if r.status == ImportStatus.IMPORTED and r.entry is not None]
    qtbot.waitUntil(lambda: widget.model.rowCount() == STORED + len(imported), timeout=60_000)
    assert "skipped (cancelled)" in widget.summary.text()
    assert not any(d.isVisible() for d in widget.findChildren(QProgressDialog))
    assert QApplication.activeModalWidget() is None

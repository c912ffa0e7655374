"""The shared read-only row model and two of its tables, through pytest-qt's model tester."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from lscp_audit.core.history import HistoryEntry
from lscp_audit.reports.verification import VerificationResult
from lscp_audit.ui.editor.history_model import HistoryTableModel
from lscp_audit.ui.reports.verification_model import COL_VERDICT, ResultRole, VerificationTableModel


def _entry(seq: int, field: str, old: str, new: str) -> HistoryEntry:
    return HistoryEntry(seq, "audit-1", f"2026-11-28T09:0{seq}:00+00:00", "A. Auditor", field, old, new, "", "")


def test_history_model(qtmodeltester: Any) -> None:
    model = HistoryTableModel(
        [_entry(1, "status", '"draft"', '"complete"'), _entry(2, "answer:q1", "null", '"yes"')], None
    )
    qtmodeltester.check(model)
    assert model.rowCount() == 2 and model.columnCount() == 5
    assert model.headerData(0, Qt.Orientation.Horizontal) == "When"
    assert model.data(model.index(0, 2)) == "Status"
    assert model.data(model.index(0, 4)) == "complete"
    assert model.data(model.index(0, 0)).startswith("28 Nov 2026")


def test_verification_model(qtmodeltester: Any) -> None:
    good = VerificationResult("/tmp/a.pdf", signed=True, intact=True, whole_file=True)
    bad = VerificationResult("/tmp/b.pdf", signed=True, intact=False, whole_file=True)
    model = VerificationTableModel()
    model.set_rows([good, bad])
    qtmodeltester.check(model)
    assert model.data(model.index(1, 0)) == "b.pdf"
    assert model.data(model.index(1, 0), ResultRole) is bad
    assert model.data(model.index(0, COL_VERDICT), Qt.ItemDataRole.ForegroundRole) != model.data(
        model.index(1, COL_VERDICT), Qt.ItemDataRole.ForegroundRole
    )
    model.set_rows([])
    assert model.rowCount() == 0 and model.data(model.index(0, 0)) is None

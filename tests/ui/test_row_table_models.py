"""The shared read-only row model and two of its tables, through pytest-qt's model tester."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from lscp_audit.core.change_history import ChangeLine
from lscp_audit.reports.verification import VerificationResult
from lscp_audit.ui.editor.history_model import AmendmentTableModel, HistoryTableModel
from lscp_audit.ui.reports.verification_model import COL_VERDICT, ResultRole, VerificationTableModel


def _line(minute: int, what: str, before: str, after: str, agency: str = "") -> ChangeLine:
    return ChangeLine(f"2026-11-28T09:0{minute}:00+00:00", "A. Auditor", what, "The case", agency, before, after)


def test_history_model(qtmodeltester: Any) -> None:
    model = HistoryTableModel([_line(1, "Status", "Draft", "Complete"), _line(2, "Grade", "Good", "x" * 500, "Police")])
    qtmodeltester.check(model)
    assert model.rowCount() == 2 and model.columnCount() == 6
    assert model.headerData(0, Qt.Orientation.Horizontal) == "When"
    assert model.data(model.index(0, 3)) == "Status"
    assert model.data(model.index(1, 3)) == "Grade (Police)"
    assert model.data(model.index(0, 5)) == "Complete"
    assert model.data(model.index(0, 0)).startswith("28 Nov 2026")
    assert len(model.data(model.index(1, 5))) == 400  # shortened on screen
    assert len(model.data(model.index(1, 5), Qt.ItemDataRole.ToolTipRole)) == 500  # whole in the tooltip


def test_amendment_model(qtmodeltester: Any) -> None:
    model = AmendmentTableModel([_line(1, "Grade", "Good", "Inadequate", "Police")])
    qtmodeltester.check(model)
    assert [model.data(model.index(0, c)) for c in range(4)] == [
        "The case: Grade (Police)",
        "Good",
        "Inadequate",
        "No reason given yet",
    ]


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

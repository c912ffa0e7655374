"""Save the quarterly action report (the business plan's Outcome / Who / When / Status) from
the Analysis tab: choose the quarter (and whether case references go in), then where; written
off the GUI thread, as XLSX or CSV by the name's ending. The figures follow the tab's filters and
small-number suppression."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QFileDialog, QPushButton, QWidget

from lscp_audit.core.action_updates import recent_quarters
from lscp_audit.core.analysis import AnalysisFilter
from lscp_audit.core.errors import Cancelled, LscpAuditError
from lscp_audit.ui import ops
from lscp_audit.ui.a11y import StatusLabel
from lscp_audit.ui.errors import show_error
from lscp_audit.ui.inbox.quarter_dialog import QuarterChoice, QuarterDialog

if TYPE_CHECKING:
    from lscp_audit.services.analysis_service import AnalysisService

FILE_FILTER = "Excel workbook (*.xlsx);;CSV, the register only (*.csv)"


class QuarterlyExport:
    """The *Save quarterly action report…* button and what it does. `current_filter` and
    `suppress` read the tab's choices at the moment of saving."""

    def __init__(
        self,
        parent: QWidget,
        service: AnalysisService,
        status: StatusLabel,
        current_filter: Callable[[], AnalysisFilter],
        suppress: Callable[[], bool],
    ) -> None:
        self.parent = parent
        self.service = service
        self.status = status
        self.current_filter = current_filter
        self.suppress = suppress
        self.button = QPushButton(parent.tr("Save &quarterly action report…"))
        self.button.setAccessibleDescription(
            parent.tr(
                "Outcome, who, when and status of each action in a calendar quarter, with the progress "
                "updates; follows the filters above"
            )
        )
        self.button.clicked.connect(self.save)

    def choose_quarter(self) -> QuarterChoice | None:
        dialog = QuarterDialog([q.describe() for q in recent_quarters(self.service.today())], self.parent)
        try:
            return dialog.choice() if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()

    def choose_path(self, quarter: str) -> str:
        name, _ = QFileDialog.getSaveFileName(
            self.parent,
            self.parent.tr("Save the quarterly action report"),
            f"actions-{quarter}.xlsx",
            self.parent.tr(FILE_FILTER),
        )
        return name

    def save(self) -> None:
        choice = self.choose_quarter()
        if choice is None:
            return
        quarter, case_references = choice.quarter, choice.case_references
        name = self.choose_path(quarter)
        if not name:
            return
        path = Path(name)
        as_csv = path.suffix.lower() == ".csv"
        if not as_csv and path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        service, chosen_filter, suppress = self.service, self.current_filter(), self.suppress()

        def work(ctx: ops.OpContext) -> str:
            ctx.progress(10, "Reading the actions")
            try:
                report = service.quarterly_actions(quarter, chosen_filter)
                ctx.cancel.raise_if_cancelled()
                ctx.progress(60, "Writing")
                if as_csv:
                    out = service.export_quarterly_csv(report, path, case_references=case_references)
                else:
                    out = service.export_quarterly_xlsx(
                        report, path, suppress=suppress, case_references=case_references
                    )
            except Cancelled:
                return "Not saved: cancelled (any earlier file there is unchanged)."
            with_references = " It includes case references: keep it within the QA subgroup." if case_references else ""
            return (
                f"Saved {out.path.name}: {len(report.rows)} action(s) of {report.quarter.describe()}, "
                f"{len(report.updates)} progress update(s) in the quarter.{with_references}"
            )

        self.button.setEnabled(False)
        self.status.set_status(self.parent.tr("Saving…"), quiet=True)
        ops.BackgroundOp(parent=self.parent, op=work, success=self._saved).failure(self._failed).with_progress(
            self.parent.tr("Saving the quarterly action report…")
        ).run()

    def _saved(self, message: str) -> None:
        self.button.setEnabled(True)
        self.status.setText(message)

    def _failed(self, exc: BaseException) -> None:
        self.button.setEnabled(True)
        if isinstance(exc, LscpAuditError):
            self.status.setText(self.parent.tr("Not saved: %s") % exc)
        else:
            self.status.clear()
            show_error(self.parent, exc)

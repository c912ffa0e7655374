"""The multi-agency case view: the trusted returns for one case (and round) side by side,
question by question and agency by agency, each agency's judgements, the shared findings and
actions; "Export as a signed PDF…" makes the pack for the case discussion (off the GUI thread).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from lscp_audit.core.case_view import CaseRow, CaseView
from lscp_audit.core.errors import LscpAuditError
from lscp_audit.core.templates.scales import ACTION_STATUS_OPTIONS
from lscp_audit.services.returns_service import CaseExport, ReturnsService, suggested_case_file_name
from lscp_audit.ui import screen_fit
from lscp_audit.ui.a11y import StatusLabel, buttons_in_shown_order, name_splitter_handles
from lscp_audit.ui.display import format_date
from lscp_audit.ui.errors import show_error
from lscp_audit.ui.ops import BackgroundOp, OpContext
from lscp_audit.ui.row_table_model import RowTableModel

#: A table row: a section's title (a heading row) or one question / judgement.
CaseLine = str | CaseRow
STATUS_LABELS = {o.code: o.label for o in ACTION_STATUS_OPTIONS}


def case_lines(view: CaseView) -> list[CaseLine]:
    """The rows of the side-by-side table: the overall judgement, then each section's title
    followed by its judgements and questions."""
    lines: list[CaseLine] = [view.overall]
    for section in view.sections:
        lines.append(section.title)
        lines += list(section.rows)
    return lines


def row_label(row: CaseRow) -> str:
    label = row.label + (f" — {row.agency_label}" if row.agency_label else "")
    return label + (" (answers differ)" if row.differs and not row.judgement else "")


class CaseTableModel(RowTableModel[CaseLine]):
    """Question (or judgement) rows with one column per agency's return."""

    def __init__(self, view: CaseView, parent: Any = None) -> None:
        super().__init__(parent)
        self.headers = ("Question", *view.agencies)
        self.set_rows(case_lines(view))

    def cell(self, line: CaseLine, column: int, role: int) -> Any:
        if isinstance(line, str):  # a section heading
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
                return line if column == 0 else ""
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return row_label(line) if column == 0 else line.cells[column - 1].text
        if role == Qt.ItemDataRole.FontRole and (column == 0 or line.judgement):
            font = QFont()
            font.setBold(True)
            return font
        return None


def moderation_html(view: CaseView) -> str:
    """Each return's QA moderation: outcome, moderator, date, verification, rationale, and every
    moderated rating beside the agency's own."""
    e = html.escape
    parts = ["<h3>QA moderation</h3>"]
    moderated = {m.report_id for m in view.moderation}
    for m in view.moderation:
        colour = "#1b6b35" if m.verified else "#a11d1d"
        parts.append(
            f"<h4>{e(m.agency)}: {e(m.outcome)}</h4>"
            f"<p>By {e(m.moderator)} on {e(format_date(m.moderated_at))}. "
            f'<span style="color:{colour}">{e(m.verification)}.</span></p>'
            f"<p>Rationale: {e(m.rationale)}</p>"
        )
        if m.ratings:
            rows = "".join(
                f"<tr><td>{e(r.title)}</td><td>{e(r.self_label)}</td><td><b>{e(r.moderated_label)}</b></td>"
                f"<td>{e(r.rationale)}</td></tr>"
                for r in m.ratings
            )
            parts.append(
                '<table border="1" cellpadding="3"><tr><th>Judgement</th><th>Agency\'s rating</th>'
                f"<th>Moderated rating</th><th>Rationale</th></tr>{rows}</table>"
            )
    waiting = [c.agency for c in view.columns if c.report_id not in moderated]
    if waiting:
        parts.append(f"<p>Not moderated: {e(', '.join(waiting))}.</p>")
    return "".join(parts)


def findings_html(view: CaseView) -> str:
    """Each return's moderation, the shared findings (by finding, each agency's words) and every
    agency's actions."""
    e = html.escape
    parts = [moderation_html(view), "<h3>Shared findings</h3>"]
    previous = None
    for finding in view.findings:
        if finding.title != previous:
            parts.append(f"<h4>{e(finding.title)}</h4>")
            previous = finding.title
        parts.append(f"<p><b>{e(finding.agency)}:</b> {e(finding.text)}</p>")
    if not view.findings:
        parts.append("<p>None of the returns recorded key findings.</p>")
    parts.append("<h3>Actions</h3>")
    if not view.actions:
        parts.append("<p>None of the returns recorded actions.</p>")
    else:
        rows = "".join(
            f"<tr><td>{e(a.agency)}</td><td>{e(a.action)}</td><td>{e(a.owner)}</td>"
            f"<td>{e(format_date(a.due))}</td><td>{e(STATUS_LABELS.get(a.status, a.status))}</td></tr>"
            for a in view.actions
        )
        parts.append(
            '<table border="1" cellpadding="3"><tr><th>Agency</th><th>Action</th><th>Owner</th><th>Due</th>'
            f"<th>Status</th></tr>{rows}</table>"
        )
    return "".join(parts)


class CaseViewDialog(QDialog):
    """The case view of `view`; `returns` exports the signed pack. `save_path` (tests) replaces
    the file dialog's answer."""

    def __init__(
        self,
        view: CaseView,
        returns: ReturnsService,
        parent: QWidget | None = None,
        *,
        save_path: Callable[[str], str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.view = view
        self._returns = returns
        self._save_path = save_path or self._ask_save_path
        self.setWindowTitle(self.tr("Case view: %s") % view.case_reference)
        round_text = view.round or self.tr("round not named in the returns")
        moderated = len(view.moderation)
        self.heading = QLabel(
            f"<h2>{html.escape(view.case_reference)}</h2><p>{html.escape(view.template_title)}, "
            f"{html.escape(round_text)}: "
            + self.tr("%d return(s) side by side (%s)") % (len(view.columns), html.escape(", ".join(view.agencies)))
            + "; "
            + self.tr("%d moderated") % moderated
            + "</p>"
        )
        self.heading.setWordWrap(True)
        self.notes = QLabel("\n".join(view.notes))
        self.notes.setWordWrap(True)
        self.notes.setVisible(bool(view.notes))
        self.notes.setAccessibleName(self.tr("Notes about these returns"))
        self.model = CaseTableModel(view, self)
        self.table = self._table()
        self.findings = QTextBrowser()
        self.findings.setAccessibleName(self.tr("Moderation, shared findings and actions"))
        self.findings.setAccessibleDescription(
            self.tr("Each return's QA moderation, and every agency's key findings and actions for this case")
        )
        self.findings.setHtml(findings_html(view))
        self.findings.setTabChangesFocus(True)
        self.export_button = QPushButton(self.tr("E&xport as a signed PDF…"))
        self.export_button.setAccessibleDescription(
            self.tr("One PDF of this case view for the case discussion, signed with your identity")
        )
        self.export_button.clicked.connect(lambda _checked=False: self.export_pdf())
        self.status = StatusLabel(self.tr("Export status"))
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        buttons_in_shown_order(self.buttons)
        self._lay_out()
        screen_fit.fit_to_screen(self, 1100, 720)
        self.table.setFocus()

    def _table(self) -> QTableView:
        table = QTableView()
        table.setModel(self.model)
        table.setAccessibleName(self.tr("Answers side by side"))
        table.setAccessibleDescription(self.tr("One row per question, one column per agency's return"))
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setTabKeyNavigation(False)  # Tab leaves the table; arrow keys move between its cells
        table.setWordWrap(True)
        table.setTabKeyNavigation(False)  # arrows move between cells; Tab moves on to the findings
        table.verticalHeader().hide()
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for row, line in enumerate(self.model.rows()):
            if isinstance(line, str):
                table.setSpan(row, 0, 1, self.model.columnCount())
        # Rows follow the columns' width (wrapped answers), whatever size the window becomes.
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        return table

    def _lay_out(self) -> None:
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.findings)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        name_splitter_handles(
            splitter, self.tr("Answers side by side"), self.tr("Moderation, shared findings and actions")
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.notes)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)

    def _ask_save_path(self, suggested: str) -> str:
        name, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export the case view as a signed PDF"), suggested, self.tr("PDF files (*.pdf)")
        )
        return name

    def export_pdf(self) -> None:
        """Ask where, then lay out, sign and write the pack off the GUI thread, with progress."""
        name = self._save_path(suggested_case_file_name(self.view))
        if not name:
            return
        view = self.view
        self.export_button.setEnabled(False)

        def work(ctx: OpContext) -> CaseExport:
            return self._returns.export_case_pdf(view, name, progress=ctx.progress, cancel=ctx.cancel)

        BackgroundOp(parent=self, op=work, success=self._exported).failure(self._failed).with_progress(
            self.tr("Exporting the case view…")
        ).run()

    def _exported(self, result: CaseExport) -> None:
        self.export_button.setEnabled(True)
        self.status.setText(
            self.tr("Saved %s: pack %s, %d page(s), signed by %s.")
            % (result.path.name, result.pack_id, result.page_count, result.signer)
        )

    def _failed(self, exc: BaseException) -> None:
        self.export_button.setEnabled(True)
        if isinstance(exc, LscpAuditError):
            self.status.setText(self.tr("The case view was not exported: %s") % exc)
        else:
            show_error(self, exc)


__all__ = ["CaseTableModel", "CaseViewDialog", "case_lines", "findings_html", "moderation_html"]

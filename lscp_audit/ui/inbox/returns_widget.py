"""The "Imported returns" part of the QA inbox: import signed PDFs (button or drag and drop) off
the GUI thread with progress, show each file's outcome, and list, filter and remove returns."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from lscp_audit.core.errors import LscpAuditError
from lscp_audit.services.inbox_service import ImportStatus, InboxImportResult
from lscp_audit.ui.errors import show_error
from lscp_audit.ui.inbox.import_results_model import ImportResultsModel
from lscp_audit.ui.inbox.returns_model import (
    COL_IMPORTED,
    COL_TEMPLATE,
    EntryRole,
    ReturnsSortProxyModel,
    ReturnsTableModel,
)
from lscp_audit.ui.ops import BackgroundOp, OpContext
from lscp_audit.ui.pdf_drop import PdfDropMixin


def summary_text(results: Sequence[InboxImportResult]) -> str:
    """``2 imported, 1 already in the inbox, 1 not imported.`` (only the outcomes that occurred)."""
    words = (
        (ImportStatus.IMPORTED, "imported"),
        (ImportStatus.DUPLICATE, "already in the inbox"),
        (ImportStatus.REJECTED, "not imported"),
        (ImportStatus.SKIPPED, "skipped (cancelled)"),
    )
    parts = [f"{n} {word}" for status, word in words if (n := sum(1 for r in results if r.status == status))]
    return (", ".join(parts) or "No files") + "."


def _table(name: str, description: str) -> QTableView:
    table = QTableView()
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    table.verticalHeader().hide()
    table.setAccessibleName(name)
    table.setAccessibleDescription(description)
    return table


class ImportedReturnsWidget(PdfDropMixin, QWidget):
    """Import signed PDFs into the vault's inbox and list the returns there.

    `inbox` is an `InboxService` (or anything with its methods). Vault work runs on the serial
    worker through `ui.ops`; signals ``files_imported(list)`` carries the per-file results and
    ``return_removed(str)`` the removed return's id.
    """

    files_imported = Signal(list)
    return_removed = Signal(str)

    def __init__(self, inbox: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self._inbox = inbox
        self.model = ReturnsTableModel(self)
        self.proxy = ReturnsSortProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.results_model = ImportResultsModel(self)
        self._build_widgets()
        self._lay_out()
        self.refresh()

    def _build_widgets(self) -> None:
        self.import_button = QPushButton(self.tr("&Import signed PDFs…"))
        self.import_button.clicked.connect(self._choose_pdfs)
        self.trust_button = QPushButton(self.tr("Trust a &certificate…"))
        self.trust_button.clicked.connect(self._choose_certificate)
        self.remove_button = QPushButton(self.tr("&Remove from inbox…"))
        self.remove_button.clicked.connect(lambda _checked=False: self.remove_selected())
        self.trust_label = QLabel()
        self.filter = QLineEdit(placeholderText=self.tr("Filter by report id, template, case, signer…"))
        self.filter.setClearButtonEnabled(True)
        self.filter.setAccessibleName(self.tr("Filter returns"))
        self.filter.setAccessibleDescription(self.tr("Shows only the returns whose columns contain this text"))
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = _table(
            self.tr("Imported returns"),
            self.tr(
                "Signed returns in the inbox: report id, template, case or organisation, signer, dates and signature"
            ),
        )
        self.table.setModel(self.proxy)
        # Long template titles take the spare width and elide, so the signature column stays in view.
        self.table.horizontalHeader().setSectionResizeMode(COL_TEMPLATE, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_IMPORTED, Qt.SortOrder.DescendingOrder)  # most recently imported first
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.results = _table(
            self.tr("Import results"), self.tr("Each file of the last import: imported, already there, or why not")
        )
        self.results.setModel(self.results_model)
        self.results.setMaximumHeight(170)  # about six files; the returns table gets the rest
        self.results.hide()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self._update_buttons()

    def _lay_out(self) -> None:
        hint = QLabel(
            self.tr(
                "Drop signed report PDFs here, or choose them. Each file is checked first: it must be "
                "signed, unchanged since signing and wholly covered by its signature. Files that fail "
                "are not imported."
            )
        )
        hint.setWordWrap(True)
        buttons = QHBoxLayout()
        for button in (self.import_button, self.trust_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.trust_label)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(buttons)
        layout.addWidget(self.summary)
        layout.addWidget(self.results)
        layout.addWidget(self.filter)
        layout.addWidget(self.table, 1)

    # --- the list ----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Reload the returns and the trusted-certificate count from the vault."""

        def load(_ctx: OpContext) -> tuple[list[Any], int]:
            return self._inbox.list_returns(), self._inbox.trusted_count()

        BackgroundOp(parent=self, op=load, success=self._show_list).failure(self._failed).run()

    def _show_list(self, loaded: tuple[list[Any], int]) -> None:
        entries, trusted = loaded
        self.model.set_rows(entries)
        self.trust_label.setText(self.tr("Trusted certificates: %d") % trusted)
        empty_text = self.tr("No returns imported yet.")
        if not entries and not self.summary.text():
            self.summary.setText(empty_text)
        elif entries and self.summary.text() == empty_text:
            self.summary.clear()
        self._update_buttons()

    def selected_entries(self) -> list[Any]:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return [self.proxy.data(index, EntryRole) for index in rows]

    def _update_buttons(self, *_args: Any) -> None:
        self.remove_button.setEnabled(bool(self.selected_entries()))

    # --- import ------------------------------------------------------------------------------
    def _choose_pdfs(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, self.tr("Import signed PDFs"), "", self.tr("PDF files (*.pdf)"))
        if names:
            self.import_files([Path(n) for n in names])

    def pdfs_dropped(self, files: list[Path]) -> None:
        self.import_files(files)

    def import_files(self, files: Sequence[Path]) -> None:
        """Verify and import `files` off the GUI thread, with progress and Cancel."""
        paths = list(files)
        self.import_button.setEnabled(False)
        self.summary.setText(self.tr("Importing %d file(s)…") % len(paths))

        def work(ctx: OpContext) -> list[InboxImportResult]:
            results: list[InboxImportResult] = self._inbox.import_files(paths, progress=ctx.progress, cancel=ctx.cancel)
            return results

        BackgroundOp(parent=self, op=work, success=self._imported).failure(self._failed).with_progress(
            self.tr("Importing signed PDFs…")
        ).run()

    def _imported(self, results: list[InboxImportResult]) -> None:
        self.import_button.setEnabled(True)
        self.results_model.set_rows(results)
        self.results.setVisible(bool(results))
        self.summary.setText(summary_text(results))
        self.refresh()
        self.files_imported.emit(results)

    def _failed(self, exc: BaseException) -> None:
        """Expected failures are explained in the summary line; anything else gets the error dialog."""
        self.import_button.setEnabled(True)
        if isinstance(exc, LscpAuditError):
            self.summary.setText(self.tr("That did not work: %s") % exc)
        else:
            show_error(self, exc)

    # --- remove and trust --------------------------------------------------------------------
    def remove_selected(self, *, confirm: bool = True) -> None:
        """Remove the selected return after asking (the PDF file itself is not touched)."""
        entries = self.selected_entries()
        if not entries:
            return
        entry = entries[0]
        if confirm and not self._confirm_remove(entry):
            return

        def work(_ctx: OpContext) -> str:
            self._inbox.remove(entry.id)
            return str(entry.id)

        BackgroundOp(parent=self, op=work, success=self._removed).failure(self._failed).run()

    def _confirm_remove(self, entry: Any) -> bool:
        answer = QMessageBox.question(
            self,
            self.tr("Remove from inbox"),
            self.tr("Remove report %s from the inbox? The PDF file itself is not changed; you can import it again.")
            % entry.report_id,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _removed(self, return_id: str) -> None:
        self.summary.setText(self.tr("Removed from the inbox."))
        self.refresh()
        self.return_removed.emit(return_id)

    def _choose_certificate(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("Trust a certificate"), "", self.tr("Certificates (*.pem *.crt)")
        )
        if not name:
            return
        try:
            pem = Path(name).read_text(encoding="ascii", errors="replace")
        except OSError as exc:
            self.summary.setText(
                self.tr("Cannot read %s (%s).") % (Path(name).name, exc.strerror or type(exc).__name__)
            )
            return
        self.trust_certificate(pem)

    def trust_certificate(self, pem: str) -> None:
        """Trust the certificate(s) in `pem` for later imports (an auditor's or a partnership root)."""

        def work(_ctx: OpContext) -> int:
            return len(self._inbox.trust_certificate(pem))

        BackgroundOp(parent=self, op=work, success=self._trusted).failure(self._failed).run()

    def _trusted(self, count: int) -> None:
        self.summary.setText(self.tr("%d certificate(s) trusted; reports they signed import as trusted.") % count)
        self.refresh()

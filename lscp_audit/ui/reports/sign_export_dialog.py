"""The "Sign and export" dialog for a completed audit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from lscp_audit.core.errors import Cancelled, ValidationError
from lscp_audit.services.report_service import ExportOptions
from lscp_audit.ui.ops import BackgroundOp, OpContext
from lscp_audit.ui.reports.preview import render_first_page

MIN_PASSWORD = 8
DEFAULT_REASON = "I confirm this audit is complete and accurate"


class SignExportDialog(QDialog):
    """Preview the report's first page, choose options and a file, then sign and export.

    `report_service` is a `services.report_service.ReportService` (or anything with the same
    `preview_pdf`, `export`, `suggested_file_name` and `identities.default()`). The export runs off
    the GUI thread with a progress dialog and Cancel; `exported` carries the `ExportResult`.
    """

    exported = Signal(object)

    def __init__(
        self, report_service: Any, audit_id: str, parent: QWidget | None = None, *, directory: Path | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Sign and export report"))
        self.service = report_service
        self.audit_id = audit_id
        self.result: Any = None
        self.preview = QLabel(self.tr("Preparing preview…"))
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setFixedSize(300, 424)
        self.preview.setAccessibleName(self.tr("Preview of the first page"))
        self.preview.setStyleSheet("border: 1px solid palette(mid);")
        self.signer = QLabel()
        self.signer.setWordWrap(True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._build_form(directory or Path.home())
        self._build_layout()
        self._load_signer()

    # --- construction ----------------------------------------------------------------------
    def _build_form(self, directory: Path) -> None:
        self.full = QRadioButton(self.tr('&Full: every question, with "not applicable" where it did not apply'))
        self.compact = QRadioButton(self.tr("&Compact: leave out questions that did not apply"))
        self.full.setChecked(True)
        self.encrypt = QCheckBox(self.tr("&Protect the PDF with a password (AES-256)"))
        self.password = QLineEdit(
            echoMode=QLineEdit.EchoMode.Password, placeholderText=self.tr("Password (at least 8 characters)")
        )
        self.password_again = QLineEdit(
            echoMode=QLineEdit.EchoMode.Password, placeholderText=self.tr("Repeat the password")
        )
        self.password.setAccessibleName(self.tr("PDF password"))
        self.password_again.setAccessibleName(self.tr("Repeat the PDF password"))
        for field in (self.password, self.password_again):
            field.setEnabled(False)
            self.encrypt.toggled.connect(field.setEnabled)
        self.reason = QLineEdit(DEFAULT_REASON)
        self.reason.setAccessibleName(self.tr("Reason shown in the signature"))
        self.destination = QLineEdit(str(directory / self._suggested_name()))
        self.destination.setAccessibleName(self.tr("File to save"))
        self.choose = QPushButton(self.tr("C&hoose…"))
        self.choose.clicked.connect(self._choose_file)

    def _build_layout(self) -> None:
        form = QFormLayout()
        form.addRow(self.tr("Signed by:"), self.signer)
        form.addRow(self.tr("Report:"), self.full)
        form.addRow("", self.compact)
        form.addRow("", self.encrypt)
        form.addRow("", self.password)
        form.addRow("", self.password_again)
        form.addRow(self.tr("Reason:"), self.reason)
        row = QHBoxLayout()
        row.addWidget(self.destination, 1)
        row.addWidget(self.choose)
        form.addRow(self.tr("Save as:"), row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.sign_button = buttons.addButton(self.tr("&Sign and export"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.sign_button.setDefault(True)
        buttons.accepted.connect(self.start_export)
        buttons.rejected.connect(self.reject)
        side = QVBoxLayout()
        side.addLayout(form)
        side.addWidget(self.status)
        side.addStretch(1)
        side.addWidget(buttons)
        layout = QHBoxLayout(self)
        layout.addWidget(self.preview)
        layout.addLayout(side, 1)

    def _suggested_name(self) -> str:
        try:
            return str(self.service.suggested_file_name(self.audit_id))
        except Exception:  # noqa: BLE001 - a name is only a suggestion
            return "lscp-audit-report.pdf"

    def _load_signer(self) -> None:
        identity = self.service.identities.default()
        if identity is None:
            self.signer.setText(
                self.tr("No signing identity yet. Create one in Settings or with 'lscp-audit identity create'.")
            )
            self.sign_button.setEnabled(False)
            return
        self.signer.setText(f"{identity.name}, {identity.role}, {identity.agency}")

    # --- preview ---------------------------------------------------------------------------
    def load_preview(self) -> None:
        """Render page 1 off the GUI thread (called when the dialog is shown)."""
        BackgroundOp(parent=self, op=self._render_preview, success=self._show_preview).failure(
            self._preview_failed
        ).run()

    def _render_preview(self, _ctx: OpContext) -> bytes | None:
        return render_first_page(self.service.preview_pdf(self.audit_id, compact=self.compact.isChecked()), dpi=50)

    def _show_preview(self, png: bytes | None) -> None:
        if not png:
            self.preview.setText(
                self.tr("No preview here (poppler's pdftoppm is not installed).\nThe report is still complete.")
            )
            return
        pixmap = QPixmap()
        pixmap.loadFromData(png, "PNG")
        self.preview.setPixmap(
            pixmap.scaled(
                self.preview.size(), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
        )

    def _preview_failed(self, exc: BaseException) -> None:
        self.preview.setText(self.tr("The preview could not be made: %s") % exc)

    def showEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        if self.preview.pixmap().isNull() and self.preview.text() == self.tr("Preparing preview…"):
            self.load_preview()

    # --- export ----------------------------------------------------------------------------
    def _choose_file(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save signed report"), self.destination.text(), self.tr("PDF files (*.pdf)")
        )
        if name:
            self.destination.setText(name if name.lower().endswith(".pdf") else name + ".pdf")

    def options(self) -> ExportOptions:
        """The chosen options; raises ValidationError for a missing or mismatched password."""
        password = None
        if self.encrypt.isChecked():
            password = self.password.text()
            if len(password) < MIN_PASSWORD:
                raise ValidationError([f"the password must have at least {MIN_PASSWORD} characters"])
            if password != self.password_again.text():
                raise ValidationError(["the two passwords do not match"])
        return ExportOptions(
            compact=self.compact.isChecked(), password=password, reason=self.reason.text().strip() or DEFAULT_REASON
        )

    def start_export(self) -> None:
        try:
            options = self.options()
        except ValidationError as exc:
            self.status.setText(str(exc))
            return
        destination = Path(self.destination.text()).expanduser()
        self.sign_button.setEnabled(False)
        self.status.setText(self.tr("Signing…"))

        def work(ctx: OpContext) -> Any:
            try:
                return self.service.export(
                    self.audit_id, destination, options, progress=ctx.progress, cancel=ctx.cancel
                )
            except Cancelled:
                return None  # reported as "cancelled" on the GUI thread

        BackgroundOp(parent=self, op=work, success=self._exported).failure(self._failed).with_progress(
            self.tr("Signing and exporting the report…")
        ).run()
        self.password.clear()
        self.password_again.clear()

    def _exported(self, result: Any) -> None:
        self.sign_button.setEnabled(True)
        if result is None:
            self.status.setText(self.tr("Export cancelled; nothing was saved."))
            return
        self.result = result
        note = self.tr(" It is encrypted: send the password separately.") if result.encrypted else ""
        self.status.setText(
            self.tr("Signed report %s saved to %s (%d pages, signed by %s).")
            % (result.report_id, result.path, result.page_count, result.signer)
            + note
        )
        self.exported.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self.sign_button.setEnabled(True)
        self.status.setText(self.tr("Not exported: %s") % exc)

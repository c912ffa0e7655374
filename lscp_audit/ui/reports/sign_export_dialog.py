"""The "Sign and export" dialog for a completed audit."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
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

from lscp_audit.core.errors import Cancelled, LscpAuditError, ValidationError
from lscp_audit.core.identifier_check import IdentifierCheck
from lscp_audit.core.report_data import MARKINGS, SUGGESTED_DESCRIPTORS, protective_marking
from lscp_audit.services.report_service import ExportOptions
from lscp_audit.ui.a11y import StatusLabel, name_typing_field
from lscp_audit.ui.checks.identifier_dialog import IdentifierDialog
from lscp_audit.ui.ops import BackgroundOp, OpContext
from lscp_audit.ui.reports.preview import render_first_page

if TYPE_CHECKING:
    from lscp_audit.services.report_service import ExportResult, ReportService

MIN_PASSWORD = 8
DEFAULT_REASON = "I confirm this audit is complete and accurate"
NO_DESCRIPTOR = "No descriptor"


class SignExportDialog(QDialog):
    """Preview the report's first page, choose options and a file, then sign and export.

    Options: full or compact, the protective marking for this export (OFFICIAL or
    OFFICIAL-SENSITIVE, optionally with a descriptor; the vault's setting to start with), a
    password, and the accessible HTML version saved beside the PDF. Before signing, the identifier
    check runs: likely identifiers not yet kept open *Check for identifiers*, and signing goes on
    only once each is kept with a reason (a complete audit's text is corrected by amending it).
    The export runs off the GUI thread with a progress dialog and Cancel; `exported` carries the
    `ExportResult` (`html_path` is the HTML version, when saved). Without a signing identity the dialog says so and, when `identity_setup` is
    given, offers to set one up there and then (it opens the Identity page in a dialog).
    """

    exported = Signal(object)

    def __init__(
        self,
        report_service: ReportService,
        audit_id: str,
        parent: QWidget | None = None,
        *,
        directory: Path | None = None,
        identity_setup: Callable[[QWidget], object] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Sign and export report"))
        self.service = report_service
        self.audit_id = audit_id
        self.identity_setup = identity_setup
        self.export_result: ExportResult | None = None
        self.html_path: Path | None = None
        self.preview = QLabel(self.tr("Preparing preview…"))
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setFixedSize(300, 424)
        self.preview.setAccessibleName(self.tr("Preview of the first page"))
        self.preview.setStyleSheet("border: 1px solid palette(mid);")
        self.signer = QLabel()
        self.signer.setWordWrap(True)
        self.signer.setAccessibleName(self.tr("Signed by"))
        self.identity_button = QPushButton(self.tr("Set up my &signing identity…"))
        self.identity_button.setAccessibleDescription(
            self.tr("Create a signing identity or import your PKCS#12 file, then come back to this export")
        )
        self.identity_button.clicked.connect(self._set_up_identity)
        self.status = StatusLabel(self.tr("Export status"))  # its accessible name is the message
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
        for option in (self.full, self.compact):  # a screen reader says which choice the option is for
            option.setAccessibleName(self.tr("Report: %1").replace("%1", option.text().replace("&", "")))
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
            why = self.tr("Used when “Protect the PDF with a password” is ticked; at least 8 characters")
            field.setAccessibleDescription(why)  # also says why the field is disabled
            field.setToolTip(why)
            field.setEnabled(False)
            self.encrypt.toggled.connect(field.setEnabled)
        self._build_sealing()
        self._build_marking()
        self.html = QCheckBox(self.tr("Also save the accessible &HTML version (not signed)"))
        self.html.setAccessibleDescription(
            self.tr(
                "An HTML page with the same content beside the PDF, for screen readers; it cannot be password-protected"
            )
        )
        for box in (self.encrypt, self.seal_qa, self.seal_me):
            box.toggled.connect(self._protection_changed)
        self.reason = QLineEdit(DEFAULT_REASON)
        self.reason.setAccessibleName(self.tr("Reason shown in the signature"))
        self.destination = QLineEdit(str(directory / self._suggested_name()))
        self.destination.setAccessibleName(self.tr("File to save"))
        self.choose = QPushButton(self.tr("C&hoose…"))
        self.choose.clicked.connect(self._choose_file)

    def _build_sealing(self) -> None:
        """ "Encrypt for: [the QA subgroup] [me]": sealing for certificates instead of a password.
        The QA subgroup's certificates come from the installed partnership pack."""
        self.recipients = self.service.seal_recipients()
        names = ", ".join(dict.fromkeys(c.label for c in self.recipients))
        if self.recipients:
            self.seal_qa = QCheckBox(self.tr("the &QA subgroup (%s)") % names)
        else:
            self.seal_qa = QCheckBox(self.tr("the &QA subgroup (no partnership pack with its certificates yet)"))
            self.seal_qa.setEnabled(False)
        self.seal_me = QCheckBox(self.tr("&me (so I can open it again)"))
        self.seal_qa.setAccessibleDescription(
            self.tr("Only the QA subgroup's private keys (and yours) will open the PDF; no password is sent")
        )
        self.seal_me.setAccessibleDescription(self.tr("Your own key always opens what you seal"))
        self.seal_qa.setAccessibleName(self.tr("Encrypt for the QA subgroup"))
        self.seal_me.setAccessibleName(self.tr("Encrypt for me"))
        self.seal_qa.toggled.connect(self._sealing_changed)
        self.seal_me.toggled.connect(self._sealing_changed)
        self.encrypt.toggled.connect(self._password_changed)

    def _sealing_changed(self, _on: bool = False) -> None:
        if self.seal_qa.isChecked():
            self.seal_me.setChecked(True)  # the auditor's own certificate is always a recipient
        self.seal_me.setEnabled(not self.seal_qa.isChecked())
        if self.seal_qa.isChecked() or self.seal_me.isChecked():
            self.encrypt.setChecked(False)

    def _password_changed(self, on: bool) -> None:
        if on:
            self.seal_qa.setChecked(False)
            self.seal_me.setChecked(False)

    def _build_marking(self) -> None:
        """The marking and descriptor, starting from the vault's setting."""
        try:
            default = self.service.marking_for(ExportOptions())
        except LscpAuditError:  # a setting outside the vocabulary: start from the safer caveat
            default = protective_marking(MARKINGS[0])
        self.marking = QComboBox()
        self.marking.addItems(list(MARKINGS))
        self.marking.setCurrentText(default.classification)
        self.marking.setAccessibleName(self.tr("Protective marking"))
        self.marking.setAccessibleDescription(
            self.tr("Government Security Classification printed on every page and recorded in the file")
        )
        self.descriptor = QComboBox()
        self.descriptor.setEditable(True)
        self.descriptor.addItems([NO_DESCRIPTOR, *SUGGESTED_DESCRIPTORS])
        self.descriptor.setCurrentText(default.descriptor or NO_DESCRIPTOR)
        self.descriptor.setAccessibleName(self.tr("Descriptor (optional)"))
        self.descriptor.setAccessibleDescription(
            self.tr("A word after the marking, such as PERSONAL; choose No descriptor for none")
        )
        name_typing_field(self.descriptor)
        self.marking.currentTextChanged.connect(self._marking_changed)
        self.descriptor.currentTextChanged.connect(self._marking_changed)

    def chosen_marking(self) -> tuple[str, str]:
        """(classification, descriptor) as chosen; raises ValidationError outside the GSC vocabulary."""
        text = self.descriptor.currentText().strip()
        descriptor = "" if text in ("", NO_DESCRIPTOR) else text
        chosen = protective_marking(self.marking.currentText(), descriptor)
        return chosen.classification, chosen.descriptor

    def _marking_changed(self) -> None:
        try:
            self.chosen_marking()
        except ValidationError as exc:
            self.status.setText(str(exc))
            return
        if self.isVisible():
            self.load_preview()

    def _protection_changed(self, _on: bool = False) -> None:
        """An HTML page cannot be password-protected or sealed, so it is not offered then."""
        protected = self.encrypt.isChecked() or self.seal_qa.isChecked() or self.seal_me.isChecked()
        if protected:
            self.html.setChecked(False)
        self.html.setEnabled(not protected)
        self.html.setToolTip(
            self.tr("Not with a password or encryption: an HTML page cannot be protected") if protected else ""
        )

    def _build_layout(self) -> None:
        form = QFormLayout()
        form.addRow(self.tr("Signed by:"), self.signer)
        form.addRow("", self.identity_button)
        form.addRow(self.tr("Report:"), self.full)
        form.addRow("", self.compact)
        marking_label = QLabel(self.tr("&Marking:"))
        marking_label.setBuddy(self.marking)
        marking_row = QHBoxLayout()
        marking_row.addWidget(self.marking)
        marking_row.addWidget(self.descriptor, 1)
        form.addRow(marking_label, marking_row)
        form.addRow("", self.html)
        form.addRow("", self.encrypt)
        form.addRow("", self.password)
        form.addRow("", self.password_again)
        sealing = QVBoxLayout()
        sealing.addWidget(self.seal_qa)
        sealing.addWidget(self.seal_me)
        form.addRow(self.tr("Encrypt for:"), sealing)
        form.addRow(self.tr("Reason:"), self.reason)
        row = QHBoxLayout()
        row.addWidget(self.destination, 1)
        row.addWidget(self.choose)
        form.addRow(self.tr("Save as:"), row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
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
        self.identity_button.setVisible(identity is None and self.identity_setup is not None)
        self.sign_button.setEnabled(identity is not None)
        if identity is None:
            where = (
                self.tr("Set one up now, or later in Settings → Identity.")
                if self.identity_setup is not None
                else self.tr("Set one up in Settings → Identity.")
            )
            self.signer.setText(
                self.tr("No signing identity yet: reports are signed with your own key, kept in this vault.")
                + " "
                + where
            )
            return
        self.signer.setText(f"{identity.name}, {identity.role}, {identity.agency}")
        self.sign_button.setDefault(True)

    def _set_up_identity(self) -> None:
        if self.identity_setup is not None:
            self.identity_setup(self)
            self._load_signer()

    # --- preview ---------------------------------------------------------------------------
    def load_preview(self) -> None:
        """Render page 1 off the GUI thread (called when the dialog is shown)."""
        BackgroundOp(parent=self, op=self._render_preview, success=self._show_preview).failure(
            self._preview_failed
        ).run()

    def _render_preview(self, _ctx: OpContext) -> bytes | None:
        try:
            marking, descriptor = self.chosen_marking()
        except ValidationError:
            marking, descriptor = None, None
        pdf = self.service.preview_pdf(
            self.audit_id, compact=self.compact.isChecked(), marking=marking, descriptor=descriptor
        )
        return render_first_page(pdf, dpi=50)

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

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
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
        seal_for: tuple[str, ...] = ()
        if self.seal_qa.isChecked() or self.seal_me.isChecked():
            own = self.service.identities.export_certificate_pem()
            chosen = [c.certificate_pem for c in self.recipients] if self.seal_qa.isChecked() else []
            seal_for = (own, *chosen)
        marking, descriptor = self.chosen_marking()
        return ExportOptions(
            compact=self.compact.isChecked(),
            password=password,
            reason=self.reason.text().strip() or DEFAULT_REASON,
            seal_for=seal_for,
            marking=marking,
            descriptor=descriptor,
        )

    def html_destination(self) -> Path | None:
        """Where the HTML version goes (beside the PDF), when it is wanted."""
        if not (self.html.isChecked() and self.html.isEnabled()):
            return None
        return Path(self.destination.text()).expanduser().with_suffix(".html")

    def review_identifiers(self) -> bool:
        """The identifier check before signing: True when nothing is left to keep (go on)."""
        try:
            check = self.service.identifier_check(self.audit_id)
        except LscpAuditError as exc:
            self.status.setText(self.tr("Not exported: %s") % exc)
            return False
        if check.ok:
            return True

        def acknowledge(reason: str, hit_ids: Sequence[str] | None) -> IdentifierCheck:
            return self.service.acknowledge_identifiers(self.audit_id, reason, hit_ids=hit_ids)

        dialog = IdentifierDialog(check, acknowledge, self, doing=self.tr("signed and exported"), can_correct=False)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            self.status.setText(self.tr("Not exported: likely identifiers in the text are not yet kept or corrected."))
            return False
        return True

    def start_export(self) -> None:
        try:
            options = self.options()
        except ValidationError as exc:
            self.status.setText(str(exc))
            return
        if not self.review_identifiers():
            return
        destination = Path(self.destination.text()).expanduser()
        html_destination = self.html_destination()
        self.sign_button.setEnabled(False)
        self.status.setText(self.tr("Signing…"))

        def work(ctx: OpContext) -> tuple[ExportResult, Path | None] | None:
            try:
                result = self.service.export(
                    self.audit_id, destination, options, progress=ctx.progress, cancel=ctx.cancel
                )
            except Cancelled:
                return None  # reported as "cancelled" on the GUI thread
            html = self.service.export_html(self.audit_id, html_destination, options) if html_destination else None
            return result, html

        BackgroundOp(parent=self, op=work, success=self._exported).failure(self._failed).with_progress(
            self.tr("Signing and exporting the report…")
        ).run()
        self.password.clear()
        self.password_again.clear()

    def _exported(self, outcome: tuple[ExportResult, Path | None] | None) -> None:
        self.sign_button.setEnabled(True)
        if outcome is None:
            self.status.setText(self.tr("Export cancelled; nothing was saved."))
            return
        result, html = outcome
        self.export_result, self.html_path = result, html
        if result.sealed_for:
            note = self.tr(" It is sealed for %s: only their private keys open it.") % ", ".join(result.sealed_for)
        elif result.encrypted:
            note = self.tr(" It is encrypted: send the password separately.")
        else:
            note = ""
        if html is not None:
            note += " " + self.tr("Accessible HTML version (not signed) saved to %s.") % html
        self.status.setText(
            self.tr("Signed report %s saved to %s (%d pages, signed by %s).")
            % (result.report_id, result.path, result.page_count, result.signer)
            + note
        )
        self.exported.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self.sign_button.setEnabled(True)
        self.status.setText(self.tr("Not exported: %s") % exc)

"""Identity: the user's own name, role and agency (defaults everywhere), and the signing identity
reports are signed with: create one, import a PKCS#12 file from the partnership, export the
certificate for the QA subgroup, see its fingerprint and expiry.

Works through `IdentityService` (keys stay in the vault) and `SettingsService.personal()`.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from lscp_audit.core.errors import LscpAuditError, ValidationError
from lscp_audit.ui.a11y import StatusLabel
from lscp_audit.ui.display import format_date
from lscp_audit.ui.errors import show_error
from lscp_audit.ui.ops import BackgroundOp, OpContext

if TYPE_CHECKING:
    from lscp_audit.services.identity_service import IdentityInfo, IdentityService
    from lscp_audit.services.settings_service import PersonalDetails, SettingsService

IdentityRole = Qt.ItemDataRole.UserRole + 1
EXPIRY_WARNING_DAYS = 60


def fingerprint_text(fingerprint: str) -> str:
    """The SHA-256 fingerprint in two lines of 16 colon-separated pairs, as people compare it."""
    pairs = fingerprint.split(":")
    return "\n".join(":".join(pairs[i : i + 16]) for i in range(0, len(pairs), 16))


def expiry_text(not_after: str, today: dt.date | None = None) -> str:
    """``28 Nov 2028 (in 1,089 days)``, or ``… (expired)``."""
    day = dt.date.fromisoformat(not_after)
    left = (day - (today or dt.date.today())).days
    if left < 0:
        return f"{format_date(day)} (expired: create or import a new identity)"
    return f"{format_date(day)} (in {left:,} day{'s' if left != 1 else ''})"


def certificate_file_name(info: IdentityInfo) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", info.name.lower()).strip("-") or "my"
    return f"{slug}-signing-certificate.pem"


class CreateIdentityDialog(QDialog):
    """Name, role, agency and email (prefilled from the user's details); creates the key and
    certificate in the vault. `created` holds the new identity."""

    def __init__(self, identities: IdentityService, defaults: PersonalDetails, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Create a signing identity"))
        self.identities = identities
        self.created: IdentityInfo | None = None
        intro = QLabel(
            self.tr(
                "A new signing key is made and kept only in this encrypted vault, with a certificate that "
                "names you. Your reports show this name, role and agency as the signer."
            )
        )
        intro.setWordWrap(True)
        self.name = self._line(defaults.name, self.tr("Your full name"))
        self.role = self._line(defaults.role, self.tr("Your role, for example Designated nurse"))
        self.agency = self._line(defaults.agency, self.tr("Your agency or organisation"))
        self.email = self._line("", self.tr("Your work email (optional)"))
        form = QFormLayout()
        for label, field in (
            (self.tr("&Name:"), self.name),
            (self.tr("&Role:"), self.role),
            (self.tr("&Agency:"), self.agency),
            (self.tr("&Email:"), self.email),
        ):
            form.addRow(label, field)
        self.error = StatusLabel(self.tr("Problem"), assertive=True)  # its accessible name is the message
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020")
        # Parented at once: setDefault() on a button outside the dialog is lost, and Enter would press Cancel.
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.create_button = self.buttons.addButton(self.tr("&Create"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.create_button.setDefault(True)
        self.buttons.accepted.connect(self.create_identity)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 70)
        first_empty = next((f for f in (self.name, self.role, self.agency) if not f.text()), self.name)
        first_empty.setFocus()

    def _line(self, text: str, name: str) -> QLineEdit:
        field = QLineEdit(text)
        field.setAccessibleName(name)
        field.setMaxLength(120)
        return field

    def create_identity(self) -> None:
        values = [f.text().strip() for f in (self.name, self.role, self.agency, self.email)]
        labels = (self.tr("name"), self.tr("role"), self.tr("agency"))
        missing = [label for label, value in zip(labels, values[:3], strict=True) if not value]
        if missing:
            self.error.setText(self.tr("Please give your %s.") % ", ".join(missing))
            return
        self.create_button.setEnabled(False)
        self.error.setText(self.tr("Creating your key…"))
        name, role, agency, email = values
        BackgroundOp(
            parent=self, op=lambda _ctx: self.identities.create(name, role, agency, email), success=self._created
        ).failure(self._failed).run()

    def _created(self, info: IdentityInfo) -> None:
        self.created = info
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.create_button.setEnabled(True)
        self.error.setText(str(exc) if isinstance(exc, LscpAuditError) else "")
        if not isinstance(exc, LscpAuditError):
            show_error(self, exc)


class IdentityPage(QWidget):
    """ "About you" (saved in settings) and "Signing identity" (kept in the vault)."""

    personal_saved = Signal()
    identities_changed = Signal()

    def __init__(self, identities: IdentityService, settings: SettingsService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.identities = identities
        self.settings = settings
        self.export_directory = Path.home()
        layout = QVBoxLayout(self)
        layout.addWidget(self._about_you())
        layout.addWidget(self._signing())
        layout.addStretch(1)
        self.load()

    # -- construction ---------------------------------------------------------------------
    def _about_you(self) -> QGroupBox:
        box = QGroupBox(self.tr("About you"))
        me = self.settings.personal()
        self.my_name = QLineEdit(me.name)
        self.my_role = QLineEdit(me.role)
        self.my_agency = QLineEdit(me.agency)
        form = QFormLayout(box)
        for label, field, name in (
            (self.tr("Your &name:"), self.my_name, self.tr("Your name")),
            (self.tr("Your r&ole:"), self.my_role, self.tr("Your role")),
            (self.tr("Your &agency:"), self.my_agency, self.tr("Your agency")),
        ):
            field.setAccessibleName(name)
            field.setMaxLength(120)
            field.setMaximumWidth(self.fontMetrics().averageCharWidth() * 70)
            field.returnPressed.connect(self.save_personal)
            form.addRow(label, field)
        hint = QLabel(
            self.tr(
                "Filled in for you on new audits and signing identities, and recorded as who made each change "
                "in an audit's history. Kept on this computer, outside the vault."
            )
        )
        hint.setWordWrap(True)
        form.addRow(hint)
        self.save_button = QPushButton(self.tr("&Save my details"))
        self.save_button.clicked.connect(self.save_personal)
        self.personal_status = StatusLabel(self.tr("Your details status"))  # its accessible name is the message
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addWidget(self.personal_status, 1)
        form.addRow("", row)
        return box

    def _signing(self) -> QGroupBox:
        box = QGroupBox(self.tr("Signing identity"))
        intro = QLabel(
            self.tr(
                "Reports are signed with a key kept only in this encrypted vault. Create one here, or import the "
                "PKCS#12 (.p12) file your partnership's QA subgroup issued you. Send your certificate to the QA "
                "subgroup so they can trust the reports you sign."
            )
        )
        intro.setWordWrap(True)
        self.list = QListWidget()
        self.list.setAccessibleName(self.tr("Signing identities"))
        self.list.setMaximumHeight(self.fontMetrics().height() * 6)
        self.list.currentItemChanged.connect(lambda _item, _old: self._show_selected())
        self.signer = QLabel()
        self.issuer = QLabel()
        self.expires = QLabel()
        self.fingerprint = QLabel()
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.TypeWriter)
        self.fingerprint.setFont(mono)
        for label in (self.signer, self.issuer, self.expires, self.fingerprint):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = details = QFormLayout()
        details.addRow(self.tr("Signs as:"), self.signer)
        details.addRow(self.tr("Issued by:"), self.issuer)
        details.addRow(self.tr("Expires:"), self.expires)
        details.addRow(self.tr("Fingerprint (SHA-256):"), self.fingerprint)
        self.create_button = QPushButton(self.tr("&Create identity…"))
        self.import_button = QPushButton(self.tr("I&mport PKCS#12…"))  # Alt+I: the Identity tab
        self.export_button = QPushButton(self.tr("E&xport certificate…"))
        self.default_button = QPushButton(self.tr("&Use for signing"))
        self.create_button.clicked.connect(self.create_identity)
        self.import_button.clicked.connect(self.import_pkcs12)
        self.export_button.clicked.connect(self.export_certificate)
        self.default_button.clicked.connect(self.use_selected)
        self.export_button.setAccessibleDescription(
            self.tr("Save your certificate (no private key) for the QA subgroup to trust")
        )
        buttons = QHBoxLayout()
        for button in (self.create_button, self.import_button, self.export_button, self.default_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.status = StatusLabel(self.tr("Signing identity status"))  # its accessible name is the message
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(box)
        layout.addWidget(intro)
        layout.addWidget(self.list)
        layout.addLayout(details)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        return box

    # -- state ----------------------------------------------------------------------------
    def load(self) -> None:
        """Reload the identities from the vault; the one used for signing is selected."""
        self.list.clear()
        chosen = 0
        for row, info in enumerate(self.identities.list_identities()):
            text = f"{info.name}, {info.role}, {info.agency}"
            if info.is_default:
                text += self.tr("  (used for signing)")
                chosen = row
            item = QListWidgetItem(text, self.list)
            item.setData(IdentityRole, info)
        self.list.setVisible(self.list.count() > 1)
        if self.list.count():
            self.list.setCurrentRow(chosen)
        self._show_selected()

    def selected(self) -> IdentityInfo | None:
        item = self.list.currentItem()
        return item.data(IdentityRole) if item is not None else None

    def _show_selected(self) -> None:
        info = self.selected()
        self.export_button.setEnabled(info is not None)
        self.default_button.setEnabled(info is not None and not info.is_default)
        self.default_button.setVisible(self.list.count() > 1)
        for label in (self.issuer, self.expires, self.fingerprint):
            self.details.setRowVisible(label, info is not None)
        if info is None:
            self.signer.setText(self.tr("No signing identity yet: create one, or import your PKCS#12 file."))
            for label in (self.issuer, self.expires, self.fingerprint):
                label.clear()
            return
        email = f" <{info.email}>" if info.email else ""
        self.signer.setText(f"{info.name}, {info.role}, {info.agency}{email}")
        self.issuer.setText(
            self.tr("Self-signed (the QA subgroup must trust this certificate)") if info.self_signed else info.issuer
        )
        self.expires.setText(expiry_text(info.not_after))
        self.fingerprint.setText(fingerprint_text(info.fingerprint_sha256))

    # -- about you ------------------------------------------------------------------------
    def save_personal(self) -> None:
        from lscp_audit.services.settings_service import PersonalDetails

        details = PersonalDetails(self.my_name.text(), self.my_role.text(), self.my_agency.text())
        try:
            saved = self.settings.set_personal(details)
        except ValidationError as exc:
            self.personal_status.setText(str(exc))
            return
        self.my_name.setText(saved.name)
        self.my_role.setText(saved.role)
        self.my_agency.setText(saved.agency)
        self.personal_status.setText(self.tr("Saved."))
        self.personal_saved.emit()

    # -- identities -----------------------------------------------------------------------
    def create_identity(self) -> None:
        dialog = CreateIdentityDialog(self.identities, self.settings.personal(), self)
        if dialog.exec() and dialog.created is not None:
            self._adopt_as_personal(dialog.created)
            self._changed(self.tr("Signing identity created for %s.") % dialog.created.name)

    def _adopt_as_personal(self, info: IdentityInfo) -> None:
        """Fill in "About you" from the identity when the user has not given their details."""
        if self.settings.personal().name:
            return
        self.my_name.setText(info.name)
        self.my_role.setText(self.my_role.text() or info.role)
        self.my_agency.setText(self.my_agency.text() or info.agency)
        self.save_personal()

    def import_pkcs12(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import signing identity"), str(Path.home()), self.tr("PKCS#12 files (*.p12 *.pfx)")
        )
        if not name:
            return
        password, ok = QInputDialog.getText(
            self,
            self.tr("PKCS#12 password"),
            self.tr("Password of %s (leave empty if it has none):") % Path(name).name,
            QLineEdit.EchoMode.Password,
        )
        if not ok:
            return
        secret = password.encode("utf-8") if password else None

        def work(_ctx: OpContext) -> IdentityInfo:
            return self.identities.import_pkcs12(Path(name).read_bytes(), secret)

        BackgroundOp(parent=self, op=work, success=self._imported).failure(self._failed).with_progress(
            self.tr("Importing the signing identity…"), cancellable=False
        ).run()

    def _imported(self, info: IdentityInfo) -> None:
        self._adopt_as_personal(info)
        self._changed(self.tr("Signing identity for %s imported.") % info.name)

    def export_certificate(self) -> None:
        info = self.selected()
        if info is None:
            return
        name, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Export certificate"),
            str(self.export_directory / certificate_file_name(info)),
            self.tr("Certificates (*.pem)"),
        )
        if not name:
            return
        path = Path(name if name.lower().endswith((".pem", ".crt", ".cer")) else name + ".pem")
        try:
            path.write_text(self.identities.export_certificate_pem(info.id), encoding="ascii")
        except (OSError, LscpAuditError) as exc:
            self.status.setText(self.tr("The certificate was not saved: %s") % exc)
            return
        self.export_directory = path.parent
        self.status.setText(
            self.tr("Certificate saved to %s. Send it to your QA subgroup so they can trust the reports you sign.")
            % path
        )

    def use_selected(self) -> None:
        info = self.selected()
        if info is None:
            return
        try:
            self.identities.set_default(info.id)
        except LscpAuditError as exc:
            show_error(self, exc)
            return
        self._changed(self.tr("Reports are now signed as %s.") % info.name)

    def _changed(self, message: str) -> None:
        self.load()
        self.status.setText(message)
        self.identities_changed.emit()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, LscpAuditError):
            self.status.setText(str(exc))
        else:
            show_error(self, exc)


class IdentityDialog(QDialog):
    """The Identity page on its own, e.g. from the export dialog when no identity exists yet."""

    def __init__(self, identities: IdentityService, settings: SettingsService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Your signing identity"))
        self.page = IdentityPage(identities, settings, self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.page, 1)
        layout.addWidget(buttons)
        self.resize(self.fontMetrics().averageCharWidth() * 100, self.fontMetrics().height() * 34)

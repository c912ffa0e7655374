"""The senior lead's sign-off of a Section 11 return (File → Sign off a Section 11 return…).

The dialog reads the chosen return off the GUI thread and shows what it is and the signature of
whoever completed it (checked: intact and valid), or every reason it cannot be signed off (not a
Section 11 self-assessment, already signed off, countersigned, changed since it was signed). The
senior lead chooses their signing identity (the name is the certificate's), may word the role
shown in the signature, and where to save the signed-off copy; "Sign off" signs off the GUI
thread with `SignOffService`, which checks the result again before writing it atomically. The
dialog then shows both signatures as the written file verifies. The chosen file is never changed.

Every control has an accessible name, is reached with Tab and has a mnemonic; Esc closes.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from lscp_audit.core.errors import LscpAuditError, ValidationError
from lscp_audit.services.sign_off_service import (
    AUDITOR,
    COUNTERSIGNER,
    SENIOR_LEAD,
    SignatureReport,
    SignOffPreview,
    SignOffResult,
    SignOffService,
)
from lscp_audit.ui.a11y import StatusLabel, buttons_in_shown_order
from lscp_audit.ui.display import format_datetime
from lscp_audit.ui.errors import show_error
from lscp_audit.ui.ops import BackgroundOp, OpContext
from lscp_audit.ui.screen_fit import fit_to_screen

ROLE_TEXT = {
    AUDITOR: "Completed and signed by",
    SENIOR_LEAD: "Signed off by the senior lead",
    COUNTERSIGNER: "Countersigned by the QA moderator",
}
GOOD = "#1b6b35"
BAD = "#a11d1d"


def signed_off_name(source: Path) -> Path:
    """``return.pdf`` -> ``return-signed-off.pdf`` beside it."""
    return source.with_name(f"{source.stem}-signed-off.pdf")


def signature_verified(signature: SignatureReport) -> bool:
    """The signature is cryptographically valid and what it covers is unchanged."""
    return signature.intact and signature.valid and signature.problem is None


def signatures_html(signatures: tuple[SignatureReport, ...]) -> str:
    """Each signature in words: which one, who (and their organisation), when, and whether it
    verifies."""
    e = html.escape
    if not signatures:
        return "<p>The file holds no signature.</p>"
    parts = []
    for signature in signatures:
        who = signature.signer or "no name"
        if signature.signer_organisation:
            who += f" ({signature.signer_organisation})"
        when = format_datetime(signature.signing_time.isoformat()) if signature.signing_time else "time not given"
        if signature_verified(signature):
            state = f'<span style="color:{GOOD}">Verified: the signature is valid and the return is unchanged</span>'
        else:
            why = signature.problem or "the signature does not verify"
            state = f'<span style="color:{BAD}">Not verified: {e(why)}</span>'
        parts.append(
            f"<p><b>{e(ROLE_TEXT.get(signature.role, 'Signed by'))}:</b> {e(who)}, signed {e(when)}.<br>{state}.</p>"
        )
    return "".join(parts)


class SignOffDialog(QDialog):
    """Sign off the Section 11 return at `source` with an identity of this vault. `result` holds
    the `SignOffResult` once signed off; `save_path` (tests) replaces the file dialog's answer."""

    def __init__(
        self,
        service: SignOffService,
        source: Path,
        parent: QWidget | None = None,
        *,
        save_path: Callable[[str], str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.source = source
        self.preview: SignOffPreview | None = None
        self.result_: SignOffResult | None = None
        self._save_path = save_path or self._ask_save_path
        self.setWindowTitle(self.tr("Sign off a Section 11 return"))
        self.setAccessibleName(self.tr("Sign off a Section 11 return as its senior lead"))
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.heading.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # reached with Tab, so it is read out
        self.heading.setAccessibleName(self.tr("The return"))
        self.signatures = QTextBrowser()
        self.signatures.setAccessibleName(self.tr("Signatures"))
        self.signatures.setAccessibleDescription(
            self.tr("Who signed the return, when, and whether each signature verifies")
        )
        self.signatures.setTabChangesFocus(True)
        self.signatures.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextBrowserInteraction | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.problems = StatusLabel(self.tr("Why the return cannot be signed off"), assertive=True)
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet(f"color:{BAD};")
        self.identity = QComboBox()
        self.identity.setAccessibleName(self.tr("Senior lead's signing identity"))
        self.identity.setAccessibleDescription(self.tr("The certificate the senior lead signs with"))
        self.name = QLineEdit()
        self.name.setReadOnly(True)
        self.name.setAccessibleName(self.tr("Senior lead's name"))
        self.name.setAccessibleDescription(self.tr("The name in the chosen certificate; it cannot be changed here"))
        self.role = QLineEdit()
        self.role.setAccessibleName(self.tr("Senior lead's role"))
        self.role.setAccessibleDescription(self.tr("The role shown in the signature, for example Chief Nurse"))
        self.location = QLineEdit()
        self.location.setAccessibleName(self.tr("Location (optional)"))
        self.location.setAccessibleDescription(self.tr("Where the return is signed off, shown in the signature"))
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(self.tr("Password of a protected return"))
        self.password.setAccessibleDescription(self.tr("Only for a password-protected return; never stored"))
        self.password.editingFinished.connect(self._password_entered)
        self.destination = QLineEdit(str(signed_off_name(source)))
        self.destination.setAccessibleName(self.tr("Save the signed-off return as"))
        self.destination.setAccessibleDescription(self.tr("A new file: the return you chose is not changed"))
        self.choose_button = QPushButton(self.tr("C&hoose…"))
        self.choose_button.setAccessibleName(self.tr("Choose where to save the signed-off return"))
        self.choose_button.clicked.connect(lambda _checked=False: self._choose_destination())
        self.status = StatusLabel(self.tr("Sign-off status"))
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.sign_button = QPushButton(self.tr("&Sign off"))
        self.sign_button.setAccessibleDescription(
            self.tr("Add the senior lead's signature and save the signed-off return")
        )
        self.sign_button.setEnabled(False)
        self.sign_button.clicked.connect(lambda _checked=False: self.sign_off())
        self.buttons.addButton(self.sign_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        buttons_in_shown_order(self.buttons)
        self._fill_identities()
        self.identity.currentIndexChanged.connect(lambda _index: self._identity_chosen())
        self._lay_out()
        fit_to_screen(self, 720, 580)
        self.heading.setText(self.tr("Reading %s…") % html.escape(source.name))
        self.load()

    # -- layout -------------------------------------------------------------------------------

    def _lay_out(self) -> None:
        form = QFormLayout()
        destination = QHBoxLayout()
        destination.addWidget(self.destination, 1)
        destination.addWidget(self.choose_button)
        holder = QWidget()
        holder.setLayout(destination)
        destination.setContentsMargins(0, 0, 0, 0)
        for text, field, buddy in (
            (self.tr("Signing &identity:"), self.identity, self.identity),
            (self.tr("&Name:"), self.name, self.name),
            (self.tr("&Role:"), self.role, self.role),
            (self.tr("&Location:"), self.location, self.location),
            (self.tr("Pass&word:"), self.password, self.password),
            (self.tr("Save &as:"), holder, self.destination),
        ):
            label = QLabel(text)
            label.setBuddy(buddy)
            form.addRow(label, field)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(QLabel(self.tr("<b>Signatures</b>")))
        layout.addWidget(self.signatures, 1)
        layout.addWidget(self.problems)
        layout.addWidget(QLabel(self.tr("<b>The senior lead</b>")))
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        self.identity.setFocus(Qt.FocusReason.OtherFocusReason)

    def _fill_identities(self) -> None:
        try:
            identities = self.service.identities_to_sign_with()
        except LscpAuditError as exc:
            show_error(self, exc)
            identities = []
        for info in identities:
            detail = ", ".join(p for p in (info.role, info.agency) if p)
            self.identity.addItem(f"{info.name} ({detail})" if detail else info.name, info.id)
            self.identity.setItemData(self.identity.count() - 1, (info.name, info.role), Qt.ItemDataRole.UserRole + 1)
        if not identities:
            self.identity.addItem(self.tr("No signing identity in this vault"), None)
            self.identity.setEnabled(False)
        self._identity_chosen()

    def _identity_chosen(self) -> None:
        details = self.identity.currentData(Qt.ItemDataRole.UserRole + 1)
        name, role = details if isinstance(details, tuple) else ("", "")
        self.name.setText(name)
        self.role.setText(role)
        self._update_sign_button()

    def _update_sign_button(self) -> None:
        ready = (
            self.preview is not None
            and self.preview.can_sign_off
            and self.identity.currentData() is not None
            and self.result_ is None
        )
        self.sign_button.setEnabled(ready)
        if self.identity.currentData() is None:
            why = self.tr("Create or import a signing identity first (Settings → Identity)")
        elif self.result_ is not None:
            why = self.tr("The return is signed off")
        elif self.preview is not None and not self.preview.can_sign_off:
            why = self.tr("This return cannot be signed off: the reasons are listed above")
        else:
            why = self.tr("Add the senior lead's signature and save the signed-off return")
        self.sign_button.setToolTip(why)
        self.sign_button.setAccessibleDescription(why)

    # -- reading the return ----------------------------------------------------------------------

    def load(self) -> None:
        """Read and check the chosen return off the GUI thread."""
        source, password = self.source, self.password.text() or None

        def work(_ctx: OpContext) -> SignOffPreview:
            return self.service.preview(source, password=password)

        BackgroundOp(parent=self, op=work, success=self._loaded).failure(self._load_failed).run()

    def _password_entered(self) -> None:
        if self.password.text() and self.result_ is None:
            self.load()

    def _loaded(self, preview: SignOffPreview) -> None:
        self.preview = preview
        e = html.escape
        what = preview.template_title or self.tr("a report")
        about = f", {e(preview.organisation)}" if preview.organisation else ""
        report = e(preview.report_id) if preview.report_id else self.tr("no report id")
        self.heading.setText(f"<h3>{e(self.source.name)}</h3><p>{e(what)}{about}: {report}</p>")
        self.heading.setAccessibleDescription(self.heading.text())
        self.signatures.setHtml(signatures_html(preview.signatures))
        if preview.problems:
            self.problems.setText(
                self.tr("This return cannot be signed off:") + "\n" + "\n".join(f"• {p}" for p in preview.problems)
            )
        else:
            self.problems.clear()
        self.problems.setVisible(bool(preview.problems))
        self._update_sign_button()

    def _load_failed(self, exc: BaseException) -> None:
        if isinstance(exc, LscpAuditError):
            self.heading.setText(html.escape(self.source.name))
            self.problems.setText(self.tr("The file could not be read: %s") % exc)
            self.problems.setVisible(True)
        else:
            show_error(self, exc)

    # -- signing -----------------------------------------------------------------------------------

    def _ask_save_path(self, suggested: str) -> str:
        name, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save the signed-off return"), suggested, self.tr("PDF files (*.pdf)")
        )
        return name

    def _choose_destination(self) -> None:
        name = self._save_path(self.destination.text())
        if name:
            self.destination.setText(name)

    def sign_off(self) -> None:
        """Sign the return as its senior lead off the GUI thread, then show both signatures."""
        if self.preview is None or not self.preview.can_sign_off:
            return
        destination = self.destination.text().strip()
        if not destination:
            self.status.setText(self.tr("Choose where to save the signed-off return."))
            return
        identity_id = self.identity.currentData()
        if identity_id is None:
            return
        source, role, location = self.source, self.role.text(), self.location.text().strip()
        password = self.password.text() or None
        self.sign_button.setEnabled(False)
        self.status.set_status(self.tr("Signing off…"), quiet=True)

        def work(_ctx: OpContext) -> SignOffResult:
            return self.service.sign_off(
                source,
                Path(destination),
                identity_id=str(identity_id),
                password=password,
                location=location,
                role=role,
            )

        BackgroundOp(parent=self, op=work, success=self._signed).failure(self._sign_failed).with_progress(
            self.tr("Signing off the return…"), cancellable=False
        ).run()

    def _signed(self, result: SignOffResult) -> None:
        self.result_ = result
        self.signatures.setHtml(signatures_html(result.signatures))
        both = all(signature_verified(s) for s in result.signatures) and len(result.signatures) >= 2
        verdict = (
            self.tr("Both signatures verified.") if both else self.tr("A signature does not verify: see the list.")
        )
        self.status.setText(
            self.tr("Signed off by %s and saved as %s. %s") % (result.senior_lead, result.path.name, verdict)
        )
        self._update_sign_button()
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setFocus()

    def _sign_failed(self, exc: BaseException) -> None:
        self._update_sign_button()
        if isinstance(exc, ValidationError):
            self.status.setText(self.tr("The return was not signed off: %s") % "; ".join(exc.problems))
        elif isinstance(exc, LscpAuditError):
            self.status.setText(self.tr("The return was not signed off: %s") % exc)
        else:
            show_error(self, exc)


__all__ = ["SignOffDialog", "signatures_html", "signed_off_name"]

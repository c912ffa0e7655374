"""The "Verify a PDF" page and dialog: drop signed PDFs, see whether each one holds up, and every
signer of the selected file (role, fingerprint, moderator standing, signed on behalf of)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from lscp_audit.core.errors import LscpAuditError
from lscp_audit.ui.ops import BackgroundOp, OpContext
from lscp_audit.ui.pdf_drop import PdfDropMixin
from lscp_audit.ui.reports.verification_model import ResultRole, VerificationTableModel, details_html, plain
from lscp_audit.ui.widgets.fitted_columns import FittedColumns

Verifier = Callable[..., list[Any]]
SELF_ASSESSMENT_KIND = "agency_self_assessment"


def _default_verify(files: Sequence[Path], *, trust_pems: Sequence[str] = (), password: str | None = None) -> list[Any]:
    from lscp_audit.services.report_service import verify_files

    return verify_files(files, trust_pems=trust_pems, password=password)


class VerifyPage(PdfDropMixin, QWidget):
    """Drop signed PDFs (or choose them) and optionally trusted certificates; each file gets a
    verdict: signed, unchanged, wholly covered, signer, time, trust and template.

    `verify(files, trust_pems=..., password=...)` does the work off the GUI thread; by default
    `services.report_service.verify_files` (no vault). Signal `verified(list)` carries results.
    With `sign_off(path)` (a vault is open), "Sign off as senior lead…" opens the senior lead's
    sign-off of the selected file when it is a Section 11 return that holds up and is not yet
    signed off.
    """

    verified = Signal(list)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        verify: Verifier | None = None,
        trust_note: str = "",
        sign_off: Callable[[Path], object] | None = None,
    ) -> None:
        super().__init__(parent)
        self._sign_off = sign_off
        self.sign_off_button: QPushButton | None = None
        self.setAcceptDrops(True)
        self._trust_note = trust_note  # e.g. that the open vault's trusted certificates are used too
        self._verify = verify or _default_verify
        self.trust_pems: list[str] = []
        self.model = VerificationTableModel(self)
        self.drop_zone = QLabel(self.tr("Drop signed report PDFs here to verify them"))
        self.drop_zone.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.drop_zone.setMinimumHeight(60)
        self.drop_zone.setStyleSheet("border: 2px dashed palette(mid); border-radius: 6px; padding: 12px;")
        self.trust_label = QLabel(trust_note or self.tr("Trusted certificates: none (trust is not checked)"))
        self.trust_label.setWordWrap(True)
        self.password = QLineEdit(
            echoMode=QLineEdit.EchoMode.Password, placeholderText=self.tr("Password for encrypted PDFs (optional)")
        )
        self.password.setAccessibleName(self.tr("Password for encrypted PDFs"))
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        FittedColumns(self.table, self.model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrow keys move between its cells
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAccessibleName(self.tr("Verification results"))
        self.table.selectionModel().selectionChanged.connect(self._show_details)
        self.details = QTextBrowser()
        self.details.setAccessibleName(self.tr("Signers of the selected file"))
        self.details.setAccessibleDescription(
            self.tr("Every signature of the selected file: role, signer, time, trust and certificate fingerprint")
        )
        self.details.setPlaceholderText(self.tr("Select a file to see every signer and their fingerprint."))
        self.details.setMaximumHeight(180)
        for view in (self.table, self.details):  # a few rows on small screens; each scrolls inside
            view.setMinimumHeight(40)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self._layout()

    def _layout(self) -> None:
        choose = QPushButton(self.tr("Choose &PDFs…"))  # Alt+H is the Help menu
        choose.clicked.connect(self._choose_pdfs)
        trust = QPushButton(self.tr("Add &trusted certificate…"))
        trust.clicked.connect(self._choose_trust)
        buttons = QHBoxLayout()
        for widget in (choose, trust):
            buttons.addWidget(widget)
        if self._sign_off is not None:
            self.sign_off_button = QPushButton(self.tr("Si&gn off as senior lead…"))
            self.sign_off_button.clicked.connect(lambda _checked=False: self.sign_off_selected())
            buttons.addWidget(self.sign_off_button)
            self._update_sign_off(None)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("<h2>Verify a signed report</h2>")))
        layout.addWidget(self.drop_zone)
        layout.addLayout(buttons)
        layout.addWidget(self.trust_label)
        layout.addWidget(self.password)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.details)
        layout.addWidget(self.summary)

    # --- input -----------------------------------------------------------------------------
    def _choose_pdfs(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, self.tr("Choose signed PDFs"), "", self.tr("PDF files (*.pdf)"))
        if names:
            self.verify_files([Path(n) for n in names])

    def _choose_trust(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self, self.tr("Choose trusted certificates"), "", self.tr("Certificates (*.pem *.crt)")
        )
        for name in names:
            self.add_trust_pem(Path(name).read_text(encoding="ascii", errors="replace"))

    def add_trust_pem(self, pem: str) -> None:
        """Trust the certificate(s) in `pem` for the next verifications."""
        if "BEGIN CERTIFICATE" not in pem:
            self.summary.setText(self.tr("That file is not a PEM certificate."))
            return
        self.trust_pems.append(pem)
        added = self.tr("Trusted certificates added here: %d") % len(self.trust_pems)
        self.trust_label.setText(f"{self._trust_note} {added}".strip())

    # --- work ------------------------------------------------------------------------------
    def pdfs_dropped(self, files: list[Path]) -> None:
        self.verify_files(files)

    def verify_files(self, files: Sequence[Path]) -> None:
        """Verify `files` off the GUI thread and show the results."""
        password = self.password.text() or None
        trust = list(self.trust_pems)
        self.summary.setText(self.tr("Verifying %d file(s)…") % len(files))

        def work(_ctx: OpContext) -> list[Any]:
            return self._verify(list(files), trust_pems=trust, password=password)

        BackgroundOp(parent=self, op=work, success=self._show, serial=False).failure(self._failed).run()

    def _show(self, results: list[Any]) -> None:
        self.model.set_rows(results)
        passed = sum(1 for r in results if r.ok())
        self.summary.setText(self.tr("%d of %d file(s) passed verification.") % (passed, len(results)))
        if results:
            self.table.selectRow(0)
        self._show_details()
        self.verified.emit(results)

    def _selected(self) -> Any:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(ResultRole) if rows else None

    def _show_details(self, *_args: Any) -> None:
        result = self._selected()
        self.details.setHtml(details_html(result) if result is not None else "")
        self._update_sign_off(result)

    def _update_sign_off(self, result: Any) -> None:
        """Offer the senior lead's sign-off only for a Section 11 return that holds up and has
        no senior lead's (or moderator's) signature yet; say why otherwise."""
        button = self.sign_off_button
        if button is None:
            return
        why = ""
        if result is None:
            why = self.tr("Verify a Section 11 return first, then select it")
        elif str(((result.data or {}).get("template") or {}).get("kind") or "") != SELF_ASSESSMENT_KIND:
            why = self.tr("Only a Section 11 self-assessment is signed off by a senior lead")
        elif any(s.role in ("senior_lead", "countersigner") for s in result.signatures):
            why = self.tr("This return already has its senior lead's (or a moderator's) signature")
        elif not (result.signed and result.intact and result.problem is None):
            why = self.tr("This return does not hold up, so it cannot be signed off")
        button.setEnabled(not why)
        text = why or self.tr("Add the senior lead's signature to the selected Section 11 return")
        button.setToolTip(text)
        button.setAccessibleDescription(text)

    def sign_off_selected(self) -> None:
        result = self._selected()
        if self._sign_off is not None and result is not None and result.path:
            self._sign_off(Path(result.path))

    def _failed(self, exc: BaseException) -> None:
        """A message a reader can act on; never a programmer's exception class name."""
        if isinstance(exc, LscpAuditError):
            reason = plain(str(exc))
        else:
            reason = self.tr("an unexpected error stopped the check (it is recorded in the log)")
        self.summary.setText(self.tr("Verification did not finish: %s") % reason)


class VerifyDialog(QDialog):
    """`VerifyPage` in a dialog, for "Verify a PDF…" from any menu."""

    def __init__(self, parent: QWidget | None = None, *, verify: Verifier | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Verify a PDF"))
        self.resize(760, 480)
        self.page = VerifyPage(self, verify=verify)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.page)
        layout.addWidget(buttons)

"""Import a partnership pack: choose the file, see what it holds and who signed it, confirm the
partnership root's fingerprint on first use, install.

Checking and installing run off the GUI thread (`ops.BackgroundOp`, with a progress dialog when
slow). Nothing is installed until the user presses Install, and only when the pack checked out;
on first use Install stays disabled until the user ticks that they checked the fingerprint with
the QA subgroup. A refused pack shows its reason; everything is reachable by keyboard.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from lscp_audit.core.errors import LscpAuditError
from lscp_audit.ui import ops
from lscp_audit.ui.a11y import StatusLabel, buttons_in_shown_order

if TYPE_CHECKING:
    from lscp_audit.services.pack_service import PackInstallResult, PackPreview, PackService

PACK_FILTER = "Partnership packs (*.lscppack)"


def fingerprint_groups(fingerprint: str) -> str:
    digits = fingerprint.upper()
    return " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))


def _day(iso: str) -> str:
    import datetime as dt

    try:
        value = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{value.day} {value:%b %Y}"


def preview_html(preview: PackPreview) -> str:
    """What the pack holds, for the dialog's read-only summary (every value escaped)."""

    def e(text: str) -> str:
        return html.escape(text)

    signer = preview.signer
    parts = [
        f"<h3>{e(preview.partnership)}</h3>",
        f"<p>Issued {e(_day(preview.issued_at))}. Signed by {e(signer.name)}"
        + (f" ({e(signer.organisation)})" if signer.organisation else "")
        + "</p>",
        f"<p>Partnership root: {e(signer.root_name)}<br>SHA-256 fingerprint:<br>"
        f"<code>{e(fingerprint_groups(preview.root_fingerprint))}</code></p>",
    ]
    if preview.description:
        parts.append(f"<p>{e(preview.description)}</p>")
    if preview.already_installed:
        parts.append("<p><b>This pack is already installed.</b></p>")
    items: list[str] = []
    if preview.profile is not None:
        items.append(f"Partnership profile: {e(preview.profile_name)}")
    status_words = {"new": "new", "update": "replaces the installed version", "same": "already installed"}
    items += [
        f"Template: {e(t.title)} (version {e(t.version)}, {status_words.get(t.status, t.status)})"
        for t in preview.templates
    ]
    items += [f"Round: {e(r.title)}" for r in preview.rounds]
    items += [
        f"Certificate: {e(c.name)}, {e(c.role_words)}" + (" (already trusted)" if c.already_trusted else "")
        for c in preview.certificates
    ]
    if items:
        parts.append("<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>")
    return "".join(parts)


class PackImportDialog(QDialog):
    """Check and install one partnership pack into the open vault."""

    def __init__(self, packs: PackService, parent: QWidget | None = None, path: Path | None = None) -> None:
        super().__init__(parent)
        self.packs = packs
        self.preview: PackPreview | None = None
        self.result_: PackInstallResult | None = None
        self._data: bytes | None = None
        self._source = ""
        self.setWindowTitle(self.tr("Import partnership pack"))
        self.setMinimumWidth(520)

        intro = QLabel(
            self.tr(
                "A partnership pack from your QA subgroup holds audit templates, rounds, the partnership "
                "profile and the certificates to trust. It is checked before anything is installed."
            )
        )
        intro.setWordWrap(True)
        self.path_edit = QLineEdit()
        self.path_edit.setReadOnly(True)
        self.path_edit.setAccessibleName(self.tr("Pack file"))
        self.path_edit.setAccessibleDescription(
            self.tr("The partnership pack being checked; choose it with the button")
        )
        self.choose_button = QPushButton(self.tr("&Choose pack file…"))
        self.choose_button.clicked.connect(lambda _checked=False: self.choose_file())
        row = QHBoxLayout()
        file_label = QLabel(self.tr("Pack &file:"))
        file_label.setBuddy(self.choose_button)
        row.addWidget(file_label)
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.choose_button)

        self.summary = QTextBrowser()
        self.summary.setAccessibleName(self.tr("Pack contents"))
        self.summary.setAccessibleDescription(self.tr("What the pack holds, who signed it and the root's fingerprint"))
        self.summary.setOpenLinks(False)
        self.summary.setMinimumHeight(200)
        self.summary.setVisible(False)
        self.confirm = QCheckBox(
            self.tr("I have checked this fingerprint with the QA subgroup (by phone or in person)")
        )
        self.confirm.setVisible(False)
        self.confirm.toggled.connect(lambda _on: self._update_buttons())
        self.status = StatusLabel(self.tr("Pack status"), assertive=True)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.buttons = QDialogButtonBox()
        self.install_button = self.buttons.addButton(self.tr("&Install"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.install_button.clicked.connect(lambda _checked=False: self.install())
        self.close_button.clicked.connect(self.reject)
        self._update_buttons()  # disabled, saying why, until a pack has been checked
        buttons_in_shown_order(self.buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.summary, 1)
        layout.addWidget(self.confirm)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.choose_button.setFocus()
        if path is not None:
            self.load(path)

    def choose_file(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(self, self.tr("Import partnership pack"), "", self.tr(PACK_FILTER))
        if name:
            self.load(Path(name))

    def load(self, path: Path) -> None:
        """Read and check `path` in the background; show what it holds or why it is refused."""
        from lscp_audit.services.pack_service import read_pack_file

        self.preview = None
        self._data = None
        self.path_edit.setText(str(path))
        self.summary.setVisible(False)
        self.confirm.setVisible(False)
        self.confirm.setChecked(False)
        self._update_buttons()
        self.status.set_status(self.tr("Checking the pack…"), quiet=True)
        source = path.name

        def work(ctx: ops.OpContext) -> tuple[bytes, PackPreview]:
            data = read_pack_file(path)
            return data, self.packs.inspect(data, source=source, progress=ctx.progress, cancel=ctx.cancel)

        ops.BackgroundOp(parent=self, op=work, success=self._checked).failure(self._refused).with_progress(
            self.tr("Checking the partnership pack…")
        ).run()

    def _checked(self, outcome: tuple[bytes, PackPreview]) -> None:
        data, preview = outcome
        self._data, self.preview = data, preview
        self._source = Path(self.path_edit.text()).name
        self.summary.setHtml(preview_html(preview))
        self.summary.setVisible(True)
        self.confirm.setVisible(preview.first_use and not preview.already_installed)
        if preview.already_installed:
            self.status.set_status(self.tr("This pack is already installed; there is nothing to do."))
        elif preview.first_use:
            self.status.set_status(
                self.tr(
                    "The pack checks out. This vault has not installed a pack before: check the partnership "
                    "root's fingerprint with the QA subgroup, then tick the box to install. From then on only "
                    "packs from this root are accepted."
                )
            )
        else:
            self.status.set_status(self.tr("The pack checks out and comes from your partnership's root."))
        self._update_buttons()
        self.install_button.setFocus() if self.install_button.isEnabled() else self.summary.setFocus()

    def _refused(self, exc: BaseException) -> None:
        if not isinstance(exc, LscpAuditError):
            raise exc
        self.status.set_status(self.tr("The pack was refused and nothing was installed: %1").replace("%1", str(exc)))
        self._update_buttons()
        self.choose_button.setFocus()

    def _update_buttons(self) -> None:
        preview = self.preview
        ready = preview is not None and not preview.already_installed and self.result_ is None
        if ready and preview is not None and preview.first_use:
            ready = self.confirm.isChecked()
        self.install_button.setEnabled(bool(ready))
        why = ""  # a disabled button says why
        if preview is None:
            why = self.tr("Choose a pack file first; it is checked before anything is installed")
        elif preview.already_installed:
            why = self.tr("This pack is already installed")
        elif self.result_ is not None:
            why = self.tr("The pack has been installed")
        elif not ready:
            why = self.tr("Tick that you have checked the fingerprint with the QA subgroup first")
        self.install_button.setToolTip(why)
        self.install_button.setAccessibleDescription(why or self.tr("Install the pack's contents in this vault"))

    def install(self) -> None:
        preview, data = self.preview, self._data
        if preview is None or data is None or not self.install_button.isEnabled():
            return
        accept = preview.root_fingerprint if preview.first_use and self.confirm.isChecked() else ""
        self.install_button.setEnabled(False)
        self.choose_button.setEnabled(False)
        self.status.set_status(self.tr("Installing…"), quiet=True)
        source = self._source

        def work(ctx: ops.OpContext) -> PackInstallResult:
            return self.packs.install(
                data, source=source, accept_fingerprint=accept, progress=ctx.progress, cancel=ctx.cancel
            )

        ops.BackgroundOp(parent=self, op=work, success=self._installed).failure(self._install_failed).with_progress(
            self.tr("Installing the partnership pack…")
        ).run()

    def _installed(self, result: PackInstallResult) -> None:
        self.result_ = result
        self.choose_button.setEnabled(True)
        self.confirm.setEnabled(False)
        preview = result.preview
        if not result.installed:
            self.status.set_status(self.tr("This pack is already installed; nothing changed."))
        else:
            counts = self.tr("%1 template(s), %2 round(s), %3 certificate(s) trusted")
            counts = counts.replace("%1", str(len(result.templates_written))).replace("%2", str(len(preview.rounds)))
            counts = counts.replace("%3", str(result.certificates_added))
            self.status.set_status(
                self.tr("Installed the pack from %1: %2.").replace("%1", preview.partnership).replace("%2", counts)
            )
        self._update_buttons()
        self.close_button.setFocus()

    def _install_failed(self, exc: BaseException) -> None:
        self.choose_button.setEnabled(True)
        self._refused(exc)

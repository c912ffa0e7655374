"""Unlock screen: passphrase or recovery key, a clear wrong-passphrase message, and restore from
the newest good backup when the vault file is damaged."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from lscp_audit.core.errors import VaultCorrupt, WrongPassphrase
from lscp_audit.ui import ops
from lscp_audit.ui.a11y import StatusLabel, buttons_in_shown_order
from lscp_audit.ui.errors import show_error

if TYPE_CHECKING:
    from lscp_audit.services.vault_service import VaultService

#: Wide enough for the title bar ("Unlock vault — LSCP Audit") and a two-line message, in characters.
MIN_WIDTH_CHARS = 64


class UnlockDialog(QDialog):
    """Accepted once ``service.unlock`` succeeded. Nothing typed here is kept after the attempt.

    The passphrase field has the focus and Unlock is the default button, so typing the passphrase
    and pressing Enter unlocks straight away.
    """

    def __init__(self, service: VaultService, parent: QWidget | None = None, message: str = "") -> None:
        super().__init__(parent)
        self.service = service
        self.setWindowTitle(self.tr("Unlock vault"))
        self.route_label = QLabel(message or service.describe_route(), wordWrap=True)
        self.path_label = QLabel(self.tr("Vault: {0}").format(service.path), wordWrap=True)
        self.use_passphrase = QRadioButton(self.tr("&Passphrase"))
        self.use_passphrase.setChecked(True)
        self.use_passphrase.setAccessibleName(self.tr("Unlock with: Passphrase"))
        self.use_recovery = QRadioButton(self.tr("&Recovery key"))
        self.use_recovery.setAccessibleName(self.tr("Unlock with: Recovery key"))
        self.secret = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.secret.setAccessibleName(self.tr("Passphrase or recovery key"))
        self.error_label = StatusLabel(self.tr("Unlock problem"), assertive=True)  # read out when it changes
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020")
        self.restore_button = QPushButton(self.tr("Restore the newest good &backup…"))
        self.restore_button.setVisible(False)
        self.restore_button.clicked.connect(self.restore_latest)
        # Parented at once: setDefault() on a button outside the dialog is lost, and Enter would press Cancel.
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.unlock_button = self.buttons.addButton(self.tr("&Unlock"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.unlock_button.setDefault(True)
        self.buttons.accepted.connect(self.try_unlock)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.path_label)
        layout.addWidget(self.route_label)
        choice = QHBoxLayout()
        choice.addWidget(QLabel(self.tr("Unlock with:")))
        choice.addWidget(self.use_passphrase)
        choice.addWidget(self.use_recovery)
        choice.addStretch(1)
        layout.addLayout(choice)
        layout.addWidget(self.secret)
        layout.addWidget(self.error_label)
        layout.addWidget(self.restore_button)
        layout.addWidget(self.buttons)
        self.use_recovery.toggled.connect(self._mode_changed)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * MIN_WIDTH_CHARS)
        self.secret.setFocus()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        buttons_in_shown_order(self.buttons)  # Tab: Unlock and Cancel as shown (the box lays out anew on show)
        self.secret.setFocus()  # typing goes straight into the passphrase field
        self.activateWindow()

    def _show_problem(self, text: str) -> None:
        """Show `text` under the field and grow the dialog so no line of it is cut off."""
        self.error_label.setText(text)
        layout = self.layout()
        if layout is not None:
            layout.activate()
        self.resize(self.width(), max(self.height(), self.sizeHint().height()))

    def _mode_changed(self, recovery: bool) -> None:
        self.secret.setEchoMode(QLineEdit.EchoMode.Normal if recovery else QLineEdit.EchoMode.Password)
        self.secret.setPlaceholderText("XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX" if recovery else "")
        self.error_label.clear()

    def _secret_kwargs(self) -> dict[str, str]:
        text = self.secret.text()
        return {"recovery_key": text} if self.use_recovery.isChecked() else {"passphrase": text}

    def try_unlock(self) -> None:
        kwargs = self._secret_kwargs()
        if not next(iter(kwargs.values())):
            self._show_problem(self.tr("Enter your passphrase or recovery key."))
            return
        self.unlock_button.setEnabled(False)
        ops.BackgroundOp(parent=self, op=lambda _ctx: self.service.unlock(**kwargs), success=self._unlocked).failure(
            self._failed
        ).with_progress(self.tr("Unlocking…"), cancellable=False).run()

    def _unlocked(self, _result: Any) -> None:
        self.secret.clear()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.unlock_button.setEnabled(True)
        if isinstance(exc, WrongPassphrase):
            what = self.tr("recovery key") if self.use_recovery.isChecked() else self.tr("passphrase")
            self._show_problem(self.tr("That {0} does not unlock this vault. Please try again.").format(what))
            self.secret.selectAll()
            self.secret.setFocus()
        elif isinstance(exc, VaultCorrupt):
            self.restore_button.setVisible(True)
            self._show_problem(str(exc))
        else:
            self._show_problem(str(exc))

    def restore_latest(self) -> None:
        kwargs = self._secret_kwargs()
        ops.BackgroundOp(
            parent=self,
            op=lambda _ctx: self.service.newest_good_backup(**kwargs),
            success=lambda backup: self._confirm_restore(backup, kwargs),
        ).failure(lambda exc: show_error(self, exc)).with_progress(self.tr("Checking backups…")).run()

    def _confirm_restore(self, backup: Any, kwargs: dict[str, str]) -> None:
        if backup is None:
            self._show_problem(self.tr("No backup could be opened and checked with the key you entered."))
            return
        answer = QMessageBox.question(
            self,
            self.tr("Restore backup"),
            self.tr(
                "Restore the backup made at {0}? The damaged vault file will be kept beside it, renamed, "
                "and changes made after the backup will not be in the restored vault."
            ).format(backup.created_at),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        ops.BackgroundOp(
            parent=self, op=lambda _ctx: self.service.restore(backup.path, **kwargs), success=self._unlocked
        ).failure(lambda exc: show_error(self, exc)).with_progress(self.tr("Restoring…"), cancellable=False).run()

"""Change the vault passphrase (proved with the current passphrase or the recovery key)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from lscp_audit.core.errors import WrongPassphrase
from lscp_audit.ui import ops
from lscp_audit.ui.vault.passphrase_field import PassphraseField

if TYPE_CHECKING:
    from lscp_audit.services.vault_service import VaultService


class ChangePassphraseDialog(QDialog):
    """Accepted once the new passphrase is in place. The recovery key keeps working."""

    def __init__(self, service: VaultService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.setWindowTitle(self.tr("Change passphrase"))
        self.current = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.current.setAccessibleName(self.tr("Current passphrase"))
        self.with_recovery = QCheckBox(self.tr("I have lost my passphrase; use my &recovery key instead"))
        self.new = PassphraseField()
        self.error_label = QLabel(wordWrap=True)
        self.error_label.setStyleSheet("color: #b00020")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.change)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Current passphrase (or recovery key):")))
        layout.addWidget(self.current)
        layout.addWidget(self.with_recovery)
        layout.addWidget(QLabel(self.tr("New passphrase:")))
        layout.addWidget(self.new)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.new.changed.connect(self._update)
        self.current.textChanged.connect(self._update)
        self._update()

    def _update(self) -> None:
        self.ok_button.setEnabled(bool(self.current.text()) and self.new.is_acceptable())

    def change(self) -> None:
        proof = {"recovery_key" if self.with_recovery.isChecked() else "passphrase": self.current.text()}
        new = self.new.passphrase()
        self.ok_button.setEnabled(False)
        ops.BackgroundOp(
            parent=self, op=lambda _ctx: self.service.change_passphrase(new, **proof), success=self._done
        ).failure(self._failed).with_progress(self.tr("Changing passphrase…"), cancellable=False).run()

    def _done(self, _result: object) -> None:
        self.current.clear()
        self.new.clear()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._update()
        if isinstance(exc, WrongPassphrase):
            self.error_label.setText(self.tr("The current passphrase or recovery key is not right."))
        else:
            self.error_label.setText(str(exc))

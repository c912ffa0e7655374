"""Settings section for the vault: backups, integrity check, keychain, passphrase and key rotation
(the retention purge is on the Records tab, `ui/records/records_page.py`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListView,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from lscp_audit.ui import ops
from lscp_audit.ui.a11y import StatusLabel
from lscp_audit.ui.display import format_datetime
from lscp_audit.ui.errors import show_error
from lscp_audit.ui.vault.change_passphrase_dialog import ChangePassphraseDialog

if TYPE_CHECKING:
    from lscp_audit.services.vault_service import VaultService

BackupRole = Qt.ItemDataRole.UserRole + 1


class BackupListModel(QAbstractListModel):
    """Backups (storage `BackupInfo` values), newest first."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    def set_rows(self, rows: list[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        info = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            kind = {"auto": "automatic", "manual": "manual", "premigration": "before upgrade"}.get(info.kind, info.kind)
            return f"{format_datetime(info.created_at) or info.created_at}  ({kind}, {info.size // 1024} KB)"
        if role == BackupRole:
            return info
        return None


class BackupsPage(QWidget):
    """Back up now, restore, how many to keep, integrity check, keychain opt-in, passphrase, new key."""

    def __init__(self, service: VaultService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.model = BackupListModel(self)
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setAccessibleName(self.tr("Backups"))
        self.keep = QSpinBox(minimum=1, maximum=100)
        self.keep.setAccessibleName(self.tr("Automatic backups to keep"))
        self.keychain = QCheckBox(self.tr("Unlock automatically with the system keychain"))
        self.status = StatusLabel(self.tr("Vault status"))  # its accessible name is the message
        self.status.setWordWrap(True)
        self.backup_button = QPushButton(self.tr("Back up &now"))  # Alt+B is the Backups tab
        self.restore_button = QPushButton(self.tr("Re&store selected…"))  # Alt+R is the Records tab, Alt+T Partnership
        self.check_button = QPushButton(self.tr("&Check vault"))
        self.passphrase_button = QPushButton(self.tr("Change &passphrase…"))
        self.rotate_button = QPushButton(self.tr("Re-encrypt with a new &key…"))
        self._layout()
        self.backup_button.clicked.connect(self.back_up_now)
        self.restore_button.clicked.connect(self.restore_selected)
        self.check_button.clicked.connect(self.check_vault)
        self.passphrase_button.clicked.connect(self.change_passphrase)
        self.rotate_button.clicked.connect(self.rotate_key)
        self.keep.editingFinished.connect(self._keep_changed)
        self.keychain.toggled.connect(self._keychain_toggled)
        self.refresh()

    def _layout(self) -> None:
        form = QFormLayout()
        form.addRow(self.tr("Automatic backups to keep:"), self.keep)
        buttons = QHBoxLayout()
        for button in (self.backup_button, self.restore_button, self.check_button):
            buttons.addWidget(button)
        keys = QHBoxLayout()
        keys.addWidget(self.passphrase_button)
        keys.addWidget(self.rotate_button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Backups are encrypted copies kept beside the vault.")))
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        layout.addLayout(form)
        layout.addWidget(self.keychain)
        layout.addLayout(keys)
        layout.addWidget(self.status)

    def refresh(self) -> None:
        self.model.set_rows(self.service.list_backups())
        unlocked = bool(getattr(self.service, "is_unlocked", False))
        for widget in (self.backup_button, self.check_button, self.keep, self.keychain, self.rotate_button):
            widget.setEnabled(unlocked)
        if unlocked:
            self.keep.setValue(self.service.backup_count)
            self.keychain.blockSignals(True)
            self.keychain.setChecked(self.service.keychain_in_use)
            self.keychain.blockSignals(False)
            self.keychain.setToolTip(self.service.keychain_status().reason)

    def _run(self, op: Any, done: str) -> None:
        ops.BackgroundOp(
            parent=self, op=lambda _ctx: op(), success=lambda result: self._finished(done, result)
        ).failure(self._failed).run()

    def _failed(self, exc: BaseException) -> None:
        show_error(self, exc)
        self.refresh()

    def _finished(self, done: str, result: Any) -> None:
        text = result.summary() if hasattr(result, "summary") else result if isinstance(result, str) else done
        self.status.setText(text if isinstance(text, str) else done)
        self.refresh()

    def back_up_now(self) -> None:
        self._run(self.service.backup, self.tr("Backup made."))

    def check_vault(self) -> None:
        self._run(self.service.check, self.tr("Check finished."))

    def _keep_changed(self) -> None:
        self._run(lambda: self.service.set_backup_count(self.keep.value()), self.tr("Saved."))

    def _keychain_toggled(self, enabled: bool) -> None:
        self._run(lambda: self.service.set_keychain_enabled(enabled), self.tr("Saved."))

    def selected_backup(self) -> Any:
        index = self.list.currentIndex()
        return self.model.data(index, BackupRole) if index.isValid() else None

    def restore_selected(self) -> None:
        backup = self.selected_backup()
        if backup is None:
            self.status.setText(self.tr("Choose a backup to restore first."))
            return
        answer = QMessageBox.question(
            self,
            self.tr("Restore backup"),
            self.tr(
                "Replace the vault with the backup from {0}? The current vault file is kept beside it, renamed; "
                "changes made since that backup will not be in the restored vault."
            ).format(format_datetime(backup.created_at) or backup.created_at),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        passphrase = self._ask_passphrase(self.tr("Your passphrase may be needed to open an older backup."))
        kwargs = {"passphrase": passphrase} if passphrase else {}
        self._run(lambda: self.service.restore(backup.path, **kwargs), self.tr("Backup restored."))

    def change_passphrase(self) -> None:
        if ChangePassphraseDialog(self.service, self).exec():
            self.status.setText(self.tr("The passphrase has been changed."))

    def rotate_key(self) -> None:
        passphrase = self._ask_passphrase(
            self.tr("Re-encrypting the vault makes a new data key. Older backups keep the previous key.")
        )
        if passphrase:
            self._run(lambda: self.service.rotate_key(passphrase=passphrase), self.tr("The vault has a new key."))

    def _ask_passphrase(self, why: str) -> str:
        text, ok = QInputDialog.getText(
            self, self.tr("Passphrase"), why + "\n" + self.tr("Passphrase:"), QLineEdit.EchoMode.Password
        )
        return text if ok else ""

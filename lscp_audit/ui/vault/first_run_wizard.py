"""First-run wizard: where to keep the vault, a passphrase, keychain opt-in, the recovery key."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from lscp_audit.ui import ops
from lscp_audit.ui.errors import show_error
from lscp_audit.ui.vault.passphrase_field import PassphraseField
from lscp_audit.ui.vault.recovery_key_actions import print_recovery_key, save_recovery_key

if TYPE_CHECKING:
    from lscp_audit.services.vault_service import VaultService


class LocationPage(QWizardPage):
    """Step 1: the vault file's location."""

    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self.setTitle(self.tr("Where to keep your vault"))
        self.setSubTitle(
            self.tr("Everything you record is kept in one encrypted file on this computer. Keep it on a local disk.")
        )
        self._wizard = wizard
        self.path_edit = QLineEdit(str(wizard.service.path))
        self.path_edit.setAccessibleName(self.tr("Vault file"))
        browse = QPushButton(self.tr("&Browse…"))
        browse.clicked.connect(self._browse)
        demo = QPushButton(self.tr("Try it with &sample data instead"))
        demo.clicked.connect(wizard.request_demo)
        self.message = QLabel(wordWrap=True)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(demo)

    def _browse(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Vault file"), self.path_edit.text(), "Vault (*.lscp)")
        if name:
            self.path_edit.setText(name)

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        path = Path(self.path_edit.text()).expanduser()
        self._wizard.service.set_path(path)
        if self._wizard.service.exists():
            self.message.setText(
                self.tr("A vault already exists there. Choose another location, or quit and open that vault.")
            )
            return False
        return True


class PassphrasePage(QWizardPage):
    """Step 2: passphrase with strength feedback, and the keychain opt-in. Creates the vault."""

    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle(self.tr("Choose a passphrase"))
        self.setSubTitle(self.tr("You will need it when the system keychain cannot unlock the vault."))
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("&Create vault"))
        self.passphrase_field = PassphraseField()
        self.passphrase_field.changed.connect(self.completeChanged)
        status = wizard.service.keychain_status()
        self.keychain = QCheckBox(self.tr("Unlock automatically when I log in (keep the key in the system keychain)"))
        self.keychain.setChecked(status.usable)
        self.keychain.setEnabled(status.usable)
        self.keychain_note = QLabel(status.reason, wordWrap=True)
        self.message = QLabel(wordWrap=True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.passphrase_field)
        layout.addWidget(self.keychain)
        layout.addWidget(self.keychain_note)
        layout.addWidget(self.message)

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return self.passphrase_field.is_acceptable()

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        if self._wizard.created is not None:
            return True
        service = self._wizard.service
        passphrase = self.passphrase_field.passphrase()
        use_keychain = self.keychain.isChecked()
        self.message.setText(self.tr("Creating your vault…"))
        ops.BackgroundOp(
            parent=self,
            op=lambda _ctx: service.create(passphrase, use_keychain=use_keychain),
            success=self._created,
        ).failure(self._failed).run()
        return False

    def _created(self, created: Any) -> None:
        self._wizard.created = created
        self.passphrase_field.clear()
        self.message.setText(created.route_message)
        self._wizard.setOption(QWizard.WizardOption.NoCancelButton, True)
        self._wizard.next()

    def _failed(self, exc: BaseException) -> None:
        self.message.clear()
        show_error(self, exc)


class RecoveryKeyPage(QWizardPage):
    """Step 3: show the one-time recovery key, with print and save."""

    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle(self.tr("Your recovery key"))
        self.setSubTitle(
            self.tr("This is shown only once. Print it or save it somewhere safe, away from this computer.")
        )
        self.key_label = QLabel()
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.TypeWriter)
        font.setPointSize(font.pointSize() + 4)
        self.key_label.setFont(font)
        self.key_label.setAccessibleName(self.tr("Recovery key"))
        print_button = QPushButton(self.tr("&Print…"))
        print_button.clicked.connect(lambda: print_recovery_key(self, str(wizard.service.path), self._key()))
        save_button = QPushButton(self.tr("&Save to a file…"))
        save_button.clicked.connect(lambda: save_recovery_key(self, str(wizard.service.path), self._key()))
        self.stored = QCheckBox(self.tr("I have printed or saved my recovery key and will keep it safe"))
        self.stored.toggled.connect(self.completeChanged)
        buttons = QHBoxLayout()
        buttons.addWidget(print_button)
        buttons.addWidget(save_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.key_label)
        layout.addLayout(buttons)
        layout.addWidget(self.stored)

    def _key(self) -> str:
        created = self._wizard.created
        return created.recovery_key if created is not None else ""

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        self.key_label.setText(self._key())

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return self.stored.isChecked()


class ConfirmPage(QWizardPage):
    """Step 4: type the last group of the recovery key to show it was kept."""

    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle(self.tr("Confirm your recovery key"))
        self.setSubTitle(self.tr("Type the last group of five characters of your recovery key."))
        self.entry = QLineEdit()
        self.entry.setAccessibleName(self.tr("Last group of the recovery key"))
        self.entry.textChanged.connect(self.completeChanged)
        QVBoxLayout(self).addWidget(self.entry)

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        created = self._wizard.created
        if created is None:
            return False
        return self.entry.text().strip().upper() == created.recovery_key.split("-")[-1]


class FirstRunWizard(QWizard):
    """Creates the vault. Accepted with ``service.is_unlocked`` True, or with `demo_requested`."""

    def __init__(self, service: VaultService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.created: Any = None
        self.demo_requested = False
        self.setWindowTitle(self.tr("Set up LSCP Audit"))
        self.location_page = LocationPage(self)
        self.passphrase_page = PassphrasePage(self)
        self.recovery_page = RecoveryKeyPage(self)
        self.confirm_page = ConfirmPage(self)
        for page in (self.location_page, self.passphrase_page, self.recovery_page, self.confirm_page):
            self.addPage(page)

    def request_demo(self) -> None:
        self.demo_requested = True
        self.accept()

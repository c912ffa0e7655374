"""First run and unlock through the real modal dialogs: nothing replaces `exec`. A timer finds
the modal dialog the app opened and types into it, as a user would."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget, QWizard
from pytestqt.qtbot import QtBot

from lscp_audit.services.vault_service import VaultService
from lscp_audit.storage.keyfile import TEST_POLICY
from lscp_audit.ui.audits.area import AuditsAreaWidget
from lscp_audit.ui.shell import build_main_window
from lscp_audit.ui.startup import StartupFlow
from lscp_audit.ui.vault.first_run_wizard import FirstRunWizard
from lscp_audit.ui.vault.unlock_dialog import UnlockDialog

PASSPHRASE = "a long and memorable passphrase 7"


@pytest.fixture(autouse=True)
def cheap_vaults(monkeypatch: pytest.MonkeyPatch) -> None:
    def make_service(self: StartupFlow, path: Path | None = None) -> VaultService:
        return VaultService(path or self.vault_path, use_keychain=False, kdf_policy=TEST_POLICY)

    monkeypatch.setattr(StartupFlow, "make_service", make_service)


def when_modal(kind: type[QWidget], act: Callable[[QWidget], None]) -> None:
    """Run `act` on the modal dialog of type `kind` once the app has opened it."""

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind):
            act(dialog)
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)


def complete_wizard(qtbot: QtBot, wizard: QWidget) -> None:
    assert isinstance(wizard, FirstRunWizard)
    wizard.next()  # the default location
    field = wizard.passphrase_page.passphrase_field
    qtbot.keyClicks(field.first, PASSPHRASE)
    qtbot.keyClicks(field.second, PASSPHRASE)
    wizard.next()  # creates the vault
    assert wizard.currentPage() is wizard.recovery_page
    key = wizard.recovery_page.key_label.text()
    assert len(key) == 47
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    assert not next_button.isEnabled()  # the user must say the key is kept
    wizard.recovery_page.stored.setChecked(True)
    wizard.next()
    qtbot.keyClicks(wizard.confirm_page.entry, key.split("-")[-1])
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)


def test_first_run_creates_a_vault_then_the_next_start_unlocks_it(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "vault.lscp"
    window = build_main_window(vault_path=str(path))
    qtbot.addWidget(window)
    window.show()
    when_modal(FirstRunWizard, lambda wizard: complete_wizard(qtbot, wizard))
    window.shell.start()
    assert path.exists() and window.shell.session is not None
    assert isinstance(window.area_page("audits"), AuditsAreaWidget)
    window.shell.lock()
    window.close()

    second = build_main_window(vault_path=str(path))
    qtbot.addWidget(second)
    second.show()
    attempts: list[str] = []

    def unlock(dialog: QWidget) -> None:
        assert isinstance(dialog, UnlockDialog)
        dialog.secret.clear()
        if not attempts:
            qtbot.keyClicks(dialog.secret, "not the passphrase")
        else:
            qtbot.keyClicks(dialog.secret, PASSPHRASE)
        attempts.append(dialog.error_label.text())
        dialog.unlock_button.click()
        if len(attempts) == 1:
            assert dialog.isVisible()  # a wrong passphrase keeps the dialog open and says why
            assert "That passphrase does not unlock this vault" in dialog.error_label.text()
            when_modal(UnlockDialog, unlock)

    when_modal(UnlockDialog, unlock)
    second.shell.start()
    assert len(attempts) == 2 and second.shell.session is not None
    second.shell.lock()

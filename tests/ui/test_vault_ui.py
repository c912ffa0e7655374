"""Vault screens with pytest-qt: first-run wizard, unlock dialog, change passphrase, backups page,
idle auto-lock. Real vault files through `VaultService` with a cheap KDF; ops run synchronously."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget, QWizard
from pytestqt.qtbot import QtBot

from lscp_audit.services.vault_service import VaultService
from lscp_audit.storage.keyfile import TEST_POLICY
from lscp_audit.storage.keystore import KeyStore
from lscp_audit.ui.vault.auto_lock import AutoLock
from lscp_audit.ui.vault.backups_page import BackupsPage
from lscp_audit.ui.vault.change_passphrase_dialog import ChangePassphraseDialog
from lscp_audit.ui.vault.first_run_wizard import FirstRunWizard
from lscp_audit.ui.vault.passphrase_field import PassphraseField
from lscp_audit.ui.vault.recovery_key_actions import save_recovery_key
from lscp_audit.ui.vault.unlock_dialog import UnlockDialog
from tests.storage.conftest import MemoryKeyring

PASS = "correct horse battery staple"


def _service(path: Path, backend: MemoryKeyring | None = None) -> VaultService:
    return VaultService(path, keystore=KeyStore(backend or MemoryKeyring()), kdf_policy=TEST_POLICY, actor="ui")


@pytest.fixture
def locked(tmp_path: Path) -> Iterator[tuple[VaultService, str]]:
    backend = MemoryKeyring()
    service = _service(tmp_path / "vault.lscp", backend)
    created = service.create(PASS, use_keychain=False)
    service.lock()
    yield service, created.recovery_key
    service.lock()


def test_first_run_wizard_creates_vault(qtbot: QtBot, tmp_path: Path) -> None:
    service = _service(tmp_path / "default.lscp")
    wizard = FirstRunWizard(service)
    qtbot.addWidget(wizard)
    wizard.show()
    chosen = tmp_path / "chosen" / "my.lscp"
    wizard.location_page.path_edit.setText(str(chosen))
    wizard.next()
    page = wizard.passphrase_page
    assert wizard.currentPage() is page
    qtbot.keyClicks(page.passphrase_field.first, "weak")
    assert not page.isComplete() and page.passphrase_field.meter.value() <= 1
    page.passphrase_field.first.setText(PASS)
    page.passphrase_field.second.setText(PASS)
    assert page.isComplete() and page.keychain.isChecked()
    wizard.next()
    assert wizard.created is not None and service.is_unlocked and service.path == chosen
    assert wizard.created.keychain_used
    recovery = wizard.recovery_page
    assert wizard.currentPage() is recovery and recovery.key_label.text() == wizard.created.recovery_key
    assert not recovery.isComplete()
    recovery.stored.setChecked(True)
    wizard.next()
    confirm = wizard.confirm_page
    confirm.entry.setText("WRONG")
    assert not confirm.isComplete()
    confirm.entry.setText(wizard.created.recovery_key.split("-")[-1].lower())
    assert confirm.isComplete()
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.result() == QWizard.DialogCode.Accepted
    assert page.passphrase_field.passphrase() == ""  # not kept in the widget
    service.lock()


def test_wizard_refuses_existing_vault(qtbot: QtBot, locked: tuple[VaultService, str]) -> None:
    service, _ = locked
    wizard = FirstRunWizard(_service(service.path))
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    assert wizard.currentPage() is wizard.location_page
    assert "already exists" in wizard.location_page.message.text()


def test_recovery_key_saved_privately(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "key.txt"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    widget = QWidget()
    qtbot.addWidget(widget)
    assert save_recovery_key(widget, "v.lscp", "ABCDE-FGHIJ") == target
    assert "ABCDE-FGHIJ" in target.read_text() and oct(target.stat().st_mode & 0o777) == "0o600"


def test_unlock_dialog_wrong_then_right(qtbot: QtBot, locked: tuple[VaultService, str]) -> None:
    service, _ = locked
    dialog = UnlockDialog(service)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.secret, "not my passphrase")
    dialog.unlock_button.click()
    assert "does not unlock" in dialog.error_label.text() and not service.is_unlocked
    dialog.secret.setText(PASS)
    dialog.unlock_button.click()
    assert service.is_unlocked and dialog.result() == UnlockDialog.DialogCode.Accepted
    assert dialog.secret.text() == ""


def test_unlock_dialog_recovery_key(qtbot: QtBot, locked: tuple[VaultService, str]) -> None:
    service, recovery = locked
    dialog = UnlockDialog(service)
    qtbot.addWidget(dialog)
    dialog.use_recovery.setChecked(True)
    dialog.secret.setText(recovery)
    dialog.unlock_button.click()
    assert service.is_unlocked


def test_unlock_dialog_offers_restore_for_damaged_vault(
    qtbot: QtBot, locked: tuple[VaultService, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    service, _ = locked
    service.unlock(passphrase=PASS)
    service.backup()
    service.lock()
    data = bytearray(service.path.read_bytes())
    data[4096 + 10] ^= 0xFF
    service.path.write_bytes(bytes(data))
    dialog = UnlockDialog(service)
    qtbot.addWidget(dialog)
    dialog.secret.setText(PASS)
    dialog.unlock_button.click()
    assert str(service.path) in dialog.error_label.text() and not dialog.restore_button.isHidden()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    dialog.restore_button.click()
    assert service.is_unlocked and service.check().ok


def test_change_passphrase_dialog(qtbot: QtBot, locked: tuple[VaultService, str]) -> None:
    service, _ = locked
    dialog = ChangePassphraseDialog(service)
    qtbot.addWidget(dialog)
    assert not dialog.ok_button.isEnabled()
    dialog.current.setText("wrong passphrase!")
    dialog.new.first.setText("a completely new passphrase")
    dialog.new.second.setText("a completely new passphrase")
    assert dialog.ok_button.isEnabled()
    dialog.ok_button.click()
    assert "not right" in dialog.error_label.text()
    dialog.current.setText(PASS)
    dialog.ok_button.click()
    assert dialog.result() == ChangePassphraseDialog.DialogCode.Accepted
    service.unlock(passphrase="a completely new passphrase")


def test_backups_page(qtbot: QtBot, locked: tuple[VaultService, str], monkeypatch: pytest.MonkeyPatch) -> None:
    service, _ = locked
    service.unlock(passphrase=PASS)
    page = BackupsPage(service)
    qtbot.addWidget(page)
    before = page.model.rowCount()
    page.backup_button.click()
    assert page.model.rowCount() == before + 1
    shown = page.model.data(page.model.index(0))
    assert re.match(r"\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d  \(", shown), shown
    page.check_button.click()
    assert "passed both integrity checks" in page.status.text()
    page.list.setCurrentIndex(page.model.index(0))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (PASS, True))
    page.restore_button.click()
    assert "restored" in page.status.text() and service.is_unlocked
    page.rotate_button.click()
    assert "new key" in page.status.text()
    page.keychain.setChecked(True)
    assert service.keychain_in_use
    service.lock()


def test_passphrase_field_feedback(qtbot: QtBot) -> None:
    field = PassphraseField()
    qtbot.addWidget(field)
    field.first.setText(PASS)
    field.second.setText(PASS + "x")
    assert not field.is_acceptable() and "do not match" in field.feedback.text()
    field.second.setText(PASS)
    assert field.is_acceptable() and field.meter.value() >= 3


def test_auto_lock_fires_when_idle_and_activity_defers(qtbot: QtBot) -> None:
    target = QWidget()
    qtbot.addWidget(target)
    target.show()
    fired: list[int] = []
    auto = AutoLock(lambda: fired.append(1), minutes=10)
    assert auto.active
    auto.set_interval_ms(400)
    for _ in range(6):  # activity every 150 ms keeps it unlocked
        qtbot.wait(150)
        qtbot.keyClick(target, Qt.Key.Key_A)
    assert not fired
    qtbot.waitUntil(lambda: bool(fired), timeout=1500)
    assert fired == [1]
    auto.uninstall()

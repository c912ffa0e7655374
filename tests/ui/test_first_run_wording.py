"""The first-run wizard speaks plainly: one strength word, and a button that says what it does."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from lscp_audit.services.passphrase import passphrase_strength
from lscp_audit.services.vault_service import VaultService
from lscp_audit.storage.keyfile import TEST_POLICY
from lscp_audit.ui.vault.first_run_wizard import FirstRunWizard
from lscp_audit.ui.vault.passphrase_field import PassphraseField


def test_strength_is_said_once(qtbot: QtBot) -> None:
    field = PassphraseField()
    qtbot.addWidget(field)
    for text in ("violet tractor quietly 83 umbrella harbour", "plum kettle 7", "abc"):
        field.first.setText(text)
        label = passphrase_strength(text).label
        feedback = field.feedback.text()
        assert feedback.startswith(label + ".") and feedback.count(label) == 1, feedback
    field.first.setText("violet tractor quietly 83 umbrella harbour")
    assert field.feedback.text() == "Strong."


def test_create_button_says_create_vault(qtbot: QtBot, tmp_path: Path) -> None:
    service = VaultService(tmp_path / "v.lscp", use_keychain=False, kdf_policy=TEST_POLICY)
    wizard = FirstRunWizard(service)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    assert wizard.currentPage() is wizard.passphrase_page
    button = wizard.button(QWizard.WizardButton.CommitButton)
    assert button.isVisible()
    assert button.text().replace("&", "") == "Create vault"

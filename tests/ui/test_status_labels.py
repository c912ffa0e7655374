"""Status messages are read out: a status label's accessible name (what Qt gives a screen reader)
is the message it shows, and goes back to what the label is for when it shows nothing."""

from __future__ import annotations

from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from lscp_audit.services.settings_service import SettingsService
from lscp_audit.services.vault_service import VaultService
from lscp_audit.ui.a11y import StatusLabel
from lscp_audit.ui.editor.autosave import FAILED, SAVED, SAVING
from lscp_audit.ui.editor.editor_header import EditorHeaderWidget
from lscp_audit.ui.settings.settings_page import SettingsPage
from lscp_audit.ui.vault.backups_page import BackupsPage
from lscp_audit.ui.vault.unlock_dialog import UnlockDialog


def spoken(label: QLabel) -> tuple[str, str]:
    iface = QAccessible.queryAccessibleInterface(label)
    assert iface is not None
    return iface.text(QAccessible.Text.Name), iface.text(QAccessible.Text.Description)


def test_name_follows_the_text(qtbot: QtBot) -> None:
    label = StatusLabel("Autosave status")
    qtbot.addWidget(label)
    assert spoken(label) == ("Autosave status", "Autosave status")
    label.setText("Saved 10:42")
    assert spoken(label) == ("Saved 10:42", "Autosave status")
    label.set_status('<a href="#x">Not saved &ndash; see   Age</a>', quiet=True)
    assert spoken(label)[0] == "Not saved – see Age"
    label.clear()
    assert label.text() == "" and spoken(label)[0] == "Autosave status"


def test_autosave_states_are_the_header_name(qtbot: QtBot) -> None:
    header = EditorHeaderWidget()
    qtbot.addWidget(header)
    header.show_save_state(SAVING)
    assert spoken(header.save_state)[0] == "Saving…"
    header.show_save_state(SAVED, "10:42")
    assert spoken(header.save_state)[0] == "Saved 10:42"
    header.show_save_state(FAILED, where="Date of birth")
    assert spoken(header.save_state)[0] == "Not saved – see Date of birth"


def test_unlock_problem_is_the_name(qtbot: QtBot, vault_service: VaultService) -> None:
    dialog = UnlockDialog(vault_service)
    qtbot.addWidget(dialog)
    dialog.try_unlock()  # nothing typed
    assert spoken(dialog.error_label) == ("Enter your passphrase or recovery key.", "Unlock problem")
    dialog.use_recovery.setChecked(True)  # switching clears the message
    assert spoken(dialog.error_label)[0] == "Unlock problem"


def test_settings_and_vault_status_are_the_name(qtbot: QtBot, vault_service: VaultService) -> None:
    page = SettingsPage(SettingsService(vault_service.vault), vault_service)
    qtbot.addWidget(page)
    marking = page.fields["report.protective_marking"]
    assert isinstance(marking, QLineEdit)
    marking.setText("OFFICIAL")
    page.save("report.protective_marking")
    assert spoken(page.status) == ("Saved.", "Settings status")
    backups = page.findChild(BackupsPage)
    assert backups is not None and isinstance(backups.status, StatusLabel)
    backups.status.setText("Backup made.")
    assert spoken(backups.status) == ("Backup made.", "Vault status")

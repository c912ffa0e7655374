"""Unlock as people do it: the app opens the unlock dialog, the passphrase is typed straight away
and Enter pressed (no click first). A wrong passphrase is explained in full; Cancel leaves the
window open on its locked pages with Unlock… and Quit, instead of quitting."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from lscp_audit.services.vault_service import VaultService
from lscp_audit.ui.audits.area import AuditsAreaWidget
from lscp_audit.ui.main_window import MainWindow
from lscp_audit.ui.shell import build_main_window
from lscp_audit.ui.vault.unlock_dialog import UnlockDialog
from tests.ui.modal import ModalWatch, check, when_modal

PASSPHRASE = "quiet harbour 2031 meadow lamp"


@pytest.fixture
def vault_path(tmp_path: Path) -> Path:
    path = tmp_path / "vault.lscp"
    service = VaultService(path, use_keychain=False)
    service.create(PASSPHRASE)
    service.lock()
    return path


def typed_into_focus(qtbot: QtBot, text: str) -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    qtbot.keyClicks(widget, text)
    qtbot.keyClick(widget, Qt.Key.Key_Return)
    return widget


def open_window(qtbot: QtBot, vault_path: Path) -> MainWindow:
    window = build_main_window(vault_path=str(vault_path))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def wait(qtbot: QtBot, watch: ModalWatch) -> None:
    qtbot.waitUntil(lambda: watch.acted or watch.missed, timeout=40_000)
    check(watch)


def test_typing_the_passphrase_and_enter_unlocks(qtbot: QtBot, vault_path: Path) -> None:
    window = open_window(qtbot, vault_path)
    seen: dict[str, object] = {}

    def wrong_then_right(dialog: UnlockDialog) -> None:
        qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.secret)  # focus is already there
        typed_into_focus(qtbot, "not my passphrase")
        qtbot.waitUntil(lambda: dialog.error_label.text() != "", timeout=20_000)
        label = dialog.error_label
        seen["message"] = label.text()
        seen["message fits"] = label.height() >= label.heightForWidth(label.width())
        title_width = dialog.fontMetrics().horizontalAdvance(dialog.windowTitle() + " — LSCP Audit")
        seen["title fits"] = dialog.width() > title_width + 120  # room for the title bar's buttons
        assert QApplication.focusWidget() is dialog.secret and dialog.secret.selectedText() != ""
        typed_into_focus(qtbot, PASSPHRASE)  # replaces the selected wrong passphrase

    watch = when_modal(UnlockDialog, wrong_then_right)
    window.shell.start()
    wait(qtbot, watch)
    qtbot.waitUntil(lambda: window.shell.session is not None, timeout=20_000)
    assert seen["message"] == "That passphrase does not unlock this vault. Please try again."
    assert seen["message fits"] and seen["title fits"]
    assert isinstance(window.area_page("audits"), AuditsAreaWidget)
    window.shell.lock()


def test_cancel_keeps_the_window_locked_with_unlock_and_quit(qtbot: QtBot, vault_path: Path) -> None:
    window = open_window(qtbot, vault_path)
    watch = when_modal(UnlockDialog, lambda dialog: qtbot.keyClick(dialog.secret, Qt.Key.Key_Escape))
    window.shell.start()
    wait(qtbot, watch)
    assert window.isVisible() and window.shell.session is None
    page = window.area_page("audits")
    buttons = {b.text(): b for b in page.findChildren(QPushButton)}
    assert set(buttons) == {"&Unlock…", "&Quit"}

    def type_passphrase(dialog: UnlockDialog) -> None:
        qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.secret)
        typed_into_focus(qtbot, PASSPHRASE)

    watch = when_modal(UnlockDialog, type_passphrase)
    buttons["&Unlock…"].click()
    wait(qtbot, watch)
    qtbot.waitUntil(lambda: window.shell.session is not None, timeout=20_000)
    window.shell.lock()


def test_cancelling_the_first_run_wizard_keeps_the_window_open(qtbot: QtBot, tmp_path: Path) -> None:
    from lscp_audit.ui.vault.first_run_wizard import FirstRunWizard

    window = open_window(qtbot, tmp_path / "new-vault.lscp")
    watch = when_modal(FirstRunWizard, lambda wizard: wizard.reject())
    window.shell.start()
    wait(qtbot, watch)
    assert window.isVisible() and window.shell.session is None
    buttons = {b.text() for b in window.area_page("audits").findChildren(QPushButton)}
    assert buttons == {"&Set up the vault…", "&Quit"}
    assert not (tmp_path / "new-vault.lscp").exists()

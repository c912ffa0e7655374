"""Issue 11: with the keychain on, the app unlocks by itself at start, but after Ctrl+L (or the
idle lock) "Unlock…" opens the unlock dialog and needs the passphrase: one click must not undo a
lock. Real modal dialog, real vault, in-memory keychain backend."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from lscp_audit.services.vault_service import VaultService
from lscp_audit.storage.keyfile import TEST_POLICY
from lscp_audit.storage.keystore import KeyStore
from lscp_audit.ui.shell import build_main_window
from lscp_audit.ui.startup import StartupFlow
from lscp_audit.ui.vault.unlock_dialog import UnlockDialog
from tests.storage.conftest import MemoryKeyring
from tests.ui.test_first_run_real_dialogs import when_modal

PASSPHRASE = "a long and memorable passphrase 7"


def test_unlock_after_a_lock_asks_for_the_passphrase(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = KeyStore(MemoryKeyring())
    path = tmp_path / "vault.lscp"
    earlier = VaultService(path, keystore=store, kdf_policy=TEST_POLICY, relock_needs_secret=False)
    assert earlier.create(PASSPHRASE).keychain_used  # made in an earlier run of the app
    earlier.lock()

    def make_service(self: StartupFlow, vault: Path | None = None) -> VaultService:
        return VaultService(vault or self.vault_path, keystore=store, kdf_policy=TEST_POLICY)

    monkeypatch.setattr(StartupFlow, "make_service", make_service)
    window = build_main_window(vault_path=str(path))
    qtbot.addWidget(window)
    window.show()
    window.shell.start()  # a fresh start: the keychain opens the vault, no dialog
    assert window.shell.session is not None
    window.shell.lock()  # Ctrl+L
    assert window.shell.session is None

    seen: list[str] = []

    def unlock(dialog: QWidget) -> None:
        assert isinstance(dialog, UnlockDialog)
        seen.append(dialog.route_label.text())
        qtbot.keyClicks(dialog.secret, PASSPHRASE)
        dialog.unlock_button.click()

    when_modal(UnlockDialog, unlock)
    window.shell.start()  # what the "Unlock…" button does
    assert seen and "locked" in seen[0] and "passphrase" in seen[0]
    assert window.shell.session is not None
    window.shell.lock()
    window.close()

"""Start-up flow: no vault -> first-run wizard -> "Try it with sample data" -> DEMO vault in the
title bar; an existing vault -> unlock dialog -> the areas show the vault's audits; Lock."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from lscp_audit.services import demo_data
from lscp_audit.services.vault_service import VaultService
from lscp_audit.storage.keyfile import TEST_POLICY
from lscp_audit.ui.audits.area import AuditsAreaWidget
from lscp_audit.ui.main_window import MainWindow
from lscp_audit.ui.shell import build_main_window
from lscp_audit.ui.startup import StartupFlow
from lscp_audit.ui.vault.first_run_wizard import FirstRunWizard
from lscp_audit.ui.vault.unlock_dialog import UnlockDialog
from tests.ui.conftest import PASSPHRASE


@pytest.fixture
def cheap_vaults(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every vault the flow makes uses the test KDF and no keychain."""

    def make_service(self: StartupFlow, path: Path | None = None) -> VaultService:
        return VaultService(path or self.vault_path, use_keychain=False, kdf_policy=TEST_POLICY)

    real_build = demo_data.build_demo_vault
    monkeypatch.setattr(StartupFlow, "make_service", make_service)
    monkeypatch.setattr(
        demo_data, "build_demo_vault", lambda path, **kw: real_build(path, kdf_policy=TEST_POLICY, **kw)
    )


def shown_window(qtbot: QtBot, vault_path: Path) -> MainWindow:
    window = build_main_window(vault_path=str(vault_path))
    qtbot.addWidget(window)
    window.show()
    return window


def test_first_run_try_sample_data_opens_a_demo_vault(
    qtbot: QtBot, tmp_path: Path, cheap_vaults: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def choose_demo(wizard: FirstRunWizard) -> int:
        wizard.request_demo()
        return 1

    monkeypatch.setattr(FirstRunWizard, "exec", choose_demo)
    window = shown_window(qtbot, tmp_path / "vault.lscp")
    window.shell.start()
    assert "DEMO" in window.windowTitle()
    area = window.area_page("audits")
    assert isinstance(area, AuditsAreaWidget)
    assert area.list_page.model.rowCount() > 0
    assert not (tmp_path / "vault.lscp").exists()  # the real vault is untouched


def test_existing_vault_unlocks_through_the_unlock_dialog_and_locks_again(
    qtbot: QtBot, tmp_path: Path, cheap_vaults: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "vault.lscp"
    creator = VaultService(path, use_keychain=False, kdf_policy=TEST_POLICY)
    creator.create(PASSPHRASE)
    creator.lock()
    seen: dict[str, Any] = {}

    def type_passphrase(dialog: UnlockDialog) -> int:
        seen["message"] = dialog.windowTitle()
        dialog.service.unlock(passphrase=PASSPHRASE)
        return 1

    monkeypatch.setattr(UnlockDialog, "exec", type_passphrase)
    window = shown_window(qtbot, path)
    window.shell.start()
    assert seen and window.shell.session is not None
    assert "DEMO" not in window.windowTitle()
    assert isinstance(window.area_page("audits"), AuditsAreaWidget)
    window.lock_action.trigger()
    assert window.shell.session is None
    assert not isinstance(window.area_page("audits"), AuditsAreaWidget)

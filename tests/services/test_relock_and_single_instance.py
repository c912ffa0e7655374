"""Issue 11, access: after a lock inside a running app, Unlock… needs the passphrase even with the
keychain on; the single-instance lock and backups follow the resolved path (a symlink is the same
vault)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lscp_audit.core.errors import VaultInUse, WrongPassphrase
from lscp_audit.services.vault_keys import KeyRoute
from lscp_audit.services.vault_service import VaultService
from lscp_audit.storage.keyfile import TEST_POLICY
from lscp_audit.storage.keystore import KeyStore
from tests.storage.conftest import MemoryKeyring

PASS = "correct horse battery staple"


def test_unlock_after_a_lock_in_the_running_app_needs_the_passphrase(tmp_path: Path) -> None:
    store = KeyStore(MemoryKeyring())
    path = tmp_path / "vault.lscp"
    first = VaultService(path, keystore=store, kdf_policy=TEST_POLICY)
    assert first.create(PASS).keychain_used
    first.lock()  # Ctrl+L or idle auto-lock
    again = VaultService(path, keystore=store, kdf_policy=TEST_POLICY)  # what "Unlock…" builds
    assert "passphrase" in again.describe_route()
    with pytest.raises(WrongPassphrase, match="locked"):
        again.unlock()
    assert not again.is_unlocked
    assert again.unlock(passphrase=PASS).route is KeyRoute.PASSPHRASE
    again.lock()


def test_a_command_line_session_still_unlocks_from_the_keychain(tmp_path: Path) -> None:
    store = KeyStore(MemoryKeyring())
    path = tmp_path / "vault.lscp"
    service = VaultService(path, keystore=store, kdf_policy=TEST_POLICY, relock_needs_secret=False)
    service.create(PASS)
    service.lock()
    assert service.unlock().route is KeyRoute.KEYCHAIN
    service.lock()


def test_symlinked_vault_path_is_the_same_vault_for_the_single_instance_lock(tmp_path: Path) -> None:
    real = tmp_path / "real" / "vault.lscp"
    real.parent.mkdir()
    owner = VaultService(real, use_keychain=False, kdf_policy=TEST_POLICY)
    owner.create(PASS)
    link_dir = tmp_path / "elsewhere"
    link_dir.mkdir()
    (link_dir / "alias.lscp").symlink_to(real)
    (link_dir / "alias.lscp.keys.json").symlink_to(real.with_name("vault.lscp.keys.json"))
    other = VaultService(link_dir / "alias.lscp", use_keychain=False, kdf_policy=TEST_POLICY)
    with pytest.raises(VaultInUse):
        other.unlock(passphrase=PASS)
    backup = owner.backup()
    assert backup.path.parent == real.parent / "vault-backups"
    owner.lock()
    other.unlock(passphrase=PASS)
    assert backup.path in [b.path for b in other.list_backups()]  # one backup folder, not two
    assert not (link_dir / "alias-backups").exists()
    other.lock()

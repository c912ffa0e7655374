"""VaultService: routes (keychain, passphrase, recovery key), keychain failure modes (B2-B7),
passphrase change, rotation, backups, restore after corruption, retention, canary/log sweep."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from keyring.backends import fail, null

from lscp_audit.applog import configure_logging
from lscp_audit.core.audit import Answer, AuditStatus
from lscp_audit.core.errors import (
    KeychainUnavailable,
    ValidationError,
    VaultCorrupt,
    VaultError,
    VaultInUse,
    VaultLocked,
    WrongPassphrase,
)
from lscp_audit.services.passphrase import passphrase_problems, passphrase_strength
from lscp_audit.services.vault_keys import KeyRoute
from lscp_audit.services.vault_service import VaultService
from lscp_audit.storage.keyfile import TEST_POLICY, keyfile_path
from lscp_audit.storage.keystore import KeyStore
from tests.storage.conftest import CANARY, MemoryKeyring, make_record, sha256

PASS = "correct horse battery staple"


def _service(path: Path, backend: object | None = None, **kw: object) -> VaultService:
    store = KeyStore(backend if backend is not None else MemoryKeyring())
    kw.setdefault("relock_needs_secret", False)  # each service here stands for a fresh start of the app
    return VaultService(path, keystore=store, kdf_policy=TEST_POLICY, actor="tester", **kw)  # type: ignore[arg-type]


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "vault.lscp"


def _fill(service: VaultService) -> None:
    service.vault.audits.create(make_record(), "tester")
    service.vault.audits.save_answer("audit-1", Answer("q1", f"{CANARY}-answer"), "tester")


def test_create_then_keychain_unlock(path: Path) -> None:
    service = _service(path)
    created = service.create(PASS)
    assert created.keychain_used and len(created.recovery_key) == 47
    _fill(service)
    service.lock()
    with pytest.raises(VaultLocked):
        _ = service.vault
    result = service.unlock()
    assert result.route is KeyRoute.KEYCHAIN and "keychain" in result.message
    assert service.vault.audits.get("audit-1").answers[0].value == f"{CANARY}-answer"
    service.lock()


def test_create_refuses_weak_passphrase_and_existing_vault(path: Path) -> None:
    service = _service(path)
    with pytest.raises(ValidationError):
        service.create("short")
    service.create(PASS)
    service.lock()
    before = sha256(path)
    with pytest.raises(VaultError, match="never created over"):
        _service(path).create(PASS)
    assert sha256(path) == before


@pytest.mark.parametrize("backend", [fail.Keyring(), null.Keyring()])
def test_b2_b3_unusable_keychain_falls_back_to_passphrase_without_plaintext(
    path: Path, backend: object, isolated_home: Path
) -> None:
    service = _service(path, backend)
    created = service.create(PASS)
    assert not created.keychain_used and created.route_message
    key_hex = service._current_key().hex()
    service.lock()
    with pytest.raises(WrongPassphrase):
        service.unlock()
    result = service.unlock(passphrase=PASS)
    assert result.route is KeyRoute.PASSPHRASE and "keychain" in result.message.lower()
    service.lock()
    for folder in (path.parent, isolated_home):
        for file in folder.rglob("*"):
            if file.is_file():
                assert key_hex.encode() not in file.read_bytes(), file


def test_b3_require_keychain_aborts_before_creating(path: Path) -> None:
    with pytest.raises(KeychainUnavailable):
        _service(path, null.Keyring()).create(PASS, require_keychain=True)
    assert not path.exists() and not keyfile_path(path).exists()


def test_b5_key_missing_but_vault_present(path: Path) -> None:
    backend = MemoryKeyring()
    service = _service(path, backend)
    service.create(PASS)
    service.lock()
    backend.store.clear()
    before = sha256(path)
    with pytest.raises(WrongPassphrase, match="not in the system keychain"):
        _service(path, backend).unlock()
    assert sha256(path) == before and not backend.store
    again = _service(path, backend)
    again.unlock(passphrase=PASS)  # the passphrase route re-stores the key
    again.lock()
    assert backend.store
    assert _service(path, backend).unlock().route is KeyRoute.KEYCHAIN


def test_b6_backend_changed_needs_passphrase(path: Path) -> None:
    service = _service(path, MemoryKeyring())
    service.create(PASS)
    service.lock()
    other = type("OtherKeyring", (MemoryKeyring,), {})()
    with pytest.raises(WrongPassphrase, match="changed"):
        _service(path, other).unlock()
    moved = _service(path, other)
    moved.unlock(passphrase=PASS)
    moved.lock()
    assert _service(path, other).unlock().route is KeyRoute.KEYCHAIN


def test_b7_recovery_key_and_change_passphrase(path: Path) -> None:
    backend = MemoryKeyring()
    service = _service(path, backend)
    created = service.create(PASS)
    service.lock()
    backend.store.clear()
    with pytest.raises(WrongPassphrase):
        service.unlock(recovery_key="AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA")
    assert service.unlock(recovery_key=created.recovery_key).route is KeyRoute.RECOVERY_KEY
    service.change_passphrase("a brand new passphrase", recovery_key=created.recovery_key)
    service.lock()
    with pytest.raises(WrongPassphrase, match="passphrase does not unlock"):
        service.unlock(passphrase=PASS)
    service.unlock(passphrase="a brand new passphrase")
    new_recovery = service.new_recovery_key(passphrase="a brand new passphrase")
    service.lock()
    with pytest.raises(WrongPassphrase):
        service.unlock(recovery_key=created.recovery_key)
    service.unlock(recovery_key=new_recovery)
    service.lock()


def test_single_instance_between_services(path: Path) -> None:
    service = _service(path)
    service.create(PASS)
    with pytest.raises(VaultInUse):
        _service(path).unlock(passphrase=PASS)
    service.lock()


def test_rotate_key_then_unlock_every_route(path: Path) -> None:
    backend = MemoryKeyring()
    service = _service(path, backend)
    created = service.create(PASS)
    _fill(service)
    old_key = service._current_key().hex()
    service.rotate_key(passphrase=PASS)
    assert service._current_key().hex() != old_key
    assert service.vault.history.vault_events()[-1].field == "key_rotated"
    service.lock()
    assert service.unlock().route is KeyRoute.KEYCHAIN
    service.lock()
    service.unlock(recovery_key=created.recovery_key)
    assert service.check().ok
    service.lock()
    assert not any(u.endswith(":pending") for _s, u in backend.store)


def test_backups_rotate_and_restore_after_corruption(path: Path) -> None:
    service = _service(path)
    service.create(PASS)
    _fill(service)
    service.set_backup_count(2)
    for _ in range(3):
        service.backup(kind="auto")
    manual = service.backup()
    assert len([b for b in service.list_backups() if b.kind == "auto"]) == 2
    assert manual.kind == "manual" and CANARY.encode() not in manual.path.read_bytes()
    service.vault.audits.save_answer("audit-1", Answer("q1", "after backup"), "tester")
    service.lock()
    data = bytearray(path.read_bytes())
    data[4096 * 2 + 50] ^= 0xFF
    path.write_bytes(bytes(data))
    broken = sha256(path)
    fresh = _service(path, service.routes.keystore.backend)
    with pytest.raises(VaultCorrupt, match=str(path)):
        fresh.unlock(passphrase=PASS)
    assert sha256(path) == broken
    best = fresh.newest_good_backup(passphrase=PASS)
    assert best is not None and best.path == manual.path
    moved = fresh.restore(best.path, passphrase=PASS)
    assert moved is not None and sha256(moved) == broken
    assert fresh.vault.audits.get("audit-1").answers[0].value == f"{CANARY}-answer"
    assert fresh.check().ok
    fresh.lock()


def test_retention_purge_needs_confirmation(path: Path) -> None:
    service = _service(path)
    service.create(PASS)
    _fill(service)
    old = (datetime.now(UTC) - timedelta(days=400)).isoformat()
    service.vault.audits.set_status("audit-1", AuditStatus.COMPLETE, "t", completed_at=old)
    service.set_retention_days(365)
    assert [s.id for s in service.purge_candidates()] == ["audit-1"]
    with pytest.raises(ValidationError):
        service.purge(["audit-1"])
    assert service.purge(["audit-1"], confirm=True) == 1
    service.lock()


def test_e4_e5_canary_and_key_sweep_of_home_and_logs(path: Path, isolated_home: Path) -> None:
    log_file = configure_logging(logging.DEBUG)
    service = _service(path)
    created = service.create(PASS)
    _fill(service)
    key_hex = service._current_key().hex()
    service.backup()
    service.rotate_key(passphrase=PASS)
    service.lock()
    service.unlock(passphrase=PASS)
    service.lock()
    secrets = [CANARY.encode(), key_hex.encode(), PASS.encode(), created.recovery_key.encode()]
    assert log_file.exists()
    for folder in (path.parent, isolated_home):
        for file in folder.rglob("*"):
            if file.is_file():
                content = file.read_bytes()
                for secret in secrets:
                    assert secret not in content, file


def test_passphrase_strength_feedback() -> None:
    assert passphrase_strength("abc").score == 0
    assert passphrase_strength(PASS).score >= 3
    assert passphrase_problems("password1234")
    assert not passphrase_problems(PASS)

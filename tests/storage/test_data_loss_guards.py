"""Issue 11, data loss: retention never purges a revision a kept revision is based on; a new vault
at the same path never prunes the old vault's backups; a crash in the middle of a restore is
finished at the next unlock and the path never looks empty."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lscp_audit.core.audit import Answer, AuditStatus
from lscp_audit.core.errors import ValidationError
from lscp_audit.services.vault_service import VaultService
from lscp_audit.storage import backups as bk
from lscp_audit.storage.keyfile import TEST_POLICY, keyfile_path
from lscp_audit.storage.lockfile import VaultLock
from lscp_audit.storage.vault import Vault
from tests.storage.conftest import make_record

PASS = "correct horse battery staple"
OLD = (datetime.now(UTC) - timedelta(days=400)).isoformat()


def _service(path: Path) -> VaultService:
    return VaultService(path, use_keychain=False, kdf_policy=TEST_POLICY, actor="tester")


def _amended_pair(vault: Vault, newer_status: AuditStatus) -> None:
    vault.audits.create(make_record("rev-1"), "t")
    vault.audits.set_status("rev-1", AuditStatus.COMPLETE, "t", completed_at=OLD)
    vault.audits.create(replace(make_record("rev-2"), revision=2, previous_revision_id="rev-1"), "t")
    vault.audits.set_status("rev-1", AuditStatus.AMENDED, "t")
    if newer_status is not AuditStatus.DRAFT:
        vault.audits.set_status("rev-2", newer_status, "t", completed_at=OLD)


def test_purge_keeps_a_revision_that_a_live_revision_points_to(tmp_path: Path) -> None:
    service = _service(tmp_path / "v.lscp")
    service.create(PASS)
    service.set_retention_days(365)
    _amended_pair(service.vault, AuditStatus.DRAFT)
    assert [s.id for s in service.purge_candidates()] == []
    with pytest.raises(ValidationError):
        service.vault.audits.purge(["rev-1"], "t")  # the storage layer refuses it too
    assert service.vault.audits.get("rev-2").previous_revision_id == "rev-1"
    assert service.vault.audits.exists("rev-1")
    service.lock()


def test_purge_takes_a_whole_chain_when_every_revision_is_past_retention(tmp_path: Path) -> None:
    service = _service(tmp_path / "v.lscp")
    service.create(PASS)
    service.set_retention_days(365)
    _amended_pair(service.vault, AuditStatus.COMPLETE)
    assert {s.id for s in service.purge_candidates()} == {"rev-1", "rev-2"}
    assert service.purge(["rev-1", "rev-2"], confirm=True) == 2
    service.lock()


def test_new_vault_at_the_same_path_keeps_the_old_vaults_backups(tmp_path: Path) -> None:
    path = tmp_path / "vault.lscp"
    old = _service(path)
    old.create(PASS)
    old.set_backup_count(1)
    old_backups = [old.backup(kind="auto").path for _ in range(1)]
    old.lock()
    old_id = json.loads(keyfile_path(path).read_text())["vault_id"]
    for p in [path, keyfile_path(path), *path.parent.glob("vault.lscp-*")]:
        p.unlink(missing_ok=True)
    new = _service(path)
    new.create(PASS)
    new.set_backup_count(1)
    for _ in range(3):
        new.backup(kind="auto")
    new.lock()
    for backup in old_backups:
        assert backup.exists() and keyfile_path(backup).exists()
    ids = [b.vault_id for b in bk.list_backups(path)]
    assert ids.count(old_id) == 1 and len(ids) == 2  # one of each vault: the new one pruned only its own


@pytest.mark.parametrize("step", ["journal-written", "moved:vault.lscp", "moved:vault.lscp.keys.json", "swapped"])
def test_crash_during_restore_is_finished_at_next_unlock(tmp_path: Path, step: str) -> None:
    path = tmp_path / "vault.lscp"
    service = _service(path)
    service.create(PASS)
    service.vault.audits.create(make_record(), "t")
    service.vault.audits.save_answer("audit-1", Answer("q1", "in the backup"), "t")
    backup = service.backup()
    service.vault.audits.save_answer("audit-1", Answer("q1", "after the backup"), "t")
    key = service.vault.key_copy()
    service.lock()

    class Crash(BaseException):
        pass

    def crash_at(name: str) -> None:
        if name == step:
            raise Crash(name)

    lock = VaultLock(path).acquire()
    with pytest.raises(Crash):
        bk.restore_file(backup.path, path, key, lock, keyfile_path(path).read_text(), crash_hook=crash_at)
    lock.release()

    fresh = _service(path)
    assert fresh.exists()  # the desktop app must not offer to create a new vault here
    fresh.unlock(passphrase=PASS)
    assert fresh.vault.audits.get("audit-1").answers[0].value == "in the backup"
    assert fresh.check().ok
    fresh.lock()
    assert not bk.restore_journal_path(path).exists()
    assert list(tmp_path.glob("vault.lscp.before-restore-*"))  # the previous vault was kept


def test_restore_on_a_full_disk_leaves_no_partial_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno
    import shutil

    path = tmp_path / "vault.lscp"
    service = _service(path)
    service.create(PASS)
    backup = service.backup()
    service.lock()

    def full(src: object, dst: object) -> None:
        Path(str(dst)).write_bytes(b"partial")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(shutil, "copyfile", full)
    fresh = _service(path)
    with pytest.raises(Exception, match="(?i)disk is full|space"):
        fresh.restore(backup.path, passphrase=PASS)
    assert not list(tmp_path.glob(".vault.lscp.restore.tmp"))
    assert path.exists() and not bk.restore_journal_path(path).exists()

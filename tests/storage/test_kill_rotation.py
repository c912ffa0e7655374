"""A8/C2: SIGKILL during key rotation and during a schema migration. After every kill the vault
opens with exactly one key (through the normal unlock path) and passes both integrity checks, and
a half-run migration leaves the old or the new schema version, never a mixture."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from lscp_audit.core.audit import Answer
from lscp_audit.services.vault_service import VaultService
from lscp_audit.storage import migrations
from lscp_audit.storage.engine import RawKey, make_engine
from lscp_audit.storage.keyfile import TEST_POLICY
from lscp_audit.storage.vault import Vault
from tests.storage.conftest import make_record
from tests.storage.make_fixture_vault import FIXTURE_KEY_HEX, fixture_path

REPO = Path(__file__).resolve().parents[2]
PASS = "rotation kill test passphrase"


def _child(*args: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.storage.rotation_child", *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    return proc


def _kill_after(proc: subprocess.Popen[str], seconds: float) -> list[str]:
    timer = threading.Timer(seconds, lambda: os.kill(proc.pid, signal.SIGKILL))
    timer.start()
    assert proc.stdout is not None
    lines = proc.stdout.read().splitlines()
    proc.wait(timeout=60)
    timer.cancel()
    return lines


def _rotation_loop(tmp_path: Path, kills: int) -> None:
    path = tmp_path / "rot.lscp"
    service = VaultService(path, use_keychain=False, kdf_policy=TEST_POLICY)
    service.create(PASS)
    service.vault.audits.create(make_record(), "t")
    service.vault.audits.save_answer("audit-1", Answer("q1", "survives"), "t")
    service.lock()
    rng = random.Random(8)
    for _ in range(kills):
        _kill_after(_child("rotate", str(path), PASS), rng.uniform(0.0, 0.4))
        check = VaultService(path, use_keychain=False, kdf_policy=TEST_POLICY)
        check.unlock(passphrase=PASS)  # finishes or rolls back an interrupted rotation
        assert check.check().integrity.ok
        assert check.vault.audits.get("audit-1").answers[0].value == "survives"
        check.lock()
        keyfile = check.routes.load_keyfile()
        assert keyfile.pending_data_key_wrap is None
        assert not path.with_name(path.name + ".rotating").exists()


def test_a8_kill_during_rotation_short(tmp_path: Path) -> None:
    _rotation_loop(tmp_path, kills=3)


@pytest.mark.slow
def test_a8_kill_during_rotation_50(tmp_path: Path) -> None:
    _rotation_loop(tmp_path, kills=50)


@pytest.mark.slow
def test_c2_kill_during_migration_50(tmp_path: Path) -> None:
    rng = random.Random(2)
    path = tmp_path / "v1.lscp"
    for _ in range(50):
        shutil.copyfile(fixture_path(1), path)
        for side in ("-wal", "-shm"):
            path.with_name(path.name + side).unlink(missing_ok=True)
        _kill_after(_child("migrate", str(path), FIXTURE_KEY_HEX), rng.uniform(0.0, 0.03))
        engine = make_engine(path, RawKey(FIXTURE_KEY_HEX))
        with engine.connect() as conn:
            version = conn.exec_driver_sql("PRAGMA user_version").scalar()
            tables = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")}
        engine.dispose()
        # one transaction per migration: any whole version from the old one to the newest
        assert 1 <= version <= migrations.CURRENT_SCHEMA_VERSION
        assert ("identities" in tables) == (version >= 2)
        time.sleep(0.01)
        with Vault.open(path, RawKey(FIXTURE_KEY_HEX)) as vault:
            assert vault.schema_version == migrations.CURRENT_SCHEMA_VERSION
            assert vault.integrity_check().ok

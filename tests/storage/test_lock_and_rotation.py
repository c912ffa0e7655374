"""Single-instance lock (C7/R17), stale-lock recovery, data-key rotation (A8) incl. interruptions."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from lscp_audit.core.audit import Answer
from lscp_audit.core.errors import VaultInUse
from lscp_audit.storage import rotation
from lscp_audit.storage.engine import RawKey
from lscp_audit.storage.keyfile import TEST_POLICY, keyfile_path, load_keyfile, new_keyfile, save_keyfile
from lscp_audit.storage.vault import Vault
from tests.storage.conftest import make_record

REPO = Path(__file__).resolve().parents[2]


def test_second_open_in_same_process_is_refused(vault: Vault) -> None:
    with pytest.raises(VaultInUse, match="open in another"):
        Vault.open(vault.path, RawKey(RawKey.generate().hex()))


def _holder(path: Path, key: str) -> subprocess.Popen[str]:
    code = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from lscp_audit.storage.vault import Vault
        from lscp_audit.storage.engine import RawKey
        v = Vault.open(Path({str(path)!r}), RawKey({key!r}))
        print("open", flush=True)
        time.sleep(60)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=REPO, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "open"
    return proc


def test_other_process_lock_then_stale_lock_recovered(vault_file: tuple[Path, str]) -> None:
    path, key = vault_file
    proc = _holder(path, key)
    try:
        with pytest.raises(VaultInUse):
            Vault.open(path, RawKey(key))
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert path.with_name(path.name + ".lock").exists()  # stale file left behind by the crash
    Vault.open(path, RawKey(key)).close()


def _setup(vault_file: tuple[Path, str]) -> tuple[Path, RawKey, bytearray]:
    path, key_hex = vault_file
    keyfile, _recovery, master = new_keyfile("vid", "now", RawKey(key_hex), "passphrase words", TEST_POLICY)
    save_keyfile(keyfile_path(path), keyfile)
    with Vault.open(path, RawKey(key_hex)) as vault:
        vault.audits.create(make_record(), "t")
        vault.audits.save_answer("audit-1", Answer("q1", "kept"), "t")
    return path, RawKey(key_hex), master


def test_a8_rotation_new_key_opens_old_fails(vault_file: tuple[Path, str]) -> None:
    path, old, master = _setup(vault_file)
    vault = Vault.open(path, RawKey(old.bytes()))
    reopened, keyfile, new = rotation.rotate_data_key(vault, load_keyfile(keyfile_path(path)), master)
    assert reopened.audits.get("audit-1").answers[0].value == "kept"
    assert reopened.integrity_check().ok
    reopened.close()
    assert keyfile.pending_data_key_wrap is None and keyfile.data_key(master) == new
    assert rotation.key_opens(path, new) and not rotation.key_opens(path, old)
    assert not rotation.rotating_path(path).exists()


class Crash(Exception):
    pass


@pytest.mark.parametrize("step", ["pending-recorded", "exported", "swapped", "promoted"])
def test_a8_interrupted_rotation_leaves_exactly_one_working_key(vault_file: tuple[Path, str], step: str) -> None:
    path, old, master = _setup(vault_file)
    vault = Vault.open(path, RawKey(old.bytes()))

    def hook(name: str) -> None:
        if name == step:
            raise Crash(name)

    with pytest.raises(Crash):
        rotation.rotate_data_key(vault, load_keyfile(keyfile_path(path)), master, crash_hook=hook)
    vault.close()
    vault.file_lock.release()
    keyfile = load_keyfile(keyfile_path(path))
    candidates = [(keyfile.data_key(master), False)]
    if keyfile.pending_data_key_wrap is not None:
        candidates.append((keyfile.data_key(master, pending=True), True))
    working = [(k, p) for k, p in candidates if rotation.key_opens(path, k)]
    assert len(working) == 1
    fixed = rotation.finish_interrupted(path, keyfile, working[0][1])
    assert fixed.pending_data_key_wrap is None and fixed.data_key(master) == working[0][0]
    with Vault.open(path, fixed.data_key(master), key_trusted=True) as reopened:
        assert reopened.audits.get("audit-1").answers[0].value == "kept"
        assert reopened.integrity_check().ok


def _open_files() -> set[str]:
    fd_dir = Path("/proc/self/fd")
    found = set()
    for fd in fd_dir.iterdir():
        try:
            found.add(os.readlink(fd))
        except OSError:
            continue
    return found


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="needs /proc (Linux)")
def test_e1_lock_closes_every_descriptor_and_wipes_key(vault_file: tuple[Path, str]) -> None:
    path, key_hex = vault_file
    key = RawKey(key_hex)
    vault = Vault.open(path, key)
    vault.audits.create(make_record(), "t")
    threading_read = vault.audits.list_summaries()  # a read connection on this thread too
    assert threading_read.total == 1
    assert any(str(path) in f for f in _open_files())
    vault.close()
    assert not any(str(path) in f for f in _open_files())
    with pytest.raises(Exception, match="forgotten"):
        key.hex()

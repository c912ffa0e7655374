"""Issue 11: a passphrase change racing a key rotation must never lose the new data key.

Every key-file read-modify-write holds the vault lock (CLI and GUI) and re-reads the file under
it. The deterministic tests stop one command inside its key derivation (between reading and
writing the key file) and run the other command meanwhile; the slow test races two real processes
at random offsets.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from lscp_audit.cli import main, vault_args
from lscp_audit.services.vault_service import VaultService
from lscp_audit.storage import keyfile as keyfile_module
from lscp_audit.storage.keyfile import TEST_POLICY

PASS = "correct horse battery staple"
NEW = "a different long passphrase"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def no_keychain(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(vault_args, "KDF_POLICY", TEST_POLICY)
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    monkeypatch.setenv("LSCP_AUDIT_PASSPHRASE", PASS)
    monkeypatch.setenv("LSCP_AUDIT_NEW_PASSPHRASE", NEW)
    yield
    keyring.set_keyring(previous)


def _init(path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["vault", "init", "--vault", str(path)]) == 0
    out = capsys.readouterr().out
    return next(line.strip() for line in out.splitlines() if line.strip().count("-") == 7)


def _opens(path: Path, **secret: str) -> bool:
    service = VaultService(path, use_keychain=False, kdf_policy=TEST_POLICY)
    try:
        service.unlock(**secret)
    except Exception:
        return False
    ok = service.check().ok
    service.lock()
    return ok


class SlowKdf:
    """Stops the `nth` key derivation made on one thread until released (the race window)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, nth: int) -> None:
        self.inside = threading.Event()
        self.release = threading.Event()
        self.thread_id: int | None = None
        self.calls = 0
        real = keyfile_module.derive

        def derive(secret: bytes, salt: bytes, cost: keyfile_module.KdfCost) -> bytes:
            if threading.get_ident() == self.thread_id:
                self.calls += 1
                if self.calls == nth:
                    self.inside.set()
                    assert self.release.wait(30)
            return real(secret, salt, cost)

        monkeypatch.setattr(keyfile_module, "derive", derive)

    def run(self, argv: list[str]) -> Callable[[], int]:
        result: list[int] = []

        def target() -> None:
            self.thread_id = threading.get_ident()
            result.append(main(argv))

        thread = threading.Thread(target=target)
        thread.start()
        assert self.inside.wait(30), "the slowed command never reached its key derivation"

        def finish() -> int:
            self.release.set()
            thread.join(30)
            return result[0]

        return finish


def test_rotation_during_passphrase_change_is_refused_and_nothing_is_lost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "race.lscp"
    recovery = _init(path, capsys)
    slow = SlowKdf(monkeypatch, nth=1)  # change-passphrase: its first KDF proves the old passphrase
    finish = slow.run(["vault", "change-passphrase", "--vault", str(path)])
    rotated = main(["vault", "rotate-key", "--vault", str(path)])
    assert finish() == 0
    assert rotated == 3
    assert "open in another" in capsys.readouterr().err
    assert _opens(path, passphrase=NEW)
    assert _opens(path, recovery_key=recovery)
    assert not _opens(path, passphrase=PASS)


def test_passphrase_change_during_rotation_is_refused_and_nothing_is_lost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "race.lscp"
    recovery = _init(path, capsys)
    slow = SlowKdf(monkeypatch, nth=2)  # rotate-key: unlock, then the KDF that proves the passphrase
    finish = slow.run(["vault", "rotate-key", "--vault", str(path)])
    changed = main(["vault", "change-passphrase", "--vault", str(path)])
    assert finish() == 0
    assert changed == 3
    assert _opens(path, passphrase=PASS)
    assert _opens(path, recovery_key=recovery)


def test_gui_never_writes_back_a_cached_key_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The desktop app locks (Ctrl+L), a command rotates the key, then the app changes the passphrase."""
    path = tmp_path / "gui.lscp"
    recovery = _init(path, capsys)
    gui = VaultService(path, use_keychain=False, kdf_policy=TEST_POLICY)
    gui.unlock(passphrase=PASS)
    gui.lock()
    assert main(["vault", "rotate-key", "--vault", str(path)]) == 0
    gui.change_passphrase(NEW, passphrase=PASS)
    assert _opens(path, passphrase=NEW)
    assert _opens(path, recovery_key=recovery)


def test_command_cannot_change_the_key_file_while_the_app_has_the_vault_open(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "gui.lscp"
    _init(path, capsys)
    gui = VaultService(path, use_keychain=False, kdf_policy=TEST_POLICY)
    gui.unlock(passphrase=PASS)
    assert main(["vault", "change-passphrase", "--vault", str(path)]) == 3
    assert "open in another" in capsys.readouterr().err
    gui.new_recovery_key(passphrase=PASS)  # the app's own update still works (it holds the lock)
    gui.lock()
    assert _opens(path, passphrase=PASS)


def _child(delay: float, *argv: str) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    return subprocess.Popen(
        [sys.executable, "-m", "tests.cli.race_child", f"{delay:.3f}", "--", *argv],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@pytest.mark.slow
def test_random_races_between_passphrase_change_and_rotation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "loop.lscp"
    recovery = _init(path, capsys)
    rng = random.Random(11)
    current, other = PASS, NEW
    outcomes: set[tuple[int, int]] = set()
    for _ in range(20):
        env_change = {"LSCP_AUDIT_PASSPHRASE": current, "LSCP_AUDIT_NEW_PASSPHRASE": other}
        os.environ.update(env_change)
        change = _child(rng.uniform(0, 0.2), "vault", "change-passphrase", "--vault", str(path))
        rotate = _child(rng.uniform(0, 0.2), "vault", "rotate-key", "--vault", str(path))
        change_rc, rotate_rc = change.wait(60), rotate.wait(60)
        for proc in (change, rotate):
            err = proc.stderr.read().decode() if proc.stderr else ""
            assert "Traceback" not in err
            # Refused while the other holds the vault, or (rotation only) started after the change
            # had already replaced the passphrase it was given.
            late = proc is rotate and change_rc == 0 and "does not unlock" in err
            assert proc.returncode == 0 or "open in another" in err or late, err
        outcomes.add((change_rc, rotate_rc))
        if change_rc == 0:
            current, other = other, current
        assert _opens(path, passphrase=current), "the vault no longer opens with the passphrase in force"
        assert _opens(path, recovery_key=recovery)
    assert (0, 0) in outcomes or len(outcomes) > 1  # the loop did exercise overlapping commands

"""``lscp-audit vault ...`` end to end with real vault files (production KDF cost), no keychain
backend (``fail.Keyring``) unless stated, passphrases from the environment."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from lscp_audit.cli import main, vault_args
from lscp_audit.cli.vault_args import add_vault_arguments, open_vault_from_args
from lscp_audit.core.errors import WrongPassphrase
from lscp_audit.storage.backups import list_backups
from lscp_audit.storage.keyfile import TEST_POLICY
from lscp_audit.storage.vault import Vault

PASS = "correct horse battery staple"


@pytest.fixture(autouse=True)
def no_keychain(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(vault_args, "KDF_POLICY", TEST_POLICY)
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    monkeypatch.setenv("LSCP_AUDIT_PASSPHRASE", PASS)
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def vault_path(tmp_path: Path) -> Path:
    path = tmp_path / "cli.lscp"
    assert main(["vault", "init", "--vault", str(path)]) == 0
    return path


@pytest.fixture
def production_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vault_args, "KDF_POLICY", None)


def test_init_prints_recovery_key_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], production_kdf: None
) -> None:
    path = tmp_path / "v.lscp"
    assert main(["vault", "init", "--vault", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Recovery key" in out and "No system keychain" in out
    assert path.exists() and PASS not in out
    assert main(["vault", "init", "--vault", str(path)]) == 3  # never over an existing vault


def test_default_vault_path_is_user_data_dir(isolated_home: Path) -> None:
    assert main(["vault", "init"]) == 0
    assert (isolated_home / "app" / "data" / "vault.lscp").exists()


def test_unlock_check_and_check(vault_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["vault", "unlock-check", "--vault", str(vault_path)]) == 0
    assert "passphrase" in capsys.readouterr().out
    assert main(["vault", "check", "--vault", str(vault_path), "--no-keychain"]) == 0
    assert "passed both integrity checks" in capsys.readouterr().out


def test_wrong_passphrase_exit_code(vault_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LSCP_AUDIT_PASSPHRASE", "not the right passphrase")
    assert main(["vault", "unlock-check", "--vault", str(vault_path)]) == 3


def test_backup_restore_change_passphrase_rotate(
    vault_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["vault", "backup", "--vault", str(vault_path), "--keep", "2"]) == 0
    assert len(list_backups(vault_path)) >= 1
    monkeypatch.setenv("LSCP_AUDIT_NEW_PASSPHRASE", "another long passphrase")
    assert main(["vault", "change-passphrase", "--vault", str(vault_path)]) == 0
    monkeypatch.setenv("LSCP_AUDIT_PASSPHRASE", "another long passphrase")
    assert main(["vault", "rotate-key", "--vault", str(vault_path)]) == 0
    assert main(["vault", "restore", "--vault", str(vault_path), "--latest"]) == 0
    out = capsys.readouterr().out
    assert "previous vault file was kept" in out
    assert main(["vault", "check", "--vault", str(vault_path)]) == 0


def test_in_use_is_reported(vault_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser()
    add_vault_arguments(parser)
    args = parser.parse_args(["--vault", str(vault_path)])
    with open_vault_from_args(args) as vault:
        assert isinstance(vault, Vault) and not vault.closed
        assert main(["vault", "check", "--vault", str(vault_path)]) == 3
        assert "open in another" in capsys.readouterr().err
    assert vault.closed


def test_no_passphrase_without_terminal(vault_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LSCP_AUDIT_PASSPHRASE")
    parser = argparse.ArgumentParser()
    add_vault_arguments(parser)
    with pytest.raises(WrongPassphrase, match="LSCP_AUDIT_PASSPHRASE"):
        with open_vault_from_args(parser.parse_args(["--vault", str(vault_path)])):
            pass


def test_corrupt_vault_message_names_file(vault_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = bytearray(vault_path.read_bytes())
    data[200] ^= 0xFF
    vault_path.write_bytes(bytes(data))
    assert main(["vault", "check", "--vault", str(vault_path)]) == 3
    assert str(vault_path) in capsys.readouterr().err

"""Key file (Argon2id + AES-GCM wraps, cost floor, recovery key) and the keyring wrapper (B2-B4)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail, null
from keyring.errors import InitError, KeyringLocked

from lscp_audit.core.errors import KeychainUnavailable, VaultCorrupt, WrongPassphrase
from lscp_audit.storage.engine import RawKey
from lscp_audit.storage.keyfile import (
    FLOOR_COST,
    PRODUCTION_COST,
    TEST_POLICY,
    KdfCost,
    KdfPolicy,
    keyfile_path,
    load_keyfile,
    new_keyfile,
    normalise_recovery_key,
    save_keyfile,
)
from lscp_audit.storage.keystore import KeyStore, assess_backend
from tests.storage.conftest import MemoryKeyring

PASS = "a long enough passphrase"


def _new(tmp_path: Path) -> tuple[Path, RawKey, str, bytearray]:
    key = RawKey.generate()
    keyfile, recovery, master = new_keyfile("vid", "now", key, PASS, TEST_POLICY)
    path = keyfile_path(tmp_path / "v.lscp")
    save_keyfile(path, keyfile)
    return path, key, recovery, master


def test_keyfile_round_trip_without_plaintext_key(tmp_path: Path) -> None:
    path, key, recovery, _master = _new(tmp_path)
    text = path.read_text()
    assert key.hex() not in text and key.bytes().hex().upper() not in text
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    keyfile = load_keyfile(path)
    assert keyfile.data_key(keyfile.master_from_passphrase(PASS, TEST_POLICY)) == key
    messy = recovery.lower().replace("-", " ")
    assert keyfile.data_key(keyfile.master_from_recovery(messy, TEST_POLICY)) == key


def test_wrong_secrets_fail(tmp_path: Path) -> None:
    keyfile = load_keyfile(_new(tmp_path)[0])
    with pytest.raises(WrongPassphrase):
        keyfile.master_from_passphrase("not the passphrase", TEST_POLICY)
    with pytest.raises(WrongPassphrase):
        keyfile.master_from_recovery("AAAAA-" * 7 + "AAAAA", TEST_POLICY)
    with pytest.raises(WrongPassphrase):
        normalise_recovery_key("too-short")


def test_cost_floor_refuses_downgrade(tmp_path: Path) -> None:
    path, *_ = _new(tmp_path)
    strict = KdfPolicy(cost=PRODUCTION_COST, floor=FLOOR_COST)
    with pytest.raises(VaultCorrupt, match="downgrade"):
        load_keyfile(path).master_from_passphrase(PASS, strict)


def test_tampered_parameters_fail_authentication(tmp_path: Path) -> None:
    path, *_ = _new(tmp_path)
    data = json.loads(path.read_text())
    data["passphrase"]["kdf"]["time_cost"] = 2
    path.write_text(json.dumps(data))
    with pytest.raises(WrongPassphrase):
        load_keyfile(path).master_from_passphrase(PASS, TEST_POLICY)


def test_damaged_keyfile_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "v.lscp.keys.json"
    path.write_text("{not json")
    with pytest.raises(VaultCorrupt, match=str(path)):
        load_keyfile(path)


def test_production_policy_meets_floor_and_owasp() -> None:
    assert PRODUCTION_COST.meets(FLOOR_COST)
    assert FLOOR_COST.memory_kib >= 19 * 1024 and FLOOR_COST.time_cost >= 2
    with pytest.raises(ValueError):
        KdfPolicy(cost=KdfCost(1024, 1, 1))


def test_change_passphrase_keeps_recovery(tmp_path: Path) -> None:
    path, key, recovery, master = _new(tmp_path)
    keyfile = load_keyfile(path).with_passphrase(master, "a new passphrase here", TEST_POLICY)
    with pytest.raises(WrongPassphrase):
        keyfile.master_from_passphrase(PASS, TEST_POLICY)
    assert keyfile.data_key(keyfile.master_from_passphrase("a new passphrase here", TEST_POLICY)) == key
    assert keyfile.data_key(keyfile.master_from_recovery(recovery, TEST_POLICY)) == key
    assert replace(keyfile).to_json() == keyfile.to_json()


# --- keystore -----------------------------------------------------------------------------


def test_memory_backend_round_trip() -> None:
    store = KeyStore(MemoryKeyring())
    key = RawKey.generate()
    assert store.status().usable and store.get_key("v") is None
    store.set_key("v", key)
    assert store.get_key("v") == key and store.get_key("v", pending=True) is None
    store.delete_key("v")
    store.delete_key("v")  # missing entry is fine
    assert store.get_key("v") is None


@pytest.mark.parametrize("backend", [fail.Keyring(), null.Keyring()])
def test_b2_b3_no_backend_and_null_backend_refused(backend: KeyringBackend) -> None:
    store = KeyStore(backend)
    assert not store.status().usable
    with pytest.raises(KeychainUnavailable):
        store.set_key("v", RawKey.generate())


class SilentDrop(MemoryKeyring):
    def set_password(self, service: str, username: str, password: str) -> None:
        pass


def test_b3_silent_drop_detected_by_read_back() -> None:
    with pytest.raises(KeychainUnavailable, match="read-back"):
        KeyStore(SilentDrop()).set_key("v", RawKey.generate())


def test_plaintext_backend_refused() -> None:
    plaintext = type("PlaintextKeyring", (MemoryKeyring,), {"__module__": "keyrings.alt.file"})()
    status = assess_backend(plaintext)
    assert not status.usable and "plain file" in status.reason


@pytest.mark.parametrize("error", [KeyringLocked("locked"), InitError("Prompt dismissed.")])
def test_b4_locked_or_dismissed(error: Exception) -> None:
    class Broken(MemoryKeyring):
        def get_password(self, service: str, username: str) -> str | None:
            raise error

        def set_password(self, service: str, username: str, password: str) -> None:
            raise error

    store = KeyStore(Broken())
    with pytest.raises(KeychainUnavailable, match="keychain"):
        store.get_key("v")
    with pytest.raises(KeychainUnavailable):
        store.set_key("v", RawKey.generate())


def test_invalid_keychain_entry_is_ignored() -> None:
    backend = MemoryKeyring()
    backend.set_password("lscp-audit", "vault:v", "not-hex")
    assert KeyStore(backend).get_key("v") is None

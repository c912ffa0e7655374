"""The key header file beside the vault: wrapped keys, KDF parameters and salts, no plaintext key.

Key hierarchy (all keys 256-bit, AES-256-GCM for every wrap):

- data key ``K``: the SQLCipher raw key of the vault file (also kept in the OS keychain);
- wrapping key ``M``: random, stored only wrapped; ``K`` is wrapped under ``M``;
- ``M`` is wrapped twice: under Argon2id(passphrase) and under Argon2id(recovery key).

So changing the passphrase re-wraps ``M`` only, and rotating the data key re-wraps only the new
``K`` under the same ``M``; both the passphrase and the recovery key keep working. The
associated data of each wrap binds the vault id, the purpose and the exact KDF parameters, so a
tampered header fails to decrypt; parameters below the cost floor are refused before the KDF runs
(downgrade protection). A rotation in progress keeps the new key in ``pending_data_key`` until
the swapped vault file has been verified (see ``vault_ops.rotate_data_key``).

The file is ``<vault>.keys.json``, written atomically with mode 0600.
"""

from __future__ import annotations

import base64
import json
import secrets
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from lscp_audit.atomic_files import atomic_write_bytes
from lscp_audit.core.errors import VaultCorrupt, VaultError, WrongPassphrase
from lscp_audit.storage.engine import RawKey

FORMAT = "lscp-audit-vault-keys"
FORMAT_VERSION = 1
RECOVERY_GROUPS = 8
_B32_FIX = str.maketrans({"0": "O", "1": "I", "8": "B"})


@dataclass(frozen=True)
class KdfCost:
    """Argon2id cost: memory in KiB, iterations, lanes."""

    memory_kib: int
    time_cost: int
    parallelism: int

    def meets(self, floor: KdfCost) -> bool:
        return self.memory_kib >= floor.memory_kib and self.time_cost >= floor.time_cost and self.parallelism >= 1

    def within(self, ceiling: KdfCost) -> bool:
        return (
            self.memory_kib <= ceiling.memory_kib
            and self.time_cost <= ceiling.time_cost
            and self.parallelism <= ceiling.parallelism
        )


PRODUCTION_COST = KdfCost(memory_kib=64 * 1024, time_cost=3, parallelism=4)  # Bitwarden default
FLOOR_COST = KdfCost(memory_kib=19 * 1024, time_cost=2, parallelism=1)  # OWASP minimum
TEST_COST = KdfCost(memory_kib=64, time_cost=1, parallelism=1)  # tests only, with TEST_POLICY
# Bitwarden's upper limits: anything above would make every unlock hang or run out of memory.
CEILING_COST = KdfCost(memory_kib=1024 * 1024, time_cost=10, parallelism=16)


@dataclass(frozen=True)
class KdfPolicy:
    """Cost used for new wraps and the floor below which stored parameters are refused."""

    cost: KdfCost = PRODUCTION_COST
    floor: KdfCost = FLOOR_COST
    ceiling: KdfCost = CEILING_COST

    def __post_init__(self) -> None:
        if not self.cost.meets(self.floor):
            raise ValueError("the KDF cost is below the floor")
        if not self.cost.within(self.ceiling):
            raise ValueError("the KDF cost is above the ceiling")


PRODUCTION_POLICY = KdfPolicy()
TEST_POLICY = KdfPolicy(cost=TEST_COST, floor=TEST_COST)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def normalise_passphrase(passphrase: str) -> bytes:
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def new_recovery_key() -> str:
    """A 200-bit recovery key, shown once: eight groups of five base32 characters."""
    text = base64.b32encode(secrets.token_bytes(25)).decode("ascii")
    return "-".join(text[i : i + 5] for i in range(0, len(text), 5))


def normalise_recovery_key(text: str) -> bytes:
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum()).translate(_B32_FIX)
    if len(cleaned) != 5 * RECOVERY_GROUPS:
        raise WrongPassphrase("A recovery key has 40 letters and digits in eight groups of five.")
    return cleaned.encode("ascii")


def derive(secret: bytes, salt: bytes, cost: KdfCost) -> bytes:
    from argon2.low_level import Type, hash_secret_raw

    return hash_secret_raw(
        secret=secret,
        salt=salt,
        time_cost=cost.time_cost,
        memory_cost=cost.memory_kib,
        parallelism=cost.parallelism,
        hash_len=32,
        type=Type.ID,
    )


@dataclass(frozen=True)
class Wrap:
    """One AES-256-GCM wrap, optionally under an Argon2id-derived key."""

    nonce: bytes
    ciphertext: bytes
    salt: bytes = b""
    cost: KdfCost | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"nonce": _b64(self.nonce), "ciphertext": _b64(self.ciphertext)}
        if self.cost is not None:
            out["kdf"] = {
                "algorithm": "argon2id",
                "memory_kib": self.cost.memory_kib,
                "time_cost": self.cost.time_cost,
                "parallelism": self.cost.parallelism,
                "salt": _b64(self.salt),
            }
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Wrap:
        kdf = data.get("kdf")
        cost = None
        salt = b""
        if kdf is not None:
            if kdf.get("algorithm") != "argon2id":
                raise ValueError("unknown KDF")
            numbers = [kdf["memory_kib"], kdf["time_cost"], kdf["parallelism"]]
            if not all(type(n) is int for n in numbers):
                raise ValueError("KDF parameters must be whole numbers")
            cost = KdfCost(*numbers)
            salt = _unb64(kdf["salt"])
        nonce, ciphertext = _unb64(data["nonce"]), _unb64(data["ciphertext"])
        if len(nonce) != 12 or not 16 < len(ciphertext) <= 1024:
            raise ValueError("a wrapped key has the wrong size")
        return cls(nonce=nonce, ciphertext=ciphertext, salt=salt, cost=cost)


def _aad(vault_id: str, purpose: str, wrap_cost: KdfCost | None, salt: bytes) -> bytes:
    cost = [wrap_cost.memory_kib, wrap_cost.time_cost, wrap_cost.parallelism] if wrap_cost else None
    return json.dumps([FORMAT, vault_id, purpose, cost, _b64(salt)], separators=(",", ":")).encode()


def _seal(key: bytes, plaintext: bytes, aad: bytes) -> tuple[bytes, bytes]:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = secrets.token_bytes(12)
    return nonce, AESGCM(key).encrypt(nonce, plaintext, aad)


def _open(key: bytes, wrap: Wrap, aad: bytes) -> bytes | None:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        return AESGCM(key).decrypt(wrap.nonce, wrap.ciphertext, aad)
    except InvalidTag:
        return None


def wrap_with_secret(vault_id: str, purpose: str, secret: bytes, payload: bytes, cost: KdfCost) -> Wrap:
    salt = secrets.token_bytes(16)
    kek = derive(secret, salt, cost)
    nonce, ciphertext = _seal(kek, payload, _aad(vault_id, purpose, cost, salt))
    return Wrap(nonce=nonce, ciphertext=ciphertext, salt=salt, cost=cost)


def wrap_with_key(vault_id: str, purpose: str, key: bytes, payload: bytes) -> Wrap:
    nonce, ciphertext = _seal(key, payload, _aad(vault_id, purpose, None, b""))
    return Wrap(nonce=nonce, ciphertext=ciphertext)


@dataclass(frozen=True)
class KeyFile:
    """Parsed ``<vault>.keys.json``. Never holds a plaintext key."""

    vault_id: str
    created_at: str
    passphrase_wrap: Wrap
    recovery_wrap: Wrap
    data_key_wrap: Wrap
    pending_data_key_wrap: Wrap | None = None
    keychain_backend: str | None = None  # backend class that holds the key, None if not used
    extra: dict[str, Any] = field(default_factory=dict)

    # --- unwrapping -------------------------------------------------------------------------
    def _unwrap_secret(self, purpose: str, wrap: Wrap, secret: bytes, policy: KdfPolicy) -> bytearray:
        if wrap.cost is None or not wrap.cost.meets(policy.floor) or len(wrap.salt) < 16:
            raise VaultCorrupt(
                "The vault's key file asks for key-derivation settings below the safe minimum; it may have "
                "been tampered with (downgrade refused)."
            )
        if not wrap.cost.within(policy.ceiling) or len(wrap.salt) > 64:
            raise VaultCorrupt(
                "The vault's key file asks for key-derivation settings far above what LSCP Audit ever uses "
                f"(at most {policy.ceiling.memory_kib // 1024} MiB, {policy.ceiling.time_cost} passes, "
                f"{policy.ceiling.parallelism} lanes); unlocking would hang or run out of memory, so it was "
                "refused. The key file has been edited or damaged: use the copy beside a backup."
            )
        kek = derive(secret, wrap.salt, wrap.cost)
        master = _open(kek, wrap, _aad(self.vault_id, purpose, wrap.cost, wrap.salt))
        if master is None:
            label = "passphrase" if purpose == "passphrase" else "recovery key"
            raise WrongPassphrase(f"That {label} does not unlock this vault.")
        return bytearray(master)

    def master_from_passphrase(self, passphrase: str, policy: KdfPolicy) -> bytearray:
        return self._unwrap_secret("passphrase", self.passphrase_wrap, normalise_passphrase(passphrase), policy)

    def master_from_recovery(self, recovery_key: str, policy: KdfPolicy) -> bytearray:
        return self._unwrap_secret("recovery", self.recovery_wrap, normalise_recovery_key(recovery_key), policy)

    def data_key(self, master: bytes | bytearray, pending: bool = False) -> RawKey:
        wrap = self.pending_data_key_wrap if pending else self.data_key_wrap
        if wrap is None:
            raise VaultError("no pending data key")
        raw = _open(bytes(master), wrap, _aad(self.vault_id, "data", None, b""))
        if raw is None:
            raise VaultCorrupt("The vault's key file is damaged: the data key does not decrypt.")
        return RawKey(raw)

    # --- derived copies ---------------------------------------------------------------------
    def with_passphrase(self, master: bytes | bytearray, passphrase: str, policy: KdfPolicy) -> KeyFile:
        wrap = wrap_with_secret(
            self.vault_id, "passphrase", normalise_passphrase(passphrase), bytes(master), policy.cost
        )
        return replace(self, passphrase_wrap=wrap)

    def with_recovery(self, master: bytes | bytearray, recovery_key: str, policy: KdfPolicy) -> KeyFile:
        secret = normalise_recovery_key(recovery_key)
        return replace(
            self, recovery_wrap=wrap_with_secret(self.vault_id, "recovery", secret, bytes(master), policy.cost)
        )

    def with_pending(self, master: bytes | bytearray, key: RawKey | None) -> KeyFile:
        wrap = None if key is None else wrap_with_key(self.vault_id, "data", bytes(master), key.bytes())
        return replace(self, pending_data_key_wrap=wrap)

    def drop_pending(self) -> KeyFile:
        return replace(self, pending_data_key_wrap=None)

    def promote_pending(self) -> KeyFile:
        """Make the pending key current (needs no secret: both wraps are under the same ``M``)."""
        if self.pending_data_key_wrap is None:
            return self
        return replace(self, data_key_wrap=self.pending_data_key_wrap, pending_data_key_wrap=None)

    def with_keychain(self, backend: str | None) -> KeyFile:
        return replace(self, keychain_backend=backend)

    # --- (de)serialisation ------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "vault_id": self.vault_id,
            "created_at": self.created_at,
            "passphrase": self.passphrase_wrap.to_json(),
            "recovery": self.recovery_wrap.to_json(),
            "data_key": self.data_key_wrap.to_json(),
            "pending_data_key": self.pending_data_key_wrap.to_json() if self.pending_data_key_wrap else None,
            "keychain_backend": self.keychain_backend,
            **({"extra": self.extra} if self.extra else {}),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> KeyFile:
        if data.get("format") != FORMAT or data.get("version") != FORMAT_VERSION:
            raise ValueError("not a key file of this version")
        pending = data.get("pending_data_key")
        return cls(
            vault_id=str(data["vault_id"]),
            created_at=str(data.get("created_at", "")),
            passphrase_wrap=Wrap.from_json(data["passphrase"]),
            recovery_wrap=Wrap.from_json(data["recovery"]),
            data_key_wrap=Wrap.from_json(data["data_key"]),
            pending_data_key_wrap=Wrap.from_json(pending) if pending else None,
            keychain_backend=_optional_text(data.get("keychain_backend")),
            extra=dict(data.get("extra") or {}),
        )


def _optional_text(value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise ValueError("expected text")
    return value


def new_keyfile(
    vault_id: str, created_at: str, data_key: RawKey, passphrase: str, policy: KdfPolicy
) -> tuple[KeyFile, str, bytearray]:
    """Build a key file for a new vault. Returns (key file, recovery key to show once, M)."""
    master = bytearray(secrets.token_bytes(32))
    recovery = new_recovery_key()
    keyfile = KeyFile(
        vault_id=vault_id,
        created_at=created_at,
        passphrase_wrap=wrap_with_secret(
            vault_id, "passphrase", normalise_passphrase(passphrase), bytes(master), policy.cost
        ),
        recovery_wrap=wrap_with_secret(
            vault_id, "recovery", normalise_recovery_key(recovery), bytes(master), policy.cost
        ),
        data_key_wrap=wrap_with_key(vault_id, "data", bytes(master), data_key.bytes()),
    )
    return keyfile, recovery, master


def keyfile_path(vault_path: Path) -> Path:
    return vault_path.with_name(vault_path.name + ".keys.json")


MAX_KEYFILE_BYTES = 1 << 20  # a real key file is about 2 KB


def load_keyfile(path: Path) -> KeyFile:
    """Parse the key file; `VaultCorrupt` (never a traceback) for anything that is not one."""
    damaged = f"The key file {path} is damaged or not an LSCP Audit key file."
    try:
        if path.stat().st_size > MAX_KEYFILE_BYTES:
            raise VaultCorrupt(damaged + " (It is far too large.)")
        data = json.loads(path.read_bytes().decode("utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not an object")
        return KeyFile.from_json(data)
    except FileNotFoundError:
        raise
    except IsADirectoryError:
        raise VaultCorrupt(f"{path} is a folder, not a key file.") from None
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError, OverflowError) as exc:
        raise VaultCorrupt(damaged) from exc


def save_keyfile(path: Path, keyfile: KeyFile) -> None:
    atomic_write_bytes(path, json.dumps(keyfile.to_json(), indent=2).encode("utf-8"))

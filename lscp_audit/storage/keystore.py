"""The one interface to the OS keychain (``keyring``), used only for vault data keys.

`KeyStore.status()` says whether the active backend can be trusted with a key and why not:
no backend (``fail.Keyring``), a backend that silently drops secrets (``null.Keyring``), or a
plaintext/file backend (``keyrings.alt`` and similar) are all refused, because the key must
never be written anywhere in plaintext. `set_key` reads the secret back and compares it, so a
backend that accepts writes and stores nothing is caught before the vault depends on it. The
stored secret is only the 64-character hex key (far below the Windows 2560-byte blob limit).

Accounts: service ``lscp-audit``, username ``vault:<vault id>`` for the current key and
``vault:<vault id>:pending`` while a key rotation is in progress.
"""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass
from typing import Any

from lscp_audit.core.errors import KeychainUnavailable
from lscp_audit.storage.engine import RawKey

log = logging.getLogger(__name__)

SERVICE = "lscp-audit"
MAX_SECRET_CHARS = 1280
_PLAINTEXT_HINTS = ("plaintext", "keyrings.alt", "file.", "encryptedfile", "cryptfile")


@dataclass(frozen=True)
class KeychainStatus:
    """Whether the keychain can hold the vault key, the backend's name, and a user-facing reason."""

    usable: bool
    backend: str
    reason: str


def backend_name(backend: Any) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def _effective_backend(backend: Any) -> Any:
    """For the chainer, the backend that receives writes (the first, highest priority)."""
    from keyring.backends import chainer

    if isinstance(backend, chainer.ChainerBackend):
        inner = list(backend.backends)
        return inner[0] if inner else None
    return backend


def assess_backend(backend: Any) -> KeychainStatus:
    """Classify a keyring backend without touching any secret."""
    from keyring.backends import fail, null

    effective = _effective_backend(backend)
    name = backend_name(effective) if effective is not None else backend_name(backend)
    if effective is None or isinstance(effective, fail.Keyring):
        return KeychainStatus(False, name, "No system keychain is available on this computer.")
    if isinstance(effective, null.Keyring):
        return KeychainStatus(False, name, "The keychain is switched off (it discards anything stored in it).")
    lowered = name.lower()
    if any(hint in lowered for hint in _PLAINTEXT_HINTS):
        return KeychainStatus(
            False, name, "The only keychain available stores secrets in a plain file; it is not used."
        )
    return KeychainStatus(True, name, f"The system keychain ({type(effective).__name__}) is available.")


class KeyStore:
    """Get, set and delete vault data keys in the OS keychain. `backend=None` means keyring's default."""

    def __init__(self, backend: Any | None = None, service: str = SERVICE) -> None:
        self._backend = backend
        self.service = service

    @property
    def backend(self) -> Any:
        if self._backend is None:
            import keyring

            self._backend = keyring.get_keyring()
        return self._backend

    def status(self) -> KeychainStatus:
        try:
            return assess_backend(self.backend)
        except Exception as exc:  # a broken backend import must not stop the app
            log.info("keychain backend could not be assessed: %s", type(exc).__name__)
            return KeychainStatus(False, "unknown", "The system keychain could not be loaded.")

    def available(self) -> bool:
        return self.status().usable

    @staticmethod
    def account(vault_id: str, pending: bool = False) -> str:
        return f"vault:{vault_id}:pending" if pending else f"vault:{vault_id}"

    def _require_usable(self) -> None:
        status = self.status()
        if not status.usable:
            raise KeychainUnavailable(status.reason)

    def get_key(self, vault_id: str, pending: bool = False) -> RawKey | None:
        """The stored key, None if there is none; raises KeychainUnavailable if the keychain fails."""
        self._require_usable()
        from keyring.errors import KeyringError

        try:
            secret = self.backend.get_password(self.service, self.account(vault_id, pending))
        except KeyringError as exc:
            raise KeychainUnavailable(_keyring_error_text(exc)) from None
        if secret is None:
            return None
        try:
            return RawKey(secret)
        except ValueError:
            log.warning("keychain entry for a vault is not a valid key; ignoring it")
            return None

    def set_key(self, vault_id: str, key: RawKey, pending: bool = False) -> None:
        """Store `key` and read it back; raises KeychainUnavailable if it did not stick."""
        self._require_usable()
        from keyring.errors import KeyringError

        secret = key.hex()
        assert len(secret) <= MAX_SECRET_CHARS
        account = self.account(vault_id, pending)
        try:
            self.backend.set_password(self.service, account, secret)
            stored = self.backend.get_password(self.service, account)
        except KeyringError as exc:
            raise KeychainUnavailable(_keyring_error_text(exc)) from None
        if stored is None or not hmac.compare_digest(stored, secret):
            raise KeychainUnavailable("The system keychain did not keep the vault key (read-back check failed).")

    def delete_key(self, vault_id: str, pending: bool = False) -> None:
        """Remove the entry if present; never raises for a missing entry or an unusable keychain."""
        from keyring.errors import KeyringError, PasswordDeleteError

        if not self.available():
            return
        try:
            self.backend.delete_password(self.service, self.account(vault_id, pending))
        except PasswordDeleteError:
            pass
        except KeyringError as exc:
            log.info("keychain delete failed: %s", type(exc).__name__)


def _keyring_error_text(exc: Exception) -> str:
    from keyring.errors import InitError, KeyringLocked, NoKeyringError

    if isinstance(exc, KeyringLocked):
        return "The system keychain is locked. Unlock it and try again, or use your passphrase."
    if isinstance(exc, InitError):
        return "The system keychain could not be opened (the unlock prompt was dismissed or failed)."
    if isinstance(exc, NoKeyringError):
        return "No system keychain is available on this computer."
    return "The system keychain reported an error."

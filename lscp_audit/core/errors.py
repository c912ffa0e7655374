"""Typed, user-facing errors raised by the core, storage, reports and services layers.

Every expected failure is an `LscpAuditError` subclass whose message is plain English that can
be shown to the user as it is. Messages never carry answer text, case references, passphrases or
keys, because they are also logged.
"""

from __future__ import annotations


class LscpAuditError(Exception):
    """Base class for failures the user should see explained, not as a crash."""

    exit_code = 1

    @property
    def message(self) -> str:
        return str(self)


class Cancelled(LscpAuditError):
    """The user cancelled a long operation; the UI ignores it silently."""


class TemplateError(LscpAuditError):
    """A template file is malformed. Carries the file and line so the message can point at it."""

    def __init__(self, file: str, line: int | None, message: str) -> None:
        self.file = file
        self.line = line
        self.detail = message
        where = f"{file}:{line}" if line is not None else file
        super().__init__(f"{where}: {message}")


class ValidationError(LscpAuditError):
    """Answers or input failed validation; `problems` lists each one."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems) if self.problems else "invalid input")


class NotFound(LscpAuditError):
    """A requested audit, template, identity or file does not exist."""


class VaultError(LscpAuditError):
    """Base for vault failures."""

    exit_code = 3


class WrongPassphrase(VaultError):
    """The passphrase, recovery key or stored key does not open the vault."""


class VaultCorrupt(VaultError):
    """The file is not a vault, or it is truncated, corrupt or tampered with."""


class VaultInUse(VaultError):
    """Another window or process has the vault open."""


class VaultLocked(VaultError):
    """An operation needs an unlocked vault."""


class VaultTooNew(VaultError):
    """The vault was made by a newer version of the app."""


class SignatureInvalid(LscpAuditError):
    """A PDF signature is missing, broken or does not cover the document."""

    exit_code = 2


class DisplayUnavailable(LscpAuditError):
    """No display is available for the GUI."""


class KeychainUnavailable(VaultError):
    """The OS keychain cannot be used (no backend, locked, dismissed prompt, or one that drops secrets)."""


class DiskFull(VaultError):
    """A write failed because the disk is full or a file size limit was reached."""

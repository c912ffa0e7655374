"""Fixtures for vault tests: real SQLCipher files, an in-memory keychain, a cheap KDF policy.

Creating a vault is cheap but not free, so an empty vault is made once per session and copied.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from lscp_audit.core.audit import Answer, Auditor, AuditRecord
from lscp_audit.storage.engine import RawKey
from lscp_audit.storage.vault import Vault

CANARY = "CANARY-7f3a91c2"


class MemoryKeyring(KeyringBackend):
    """In-memory keychain for tests (a real backend class, not a mock of our code)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.store:
            raise PasswordDeleteError("not found")
        del self.store[(service, username)]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_record(audit_id: str = "audit-1", case_reference: str = f"{CANARY}-REF", **kw: object) -> AuditRecord:
    values: dict[str, object] = {
        "id": audit_id,
        "template_id": "case-audit",
        "template_version": "1",
        "template_hash": "sha256:abc",
        "template_source": "id: case-audit\n",
        "subject": {"case_reference": case_reference, "child": f"{CANARY}-child"},
        "title": "Audit title",
        "auditor": Auditor("Sam Auditor", "QA lead", "Police"),
    }
    values.update(kw)
    return AuditRecord(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def _empty_vault_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("vault-template")
    key = RawKey.generate()
    key_hex = key.hex()
    path = folder / "template.lscp"
    Vault.create(path, key, vault_id="template-vault").close()
    return path, key_hex


@pytest.fixture
def vault_file(tmp_path: Path, _empty_vault_template: tuple[Path, str]) -> tuple[Path, str]:
    """A closed, empty vault file of its own and its key hex."""
    source, key_hex = _empty_vault_template
    path = tmp_path / "vault.lscp"
    shutil.copyfile(source, path)
    path.chmod(0o600)
    return path, key_hex


@pytest.fixture
def vault(vault_file: tuple[Path, str]) -> Iterator[Vault]:
    path, key_hex = vault_file
    opened = Vault.open(path, RawKey(key_hex))
    yield opened
    opened.close()


@pytest.fixture
def vault_with_audit(vault: Vault) -> Vault:
    vault.audits.create(make_record(), "tester", template_title="Case audit")
    vault.audits.save_answer("audit-1", Answer("q1", f"{CANARY}-answer"), "tester")
    return vault

"""Fixtures for the desktop tests: a real vault made through the vault service with a cheap KDF,
the test templates, and background operations run synchronously."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lscp_audit.services.audit_service import AuditService
from lscp_audit.services.template_service import TemplateService
from lscp_audit.services.vault_service import VaultService
from lscp_audit.storage.keyfile import TEST_POLICY

TEMPLATES_DIR = Path(__file__).parent / "templates"
PASSPHRASE = "correct horse battery staple 42"


@pytest.fixture(autouse=True)
def synchronous_ops() -> Iterator[None]:
    from lscp_audit.ui import ops

    ops.set_synchronous(True)
    yield
    ops.set_synchronous(False)


@pytest.fixture
def template_service(tmp_path: Path) -> TemplateService:
    return TemplateService(shipped_dir=TEMPLATES_DIR, user_dir=tmp_path / "user-templates")


@pytest.fixture
def vault_service(tmp_path: Path) -> Iterator[VaultService]:
    service = VaultService(tmp_path / "vault.lscp", use_keychain=False, kdf_policy=TEST_POLICY)
    service.create(PASSPHRASE)
    yield service
    service.lock()


@pytest.fixture
def audit_service(vault_service: VaultService, template_service: TemplateService) -> AuditService:
    return AuditService.for_vault(vault_service.vault, template_service, actor="Test Auditor")


def new_audit(service: AuditService, template_id: str = "ui-all-types", **subject: Any) -> str:
    values: dict[str, Any] = {"case_reference": "CS-0412"}
    if template_id == "ui-all-types":
        values["agencies"] = ["police", "health"]
    values.update(subject)
    return service.new_audit(template_id, values).id

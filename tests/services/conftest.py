"""Fixtures for service tests: real, encrypted vault files opened with a random raw key (no KDF,
so they are cheap), closed after each test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lscp_audit.storage.engine import RawKey
from lscp_audit.storage.vault import Vault


def make_vault(path: Path) -> Vault:
    """A new vault at `path` with a random raw key."""
    return Vault.create(path, RawKey.generate(), vault_id="test-vault", memory_security=False)


@pytest.fixture
def vault(tmp_path: Path) -> Iterator[Any]:
    opened = make_vault(tmp_path / "test.lscp")
    try:
        yield opened
    finally:
        opened.close()


FIXTURES = Path(__file__).parent / "fixtures"
MINI = "test-mini-audit"
SUBJECT = {"case_reference": "MACA-2026-03-07", "agencies": ["police", "health"], "audit_round": "2026 round 3"}


class FakeClock:
    """A clock that moves on one second per call (ISO 8601 UTC text)."""

    def __init__(self) -> None:
        self.seconds = 0

    def __call__(self) -> str:
        self.seconds += 1
        minutes, seconds = divmod(self.seconds, 60)
        return f"2026-11-28T09:{minutes:02d}:{seconds:02d}+00:00"


def template_catalogue(shipped: Path = FIXTURES, user: Path | None = None) -> Any:
    from lscp_audit.services.template_service import TemplateService

    return TemplateService(shipped_dir=shipped, user_dir=user or shipped / "no-user-templates")


@pytest.fixture
def service(vault: Any) -> Any:
    from lscp_audit.services.audit_service import AuditService
    from lscp_audit.services.audit_store import VaultAuditStore

    return AuditService(VaultAuditStore(vault), template_catalogue(), actor="tester", clock=FakeClock())


def complete_answers() -> dict[tuple[str, str | None], Any]:
    """Answers that satisfy every required question of the mini template (for SUBJECT)."""
    return {
        ("referred", None): "yes",
        ("referral_date", None): "2026-02-03",
        ("grade_referral", None): "good",
        ("agency_rag", "police"): "green",
        ("agency_rag", "health"): "amber",
        ("went_well", None): "Information was shared at the MARAC within a day.",
        ("grade_overall_practice", None): "requires_improvement",
    }


def answer_everything(service: Any, audit_id: str) -> None:
    for (qid, agency), value in complete_answers().items():
        service.save_answer(audit_id, qid, value, agency=agency)

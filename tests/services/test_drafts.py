"""Drafts: unfinished work behind an answer, kept encrypted in the vault, only for draft audits,
and deleted with the audit."""

from __future__ import annotations

from typing import Any

import pytest

from lscp_audit.services.audit_service import AuditService
from lscp_audit.services.audit_types import AuditReadOnly
from tests.services.conftest import MINI, SUBJECT
from tests.services.test_audit_service import completed


def test_a_draft_is_kept_replaced_and_discarded(service: AuditService) -> None:
    audit_id = service.new_audit(MINI, SUBJECT).id
    rows = {"input": {"rows": [{"action": "Audit ten referrals", "owner_agency": "", "due": "15/13/2026"}]}}
    service.save_draft(audit_id, "actions", rows)
    service.save_draft(audit_id, "agency_rag@health", {"value": "red", "warning_reason": ""})
    service.save_draft(audit_id, "actions", {**rows, "evidence": "Minutes of 3 March"})
    assert service.drafts(audit_id) == {
        "actions": {**rows, "evidence": "Minutes of 3 March"},
        "agency_rag@health": {"value": "red", "warning_reason": ""},
    }
    service.discard_draft(audit_id, "actions")
    assert list(service.drafts(audit_id)) == ["agency_rag@health"]
    assert service.get_audit(audit_id).answers == ()  # a draft is not an answer


def test_only_a_draft_audit_keeps_drafts(service: AuditService) -> None:
    audit_id = completed(service)
    with pytest.raises(AuditReadOnly):
        service.save_draft(audit_id, "summary", {"value": "x"})
    assert service.drafts(audit_id) == {}


def test_drafts_go_with_their_audit(service: AuditService, vault: Any) -> None:
    audit_id = service.new_audit(MINI, SUBJECT).id
    service.save_draft(audit_id, "summary", {"value": "Half a sentence"})
    assert vault.audits.purge([audit_id], "tester") == 1
    assert vault.drafts.for_audit(audit_id) == {}

"""Issue 11: `vault check` compares an audit's status, subject, title, amendment reasons and
overrides with the change history (as it already did answers), and notices vault-level entries
(records of purged audits) cut off the end of their chain."""

from __future__ import annotations

import pytest

from lscp_audit.core.audit import AuditStatus, JudgementOverride
from lscp_audit.storage.vault import Vault

EDITS = {
    "status": "UPDATE audits SET status = 'signed'",
    "subject": """UPDATE audits SET subject = '{"case_reference":"forged"}'""",
    "title": "UPDATE audits SET title = 'forged'",
    "amendment reasons": """UPDATE audits SET amendment_reasons = '{"q1":"forged"}'""",
    "overrides": """UPDATE audits SET overrides = '[]'""",
}


def _sql(vault: Vault, *statements: str) -> None:
    with vault.engine.connect() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)
        conn.commit()


@pytest.mark.parametrize("field", list(EDITS))
@pytest.mark.parametrize("changed_before", [False, True])
def test_audit_field_edited_behind_the_history_is_reported(
    vault_with_audit: Vault, field: str, changed_before: bool
) -> None:
    vault = vault_with_audit
    override = JudgementOverride(scope="overall", value="good", rationale="panel agreed")
    vault.audits.set_overrides("audit-1", [override], "t")
    if changed_before:  # the newest history value, not only the starting one, is compared
        vault.audits.set_status("audit-1", AuditStatus.COMPLETE, "t")
        vault.audits.update_subject("audit-1", {"case_reference": "REF-2"}, "t", title="Second title")
        vault.audits.set_amendment_reasons("audit-1", {"q1": "late record"}, "t")
    assert vault.history.verify().ok
    _sql(vault, EDITS[field])
    result = vault.history.verify()
    assert not result.ok
    assert any(field in problem for problem in result.problems), result.problems


def test_removed_purge_record_is_reported(vault_with_audit: Vault) -> None:
    vault = vault_with_audit
    vault.audits.set_status("audit-1", AuditStatus.COMPLETE, "t", completed_at="2020-01-01T00:00:00+00:00")
    vault.audits.purge(["audit-1"], "admin")
    assert vault.history.verify().ok
    _sql(vault, "DROP TRIGGER IF EXISTS history_no_delete", "DELETE FROM history WHERE field = 'purged'")
    result = vault.history.verify()
    assert not result.ok and "purged" in result.problems[-1]

"""Repositories: audits and answers, SQL-side listing, history chain, identities, settings, returns."""

from __future__ import annotations

from dataclasses import replace

import pytest
import sqlalchemy as sa

from lscp_audit.core.audit import Answer, AuditStatus, JudgementOverride
from lscp_audit.core.audit_query import AuditFilter, AuditSort
from lscp_audit.core.errors import NotFound, VaultError
from lscp_audit.core.identity import ImportedReturn, ReturnSignature, SigningIdentity, TrustedCertificate
from lscp_audit.storage.vault import Vault
from tests.storage.conftest import CANARY, make_record


def test_create_and_get_round_trip(vault: Vault) -> None:
    record = make_record(answers=(Answer("q0", ["a", "b"], agency="health", evidence="notes"),))
    vault.audits.create(record, "tester", template_title="Case audit", judgement="good")
    got = vault.audits.get("audit-1")
    assert got.subject == record.subject and got.auditor == record.auditor
    assert got.answers == record.answers and got.created_at and got.updated_at
    with pytest.raises(NotFound):
        vault.audits.get("nope")


def test_autosave_upsert_delete_and_history(vault_with_audit: Vault) -> None:
    vault = vault_with_audit
    vault.audits.save_answer("audit-1", Answer("q1", "second"), "alice")
    vault.audits.save_answer("audit-1", Answer("q1", "second"), "alice")  # no change -> no history entry
    vault.audits.submit_answer("audit-1", Answer("q2", 3, agency="police"), "bob").result()
    vault.audits.delete_answer("audit-1", "q2", "police", "bob")
    vault.audits.save_answers("audit-1", [Answer("q3", "x"), Answer("q1", None)], "carol")
    answers = {a.key: a.value for a in vault.audits.get("audit-1").answers}
    assert answers == {("q3", ""): "x"}
    fields = [(e.actor, e.field) for e in vault.history.for_audit("audit-1")]
    assert fields == [
        ("tester", "created"),
        ("tester", "answer:q1"),
        ("alice", "answer:q1"),
        ("bob", "answer:q2@police"),
        ("bob", "answer:q2@police"),
        ("carol", "answer:q3"),
        ("carol", "answer:q1"),
    ]
    entry = vault.history.for_audit("audit-1")[2]
    assert "second" in entry.new_value and CANARY in entry.old_value
    assert vault.history.verify().ok


def test_audit_level_fields(vault_with_audit: Vault) -> None:
    vault = vault_with_audit
    override = JudgementOverride(scope="overall", value="good", rationale="because")
    vault.audits.set_status("audit-1", AuditStatus.COMPLETE, "a", completed_at="2026-01-01T00:00:00+00:00")
    vault.audits.set_overrides("audit-1", [override], "a")
    vault.audits.set_judgement("audit-1", "requires_improvement", "a")
    vault.audits.set_amendment_reasons("audit-1", {"q1": "typo"}, "a")
    vault.audits.update_subject("audit-1", {"case_reference": "NEW-REF"}, "a", title="New title")
    record = vault.audits.get("audit-1")
    assert record.status is AuditStatus.COMPLETE and record.overrides == (override,)
    assert record.amendment_reasons == {"q1": "typo"} and record.title == "New title"
    summary = vault.audits.list_summaries().items[0]
    assert summary.case_reference == "NEW-REF" and summary.judgement == "requires_improvement"
    with pytest.raises(NotFound):
        vault.audits.set_status("missing", AuditStatus.COMPLETE, "a")


def test_list_filters_sort_and_paging(vault: Vault) -> None:
    for i in range(30):
        record = make_record(
            f"a{i:02d}",
            case_reference=f"REF-{i:02d}",
            status=AuditStatus.COMPLETE if i % 3 == 0 else AuditStatus.DRAFT,
            template_id="s11" if i % 2 else "case-audit",
            updated_at=f"2026-01-{i + 1:02d}T00:00:00+00:00",
        )
        vault.audits.create(record, "t", agency="Police" if i < 10 else "Health", judgement="good" if i < 5 else None)
    page = vault.audits.list_summaries(AuditFilter(limit=10))
    assert page.total == 30 and len(page.items) == 10 and page.items[0].id == "a29"
    assert vault.audits.list_summaries(AuditFilter(statuses=(AuditStatus.COMPLETE,))).total == 10
    assert vault.audits.list_summaries(AuditFilter(template_id="s11")).total == 15
    assert vault.audits.list_summaries(AuditFilter(agency="Police")).total == 10
    assert vault.audits.list_summaries(AuditFilter(judgement="good")).total == 5
    assert vault.audits.list_summaries(AuditFilter(text="ref-1")).total == 10
    assert vault.audits.list_summaries(AuditFilter(text="50%_")).total == 0
    ranged = AuditFilter(updated_from="2026-01-05", updated_to="2026-01-10T23:59:59")
    assert vault.audits.list_summaries(ranged).total == 6
    asc = vault.audits.list_summaries(AuditFilter(sort=AuditSort.CASE_REFERENCE, descending=False, offset=5, limit=2))
    assert [s.case_reference for s in asc.items] == ["REF-05", "REF-06"]


def test_history_is_append_only_and_tamper_evident(vault_with_audit: Vault) -> None:
    vault = vault_with_audit
    with vault.engine.connect() as conn:
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            conn.exec_driver_sql("UPDATE history SET actor = 'mallory'")
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            conn.exec_driver_sql("DELETE FROM history")
        conn.rollback()
        conn.exec_driver_sql("DROP TRIGGER history_no_update")
        conn.exec_driver_sql("UPDATE history SET new_value = '\"forged\"' WHERE seq = 2")
        conn.commit()
    result = vault.history.verify("audit-1")
    assert not result.ok and "altered" in result.problems[0]


def test_history_deleted_middle_entry_breaks_chain(vault_with_audit: Vault) -> None:
    vault = vault_with_audit
    vault.audits.save_answer("audit-1", Answer("q1", "v2"), "t")
    with vault.engine.connect() as conn:
        conn.exec_driver_sql("DROP TRIGGER history_no_delete")
        conn.exec_driver_sql("DELETE FROM history WHERE seq = 2")
        conn.commit()
    assert not vault.history.verify().ok


def test_purge_removes_audit_and_records_event(vault_with_audit: Vault) -> None:
    vault = vault_with_audit
    vault.audits.set_status("audit-1", AuditStatus.COMPLETE, "t", completed_at="2020-01-01T00:00:00+00:00")
    assert [s.id for s in vault.audits.purge_candidates("2021-01-01")] == ["audit-1"]
    assert vault.audits.purge(["audit-1"], "admin") == 1
    assert not vault.audits.exists("audit-1") and vault.history.for_audit("audit-1") == []
    events = vault.history.vault_events()
    assert events[-1].field == "purged" and vault.history.verify().ok
    vault.close()
    data = vault.path.read_bytes()
    assert CANARY.encode() not in data


def test_identities_and_trusted_certificates(vault: Vault) -> None:
    vault.identities.add(SigningIdentity("i1", "Ann", private_key_pem="SECRET", is_default=True))
    vault.identities.add(SigningIdentity("i2", "Bob", is_default=True))
    assert vault.identities.default().id == "i2"  # type: ignore[union-attr]
    vault.identities.set_default("i1")
    assert vault.identities.get("i1").is_default and vault.identities.get("i1").private_key_pem == "SECRET"
    assert "SECRET" not in repr(vault.identities.get("i1"))
    vault.identities.delete("i2")
    assert [i.id for i in vault.identities.list()] == ["i1"]
    vault.trusted_certs.add(TrustedCertificate("c1", "CA", "PEM"))
    assert [c.label for c in vault.trusted_certs.list()] == ["CA"]
    vault.trusted_certs.delete("c1")
    assert vault.trusted_certs.list() == []


def test_settings_and_imported_returns(vault: Vault) -> None:
    vault.settings.set("x", {"a": 1})
    vault.settings.set("x", [1, 2])
    assert vault.settings.get("x") == [1, 2] and vault.settings.get("missing", 5) == 5
    signature = ReturnSignature(
        0, "Auditor", "auditor", "Ann", "Health", "ab" * 32, b"DER", "2026-11-28T09:00:00+00:00", False
    )
    item = ImportedReturn("r1", "hash1", "report-1", signer="Ann", verified="untrusted signer", signatures=(signature,))
    stored = vault.imported_returns.add(item, {"a": 1}, b"%PDF-1.7 signed")
    assert stored.signatures == (signature,) and stored.has_pdf
    assert vault.imported_returns.data("r1") == {"a": 1} and vault.imported_returns.pdf("r1") == b"%PDF-1.7 signed"
    # The same file bytes may be stored twice (a return is identified by what was signed).
    vault.imported_returns.add(
        ImportedReturn("r2", "hash1", "report-1", data_hash="sha256:d", previous_audit_id="a1"), {}
    )
    assert vault.imported_returns.pdf("r2") is None and not vault.imported_returns.get("r2").has_pdf
    assert [r.id for r in vault.imported_returns.find_by_report_id("report-1")] == ["r1", "r2"]
    assert vault.imported_returns.find_by_data_hash("sha256:d").id == "r2"  # type: ignore[union-attr]
    assert [r.id for r in vault.imported_returns.amending(["a1"])] == ["r2"]
    assert vault.imported_returns.ids_with_pdf() == ["r1"]
    trusted = replace(signature, trusted=True)
    vault.imported_returns.update_trust(
        "r1", verified="trusted", trust_problem="", checked_at="later", signatures=[trusted]
    )
    again = vault.imported_returns.get("r1")
    assert (again.verified, again.checked_at, again.signatures) == ("trusted", "later", (trusted,))
    assert {r.id for r in vault.imported_returns.list()} == {"r1", "r2"}
    vault.imported_returns.delete("r1")
    assert vault.imported_returns.pdf("r1") is None
    with vault.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM imported_return_signatures").scalar() == 0
    with pytest.raises(NotFound):
        vault.imported_returns.data("r1")


def test_trusted_certificates_by_purpose(vault: Vault) -> None:
    vault.trusted_certs.add(TrustedCertificate("c1", "Auditor", "PEM1"))
    vault.trusted_certs.add(TrustedCertificate("c2", "Moderator", "PEM2", purpose="moderator"))
    assert [c.id for c in vault.trusted_certs.list("signer")] == ["c1"]
    assert [c.purpose for c in vault.trusted_certs.list("moderator")] == ["moderator"]
    assert len(vault.trusted_certs.list()) == 2


def test_writes_after_lock_are_refused(vault: Vault) -> None:
    vault.close()
    with pytest.raises(VaultError):
        vault.settings.set("x", 1)


def test_history_tail_cut_or_answer_edited_is_detected(vault_with_audit: Vault) -> None:
    vault = vault_with_audit
    vault.audits.save_answer("audit-1", Answer("q1", "latest"), "t")
    with vault.engine.connect() as conn:
        conn.exec_driver_sql("DROP TRIGGER history_no_delete")
        conn.exec_driver_sql("DELETE FROM history WHERE seq = (SELECT max(seq) FROM history)")
        conn.commit()
    assert not vault.history.verify("audit-1").ok


def test_answer_changed_behind_history_is_detected(vault_with_audit: Vault) -> None:
    vault = vault_with_audit
    with vault.engine.connect() as conn:
        conn.exec_driver_sql("UPDATE answers SET value = '\"forged\"'")
        conn.commit()
    result = vault.history.verify()
    assert not result.ok and "does not match" in result.problems[0]

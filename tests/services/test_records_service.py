"""Retention across record types, legal holds and the export log, over a real encrypted vault:
a purge removes an expired QA inbox return so that no decrypted page still holds it; a held
audit survives a purge that would otherwise remove it; every export is in the export log."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lscp_audit.core.audit import AuditStatus
from lscp_audit.core.errors import LscpAuditError, NotFound, ValidationError
from lscp_audit.core.identity import ImportedReturn
from lscp_audit.core.records import ExportKind, HoldTarget, RecordType, RetentionPolicy
from lscp_audit.services.records_service import RecordsService
from lscp_audit.services.vault_service import VaultService
from lscp_audit.storage.keyfile import TEST_POLICY
from lscp_audit.storage.keystore import KeyStore
from tests.storage.conftest import MemoryKeyring, make_record
from tests.storage.sqlcipher_pages import plaintext_contains

PASS = "correct horse battery staple 42"
RETURN_CANARY = "RETURN-CANARY-5c1e"
NOW = datetime.now(UTC)


def _ago(days: int) -> str:
    return (NOW - timedelta(days=days)).isoformat()


@pytest.fixture
def vs(tmp_path: Path) -> Iterator[VaultService]:
    service = VaultService(
        tmp_path / "vault.lscp", keystore=KeyStore(MemoryKeyring()), kdf_policy=TEST_POLICY, actor="Records Officer"
    )
    service.create(PASS, use_keychain=False)
    yield service
    if service.is_unlocked:
        service.lock()


@pytest.fixture
def records(vs: VaultService) -> RecordsService:
    records = RecordsService(vs, "Records Officer")
    records.set_policy(RetentionPolicy(audits_days=365, returns_days=365, export_log_days=365, backups_days=30))
    return records


def _completed(vs: VaultService, audit_id: str, case_reference: str, days_ago: int, **subject: str) -> None:
    record = make_record(audit_id, case_reference=case_reference)
    if subject:
        record = make_record(
            audit_id, case_reference=case_reference, subject={"case_reference": case_reference, **subject}
        )
    vs.vault.audits.create(record, "tester")
    vs.vault.audits.set_status(audit_id, AuditStatus.COMPLETE, "tester", completed_at=_ago(days_ago))


def _return(vs: VaultService, return_id: str, case_reference: str, days_ago: int) -> None:
    item = ImportedReturn(
        id=return_id,
        file_hash=f"sha256:{return_id}",
        data_hash=f"sha256:d-{return_id}",
        report_id=f"R-{return_id}",
        subject=case_reference,
        imported_at=_ago(days_ago),
        verified="trusted",
        template_title="Was Not Brought",
    )
    vs.vault.imported_returns.add(item, {"report": {"id": f"R-{return_id}"}, "note": f"{RETURN_CANARY}-{return_id}"})


def test_purge_removes_an_expired_return_and_no_decrypted_page_holds_it(
    vs: VaultService, records: RecordsService
) -> None:
    from lscp_audit.core.moderation import ModerationSummary

    _return(vs, "old", "WNB-2019-001", 800)
    _return(vs, "new", "WNB-2026-002", 10)
    for name in ("old", "new"):
        summary = ModerationSummary(
            f"m-{name}", f"R-{name}", f"sha256:d-{name}", "sha256:c", "agree", "QA", "ab", _ago(1)
        )
        vs.vault.moderation.add(summary, {"outcome": "agree"}, b"0")
    key_hex = vs._current_key().hex()
    vs.vault.checkpoint()
    assert plaintext_contains(vs.path, key_hex, f"{RETURN_CANARY}-old".encode())  # the reader sees live rows

    plan = records.plan()
    assert [(i.record_type, i.id) for i in plan.due] == [(RecordType.RETURNS, "old")]
    assert "WNB-2019-001" in plan.due[0].description
    outcome = records.purge(plan, confirm=True)
    assert outcome.returns == 1 and "1 imported return(s)" in outcome.summary()

    assert [r.id for r in vs.vault.imported_returns.list()] == ["new"]
    assert vs.vault.moderation.for_return("R-old", "sha256:d-old") == []  # its moderation record went too
    assert len(vs.vault.moderation.for_return("R-new", "sha256:d-new")) == 1
    vs.vault.checkpoint()
    assert not plaintext_contains(vs.path, key_hex, f"{RETURN_CANARY}-old".encode())
    assert plaintext_contains(vs.path, key_hex, f"{RETURN_CANARY}-new".encode())
    wal = vs.path.with_name(vs.path.name + "-wal")
    assert not wal.exists() or f"{RETURN_CANARY}-old".encode() not in wal.read_bytes()
    events = [e.field for e in vs.vault.history.vault_events()]
    assert "return_purged" in events and vs.vault.history.verify().ok


def test_purge_needs_confirmation_and_refuses_a_stale_plan(vs: VaultService, records: RecordsService) -> None:
    _completed(vs, "a1", "DA-2019-001", 800)
    plan = records.plan()
    with pytest.raises(ValidationError, match="confirm"):
        records.purge(plan)
    records.place_hold(HoldTarget.AUDIT, "a1", "Inquiry request")
    with pytest.raises(ValidationError, match="no longer due"):
        records.purge(plan, confirm=True)
    assert vs.vault.audits.exists("a1")


def test_a_held_audit_survives_a_purge_that_would_remove_it(vs: VaultService, records: RecordsService) -> None:
    _completed(vs, "held-by-case", "DA-2019-001", 800)
    _completed(vs, "held-by-round", "DA-2019-002", 800, audit_round="2019 round 1")
    _completed(vs, "free", "DA-2019-003", 800)
    by_case = records.place_hold(HoldTarget.CASE_REFERENCE, "da-2019-001", "IICSA: child protection records")
    records.place_hold(HoldTarget.ROUND, "2019 round 1", "Case review in progress")

    plan = records.plan()
    assert plan.ids(RecordType.AUDITS) == ["free"]
    assert {i.id: i.held_by.reason for i in plan.held if i.held_by} == {
        "held-by-case": "IICSA: child protection records",
        "held-by-round": "Case review in progress",
    }
    assert records.purge(plan, confirm=True).audits == 1
    assert vs.vault.audits.exists("held-by-case") and vs.vault.audits.exists("held-by-round")
    assert not vs.vault.audits.exists("free")

    # the storage layer refuses too, whatever path asks
    with pytest.raises(ValidationError, match="legal hold"):
        vs.vault.audits.purge(["held-by-case"], "someone")
    assert [s.id for s in vs.purge_candidates()] == ["held-by-round"] or "held-by-case" not in [
        s.id for s in vs.purge_candidates()
    ]

    # the hold is in the change history, and releasing it is too
    audit_history = [(e.field, e.actor) for e in vs.vault.history.for_audit("held-by-case")]
    assert ("legal_hold", "Records Officer") not in audit_history  # a case hold is recorded at vault level
    released = records.release_hold(by_case.id, "Inquiry closed")
    assert not released.active and released.released_by == "Records Officer"
    fields = [e.field for e in vs.vault.history.vault_events()]
    assert fields.count("legal_hold_placed") == 2 and "legal_hold_released" in fields
    assert vs.vault.history.verify().ok
    assert records.plan().ids(RecordType.AUDITS) == ["held-by-case"]


def test_a_hold_on_an_audit_is_in_its_own_history(vs: VaultService, records: RecordsService) -> None:
    _completed(vs, "a1", "DA-2019-001", 800)
    hold = records.place_hold(HoldTarget.AUDIT, "a1", "Subject access request pending")
    entries = [e for e in vs.vault.history.for_audit("a1") if e.field == "legal_hold"]
    assert len(entries) == 1 and "Subject access request pending" in entries[0].new_value
    with pytest.raises(ValidationError, match="already under a legal hold"):
        records.place_hold(HoldTarget.AUDIT, "a1", "again")
    with pytest.raises(NotFound):
        records.place_hold(HoldTarget.AUDIT, "no-such-audit", "typo")
    with pytest.raises(ValidationError, match="reason"):
        records.place_hold(HoldTarget.CASE_REFERENCE, "DA-2019-009", "   ")
    records.release_hold(hold.id, "done")
    with pytest.raises(ValidationError, match="already been released"):
        records.release_hold(hold.id, "again")
    assert vs.vault.history.verify().ok


def test_a_held_return_cannot_be_removed_or_purged(vs: VaultService, records: RecordsService) -> None:
    _return(vs, "r1", "WNB-2019-001", 800)
    records.place_hold(HoldTarget.RETURN, "r1", "Case review")
    assert records.plan().due == () and [i.id for i in records.plan().held] == ["r1"]
    with pytest.raises(ValidationError, match="legal hold"):
        vs.vault.imported_returns.delete("r1")
    with pytest.raises(ValidationError, match="legal hold"):
        vs.vault.imported_returns.purge(["r1"], "someone")
    assert vs.vault.imported_returns.get("r1").id == "r1"


def test_plan_says_when_each_record_becomes_purgeable(vs: VaultService, records: RecordsService) -> None:
    _completed(vs, "recent", "DA-2026-001", 100)
    _return(vs, "r-recent", "WNB-2026-001", 300)
    records.record_export(ExportKind.REPORT_PDF, "/tmp/a.pdf", case_reference="DA-2026-001")
    plan = records.plan()
    assert plan.due == ()
    upcoming = {(i.record_type, i.id): i.due for i in plan.upcoming}
    assert upcoming[(RecordType.AUDITS, "recent")] == (NOW + timedelta(days=265)).date().isoformat()
    assert upcoming[(RecordType.RETURNS, "r-recent")] == (NOW + timedelta(days=65)).date().isoformat()
    assert [i.record_type for i in plan.upcoming][0] == RecordType.RETURNS  # soonest first


def test_policy_is_validated_and_shared_with_the_settings_retention(vs: VaultService, records: RecordsService) -> None:
    with pytest.raises(ValidationError, match="at least 30 days"):
        records.set_policy(RetentionPolicy(audits_days=10))
    records.set_policy(RetentionPolicy(audits_days=400, returns_days=500, export_log_days=None, backups_days=60))
    assert vs.retention_days == 400
    assert records.policy() == RetentionPolicy(400, 500, None, 60)


def test_export_log_entries_expire_unless_kept_forever(vs: VaultService, records: RecordsService) -> None:
    old = records.record_export(ExportKind.REPORT_PDF, "/tmp/old.pdf", case_reference="DA-2019-001")
    vs.vault.export_log.record(
        type(old)(
            kind=ExportKind.REPORT_HTML,
            file_name="/tmp/older.html",
            protection="none",
            actor="x",
            exported_at=_ago(900),
        )
    )
    assert records.plan().ids(RecordType.EXPORT_LOG) != []
    assert records.purge(records.plan(), confirm=True).export_log == 1
    assert [e.file_name for e in records.export_log()] == ["/tmp/old.pdf"]
    records.set_policy(RetentionPolicy(365, 365, None, 30))
    vs.vault.export_log.record(
        type(old)(
            kind=ExportKind.REPORT_HTML,
            file_name="/tmp/ancient.html",
            protection="none",
            actor="x",
            exported_at=_ago(5000),
        )
    )
    assert records.plan().ids(RecordType.EXPORT_LOG) == []


def test_remaking_backups_after_a_purge_leaves_one_fresh_backup(vs: VaultService, records: RecordsService) -> None:
    _completed(vs, "a1", "DA-2019-001", 800)
    vs.backup()
    vs.backup()
    before = {b.path for b in vs.list_backups()}
    outcome = records.purge(records.plan(), confirm=True, remake_backups=True)
    after = vs.list_backups()
    assert outcome.backup_made and outcome.backups_removed == len(before)
    assert len(after) == 1 and after[0].path not in before


def test_backups_holding_purged_records_expire_after_the_backups_period(
    vs: VaultService, records: RecordsService
) -> None:
    _completed(vs, "a1", "DA-2019-001", 800)
    vs.backup()
    vs.backup()
    records.purge(records.plan(), confirm=True)
    vs.backup()  # made after the purge: never expired by this rule
    assert records.expire_backups() == 0  # not yet 30 days old
    later = RecordsService(vs, "Records Officer", clock=lambda: NOW + timedelta(days=31))
    assert later.expire_backups() == 2
    assert len(vs.list_backups()) == 1


def test_every_export_appears_in_the_export_log(tmp_path: Path) -> None:
    from lscp_audit.services.identity_service import IdentityService
    from lscp_audit.services.report_service import ExportOptions, ReportService
    from tests.reports.sample_audit import NAMES, make_vault, stored_audit, yaml_template

    vault = make_vault(tmp_path / "vault.lscp")
    try:
        record = stored_audit(yaml_template())
        vault.audits.create(record, "test", template_title="Multi-agency case audit: neglect")
        IdentityService(vault).create(NAMES["turkish"], "Designated nurse", "Health (ICB)")
        reports = ReportService(vault, actor="Ayşe Auditor")
        plain = reports.export(record.id, tmp_path / "plain.pdf")
        locked = reports.export(record.id, tmp_path / "locked.pdf", ExportOptions(password="a long password 1"))
        html = reports.export_html(record.id, tmp_path / "report.html", ExportOptions(marking="OFFICIAL"))
        log = vault.export_log.list()
        assert [(e.kind, e.file_name, e.protection) for e in log] == [
            (ExportKind.REPORT_HTML, str(html), "none"),
            (ExportKind.REPORT_PDF, str(locked.path), "password (AES-256)"),
            (ExportKind.REPORT_PDF, str(plain.path), "none"),
        ]
        assert {e.actor for e in log} == {"Ayşe Auditor"} and {e.audit_id for e in log} == {record.id}
        assert log[1].report_id == locked.report_id and log[0].marking == "OFFICIAL"
        case_reference = record.subject["case_reference"]
        assert log[2].case_reference == case_reference and vault.export_log.list(case_reference.lower()) == log
        assert vault.export_log.list("OTHER-REF") == []
        # a failed export is not logged
        with pytest.raises(LscpAuditError, match="could not be saved"):
            reports.export(record.id, tmp_path / "missing-folder" / "x.pdf")
        assert len(vault.export_log.list()) == 3
    finally:
        vault.close()


def test_a_disclosure_pack_holds_exactly_its_case_and_nothing_of_another(
    vs: VaultService, records: RecordsService, tmp_path: Path
) -> None:
    import json
    import subprocess

    from lscp_audit.core.audit import Answer

    _completed(vs, "a-case", "WNB-2026-001", 10)
    _completed(vs, "b-case", "WNB-2026-002", 10)
    _completed(vs, "c-mentions", "WNB-2026-003", 10)
    vault = vs.vault
    vault.audits.save_answer("a-case", Answer("notes", "A-CANARY answer text", evidence="A-CANARY evidence"), "Ann")
    vault.audits.save_answer("b-case", Answer("notes", "B-CANARY answer text"), "Bob")
    vault.audits.save_answer("c-mentions", Answer("notes", "see health record HX-99812 for the letter"), "Cat")
    _return(vs, "ra", "WNB-2026-001", 5)
    _return(vs, "rb", "WNB-2026-002", 5)
    records.record_export(ExportKind.REPORT_PDF, "/exports/a.pdf", audit_id="a-case", case_reference="WNB-2026-001")
    records.record_export(ExportKind.REPORT_PDF, "/exports/b.pdf", audit_id="b-case", case_reference="WNB-2026-002")
    records.place_hold(HoldTarget.CASE_REFERENCE, "WNB-2026-002", "B's review")
    records.place_hold(HoldTarget.AUDIT, "a-case", "A's request")

    pack = records.subject_access("wnb-2026-001", terms=["hx-99812"])
    text = json.dumps(pack)
    assert [a["id"] for a in pack["audits"]] == ["a-case", "c-mentions"]
    assert [a["found_by"] for a in pack["audits"]] == ["case reference", 'text "hx-99812"']
    assert [r["id"] for r in pack["imported_returns"]] == ["ra"]
    assert [e["file"] for e in pack["exports"]] == ["/exports/a.pdf"]
    assert [h["reason"] for h in pack["legal_holds"]] == ["A's request"]
    assert "A-CANARY evidence" in text and f"{RETURN_CANARY}-ra" in text
    assert "B-CANARY" not in text and f"{RETURN_CANARY}-rb" not in text and "B's review" not in text
    answer = next(a for a in pack["audits"][0]["answers"] if a["question_id"] == "notes")
    assert any("third-party" in r or "other people" in r for r in answer["review"])
    assert pack["audits"][0]["auditor"]["review"] and pack["disclosure_pack"]["counts"]["audits"] == 2

    out = tmp_path / "dp"
    out.mkdir()
    files = records.write_disclosure_pack(pack, out)
    assert "WNB" not in files.json_path.name and "WNB" not in files.pdf_path.name
    assert json.loads(files.json_path.read_text(encoding="utf-8"))["pack_id"] == files.pack_id
    pdf_text = subprocess.run(["pdftotext", "-layout", str(files.pdf_path), "-"], capture_output=True, text=True).stdout
    assert "wnb-2026-001" in pdf_text and "A-CANARY answer text" in pdf_text and "B-CANARY" not in pdf_text
    assert "Review:" in pdf_text and "OFFICIAL-SENSITIVE" in pdf_text
    logged = [e for e in records.export_log() if e.kind == ExportKind.DISCLOSURE_PACK]
    assert sorted(e.file_name for e in logged) == sorted([str(files.json_path), str(files.pdf_path)])
    assert subprocess.run(["qpdf", "--check", str(files.pdf_path)], capture_output=True).returncode == 0


def test_subject_access_needs_a_case_reference(records: RecordsService) -> None:
    with pytest.raises(ValidationError, match="case reference"):
        records.subject_access("  ")


def test_a_hold_on_a_round_keeps_the_returns_filed_under_it(vs: VaultService, records: RecordsService) -> None:
    import dataclasses

    _return(vs, "in-round", "WNB-2019-001", 800)
    _return(vs, "other", "WNB-2019-002", 800)
    item = vs.vault.imported_returns.get("in-round")
    vs.vault.imported_returns.delete("in-round")
    vs.vault.imported_returns.add(dataclasses.replace(item, round_id="wnb-2019"), {"report": {"id": "R-in-round"}})
    records.place_hold(HoldTarget.ROUND, "wnb-2019", "Case review of the whole round")
    plan = records.plan()
    assert plan.ids(RecordType.RETURNS) == ["other"] and [i.id for i in plan.held] == ["in-round"]
    with pytest.raises(ValidationError, match="legal hold"):
        vs.vault.imported_returns.purge(["in-round"], "someone")

"""AuditService on a real encrypted vault: new audit, autosave, validation, progress,
judgements, completion, amendment, history and listing."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from lscp_audit.core.audit import Answer, Auditor, AuditStatus
from lscp_audit.core.errors import ValidationError
from lscp_audit.services.audit_service import AuditService
from lscp_audit.services.audit_store import VaultAuditStore
from lscp_audit.services.audit_types import (
    AnswerRejected,
    AuditFilter,
    AuditReadOnly,
    IncompleteAudit,
    WarningNotAcknowledged,
)
from lscp_audit.services.subject_validation import looks_like_name
from tests.services.conftest import FIXTURES, MINI, SUBJECT, answer_everything, template_catalogue


def new(service: Any, **subject: Any) -> str:
    record = service.new_audit(MINI, {**SUBJECT, **subject}, auditor=Auditor("A. Auditor", "DSL", "Police"))
    return str(record.id)


# -- new audit ---------------------------------------------------------------------------------


def test_template_choices(service: AuditService) -> None:
    choices = service.template_choices()
    assert [c.id for c in choices] == [MINI]
    assert choices[0].version == "1.0" and choices[0].kind == "case_audit"


@pytest.mark.parametrize(
    "reference", ["Jane Smith", "jack-2026", "MACA OLIVIA 01", "Mohammed A", "Amelia"]
)  # fmt: skip
def test_name_like_references_are_flagged(reference: str) -> None:
    assert looks_like_name(reference)


@pytest.mark.parametrize("reference", ["MACA-2026-03-07", "WNB-2026-R2-11", "S11-POLICE-2026", "DA 2026 07"])
def test_pseudonymised_references_are_not_flagged(reference: str) -> None:
    assert not looks_like_name(reference)


def test_check_subject_reports_errors_and_warnings(service: AuditService) -> None:
    check = service.check_subject(MINI, {"case_reference": "Jane Smith", "agencies": ["fire"], "colour": "red"})
    assert not check.ok
    assert {p.field_id for p in check.errors} == {"case_reference", "agencies", "colour"}
    assert "MACA-YYYY-RR-NN" in next(p.message for p in check.errors if p.field_id == "case_reference")
    assert [p.field_id for p in check.warnings] == ["case_reference"]
    assert "Jane" not in str(check)  # messages never repeat the value
    missing = service.check_subject(MINI, {"agencies": ["police"]})
    assert [p.field_id for p in missing.errors] == ["case_reference"]


def test_new_audit_stores_a_frozen_template_copy(service: AuditService) -> None:
    record = service.get_audit(new(service))
    template = template_catalogue().get(MINI)
    assert (record.template_id, record.template_version, record.template_hash) == (
        MINI,
        "1.0",
        template.content_hash,
    )
    assert record.template_source == template.source_text
    assert record.status == AuditStatus.DRAFT
    assert record.title == "Mini multi-agency case audit (test): MACA-2026-03-07"
    assert record.subject["agencies"] == ["police", "health"]


def test_new_audit_rejects_an_invalid_subject_and_stores_nothing(service: AuditService) -> None:
    with pytest.raises(AnswerRejected) as caught:
        service.new_audit(MINI, {"case_reference": "12345", "agencies": ["police"]})
    assert [p.field_id for p in caught.value.fields] == ["case_reference"]
    assert service.list_audits().total == 0


def test_old_audits_reopen_with_the_template_they_started_with(vault: Any, tmp_path: Path) -> None:
    shipped = tmp_path / "forms"
    shipped.mkdir()
    shutil.copy(FIXTURES / "mini_audit.yaml", shipped / "mini_audit.yaml")
    service = AuditService(VaultAuditStore(vault), template_catalogue(shipped), actor="t")
    audit_id = new(service)
    text = (shipped / "mini_audit.yaml").read_text()
    changed = text.replace('version: "1.0"', 'version: "2.0"').replace("What went well", "Strengths")
    (shipped / "mini_audit.yaml").write_text(changed)
    opened = AuditService(VaultAuditStore(vault), template_catalogue(shipped), actor="t").open_audit(audit_id)
    assert opened.template.version == "1.0"
    assert opened.template.question("went_well").label == "What went well"


# -- answering ---------------------------------------------------------------------------------


def test_every_question_type_round_trips(service: AuditService) -> None:
    audit_id = new(service)
    values: dict[tuple[str, str | None], Any] = {
        ("referred", None): "yes",
        ("referral_date", None): "2026-02-03",
        ("referral_route", None): "form",
        ("days_to_decision", None): 1,
        ("grade_referral", None): "outstanding",
        ("agency_rag", "police"): "red",
        ("concerns", "health"): ["neglect", "da"],
        ("went_well", None): "Line one\nLine two",
        ("summary", None): "Good joint work",
        ("actions", None): [
            {"action": "Audit MASH timeliness", "owner_agency": "Police", "owner_role": "DI", "due": "2027-01-31"}
        ],
    }
    for (qid, agency), value in values.items():
        service.save_answer(audit_id, qid, value, agency=agency, evidence=f"evidence for {qid}")
    stored = service.get_audit(audit_id).answer_map()
    assert {(k[0], k[1] or None): a.value for k, a in stored.items()} == values
    assert stored[("concerns", "health")].agency == "health"
    assert stored[("summary", "")].evidence == "evidence for summary"


def test_hard_constraint_rejects_with_its_message_and_writes_nothing(service: AuditService) -> None:
    audit_id = new(service)
    with pytest.raises(AnswerRejected) as caught:
        service.save_answer(audit_id, "days_to_decision", 400)
    assert str(caught.value) == "days_to_decision: must be between 0 and 365 days"
    assert service.get_audit(audit_id).answers == ()


@pytest.mark.parametrize(
    ("qid", "value", "agency", "fragment"),
    [
        ("referred", "maybe", None, "must be one of"),
        ("referral_date", "03/02/2026", None, "YYYY-MM-DD"),
        ("agency_rag", "green", None, "per agency"),
        ("agency_rag", "green", "fire", "not involved"),
        ("referred", "yes", "police", "not asked per agency"),
        ("no_such_question", "yes", None, "not a question"),
        ("actions", [{"action": "x", "owner_agency": "Police", "owner_role": "DI"}], None, "due date"),
    ],
)
def test_invalid_answers_are_rejected(
    service: AuditService, qid: str, value: Any, agency: str | None, fragment: str
) -> None:
    audit_id = new(service)
    with pytest.raises(AnswerRejected, match=fragment):
        service.save_answer(audit_id, qid, value, agency=agency)


def test_soft_warning_needs_a_reason(service: AuditService) -> None:
    audit_id = new(service)
    check = service.check_answer(audit_id, "days_to_decision", 3)
    assert check.ok and check.warning == "more than one working day is longer than the local standard"
    with pytest.raises(WarningNotAcknowledged):
        service.save_answer(audit_id, "days_to_decision", 3, warning_reason="  ")
    result = service.save_answer(audit_id, "days_to_decision", 3, warning_reason="Bank holiday weekend")
    assert result.warning == "Bank holiday weekend"
    answer = service.get_audit(audit_id).answer_map()[("days_to_decision", "")]
    assert answer.warning_reason == "Bank holiday weekend"
    service.save_answer(audit_id, "days_to_decision", 1, warning_reason="no longer needed")
    assert service.get_audit(audit_id).answer_map()[("days_to_decision", "")].warning_reason is None


def test_evidence_actions_and_clearing(service: AuditService) -> None:
    audit_id = new(service)
    service.save_answer(audit_id, "referred", "yes")
    service.save_evidence(audit_id, "referred", "MASH record, 3 Feb")
    service.save_actions(
        audit_id,
        "actions",
        [{"action": "Brief staff on WNB", "owner_agency": "Health", "owner_role": "Named nurse", "due": "2027-03-31"}],
    )
    record = service.get_audit(audit_id).answer_map()
    assert record[("referred", "")].value == "yes" and record[("referred", "")].evidence == "MASH record, 3 Feb"
    assert record[("actions", "")].value[0]["owner_role"] == "Named nurse"
    service.save_answer(audit_id, "referred", None, evidence="")
    assert ("referred", "") not in service.get_audit(audit_id).answer_map()
    service.save_evidence(audit_id, "went_well", "Panel notes, 14 Mar")  # evidence before the answer
    kept = service.get_audit(audit_id).answer_map()[("went_well", "")]
    assert (kept.value, kept.evidence) == (None, "Panel notes, 14 Mar")
    assert "went_well" in [m.key for m in service.missing_answers(audit_id)]
    service.save_answer(audit_id, "went_well", "Quick MARAC referral")
    kept = service.get_audit(audit_id).answer_map()[("went_well", "")]
    assert (kept.value, kept.evidence) == ("Quick MARAC referral", "Panel notes, 14 Mar")


# -- progress, judgements, completion ---------------------------------------------------------


def test_progress_follows_relevance(service: AuditService) -> None:
    audit_id = new(service)
    first = {(p.section_id, p.agency): (p.answered, p.required) for p in service.progress(audit_id)}
    assert first == {
        ("referral", None): (0, 2),
        ("agency_work", "police"): (0, 1),
        ("agency_work", "health"): (0, 1),
        ("findings", None): (0, 2),
    }
    service.save_answer(audit_id, "referred", "yes")  # makes referral_date visible and required
    referral = next(p for p in service.progress(audit_id) if p.section_id == "referral")
    assert (referral.answered, referral.required, referral.complete) == (1, 3, False)
    missing = service.missing_answers(audit_id)
    assert [m.key for m in missing][:2] == ["referral_date", "grade_referral"]
    assert missing[0].section_title == "Referral and threshold" and missing[0].label == "Date of referral"
    assert "agency_rag@health" in [m.key for m in missing]


def test_complete_lists_missing_answers_then_locks_the_audit(service: AuditService) -> None:
    audit_id = new(service)
    service.save_answer(audit_id, "referred", "no")
    with pytest.raises(IncompleteAudit) as caught:
        service.complete(audit_id)
    keys = [m.key for m in caught.value.missing]
    assert keys == ["grade_referral", "agency_rag@police", "agency_rag@health", "went_well", "grade_overall_practice"]
    assert "grade_referral (Referral and threshold: Quality of the referral) is required" in str(caught.value)
    assert service.get_audit(audit_id).status == AuditStatus.DRAFT
    answer_everything(service, audit_id)
    done = service.complete(audit_id)
    assert done.status == AuditStatus.COMPLETE and done.completed_at
    assert service.open_audit(audit_id).read_only
    with pytest.raises(AuditReadOnly, match="read-only"):
        service.save_answer(audit_id, "summary", "late edit")
    with pytest.raises(AuditReadOnly):
        service.set_override(audit_id, "overall", "good", "because")
    with pytest.raises(AuditReadOnly):
        service.complete(audit_id)


def test_judgements_rules_and_overrides(service: AuditService) -> None:
    audit_id = new(service)
    answer_everything(service, audit_id)
    judgements = service.judgements(audit_id)
    assert judgements.overall is not None
    assert judgements.overall.value == "requires_improvement"
    assert judgements.overall.rule_text == "The overall judgement is the lowest (worst) of the graded answers."
    with pytest.raises(AnswerRejected, match="rationale"):
        service.set_override(audit_id, "overall", "good", "   ")
    with pytest.raises(AnswerRejected, match="scale"):
        service.set_override(audit_id, "overall", "green", "Strong multi-agency work")
    service.set_override(audit_id, "overall", "good", "Strong multi-agency work outweighs a late referral")
    overall = service.judgements(audit_id).overall
    assert overall is not None and overall.value == "good" and overall.derived == "requires_improvement"
    assert service.list_audits().items[0].judgement == "good"
    service.clear_override(audit_id, "overall")
    assert service.list_audits().items[0].judgement == "requires_improvement"


def test_fill_answers_is_all_or_nothing(service: AuditService) -> None:
    audit_id = new(service)
    good = [Answer("referred", "yes"), Answer("referral_date", "2026-02-03"), Answer("agency_rag", "red", "police")]
    with pytest.raises(AnswerRejected) as caught:
        service.fill_answers(audit_id, [*good, Answer("grade_referral", "great"), Answer("days_to_decision", -1)])
    assert [p.field_id for p in caught.value.fields] == ["grade_referral", "days_to_decision"]
    assert service.get_audit(audit_id).answers == ()
    report = service.fill_answers(audit_id, good)
    assert report.answers_saved == 3 and report.keys == ("referred", "referral_date", "agency_rag@police")
    assert len(service.get_audit(audit_id).answers) == 3
    service.fill_answers(audit_id, [Answer("summary", "x")], amendment_reasons={"summary": "not an amendment"})
    assert service.get_audit(audit_id).amendment_reasons == {}


# -- amendment and history ---------------------------------------------------------------------


def completed(service: AuditService) -> str:
    audit_id = new(service)
    answer_everything(service, audit_id)
    service.complete(audit_id)
    return audit_id


def test_amend_makes_a_linked_revision_and_keeps_the_old_one(service: AuditService) -> None:
    first_id = completed(service)
    before = service.get_audit(first_id)
    revision = service.amend(first_id)
    assert revision.revision == 2 and revision.previous_revision_id == first_id
    assert revision.status == AuditStatus.DRAFT
    old = service.get_audit(first_id)
    assert old.status == AuditStatus.AMENDED
    assert old.answers == before.answers and old.completed_at == before.completed_at
    with pytest.raises(AuditReadOnly):
        service.save_answer(first_id, "summary", "x")
    with pytest.raises(ValidationError, match="only a complete or signed audit"):
        service.amend(revision.id)
    assert [r.id for r in service.revisions(revision.id)] == [revision.id, first_id]
    listed = {s.id: s.judgement for s in service.list_audits().items}
    assert listed[revision.id] == listed[first_id] == "requires_improvement"


def test_amendment_needs_a_reason_per_changed_answer(service: AuditService) -> None:
    revision = service.amend(completed(service))
    assert service.amended_answers(revision.id) == ()
    service.save_answer(revision.id, "summary", "Changed then changed back", amendment_reason="typo")
    service.save_answer(revision.id, "summary", None)
    service.save_answer(revision.id, "grade_referral", "requires_improvement")
    service.save_answer(revision.id, "agency_rag", "red", agency="health", amendment_reason="Health record found later")
    changes = service.amended_answers(revision.id)
    assert [(c.key, c.old_value, c.new_value, c.reason) for c in changes] == [
        ("agency_rag@health", "amber", "red", "Health record found later"),
        ("grade_referral", "good", "requires_improvement", None),
    ]
    with pytest.raises(IncompleteAudit) as caught:
        service.complete(revision.id)
    assert caught.value.unexplained == ("grade_referral",)
    service.set_amendment_reason(revision.id, "grade_referral", "Referral lacked the chronology")
    done = service.complete(revision.id)
    assert done.status == AuditStatus.COMPLETE
    assert service.get_audit(revision.id).amendment_reasons == {
        "agency_rag@health": "Health record found later",
        "grade_referral": "Referral lacked the chronology",
    }


def test_history_records_each_change(service: AuditService) -> None:
    audit_id = new(service)
    service.save_answer(audit_id, "referred", "yes")
    service.save_answer(audit_id, "referred", "no")
    fields = [e.field for e in service.history(audit_id)]
    assert fields[0] == "created"
    assert fields.count("answer:referred") == 2
    assert all(e.actor == "tester" for e in service.history(audit_id))


# -- listing -----------------------------------------------------------------------------------


def test_list_filters_in_sql(service: AuditService) -> None:
    draft = new(service, case_reference="MACA-2026-01-01")
    done = completed(service)
    assert service.list_audits().total == 2
    assert [s.id for s in service.list_audits(AuditFilter(statuses=(AuditStatus.COMPLETE,))).items] == [done]
    assert [s.id for s in service.list_audits(AuditFilter(text="2026-01")).items] == [draft]
    assert service.list_audits(AuditFilter(template_id="other")).total == 0
    assert service.list_audits(AuditFilter(agency="Police")).total == 2
    assert service.list_audits(AuditFilter(updated_to="2000-01-01")).total == 0

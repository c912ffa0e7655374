"""The identifier check in the audit and report use cases, on real vaults: completion and export
refuse until every likely identifier is acknowledged, acknowledgements are kept in the audit and
its change history, the text is never changed, and the signed report's data records them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lscp_audit.core.audit import AuditStatus
from lscp_audit.core.errors import ValidationError
from lscp_audit.core.identifiers import IdentifierKind
from lscp_audit.reports.verification import verify_pdf
from lscp_audit.services.audit_service import AuditService
from lscp_audit.services.audit_store import VaultAuditStore
from lscp_audit.services.identifier_checks import NAMES_KEY, IdentifiersNotAcknowledged, do_not_use_names
from lscp_audit.services.identity_service import IdentityService
from lscp_audit.services.report_service import ExportOptions, ReportService
from lscp_audit.services.settings_service import SettingsService
from tests.services.conftest import MINI, SUBJECT, FakeClock, answer_everything, template_catalogue

SUMMARY = "Jayden (03/04/2015) lives at ST4 7QB; the strategy meeting on 12/03/2025 agreed a s.47 enquiry."


@pytest.fixture
def audits(vault: Any) -> AuditService:
    return AuditService(
        VaultAuditStore(vault),
        template_catalogue(),
        actor="tester",
        clock=FakeClock(),
        names=lambda: do_not_use_names(vault),
    )


def draft_with_identifiers(audits: AuditService, vault: Any) -> str:
    SettingsService(vault).set(NAMES_KEY, "Jayden\n  jayden  \nOkafor")
    audit_id = audits.new_audit(MINI, SUBJECT).id
    answer_everything(audits, audit_id)
    audits.save_answer(audit_id, "summary", "Seen with Okafor family")
    audits.save_answer(audit_id, "went_well", SUMMARY)
    audits.save_answer(audit_id, "agency_rag", "green", agency="police", evidence="Call log: mum on 07700 900123")
    return audit_id


def test_the_do_not_use_list_is_a_vault_setting_one_name_a_line(vault: Any) -> None:
    settings = SettingsService(vault)
    assert settings.set(NAMES_KEY, " Jayden  Okafor \n\nJAYDEN okafor\nKyla-Mae\n") == "Jayden Okafor\nKyla-Mae"
    assert do_not_use_names(vault).names == ("Jayden Okafor", "Kyla-Mae")
    assert vault.settings.get(NAMES_KEY) == "Jayden Okafor\nKyla-Mae"


def test_check_places_each_hit_at_its_question_and_agency(audits: AuditService, vault: Any) -> None:
    audit_id = draft_with_identifiers(audits, vault)
    check = audits.identifier_check(audit_id)
    found = [(h.answer_key, h.kind, h.text) for h in check.hits]
    assert found == [
        ("agency_rag@police", IdentifierKind.PHONE, "07700 900123"),
        ("went_well", IdentifierKind.NAME, "Jayden"),
        ("went_well", IdentifierKind.DATE_OF_BIRTH, "03/04/2015"),
        ("went_well", IdentifierKind.POSTCODE, "ST4 7QB"),
        ("summary", IdentifierKind.NAME, "Okafor"),
    ]
    phone = check.hits[0]
    assert phone.where == "Each agency's work: How well did this agency work with others? (Police), evidence"
    assert phone.masked_text == "0**** *****3" and phone.acknowledgement is None
    assert check.hits[2].before.endswith("Jayden (") and check.hits[2].after.startswith(") lives")


def test_completion_refuses_until_acknowledged_and_the_text_is_never_changed(audits: AuditService, vault: Any) -> None:
    audit_id = draft_with_identifiers(audits, vault)
    with pytest.raises(IdentifiersNotAcknowledged) as caught:
        audits.complete(audit_id)
    assert len(caught.value.check.unacknowledged) == 5
    assert "went_well: Date of birth (0*/**/***5) in Findings: What went well" in caught.value.problems
    assert all("07700 900123" not in p and "ST4 7QB" not in p for p in caught.value.problems)
    assert audits.get_audit(audit_id).status == AuditStatus.DRAFT

    check = audits.identifier_check(audit_id)
    phone = next(h for h in check.hits if h.kind == IdentifierKind.PHONE)
    after = audits.acknowledge_identifiers(audit_id, "The duty team's number, not the family's", hit_ids=[phone.id])
    assert len(after.unacknowledged) == 4
    with pytest.raises(ValidationError, match="give a reason"):
        audits.acknowledge_identifiers(audit_id, "   ")
    # Correcting the text is the other way: the hits go with it.
    audits.save_answer(audit_id, "went_well", "Child A was seen; the strategy meeting on 12/03/2025 agreed a s.47.")
    audits.save_answer(audit_id, "summary", "Seen with the family")
    done = audits.complete(audit_id)
    assert done.status == AuditStatus.COMPLETE
    stored = audits.get_audit(audit_id)
    assert stored.answer_map()[("agency_rag", "police")].evidence == "Call log: mum on 07700 900123"
    [kept] = stored.identifier_acknowledgements
    assert (kept.kind, kept.reason, kept.by, kept.question_id, kept.agency) == (
        "phone",
        "The duty team's number, not the family's",
        "tester",
        "agency_rag",
        "police",
    )
    assert "07700" not in str(kept)  # the text found is not copied into the acknowledgement
    fields = [e.field for e in audits.history(audit_id)]
    assert "identifier_acknowledgements" in fields


def test_one_reason_for_all_on_completion(audits: AuditService, vault: Any) -> None:
    audit_id = draft_with_identifiers(audits, vault)
    done = audits.complete(audit_id, acknowledge_identifiers="Checked with the data protection officer")
    assert done.status == AuditStatus.COMPLETE
    assert len(audits.get_audit(audit_id).identifier_acknowledgements) == 5
    assert audits.identifier_check(audit_id).ok


def test_a_hidden_answer_is_not_checked(audits: AuditService, vault: Any) -> None:
    audit_id = draft_with_identifiers(audits, vault)
    audits.save_answer(audit_id, "referred", "yes")
    before = len(audits.identifier_check(audit_id).hits)
    audits.save_answer(audit_id, "referral_date", "2026-02-03", evidence="Form from jay@example.org")
    assert len(audits.identifier_check(audit_id).hits) == before + 1
    audits.save_answer(audit_id, "referred", "no")  # referral_date and its evidence no longer apply
    assert len(audits.identifier_check(audit_id).hits) == before


def test_export_refuses_new_hits_and_records_the_reason_in_the_signed_data(
    audits: AuditService, vault: Any, tmp_path: Path
) -> None:
    audit_id = draft_with_identifiers(audits, vault)
    audits.complete(audit_id, acknowledge_identifiers="Checked with the data protection officer")
    # A name added to the list after completion is caught at export.
    SettingsService(vault).set(NAMES_KEY, "Jayden\nOkafor\nstrategy meeting")
    IdentityService(vault).create("Ada Signer", "Chair", "LSCP")
    reports = ReportService(vault, actor="exporter")
    with pytest.raises(IdentifiersNotAcknowledged) as caught:
        reports.export(audit_id, tmp_path / "r.pdf")
    assert [h.text for h in caught.value.check.unacknowledged] == ["strategy meeting"]
    assert not (tmp_path / "r.pdf").exists()
    with pytest.raises(IdentifiersNotAcknowledged):
        reports.export_html(audit_id, tmp_path / "r.html")
    result = reports.export(audit_id, tmp_path / "r.pdf", ExportOptions(acknowledge_identifiers="Not a name here"))
    data = verify_pdf(result.path).data
    assert data is not None
    kept = data["identifier_check"]["acknowledged"]
    assert [(k["kind"], k["reason"], k["by"]) for k in kept][-1] == ("name", "Not a name here", "exporter")
    assert {k["kind_label"] for k in kept} >= {"Phone number", "Postcode", "Date of birth"}
    assert "07700 900123" not in str(kept) and "ST4 7QB" not in str(kept)
    assert reports.identifier_check(audit_id).ok


def test_the_change_history_reads_an_action_s_measure_and_what_it_answers(audits: AuditService) -> None:
    audit_id = audits.new_audit(MINI, SUBJECT).id
    action = {
        "action": "Audit MASH timeliness",
        "owner_agency": "The partnership itself",
        "owner_role": "QA lead",
        "due": "2027-01-31",
        "status": "open",
        "measure": "Nine in ten decisions within a day",
        "link": "section:referral",
    }
    audits.save_actions(audit_id, "actions", [action])
    [line] = [line for line in audits.change_history(audit_id).lines if "SMART actions" in line.what]
    assert line.after == (
        "1. Audit MASH timeliness (The partnership itself, QA lead; due 31 Jan 2027; Open; "
        "measure: Nine in ten decisions within a day; answers: Referral and threshold)"
    )
    assert audits.get_audit(audit_id).answer_map()[("actions", "")].value == [action]

"""The demo vault: fictitious audits in every shipped template at every status, marked DEMO."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lscp_audit import paths
from lscp_audit.core.audit import AuditStatus
from lscp_audit.core.errors import Cancelled, VaultError
from lscp_audit.core.progress import CancelToken
from lscp_audit.services import demo_data, demo_inbox
from lscp_audit.services.audit_service import AuditService
from lscp_audit.services.audit_types import AuditFilter
from lscp_audit.services.settings_service import SettingsService
from lscp_audit.services.subject_validation import looks_like_name
from lscp_audit.services.template_service import TemplateService
from tests.services.conftest import make_vault


def shipped_templates(tmp: Path) -> TemplateService:
    return TemplateService(shipped_dir=paths.forms_dir(), user_dir=tmp / "no-user-templates")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, demo_data.DemoResult, AuditService]]:
    """One demo vault (with signed reports) shared by the read-only tests below."""
    folder = tmp_path_factory.mktemp("demo")
    vault = make_vault(folder / "demo.lscp")
    steps: list[int] = []
    try:
        result = demo_data.populate_demo(
            vault,
            shipped_templates(folder),
            reports_dir=folder / "reports",
            progress=lambda percent, _step: steps.append(percent),
        )
        assert steps[0] == 0 and steps[-1] == 100
        yield vault, result, AuditService.for_vault(vault, shipped_templates(folder))
    finally:
        vault.close()


def test_vault_is_marked_demo(demo: Any) -> None:
    vault, _result, _service = demo
    assert demo_data.is_demo(vault)
    assert SettingsService(vault).is_demo


def test_every_template_has_every_status(demo: Any) -> None:
    _vault, result, service = demo
    template_ids = {t.id for t in shipped_templates(Path("/nonexistent")).list_templates()}
    assert set(result.templates) == template_ids and len(template_ids) >= 3
    for template_id in template_ids:
        statuses = {s.status for s in service.list_audits(AuditFilter(template_id=template_id)).items}
        assert statuses == {AuditStatus.DRAFT, AuditStatus.COMPLETE, AuditStatus.SIGNED, AuditStatus.AMENDED}
    assert result.audits == service.list_audits().total
    assert result.by_status["signed"] == len(template_ids)
    assert result.reports_dir is not None and len(list(result.reports_dir.glob("*.pdf"))) == len(template_ids)


def test_completed_demo_audits_are_really_complete(demo: Any) -> None:
    _vault, _result, service = demo
    for summary in service.list_audits(AuditFilter(limit=None)).items:
        missing = service.missing_answers(summary.id)
        if summary.status == AuditStatus.DRAFT:
            assert missing and service.get_audit(summary.id).answers
        else:
            assert missing == ()
            assert summary.judgement is not None


def test_references_are_pseudonymised_and_match_the_templates(demo: Any) -> None:
    _vault, _result, service = demo
    for summary in service.list_audits(AuditFilter(limit=None)).items:
        record = service.get_audit(summary.id)
        reference = record.subject.get("case_reference")
        if reference is None:  # a Section 11 return names its organisation from the agencies register
            template = service.open_audit(summary.id).template
            assert template.partnership is not None
            assert template.partnership.agency(record.subject["agency"]) is not None
            continue
        pattern = service.open_audit(summary.id).template.subject_field("case_reference").pattern
        assert re.fullmatch(pattern or ".*", reference)
        assert not looks_like_name(reference)


def test_amended_audits_keep_the_old_revision_and_give_reasons(demo: Any) -> None:
    _vault, _result, service = demo
    amended = service.list_audits(AuditFilter(statuses=(AuditStatus.AMENDED,))).items
    assert amended
    for old in amended:
        newer = [s for s in service.list_audits(AuditFilter(limit=None)).items if s.id != old.id]
        revision = next(
            service.get_audit(s.id) for s in newer if service.get_audit(s.id).previous_revision_id == old.id
        )
        changes = service.amended_answers(revision.id)
        assert changes and all(c.reason == demo_data.AMENDMENT_REASON for c in changes)
        assert revision.status == AuditStatus.COMPLETE


def test_self_assessment_text_is_about_the_organisation_not_a_case(demo: Any) -> None:
    _vault, _result, service = demo
    case_words = re.compile(
        r"MARAC|perpetrator|the child's|Was Not Brought|Operation Encompass|IDVA|core group|coercive", re.I
    )
    returns = service.list_audits(AuditFilter(template_id="section-11-self-assessment", limit=None)).items
    assert returns
    for summary in returns:
        record = service.get_audit(summary.id)
        assert record.subject.get("areas_covered") == "Westshire and Eastbrook (demo)"
        texts = [a.value for a in record.answers if isinstance(a.value, str)] + [a.evidence for a in record.answers]
        texts += [
            row["action"]
            for a in record.answers
            if isinstance(a.value, list)
            for row in a.value
            if isinstance(row, dict)
        ]
        found = [t for t in texts if t and case_words.search(t)]
        assert found == [], found


def test_an_override_with_rationale_is_shown(demo: Any) -> None:
    _vault, _result, service = demo
    overrides = [
        o for s in service.list_audits(AuditFilter(limit=None)).items for o in service.get_audit(s.id).overrides
    ]
    assert overrides and overrides[0].rationale == demo_data.OVERRIDE_RATIONALE


def test_generation_is_deterministic() -> None:
    template = shipped_templates(Path("/nonexistent")).get("was-not-brought")
    subject = {"case_reference": "WNB-2026-001", "agencies": ["gp", "school"]}
    first = demo_data.generate_answers(random.Random(7), template, subject, "mixed")
    second = demo_data.generate_answers(random.Random(7), template, subject, "mixed")
    assert first == second and len(first) > 10


def test_cancel_stops_the_build(tmp_path: Path) -> None:
    token = CancelToken()
    token.cancel()
    vault = make_vault(tmp_path / "cancelled.lscp")
    try:
        with pytest.raises(Cancelled):
            demo_data.populate_demo(vault, shipped_templates(tmp_path), cancel=token)
    finally:
        vault.close()


def test_build_refuses_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "existing.lscp"
    path.write_bytes(b"not a vault")
    with pytest.raises(VaultError):
        demo_data.build_demo_vault(path)
    assert path.read_bytes() == b"not a vault"


def test_the_qa_inbox_holds_trusted_returns_from_three_agencies_in_two_rounds(
    demo: tuple[Any, demo_data.DemoResult, AuditService],
) -> None:
    from lscp_audit.services.inbox_service import InboxService

    vault, result, _service = demo
    inbox = InboxService(vault)
    listing = inbox.listing()
    planned = demo_inbox.plan()
    assert result.inbox_returns == len(planned) == len(listing.returns) and listing.quarantine == ()
    assert all(e.trusted and e.judgement_check == "match" and e.has_pdf for e in listing.returns)
    da = [e for e in listing.returns if e.template_id == "domestic-abuse-maca"]
    assert {e.signer for e in da} == {a.name for a in demo_data.INBOX_AUDITORS}
    rounds = {inbox.report_data(e.id)["subject"]["audit_round"] for e in da}
    assert rounds == set(demo_data.INBOX_ROUNDS)
    cases = [e for e in listing.returns if e.kind == "case_audit"]
    assert all(not looks_like_name(e.subject) for e in cases)  # pseudonymised references only
    # filed under the demo profile's rounds, from three localities, with some outstanding
    from lscp_audit.services.partnership_service import PartnershipService

    partnership = PartnershipService(vault)
    assert {e.round_id for e in vault.imported_returns.list()} == {r.id for r in partnership.rounds()}
    assert len({e.locality for e in vault.imported_returns.list()}) == 3
    for round_id in demo_data.INBOX_ROUNDS:
        status = partnership.round_status(round_id)
        assert status.received == 3 and status.outstanding == 3 and status.quarantined == 0
        assert len([t for t in status.by_locality if t.received]) == 3
    for item in partnership.rounds():
        assert partnership.round_status(item.id).outstanding > 0  # every round waits for some returns


def test_the_qa_inbox_shows_every_template_a_case_view_section_11_rounds_and_moderation(
    demo: tuple[Any, demo_data.DemoResult, AuditService],
) -> None:
    """All four templates returned; one case returned by three agencies (the case view reads the
    round each return is filed under); Section 11 returns from the same organisations in two
    rounds, one signed off by its senior lead; actions due, some overdue; a signed moderation
    record from the demo moderator, trusted as a moderator, shown in the case view."""
    import datetime as dt

    from lscp_audit.services.inbox_service import InboxService
    from lscp_audit.services.moderation_service import ModerationService
    from lscp_audit.services.returns_service import ReturnsService

    vault, result, _service = demo
    inbox = InboxService(vault)
    listing = inbox.listing()
    assert {e.template_id for e in listing.returns} == set(demo_data.INBOX_TEMPLATES)
    s11 = [e for e in listing.returns if e.template_id == "section-11-self-assessment"]
    by_round: dict[str, set[str]] = {}
    for entry in s11:
        by_round.setdefault(entry.round_id, set()).add(vault.imported_returns.get(entry.id).return_agency)
    assert set(by_round) == {"s11-2025", "s11-2026"} and by_round["s11-2025"] < by_round["s11-2026"]
    assert len(by_round["s11-2025"]) >= 3  # the same organisations both years: a change to show
    signed_off = [e for e in s11 if [s.role for s in e.signatures] == ["auditor", "senior_lead"]]
    assert len(signed_off) == 1 and signed_off[0].round_id == "s11-2026" and signed_off[0].trusted
    # The case view of the shared baseline case: three agencies, its round, the moderation.
    shared = [e for e in listing.returns if e.subject == "DA-2026-900"]
    assert len(shared) == 3
    returns = ReturnsService(vault)
    view = returns.case_view_for(shared[0].id)
    assert len(view.agencies) == 3 and view.round == "Domestic abuse multi-agency audit 2026 (baseline)"
    [moderation] = view.moderation
    assert moderation.outcome == "Moderated" and moderation.verified and moderation.ratings
    assert moderation.agency == "Westshire Police (demo)" and "Demo QA Moderator" in moderation.moderator
    # Two signed records, both from a certificate trusted as a moderator.
    service = ModerationService(vault)
    assert result.moderation_records == 2 and sorted(service.outcomes().values()) == ["Agreed", "Moderated"]
    assert all(service.recheck().values()) and inbox.moderator_count() == 1
    # Actions with due dates: some already overdue, some still to come.
    today = dt.date(2026, 12, 5)
    dues = [
        (dt.date.fromisoformat(a["due"]), a["status"])
        for e in listing.returns
        for a in inbox.report_data(e.id).get("actions") or []
        if a.get("due")
    ]
    assert any(due < today and status != "complete" for due, status in dues)
    assert any(due > today for due, _status in dues)
    # Progress recorded by QA on baseline actions, as records of their own: the register takes the
    # newest update's status; the signed returns are unchanged.
    from lscp_audit.services.analysis_service import AnalysisService

    assert result.progress_updates == 4
    register = AnalysisService(vault).analyse().actions
    from_updates = [a for a in register if a.updates]
    assert len(from_updates) == 3
    assert sorted(a.status_code for a in from_updates) == ["complete", "complete", "in_progress"]

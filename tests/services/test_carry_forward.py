"""Section 11: an agency starts the next round's self-assessment from its previous return, on a
real vault with the shipped template. Answers and subject are carried forward (never the sign-off
or the partnership's moderation), each marked "carried forward — confirm" in the report data and
the preview PDF until the user confirms or changes it, and completion is blocked until every one
is confirmed (the blocker names them). Confirmations go in the change history."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bench.bench_reports import completed_audit
from lscp_audit import paths
from lscp_audit.core.audit import AuditStatus
from lscp_audit.core.errors import ValidationError
from lscp_audit.core.report_data import CARRIED_FORWARD, report_id_for
from lscp_audit.services.audit_service import AuditService
from lscp_audit.services.audit_store import VaultAuditStore
from lscp_audit.services.audit_types import IncompleteAudit
from lscp_audit.services.report_service import ReportService
from lscp_audit.services.template_service import TemplateService
from tests.reports import pdf_tools

S11 = "section-11-self-assessment"


@pytest.fixture
def service(vault: Any, tmp_path: Path) -> AuditService:
    templates = TemplateService(shipped_dir=paths.forms_dir(), user_dir=tmp_path / "user")
    return AuditService(VaultAuditStore(vault), templates, actor="Ann Completer")


@pytest.fixture
def previous(service: AuditService, vault: Any) -> str:
    template = service.template(S11)
    record = replace(completed_audit(template), id="s11-2024")
    vault.audits.create(record, "test", template_title=template.title)
    return record.id


def _answers_in(record: Any, section_ids: set[str], template: Any) -> list[str]:
    return [a.key for a in record.answers if template.section_of(a.question_id).id in section_ids]


def test_next_round_carries_answers_forward_marked_until_confirmed(
    service: AuditService, previous: str, vault: Any, tmp_path: Path
) -> None:
    before = service.get_audit(previous)
    record, left = service.start_from_previous(previous, title="Section 11 return 2026")
    template = service.template(S11)
    assert record.status == AuditStatus.DRAFT and record.id != previous and record.revision == 1
    assert record.subject == before.subject and record.title == "Section 11 return 2026"
    carried = record.carried_forward
    assert carried is not None and carried.from_audit_id == previous
    assert carried.from_report_id == report_id_for(previous, 1)
    assert set(carried.pending) == {
        f"{a.question_id}@{a.agency}" if a.agency else a.question_id for a in record.answers
    }
    assert len(carried.pending) > 50 and not left
    # The sign-off and the partnership's moderation are never carried forward.
    assert _answers_in(record, {"sign_off", "moderation"}, template) == []
    assert _answers_in(before, {"sign_off", "moderation"}, template)
    # Marked in the report data and the preview PDF.
    reports = ReportService(vault, actor="test")
    data = reports.report_data(record.id)
    marked = [a for s in data["sections"] for q in s["questions"] for a in q["answers"] if a.get("carried_forward")]
    assert 50 < len(marked) <= len(carried.pending)  # hidden questions print nothing, so carry no mark
    preview = tmp_path / "preview.pdf"
    preview.write_bytes(reports.preview_pdf(record.id))
    assert CARRIED_FORWARD in pdf_tools.pdftotext(preview)
    # Completion is blocked, naming every unconfirmed answer.
    with pytest.raises(IncompleteAudit) as blocked:
        service.complete(record.id)
    assert set(blocked.value.unconfirmed) == set(carried.pending)
    assert any("carried forward from the previous return" in p for p in blocked.value.problems)


def test_confirming_or_changing_each_answer_clears_it(service: AuditService, previous: str) -> None:
    record, _left = service.start_from_previous(previous)
    pending = list(record.unconfirmed)
    first, second = pending[0], next(k for k in pending[1:] if "@" not in k)
    confirmed = service.confirm_carried_forward(record.id, first)
    assert first not in confirmed.unconfirmed and first not in service.get_audit(record.id).unconfirmed
    with pytest.raises(ValidationError, match="not a carried-forward answer"):
        service.confirm_carried_forward(record.id, first)
    answer = service.get_audit(record.id).answer_map()[(second, "")]
    service.save_evidence(record.id, second, answer.evidence + " Checked again this year.")
    assert second not in service.get_audit(record.id).unconfirmed
    history = [e for e in service.history(record.id) if e.field == "carried_forward"]
    assert len(history) >= 3  # started, confirmed, changed
    for key in service.get_audit(record.id).unconfirmed:
        service.confirm_carried_forward(record.id, key)
    assert service.get_audit(record.id).unconfirmed == ()
    try:
        service.complete(record.id)
    except IncompleteAudit as exc:  # the sign-off still has to be answered: not a carry-forward blocker
        assert exc.unconfirmed == () and exc.missing
    data = ReportService(service_vault(service), actor="t").report_data(record.id)
    assert not any(a.get("carried_forward") for s in data["sections"] for q in s["questions"] for a in q["answers"])


def service_vault(service: AuditService) -> Any:
    return service._store._vault  # type: ignore[attr-defined]  # noqa: SLF001 (the store's vault, for the report service)


def test_only_a_completed_return_of_the_same_template_can_be_carried_forward(
    service: AuditService, previous: str
) -> None:
    record, _left = service.start_from_previous(previous)
    with pytest.raises(ValidationError, match="draft"):
        service.start_from_previous(record.id)


def test_next_round_and_confirm_on_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import argparse
    import json

    import keyring
    from keyring.backends import fail

    from lscp_audit.cli import main, vault_args
    from lscp_audit.cli.vault_args import open_vault_from_args
    from lscp_audit.storage.keyfile import TEST_POLICY

    monkeypatch.setattr(vault_args, "KDF_POLICY", TEST_POLICY)
    monkeypatch.setenv("LSCP_AUDIT_PASSPHRASE", "correct horse battery staple")
    previous_keyring = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        path = tmp_path / "agency.lscp"
        v = ["--vault", str(path), "--no-keychain"]
        assert main(["vault", "init", *v]) == 0
        with open_vault_from_args(argparse.Namespace(vault=path, no_keychain=True)) as vault:
            template = TemplateService(shipped_dir=paths.forms_dir(), user_dir=tmp_path / "u").get(S11)
            vault.audits.create(replace(completed_audit(template), id="s11-2024"), "test", template_title="S11")
        capsys.readouterr()
        assert main(["audit", "next-round", *v, "s11-2024", "--json"]) == 0
        started = json.loads(capsys.readouterr().out)
        assert started["carried_forward_from"] == "s11-2024" and len(started["unconfirmed"]) > 50
        assert main(["audit", "confirm", *v, started["id"], *started["unconfirmed"][:2]]) == 0
        assert (
            f"{len(started['unconfirmed']) - 2} carried-forward answer(s) still to confirm" in capsys.readouterr().out
        )
        assert main(["audit", "confirm", *v, started["id"], started["unconfirmed"][0]]) == 1  # already confirmed
        assert main(["audit", "complete", *v, started["id"]]) != 0
        assert "carried forward from the previous return and is not confirmed yet" in capsys.readouterr().err
    finally:
        keyring.set_keyring(previous_keyring)

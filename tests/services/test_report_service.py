"""ReportService and IdentityService over a real (temporary) vault: export, status, atomic
failure, cancellation, encryption, verification with the vault's trusted certificates."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lscp_audit.core.audit import AuditStatus
from lscp_audit.core.errors import Cancelled, LscpAuditError, NotFound, ValidationError
from lscp_audit.core.progress import CancelToken
from lscp_audit.reports.verification import verify_pdf
from lscp_audit.services.identity_service import IdentityService
from lscp_audit.services.report_service import ExportOptions, ReportService, verify_files
from tests.reports import pdf_tools
from tests.reports.sample_audit import CANARY, NAMES, make_vault, stored_audit, yaml_template


@pytest.fixture()
def out(tmp_path: Path) -> Path:
    """The export folder (the vault lives next to it, not in it)."""
    folder = tmp_path / "exports"
    folder.mkdir()
    return folder


@pytest.fixture()
def vault(tmp_path: Path) -> Iterator[Any]:
    v = make_vault(tmp_path / "vault.lscp")
    yield v
    v.close()


@pytest.fixture()
def audit_id(vault: Any) -> str:
    record = stored_audit(yaml_template())
    vault.audits.create(record, "test", template_title="Multi-agency case audit: neglect")
    return str(record.id)


@pytest.fixture()
def service(vault: Any) -> ReportService:
    IdentityService(vault).create(NAMES["turkish"], "Designated nurse", "Health (ICB)")
    return ReportService(vault, actor="test")


def test_export_writes_signed_report_and_marks_audit_signed(
    out: Path, service: ReportService, vault: Any, audit_id: str
) -> None:
    steps: list[tuple[int, str]] = []
    name = service.suggested_file_name(audit_id)
    assert CANARY not in name and name.startswith("lscp-audit-report-R-")
    result = service.export(audit_id, out / name, progress=lambda p, s: steps.append((p, s)))
    assert result.path.exists() and result.page_count >= 3 and result.signer == NAMES["turkish"]
    assert steps[-1][0] == 100 and [p for p, _ in steps] == sorted(p for p, _ in steps)
    assert vault.audits.get(audit_id).status == AuditStatus.SIGNED
    checked = verify_pdf(result.path)
    assert checked.ok() and checked.data is not None
    assert checked.data["template"]["id"] == "maca-sample" and checked.data["report"]["id"] == result.report_id
    text = pdf_tools.pdfsig(result.path)
    assert "Signature is Valid." in text and "Total document signed" in text
    assert "Соколов" in pdf_tools.pdftotext(result.path)


def test_report_uses_template_engine_judgements(service: ReportService, audit_id: str) -> None:
    data = service.report_data(audit_id)
    assert data["judgements"]["overall"]["derived"] == "inadequate"  # lowest section (health)
    assert data["judgements"]["overall"]["value"] == "requires_improvement"  # the auditor's override
    hidden = {q["id"]: q["relevant"] for s in data["sections"] for q in s["questions"]}
    assert hidden["eh_hidden"] is False and hidden["eh_identified"] is True


def test_draft_is_refused(service: ReportService, vault: Any, audit_id: str, out: Path) -> None:
    vault.audits.set_status(audit_id, AuditStatus.DRAFT, "test")
    with pytest.raises(ValidationError):
        service.export(audit_id, out / "r.pdf")
    assert not (out / "r.pdf").exists()


def test_no_identity_is_explained(vault: Any, audit_id: str, out: Path) -> None:
    with pytest.raises(NotFound, match="identity create"):
        ReportService(vault).export(audit_id, out / "r.pdf")


def test_cancel_leaves_no_file(service: ReportService, audit_id: str, out: Path) -> None:
    token = CancelToken()

    def progress(percent: int, _step: str) -> None:
        if percent >= 20:
            token.cancel()

    with pytest.raises(Cancelled):
        service.export(audit_id, out / "r.pdf", progress=progress, cancel=token)
    assert list(out.iterdir()) == []


def test_failed_write_keeps_previous_export(
    service: ReportService, audit_id: str, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dest = out / "r.pdf"
    dest.write_bytes(b"previous export")
    from lscp_audit import atomic_files as atomic_write

    def fail(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic_write.os, "replace", fail)
    with pytest.raises(LscpAuditError, match="unchanged"):
        service.export(audit_id, dest)
    assert dest.read_bytes() == b"previous export"
    assert [p.name for p in out.iterdir()] == ["r.pdf"]


def test_encrypted_compact_export(service: ReportService, audit_id: str, out: Path) -> None:
    result = service.export(audit_id, out / "r.pdf", ExportOptions(compact=True, password="long enough pw"))
    assert result.encrypted
    assert not verify_pdf(result.path).ok()
    checked = verify_pdf(result.path, password="long enough pw")
    assert checked.ok() and checked.data is not None and checked.data["report"]["mode"] == "compact"


def test_verify_with_vault_trust(service: ReportService, vault: Any, audit_id: str, out: Path) -> None:
    path = service.export(audit_id, out / "r.pdf").path
    assert not service.verify([path])[0].trust_checked
    pem = service.identities.export_certificate_pem()
    service.identities.trust_certificate(pem, "Health auditor")
    result = service.verify([path])[0]
    assert result.trust_checked and result.trusted and result.ok()
    assert verify_files([path], trust_pems=[pem])[0].trusted


def test_identity_import_and_export(vault: Any) -> None:
    from lscp_audit.reports import identity_certs

    root = identity_certs.create_partnership_ca("Testshire LSCP")
    blob = identity_certs.export_pkcs12(
        identity_certs.issue_auditor_certificate(root, NAMES["greek"], "Health visitor", "NHS Trust", "a@example.org"),
        b"pw",
    )
    identities = IdentityService(vault)
    info = identities.import_pkcs12(blob, b"pw")
    assert info.name == NAMES["greek"] and info.role == "Health visitor" and info.agency == "NHS Trust"
    assert not info.self_signed and info.is_default
    pem = identities.export_certificate_pem()
    assert pem.count("BEGIN CERTIFICATE") == 2 and "PRIVATE" not in pem
    signer = identities.signer()
    assert signer.material.chain_pem == (root.certificate_pem,)
    assert [i.id for i in identities.list_identities()] == [info.id]


def test_partnership_name_on_the_cover_only_when_a_partnership_root_issued_the_signer(
    vault: Any, audit_id: str, out: Path
) -> None:
    from lscp_audit.reports import identity_certs

    identities = IdentityService(vault)
    identities.create(NAMES["turkish"], "Designated nurse", "Health (ICB)")
    service = ReportService(vault, actor="test")
    assert service.report_data(audit_id)["report"]["partnership"] == ""  # self-signed: not known
    root = identity_certs.create_partnership_ca("Testshire LSCP")
    issued = identity_certs.issue_auditor_certificate(root, NAMES["greek"], "Health visitor", "NHS Trust")
    identities.import_pkcs12(identity_certs.export_pkcs12(issued, b"pw"), b"pw")
    assert service.report_data(audit_id)["report"]["partnership"] == "Testshire LSCP"
    cover = pdf_tools.pdftotext(service.export(audit_id, out / "p.pdf").path).split("\f")[0]
    assert "Partnership" in cover and "Testshire LSCP" in cover

"""InboxService over real vaults and real signed PDFs: an auditor's vault exports, the QA
subgroup's vault imports (trusted and untrusted signers, duplicates, tampered, unsigned, appended,
encrypted, cancelled)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lscp_audit.core.errors import NotFound, ValidationError
from lscp_audit.core.progress import CancelToken
from lscp_audit.services.identity_service import IdentityService
from lscp_audit.services.inbox_service import (
    TRUSTED,
    UNTRUSTED,
    ImportStatus,
    InboxService,
    data_problem,
    file_hash,
)
from lscp_audit.services.report_service import ExportOptions, ReportService
from tests.reports.sample_audit import CANARY, NAMES, make_vault, stored_audit, yaml_template

PDF_PASSWORD = "long enough pw"


@pytest.fixture(scope="module")
def auditor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """An auditor's vault with one completed audit, its certificate, a signed export, an
    encrypted export and the unsigned report (all real files)."""
    folder = tmp_path_factory.mktemp("auditor")
    vault = make_vault(folder / "auditor.lscp")
    vault.audits.create(stored_audit(yaml_template()), "test", template_title="Multi-agency case audit: neglect")
    IdentityService(vault).create(NAMES["turkish"], "Designated nurse", "Health (ICB)")
    reports = ReportService(vault, actor="test")
    signed = reports.export("a-0001", folder / "signed.pdf")
    encrypted = reports.export("a-0001", folder / "encrypted.pdf", ExportOptions(password=PDF_PASSWORD)).path
    unsigned = folder / "unsigned.pdf"
    unsigned.write_bytes(reports.preview_pdf("a-0001"))
    yield {
        "signed": signed.path,
        "report_id": signed.report_id,
        "encrypted": encrypted,
        "unsigned": unsigned,
        "pem": reports.identities.export_certificate_pem(),
    }
    vault.close()


@pytest.fixture()
def qa_vault(tmp_path: Path) -> Iterator[Any]:
    vault = make_vault(tmp_path / "qa.lscp")
    yield vault
    vault.close()


@pytest.fixture()
def inbox(qa_vault: Any) -> InboxService:
    return InboxService(qa_vault, clock=lambda: "2026-11-28T09:30:00+00:00")


def _signed_range(data: bytes) -> tuple[int, int]:
    """The first signed byte range's [start, length) from /ByteRange."""
    start = data.index(b"/ByteRange")
    numbers = data[start : start + 80].split(b"[", 1)[1].split(b"]", 1)[0].split()
    return int(numbers[0]), int(numbers[1])


def test_import_untrusted_then_list_and_remove(inbox: InboxService, auditor: dict[str, Any]) -> None:
    steps: list[int] = []
    [result] = inbox.import_files([auditor["signed"]], progress=lambda p, _s: steps.append(p))
    assert result.status == ImportStatus.IMPORTED and result.ok and result.reason == ""
    assert steps[-1] == 100
    entry = result.entry
    assert entry is not None and entry.verified == UNTRUSTED and not entry.trusted
    assert entry.report_id == auditor["report_id"] and entry.signer == NAMES["turkish"]
    assert (entry.template_id, entry.template_version) == ("maca-sample", "1.2.0")
    assert entry.template_title == "Multi-agency case audit: neglect" and entry.kind == "case_audit"
    assert entry.subject == CANARY and entry.overall_judgement == "requires_improvement"
    assert entry.overall_label and entry.signed_at.startswith("20") and entry.imported_at.startswith("2026-11-28")
    assert inbox.list_returns() == [entry]
    stored = inbox._vault.imported_returns.get(entry.id)
    assert stored.file_hash == file_hash(auditor["signed"].read_bytes())
    assert inbox.report_data(entry.id)["report"]["id"] == auditor["report_id"]
    inbox.remove(entry.id)
    assert inbox.list_returns() == []
    with pytest.raises(NotFound):
        inbox.remove(entry.id)


def test_trusted_signer(inbox: InboxService, auditor: dict[str, Any]) -> None:
    inbox.trust_certificate(auditor["pem"], "Health auditor")
    assert inbox.trusted_count() == 1
    [result] = inbox.import_files([auditor["signed"]])
    assert result.entry is not None and result.entry.verified == TRUSTED and result.entry.trusted


def test_other_trusted_certificate_leaves_signer_untrusted(inbox: InboxService, auditor: dict[str, Any]) -> None:
    from lscp_audit.reports.identity_certs import create_self_signed

    inbox.trust_certificate(create_self_signed("Someone else", "Role", "Agency").certificate_pem)
    [result] = inbox.import_files([auditor["signed"]])
    assert result.status == ImportStatus.IMPORTED and result.entry is not None
    assert result.entry.verified == UNTRUSTED


def test_not_a_certificate_is_refused(inbox: InboxService) -> None:
    with pytest.raises(ValidationError):
        inbox.trust_certificate("hello")


def test_duplicate_is_not_stored_twice(inbox: InboxService, auditor: dict[str, Any], tmp_path: Path) -> None:
    first = inbox.import_files([auditor["signed"]])[0]
    copy = tmp_path / "renamed copy.pdf"
    copy.write_bytes(auditor["signed"].read_bytes())
    second, third = inbox.import_files([auditor["signed"], copy])
    assert second.status == third.status == ImportStatus.DUPLICATE and second.ok
    assert "already in the inbox" in second.reason
    assert second.entry is not None and first.entry is not None and second.entry.id == first.entry.id
    assert len(inbox.list_returns()) == 1


def test_same_report_exported_again_is_imported_with_a_note(inbox: InboxService, auditor: dict[str, Any]) -> None:
    inbox.import_files([auditor["signed"]])
    # Same report, different bytes: the encrypted export of the same revision.
    [result] = inbox.import_files([auditor["encrypted"]], password=PDF_PASSWORD)
    assert result.status == ImportStatus.IMPORTED and auditor["report_id"] in result.note
    assert len(inbox.list_returns()) == 2


def test_tampered_file_is_rejected_and_not_stored(inbox: InboxService, auditor: dict[str, Any], tmp_path: Path) -> None:
    data = bytearray(auditor["signed"].read_bytes())
    start, length = _signed_range(bytes(data))
    target = data.index(b"stream", start + length // 3) + 40  # inside a content stream, within the range
    data[target] ^= 0x01
    tampered = tmp_path / "flipped.pdf"
    tampered.write_bytes(bytes(data))
    [result] = inbox.import_files([tampered])
    assert result.status == ImportStatus.REJECTED and not result.ok and result.entry is None
    assert "changed after it was signed" in result.reason
    assert inbox.list_returns() == []


def test_content_appended_after_signing_is_rejected(
    inbox: InboxService, auditor: dict[str, Any], tmp_path: Path
) -> None:
    appended = tmp_path / "appended.pdf"
    appended.write_bytes(auditor["signed"].read_bytes() + b"\n% trailing junk after signing\n")
    [result] = inbox.import_files([appended])
    assert result.status == ImportStatus.REJECTED and inbox.list_returns() == []
    assert "whole file" in result.reason or "changed" in result.reason


def test_unsigned_and_unreadable_files_are_rejected(
    inbox: InboxService, auditor: dict[str, Any], tmp_path: Path
) -> None:
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.7 nothing here")
    unsigned, unreadable, missing = inbox.import_files([auditor["unsigned"], junk, tmp_path / "missing.pdf"])
    assert unsigned.status == ImportStatus.REJECTED and unsigned.reason == "the PDF has no signature"
    assert unreadable.status == ImportStatus.REJECTED and "not a readable PDF" in unreadable.reason
    assert missing.status == ImportStatus.REJECTED and "cannot read the file" in missing.reason
    assert inbox.list_returns() == []


def test_encrypted_report_needs_its_password(inbox: InboxService, auditor: dict[str, Any]) -> None:
    [refused] = inbox.import_files([auditor["encrypted"]])
    assert refused.status == ImportStatus.REJECTED and "password" in refused.reason
    [imported] = inbox.import_files([auditor["encrypted"]], password=PDF_PASSWORD)
    assert imported.status == ImportStatus.IMPORTED and imported.entry is not None
    assert imported.entry.report_id == auditor["report_id"]


def test_cancel_stops_before_the_next_file(inbox: InboxService, auditor: dict[str, Any]) -> None:
    token = CancelToken()

    def progress(percent: int, _step: str) -> None:
        if percent > 0:
            token.cancel()

    results = inbox.import_files(
        [auditor["signed"], auditor["unsigned"], auditor["encrypted"]], progress=progress, cancel=token
    )
    # The token is set while the second file is being checked, so the third is never looked at.
    assert [r.status for r in results] == [ImportStatus.IMPORTED, ImportStatus.REJECTED, ImportStatus.SKIPPED]
    assert results[2].reason == "the import was cancelled" and len(inbox.list_returns()) == 1


def test_data_problems_are_named() -> None:
    good = {"schema": "lscp-audit/report-data", "schema_version": 1, "report": {"id": "R-AAAA-BBBB"}}
    assert data_problem(good) is None
    assert data_problem(None) == "the PDF holds no LSCP Audit report data"
    assert "not LSCP Audit report data" in (data_problem({**good, "schema": "other"}) or "")
    assert "version 2" in (data_problem({**good, "schema_version": 2}) or "")
    assert "no report id" in (data_problem({**good, "report": {}}) or "")

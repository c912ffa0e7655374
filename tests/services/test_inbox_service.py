"""InboxService over real vaults and real signed PDFs: an auditor's vault exports, the QA
subgroup's vault imports. Covers the trust model: quarantine for untrusted signers, trust after
seeing the fingerprint (re-checked from the kept PDF), duplicates by what was signed (padding
inside /Contents, the same revision exported again), conflicts (same report id, another signer),
superseded revisions, moderator countersignatures, signed on behalf of, the printed judgement
compared with the data, and broken files that never stop a batch."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lscp_audit.core.errors import NotFound, ValidationError
from lscp_audit.core.progress import CancelToken
from lscp_audit.reports import identity_certs
from lscp_audit.reports.signing import QA_FIELD, SignerIdentity
from lscp_audit.services.identity_service import IdentityService
from lscp_audit.services.inbox_service import (
    AUDITOR,
    COUNTERSIGNER,
    JUDGEMENT_MATCH,
    JUDGEMENT_MISMATCH,
    TRUSTED,
    UNTRUSTED,
    ImportStatus,
    InboxService,
    data_problem,
    file_hash,
    fingerprint_text,
)
from lscp_audit.services.report_service import ExportOptions, ReportService
from tests.reports.sample_audit import CANARY, NAMES, amended_revision, make_vault, stored_audit, yaml_template

PDF_PASSWORD = "long enough pw"


def _countersign(pdf: bytes, material: identity_certs.SigningMaterial, name: str) -> bytes:
    """Sign the report's empty QA moderator field, as a moderator's app would."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    from lscp_audit.reports.signing import _signer

    qa = SignerIdentity(material, name, "QA chair", "Testshire LSCP")
    meta = signers.PdfSignatureMetadata(
        field_name=QA_FIELD, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256"
    )
    out = signers.PdfSigner(meta, signer=_signer(qa)).sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(pdf)), existing_fields_only=True, output=io.BytesIO()
    )
    return out.getvalue()


@pytest.fixture(scope="module")
def auditor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """An auditor's vault with a completed audit and its amended revision 2, two signing
    identities (the auditor herself and a deputy who signs on her behalf), and real files: the
    signed report, an encrypted export, the unsigned report, revision 2, the same revision signed
    by the deputy, a countersigned copy and a copy whose pages print another judgement."""
    folder = tmp_path_factory.mktemp("auditor")
    vault = make_vault(folder / "auditor.lscp")
    first = stored_audit(yaml_template())
    vault.audits.create(first, "test", template_title="Multi-agency case audit: neglect")
    vault.audits.create(
        amended_revision(first, "eh_referral", "no", "Checked the referral log again"),
        "test",
        template_title="Multi-agency case audit: neglect",
    )
    identities = IdentityService(vault)
    deputy = identities.create(NAMES["turkish"], "Designated nurse", "Health (ICB)", make_default=False)
    identities.create(NAMES["polish"], "Designated safeguarding lead", "Testshire Council", make_default=True)
    reports = ReportService(vault, actor="test")
    signed = reports.export("a-0001", folder / "signed.pdf")
    encrypted = reports.export("a-0001", folder / "encrypted.pdf", ExportOptions(password=PDF_PASSWORD)).path
    by_deputy = reports.export("a-0001", folder / "by-deputy.pdf", ExportOptions(identity_id=deputy.id)).path
    revision2 = reports.export("a-0002", folder / "revision2.pdf")
    unsigned = folder / "unsigned.pdf"
    unsigned.write_bytes(reports.preview_pdf("a-0001"))
    moderator = identity_certs.create_self_signed("Moderator Nowak", "QA chair", "Testshire LSCP")
    countersigned = folder / "countersigned.pdf"
    countersigned.write_bytes(_countersign(signed.path.read_bytes(), moderator, "Moderator Nowak"))
    with pytest.MonkeyPatch.context() as patch:  # a signer's own app printing a judgement the data does not hold
        from lscp_audit.reports.layout import summary

        original = summary._judgement_block
        patch.setattr(summary, "_judgement_block", lambda overall: original({**overall, "label": "Outstanding"}))
        mismatched = reports.export("a-0001", folder / "mismatched.pdf").path
    yield {
        "signed": signed.path,
        "report_id": signed.report_id,
        "encrypted": encrypted,
        "by_deputy": by_deputy,
        "revision2": revision2.path,
        "revision2_id": revision2.report_id,
        "unsigned": unsigned,
        "countersigned": countersigned,
        "mismatched": mismatched,
        "pem": reports.identities.export_certificate_pem(),
        "deputy_pem": reports.identities.export_certificate_pem(deputy.id),
        "moderator_pem": moderator.certificate_pem,
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


def _padding_changed(data: bytes) -> bytes:
    """The same file with one digit of the zero padding inside the signature's /Contents changed
    (not covered by the signature, so still a valid signature over the same content)."""
    _start, length = _signed_range(data)
    contents_end = data.index(b">", length)
    assert data[contents_end - 8 : contents_end] == b"00000000"
    return data[: contents_end - 4] + b"1" + data[contents_end - 3 :]


def test_untrusted_return_is_held_in_quarantine_with_its_signer(
    inbox: InboxService, auditor: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from lscp_audit.reports import page_text

    parsed: list[int] = []  # PDFium (native code) never reads a file no trusted signer signed
    real_check = page_text.check_overall_judgement
    monkeypatch.setattr(
        page_text, "check_overall_judgement", lambda pdf, *a, **k: parsed.append(len(pdf)) or real_check(pdf, *a, **k)
    )
    steps: list[int] = []
    [result] = inbox.import_files([auditor["signed"]], progress=lambda p, _s: steps.append(p))
    assert result.status == ImportStatus.IMPORTED and result.ok and result.quarantined and steps[-1] == 100
    entry = result.entry
    assert entry is not None and entry.verified == UNTRUSTED and entry.quarantined and not entry.trusted
    assert "held in quarantine" in result.note and "not trusted in this vault" in entry.trust_problem
    assert entry.report_id == auditor["report_id"] and entry.signer == NAMES["polish"] and entry.revision == 1
    assert (entry.template_id, entry.template_version) == ("maca-sample", "1.2.0")
    assert entry.template_title == "Multi-agency case audit: neglect" and entry.kind == "case_audit"
    assert entry.subject == CANARY and entry.overall_judgement == "requires_improvement"
    assert entry.auditor_name == NAMES["polish"] and not entry.signed_on_behalf
    assert entry.judgement_check == "" and entry.page_judgement == "" and entry.has_pdf and parsed == []
    [signer] = entry.signatures
    assert signer.role == AUDITOR and signer.name == NAMES["polish"] and not signer.trusted
    assert len(signer.fingerprint) == 64 and entry.signer_fingerprint == signer.fingerprint
    assert signer.signed_at.startswith("20") and entry.imported_at.startswith("2026-11-28")
    # Quarantine is never mixed with (or counted as) trusted returns.
    assert inbox.list_returns() == [] and inbox.quarantine() == [entry]
    assert inbox._vault.imported_returns.get(entry.id).file_hash == file_hash(auditor["signed"].read_bytes())
    assert inbox.pdf(entry.id) == auditor["signed"].read_bytes()
    assert inbox.report_data(entry.id)["report"]["id"] == auditor["report_id"]
    inbox.remove(entry.id)
    assert inbox.quarantine() == []
    with pytest.raises(NotFound):
        inbox.remove(entry.id)
    with pytest.raises(NotFound):
        inbox.pdf(entry.id)


def test_trusted_signer(inbox: InboxService, auditor: dict[str, Any]) -> None:
    inbox.trust_certificate(auditor["pem"], "Auditor")
    assert inbox.trusted_count() == 1 and inbox.moderator_count() == 0
    [result] = inbox.import_files([auditor["signed"]])
    assert result.entry is not None and result.entry.verified == TRUSTED and result.entry.trusted
    assert result.note == "" and result.entry.signatures[0].trusted
    assert inbox.list_returns() == [result.entry] and inbox.quarantine() == []


def test_trusting_the_signer_after_seeing_the_fingerprint_releases_the_return(
    inbox: InboxService, auditor: dict[str, Any]
) -> None:
    [result] = inbox.import_files([auditor["signed"]])
    assert result.entry is not None
    return_id = result.entry.id
    pem, fingerprint = inbox.signer_certificate(return_id)
    assert "BEGIN CERTIFICATE" in pem and fingerprint == result.entry.signer_fingerprint
    with pytest.raises(ValidationError, match="does not match"):
        inbox.trust_signer(return_id, "00" * 32)
    assert inbox.trusted_count() == 0 and inbox.list_returns() == []
    assert result.entry.judgement_check == ""  # the pages are not read while the signer is untrusted
    outcome = inbox.trust_signer(return_id, fingerprint_text(fingerprint))  # as shown, in groups of four
    assert outcome.checked == 1 and outcome.now_trusted == (return_id,)
    [entry] = inbox.list_returns()
    assert entry.id == return_id and entry.trusted and entry.signatures[0].trusted and entry.trust_problem == ""
    assert entry.judgement_check == JUDGEMENT_MATCH and entry.page_judgement  # compared once trusted
    assert inbox.quarantine() == []


def test_other_trusted_certificate_leaves_signer_in_quarantine(inbox: InboxService, auditor: dict[str, Any]) -> None:
    inbox.trust_certificate(identity_certs.create_self_signed("Someone else", "Role", "Agency").certificate_pem)
    [result] = inbox.import_files([auditor["signed"]])
    assert result.status == ImportStatus.IMPORTED and result.entry is not None
    assert result.entry.verified == UNTRUSTED and inbox.list_returns() == []


def test_not_a_certificate_is_refused(inbox: InboxService) -> None:
    with pytest.raises(ValidationError):
        inbox.trust_certificate("hello")


def test_duplicates_are_found_by_what_was_signed(inbox: InboxService, auditor: dict[str, Any], tmp_path: Path) -> None:
    inbox.trust_certificate(auditor["pem"])
    first = inbox.import_files([auditor["signed"]])[0]
    copy = tmp_path / "renamed copy.pdf"
    copy.write_bytes(auditor["signed"].read_bytes())
    padded = tmp_path / "padding digit changed.pdf"
    padded.write_bytes(_padding_changed(auditor["signed"].read_bytes()))
    assert file_hash(padded.read_bytes()) != file_hash(auditor["signed"].read_bytes())
    again, renamed, padding, reexported = inbox.import_files(
        [auditor["signed"], copy, padded, auditor["encrypted"]], password=PDF_PASSWORD
    )
    for result in (again, renamed, padding, reexported):  # the encrypted one is the same revision exported again
        assert result.status == ImportStatus.DUPLICATE and result.ok, result
        assert "already in the inbox" in result.reason
        assert result.entry is not None and first.entry is not None and result.entry.id == first.entry.id
    assert len(inbox.list_returns()) == 1 and inbox.quarantine() == []


def test_same_report_from_another_signer_is_a_conflict(inbox: InboxService, auditor: dict[str, Any]) -> None:
    inbox.trust_certificate(auditor["pem"])
    own, deputy = inbox.import_files([auditor["signed"], auditor["by_deputy"]])
    assert own.entry is not None and own.entry.trusted
    assert deputy.status == ImportStatus.IMPORTED and deputy.quarantined and "conflict" in deputy.note
    [trusted] = inbox.list_returns()
    [held] = inbox.quarantine()
    assert "in quarantine" in trusted.conflict and NAMES["turkish"] in trusted.conflict
    assert "among trusted returns" in held.conflict and NAMES["polish"] in held.conflict
    # Signed by the deputy on behalf of the auditor named in the report: both are shown.
    assert held.signed_on_behalf and held.signer == NAMES["turkish"] and held.auditor_name == NAMES["polish"]
    assert "on behalf of" in deputy.note
    # Trusting the deputy checks only the quarantine again (more trust never takes trust away);
    # both returns are then trusted and still flagged as a conflict.
    outcome = inbox.trust_signer(held.id, held.signer_fingerprint)
    assert (outcome.checked, outcome.now_trusted) == (1, (held.id,))
    assert inbox.quarantine() == [] and all(e.conflict for e in inbox.list_returns())
    assert inbox.recheck().checked == 2


def test_newer_revision_supersedes_and_both_are_kept(inbox: InboxService, auditor: dict[str, Any]) -> None:
    inbox.trust_certificate(auditor["pem"])
    second, first = inbox.import_files([auditor["revision2"], auditor["signed"]])
    assert second.entry is not None and first.entry is not None and second.entry.revision == 2
    assert first.status == ImportStatus.IMPORTED  # an older revision is kept, not a duplicate
    assert [e.report_id for e in inbox.list_returns()] == [auditor["revision2_id"]]
    assert inbox.listing().superseded == 1
    everything = inbox.list_returns(include_superseded=True)
    assert {e.report_id for e in everything} == {auditor["report_id"], auditor["revision2_id"]}
    older = next(e for e in everything if e.revision == 1)
    assert older.superseded_by == auditor["revision2_id"] and inbox.get(older.id).superseded_by == older.superseded_by
    assert inbox.get(second.entry.id).superseded_by == ""


def test_countersignature_needs_a_trusted_moderator(inbox: InboxService, auditor: dict[str, Any]) -> None:
    inbox.trust_certificate(auditor["pem"])
    [plain] = inbox.import_files([auditor["signed"]])
    [counter] = inbox.import_files([auditor["countersigned"]])
    # An untrusted countersignature is held apart; the auditor's return stays trusted.
    assert counter.status == ImportStatus.IMPORTED and counter.quarantined and counter.entry is not None
    auditor_sig, qa_sig = counter.entry.signatures
    assert (auditor_sig.role, qa_sig.role) == (AUDITOR, COUNTERSIGNER) and not qa_sig.moderator
    assert "Moderator Nowak (QA moderator's countersignature) is not trusted" in counter.entry.trust_problem
    assert [e.id for e in inbox.list_returns()] == [plain.entry.id if plain.entry else ""]
    # Trusting the moderator's certificate *as a signer* is not enough ...
    inbox.trust_certificate(auditor["moderator_pem"])
    inbox.recheck()
    held = inbox.get(counter.entry.id)
    assert held.quarantined and "not trusted as a QA moderator" in held.trust_problem
    # ... on the moderator list it is: the countersigned copy is trusted.
    inbox.trust_certificate(auditor["moderator_pem"], moderator=True)
    outcome = inbox.recheck()
    assert outcome.now_trusted == (counter.entry.id,) and inbox.moderator_count() == 1
    released = inbox.get(counter.entry.id)
    assert released.trusted and released.signatures[1].moderator and released.signatures[1].trusted


def test_trusted_countersigned_copy_replaces_the_plain_copy(inbox: InboxService, auditor: dict[str, Any]) -> None:
    inbox.trust_certificate(auditor["pem"])
    inbox.trust_certificate(auditor["moderator_pem"], moderator=True)
    inbox.trust_certificate(auditor["moderator_pem"])
    [plain] = inbox.import_files([auditor["signed"]])
    [counter] = inbox.import_files([auditor["countersigned"]])
    assert counter.status == ImportStatus.IMPORTED and counter.entry is not None and counter.entry.trusted
    assert "replaces" in counter.note
    assert [e.id for e in inbox.list_returns()] == [counter.entry.id]
    [again] = inbox.import_files([auditor["signed"]])  # the copy with fewer signatures
    assert again.status == ImportStatus.DUPLICATE and again.entry is not None and again.entry.id == counter.entry.id


def test_printed_judgement_that_differs_from_the_data_is_flagged(inbox: InboxService, auditor: dict[str, Any]) -> None:
    inbox.trust_certificate(auditor["pem"])
    [result] = inbox.import_files([auditor["mismatched"]])
    assert result.entry is not None and result.entry.trusted  # the signature is good: the signer made it so
    assert result.entry.judgement_check == JUDGEMENT_MISMATCH and result.entry.judgement_mismatch
    assert result.entry.page_judgement == "Outstanding" and result.entry.overall_label == "Requires improvement"
    assert "'Outstanding'" in result.note


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
    assert inbox.list_returns() == [] and inbox.quarantine() == []


def test_content_appended_after_signing_is_rejected(
    inbox: InboxService, auditor: dict[str, Any], tmp_path: Path
) -> None:
    appended = tmp_path / "appended.pdf"
    appended.write_bytes(auditor["signed"].read_bytes() + b"\n% trailing junk after signing\n")
    [result] = inbox.import_files([appended])
    assert result.status == ImportStatus.REJECTED and inbox.quarantine() == []


def test_bad_files_never_stop_the_batch(inbox: InboxService, auditor: dict[str, Any], tmp_path: Path) -> None:
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.7 nothing here")
    nested = tmp_path / "nested.pdf"
    nested.write_bytes(
        b"%PDF-1.7\n1 0 obj\n" + b"[" * 200_000 + b"]" * 200_000 + b"\nendobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    directory = tmp_path / "a folder.pdf"
    directory.mkdir()
    results = inbox.import_files(
        [auditor["unsigned"], junk, nested, tmp_path / "missing.pdf", directory, auditor["signed"]]
    )
    unsigned, unreadable, deep, missing, folder, good = results
    assert unsigned.status == ImportStatus.REJECTED and unsigned.reason == "the PDF has no signature"
    for result in (unreadable, deep, missing, folder):
        assert result.status == ImportStatus.REJECTED and result.reason, result
    assert "cannot read the file" in missing.reason
    assert good.status == ImportStatus.IMPORTED and len(inbox.quarantine()) == 1


def test_encrypted_report_needs_its_password(inbox: InboxService, auditor: dict[str, Any]) -> None:
    [refused] = inbox.import_files([auditor["encrypted"]])
    assert refused.status == ImportStatus.REJECTED and "password" in refused.reason
    [imported] = inbox.import_files([auditor["encrypted"]], password=PDF_PASSWORD)
    assert imported.status == ImportStatus.IMPORTED and imported.entry is not None
    assert imported.entry.report_id == auditor["report_id"] and imported.entry.judgement_check == ""
    # Re-checking a password-protected return needs the password again (it is never stored).
    inbox.trust_certificate(auditor["pem"])
    without = inbox.recheck()
    assert without.not_checked and "password" in without.not_checked[0][1] and inbox.quarantine()
    assert inbox.recheck(password=PDF_PASSWORD).now_trusted == (imported.entry.id,)
    [entry] = inbox.list_returns()
    assert entry.judgement_check == JUDGEMENT_MATCH  # the pages compared once the signer is trusted


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
    assert results[2].reason == "the import was cancelled" and len(inbox.quarantine()) == 1


def test_verify_lists_every_signer_with_the_vault_trust_lists(inbox: InboxService, auditor: dict[str, Any]) -> None:
    inbox.trust_certificate(auditor["pem"])
    inbox.trust_certificate(auditor["moderator_pem"], moderator=True)
    inbox.trust_certificate(auditor["moderator_pem"])
    [result, missing] = inbox.verify([auditor["countersigned"], Path("/nonexistent/file.pdf")])
    assert result.ok() and [s.role for s in result.signatures] == [AUDITOR, COUNTERSIGNER]
    assert result.signatures[1].moderator
    assert missing.problem and "cannot read the file" in missing.problem
    # The report service's verify uses the same two trust lists of the vault.
    [same] = ReportService(inbox._vault, actor="test").verify([auditor["countersigned"]])
    assert same.ok() and same.signatures[1].moderator


def test_data_problems_are_named() -> None:
    good = {"schema": "lscp-audit/report-data", "schema_version": 1, "report": {"id": "R-AAAA-BBBB"}}
    assert data_problem(good) is None
    assert data_problem(None) == "the PDF holds no LSCP Audit report data"
    assert "not LSCP Audit report data" in (data_problem({**good, "schema": "other"}) or "")
    assert "version 2" in (data_problem({**good, "schema_version": 2}) or "")
    assert "no report id" in (data_problem({**good, "report": {}}) or "")


def test_fingerprint_text() -> None:
    assert fingerprint_text("ab12" * 16).startswith("AB12 AB12 ") and len(fingerprint_text("ab" * 32)) == 79
    assert fingerprint_text("ab" * 32, short=True) == "ABAB ABAB ABAB ABAB…"


def test_vault_closing_mid_batch_keeps_the_results(inbox: InboxService, auditor: dict[str, Any]) -> None:
    """Not a bad file but the vault going away (e.g. locked): what was imported is reported,
    the rest are skipped with the reason, and nothing raises."""

    def progress(percent: int, _step: str) -> None:
        if percent > 0:
            inbox._vault.close()

    first, second, third = inbox.import_files(
        [auditor["signed"], auditor["revision2"], auditor["by_deputy"]], progress=progress
    )
    assert first.status == ImportStatus.IMPORTED
    assert second.status == third.status == ImportStatus.SKIPPED
    assert "vault could not store it" in second.reason and "files before it were imported" in third.reason


def test_trusting_a_partnership_issued_signer_from_quarantine(inbox: InboxService, tmp_path: Path) -> None:
    """An auditor whose certificate the partnership root issued: trusting that certificate
    itself (not the root) from the quarantine is enough."""
    root = identity_certs.create_partnership_ca("Testshire LSCP")
    vault = make_vault(tmp_path / "issued.lscp")
    try:
        vault.audits.create(stored_audit(yaml_template()), "test")
        IdentityService(vault).create(NAMES["polish"], "DSL", "Testshire Council", issuer=root)
        pdf = ReportService(vault, actor="test").export("a-0001", tmp_path / "issued.pdf").path
    finally:
        vault.close()
    [result] = inbox.import_files([pdf])
    assert result.quarantined and result.entry is not None
    outcome = inbox.trust_signer(result.entry.id, result.entry.signer_fingerprint)
    assert outcome.now_trusted == (result.entry.id,) and inbox.get(result.entry.id).trusted


def test_results_come_one_file_at_a_time(inbox: InboxService, auditor: dict[str, Any], tmp_path: Path) -> None:
    """The CLI prints each file's outcome as soon as it is known: the first result is there
    (and stored) before the second file is looked at."""
    steps: list[str] = []
    results = inbox.iter_import([auditor["signed"], tmp_path / "missing.pdf"], progress=lambda _p, s: steps.append(s))
    first = next(results)
    assert first.status == ImportStatus.IMPORTED and len(inbox.quarantine()) == 1
    assert len(steps) == 1 and "1 of 2" in steps[0]
    second = next(results)
    assert second.status == ImportStatus.REJECTED and list(results) == [] and steps[-1] == "Done"


@pytest.mark.parametrize("newer_first", [False, True], ids=["older revision first", "newer revision first"])
def test_a_big_batch_judges_every_file_as_importing_them_one_at_a_time(
    inbox: InboxService, auditor: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, newer_first: bool
) -> None:
    """A big import stores many files in one transaction and skips the look-ups its first two
    queries show must come back empty. Within one batch the copy is still a duplicate, the
    deputy's return a conflict, revision 2 supersedes revision 1 whichever comes first and the
    countersigned copy replaces the plain one: every result and every stored return is what
    importing the files one at a time gives."""
    from lscp_audit.services import inbox_service

    monkeypatch.setattr(inbox_service, "FLUSH_SECONDS", 3600.0)  # one batch, whatever the load
    copy = tmp_path / "copy.pdf"
    copy.write_bytes(auditor["signed"].read_bytes())
    revisions = [auditor["revision2"], auditor["signed"]] if newer_first else [auditor["signed"], auditor["revision2"]]
    files = [*revisions, auditor["by_deputy"], copy, auditor["countersigned"], auditor["mismatched"]]
    files += [auditor["encrypted"], auditor["unsigned"]]
    assert len(files) >= inbox_service.PARALLEL_FROM
    one_vault = make_vault(tmp_path / "one-at-a-time.lscp")
    try:
        one = InboxService(one_vault, clock=lambda: "2026-11-28T09:30:00+00:00")
        for service in (inbox, one):
            service.trust_certificate(auditor["pem"])
            service.trust_certificate(auditor["moderator_pem"], moderator=True)
        batched = inbox.import_files(files, password=PDF_PASSWORD, workers=1)
        singly = [r for path in files for r in one.import_files([path], password=PDF_PASSWORD)]

        def shown(result: Any) -> tuple[Any, ...]:
            entry = result.entry
            if entry is not None:
                entry = (entry.report_id, entry.verified, entry.superseded_by, entry.conflict, entry.revision)
            return (result.path, result.status, result.reason, result.note, entry)

        assert [shown(r) for r in batched] == [shown(r) for r in singly]
        statuses = [r.status for r in batched]
        assert ImportStatus.DUPLICATE in statuses and statuses[-1] == ImportStatus.REJECTED
        assert any("conflict" in r.note for r in batched) and any("replaces" in r.note for r in batched)

        def stored(service: InboxService) -> list[tuple[Any, ...]]:
            listing = service.listing(include_superseded=True)
            return sorted(
                (e.report_id, e.signer, e.verified, e.superseded_by, e.conflict, len(e.signatures))
                for e in [*listing.returns, *listing.quarantine]
            )

        assert stored(inbox) == stored(one)
        assert inbox.listing().superseded == 1 and [e.report_id for e in inbox.list_returns()] == [
            auditor["revision2_id"]
        ]
    finally:
        one_vault.close()

"""InboxService: the QA subgroup's inbox of signed returns (Qt-free).

Importing a PDF reads its bytes once, hashes them (SHA-256) and verifies exactly those bytes with
the reports layer's verifier against the certificates trusted in this vault (the same trust
source as `ReportService.verify`). A file is refused, and nothing is stored, unless it is
signed, intact (signed bytes unchanged), wholly covered by its last signature and carries LSCP
Audit report data (schema ``lscp-audit/report-data`` version 1). Trust does not decide
acceptance: a valid return from a signer the vault does not trust is stored with the status
word ``untrusted signer`` so the QA subgroup can see it and follow it up.

The same bytes are never stored twice (duplicates are found by file hash). The vault keeps the
embedded report data, not the PDF, so the verification status is as at import time.
Logs carry return ids, report ids and counts, never file names, case references or answers.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lscp_audit.core.errors import Cancelled, ValidationError, VaultError
from lscp_audit.core.identity import ImportedReturn, TrustedCertificate
from lscp_audit.core.progress import Progress, SupportsCancel, check, no_progress
from lscp_audit.reports.verification import VerificationResult, load_trust_certificates, verify_pdf_bytes
from lscp_audit.services.identity_service import IdentityService
from lscp_audit.services.report_service import verify_files

log = logging.getLogger(__name__)

SCHEMA = "lscp-audit/report-data"
SCHEMA_VERSIONS = (1,)
TRUSTED = "trusted"
UNTRUSTED = "untrusted signer"
MAX_FILE_BYTES = 100 * 1024 * 1024  # a 30-page report is well under 1 MB; refuse anything absurd
SELF_ASSESSMENT_KIND = "agency_self_assessment"


class ImportStatus(enum.StrEnum):
    """What happened to one file."""

    IMPORTED = "imported"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"
    SKIPPED = "skipped"  # not looked at because the import was cancelled


@dataclass(frozen=True)
class InboxEntry:
    """One imported return as the inbox lists it (plain values, safe to pass to any thread).

    `subject` is the case reference for a case audit, or the organisation for a Section 11
    self-assessment (`kind` says which). `signed_at` is the report's generation time from the
    signed data (set moments before signing). `overall_judgement` is the code that counts
    (e.g. ``requires_improvement``, ``amber``) and `overall_label` its words; both are empty
    when the data has no overall judgement. Timestamps are ISO 8601 UTC text.
    """

    id: str
    report_id: str
    template_id: str
    template_title: str
    template_version: str
    kind: str
    subject: str
    signer: str
    signed_at: str
    verified: str
    imported_at: str
    overall_judgement: str = ""
    overall_label: str = ""

    @property
    def trusted(self) -> bool:
        return self.verified == TRUSTED


@dataclass(frozen=True)
class InboxImportResult:
    """The outcome for one file: `reason` explains a rejection; `entry` is the stored return
    (the new one, or for a duplicate the one already in the inbox); `note` is extra advice."""

    path: Path
    status: ImportStatus
    reason: str = ""
    entry: InboxEntry | None = None
    note: str = ""

    @property
    def ok(self) -> bool:
        """True unless the file was rejected or skipped."""
        return self.status in (ImportStatus.IMPORTED, ImportStatus.DUPLICATE)


def _utc_now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def file_hash(data: bytes) -> str:
    """``sha256:<hex>`` of the file's bytes (the hex part is what ``sha256sum`` prints)."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _get(data: Any, *keys: str) -> Any:
    """``data[k1][k2]...`` or None when any step is missing or not an object."""
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _text(data: Any, *keys: str) -> str:
    value = _get(data, *keys)
    return "" if value is None or isinstance(value, dict | list) else str(value)


def rejection_reason(result: VerificationResult) -> str | None:
    """Why a verified file cannot go into the inbox, in plain English, or None when it can."""
    if result.problem:
        return result.problem
    if not result.signed:
        return "the PDF is not signed"
    if not result.intact:
        return "the file was changed after it was signed (the signature does not match)"
    if not result.whole_file:
        return "content was added after signing (the signature does not cover the whole file)"
    return data_problem(result.data)


def data_problem(data: dict[str, Any] | None) -> str | None:
    """What is wrong with the embedded report data for the inbox, or None when it is usable."""
    if data is None:
        return "the PDF holds no LSCP Audit report data"
    if data.get("schema") != SCHEMA:
        return "the attached data is not LSCP Audit report data"
    if data.get("schema_version") not in SCHEMA_VERSIONS:
        return (
            f"the report data is version {data.get('schema_version')}; this version of LSCP Audit reads "
            f"version {', '.join(str(v) for v in SCHEMA_VERSIONS)}"
        )
    if not _text(data, "report", "id"):
        return "the report data has no report id"
    return None


def entry_from_return(item: ImportedReturn) -> InboxEntry:
    """The inbox row for a stored return (missing keys in the data give empty text)."""
    data = item.audit
    kind = _text(data, "template", "kind")
    subject_key = "agency" if kind == SELF_ASSESSMENT_KIND else "case_reference"
    return InboxEntry(
        id=item.id,
        report_id=item.report_id,
        template_id=_text(data, "template", "id"),
        template_title=_text(data, "template", "title"),
        template_version=_text(data, "template", "version"),
        kind=kind,
        subject=_text(data, "subject", subject_key),
        signer=item.signer,
        signed_at=_text(data, "report", "generated_at"),
        verified=item.verified,
        imported_at=item.imported_at,
        overall_judgement=_text(data, "judgements", "overall", "value"),
        overall_label=_text(data, "judgements", "overall", "label"),
    )


def _read(path: Path) -> bytes | str:
    """The file's bytes, or the reason it cannot be read."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return f"the file is {size // (1024 * 1024)} MB, too large to be an LSCP Audit report"
        return path.read_bytes()
    except OSError as exc:
        return f"cannot read the file ({exc.strerror or type(exc).__name__})"


class InboxService:
    """Import, list and remove signed returns in one unlocked vault (``vault.imported_returns``)."""

    def __init__(self, vault: Any, *, clock: Callable[[], str] = _utc_now) -> None:
        self._vault = vault
        self._clock = clock
        self._known_reports: set[str] | None = None
        self.identities = IdentityService(vault)

    # -- importing ---------------------------------------------------------------------------

    def import_files(
        self,
        paths: Sequence[Path | str],
        *,
        password: str | None = None,
        progress: Progress = no_progress,
        cancel: SupportsCancel | None = None,
    ) -> list[InboxImportResult]:
        """Verify and import each PDF; one result per path, in order.

        `password` opens password-protected reports (used once, never stored). Cancelling
        stops before the next file: files already imported stay imported, and the rest are
        reported as ``skipped``. Raises nothing for a bad file; vault failures propagate.
        """
        files = [Path(p) for p in paths]
        trust = load_trust_certificates(self.identities.trusted_pems())
        self._known_reports = None  # report ids in the inbox, read once when first needed
        results: list[InboxImportResult] = []
        for number, path in enumerate(files):
            try:
                check(cancel)
            except Cancelled:
                results += [
                    InboxImportResult(p, ImportStatus.SKIPPED, "the import was cancelled") for p in files[number:]
                ]
                break
            progress(100 * number // max(len(files), 1), f"Checking {path.name} ({number + 1} of {len(files)})")
            results.append(self._import_one(path, trust, password))
        progress(100, "Done")
        _log_summary(results)
        return results

    def _import_one(self, path: Path, trust: Sequence[Any], password: str | None) -> InboxImportResult:
        data = _read(path)
        if isinstance(data, str):
            return InboxImportResult(path, ImportStatus.REJECTED, data)
        digest = file_hash(data)
        existing = self._vault.imported_returns.find_by_hash(digest)
        if existing is not None:
            return self._duplicate(path, existing)
        result = verify_pdf_bytes(data, path=str(path), trust=trust, password=password)
        reason = rejection_reason(result)
        if reason is not None:
            return InboxImportResult(path, ImportStatus.REJECTED, reason)
        return self._store(path, digest, result)

    def _duplicate(self, path: Path, existing: ImportedReturn) -> InboxImportResult:
        return InboxImportResult(
            path, ImportStatus.DUPLICATE, "this file is already in the inbox", entry_from_return(existing)
        )

    def _store(self, path: Path, digest: str, result: VerificationResult) -> InboxImportResult:
        data = result.data or {}  # rejection_reason has made sure it is there
        report_id = _text(data, "report", "id")
        note = self._same_report_note(report_id)
        item = ImportedReturn(
            id=uuid.uuid4().hex,
            file_hash=digest,
            report_id=report_id,
            audit=data,
            signer=result.signer,
            verified=TRUSTED if result.trust_checked and result.trusted else UNTRUSTED,
            imported_at=self._clock(),
        )
        try:
            stored = self._vault.imported_returns.add(item)
        except VaultError:
            # The same bytes arrived through another path in the meantime (unique file hash).
            existing = self._vault.imported_returns.find_by_hash(digest)
            if existing is None:
                raise
            return self._duplicate(path, existing)
        log.info("return %s imported (report %s, %s)", stored.id, report_id, stored.verified)
        return InboxImportResult(path, ImportStatus.IMPORTED, entry=entry_from_return(stored), note=note)

    def _same_report_note(self, report_id: str) -> str:
        """Advice when another file of the same report (the same audit revision) is stored."""
        if self._known_reports is None:
            self._known_reports = {r.report_id for r in self._vault.imported_returns.list()}
        seen = report_id in self._known_reports
        self._known_reports.add(report_id)
        return f"another file with report id {report_id} is already in the inbox (exported again?)" if seen else ""

    # -- the list ----------------------------------------------------------------------------

    def list_returns(self) -> list[InboxEntry]:
        """Every imported return, most recently imported first."""
        return [entry_from_return(item) for item in self._vault.imported_returns.list()]

    def get(self, return_id: str) -> InboxEntry:
        """One return; raises `NotFound` when there is none with that id."""
        return entry_from_return(self._vault.imported_returns.get(return_id))

    def report_data(self, return_id: str) -> dict[str, Any]:
        """The embedded report data of one return (see docs/report-data-schema.md)."""
        data: dict[str, Any] = self._vault.imported_returns.get(return_id).audit
        return data

    def remove(self, return_id: str) -> None:
        """Delete one return from the inbox; raises `NotFound` when there is none with that id."""
        self._vault.imported_returns.get(return_id)  # raises NotFound with a clear message
        self._vault.imported_returns.delete(return_id)
        log.info("return %s removed from the inbox", return_id)

    # -- trust -------------------------------------------------------------------------------

    def trust_certificate(self, pem_text: str, label: str = "") -> list[TrustedCertificate]:
        """Trust the certificate(s) in `pem_text` for later imports (an auditor's certificate or
        a partnership root). Raises `ValidationError` when the text holds no certificate."""
        if "BEGIN CERTIFICATE" not in pem_text:
            raise ValidationError(["that file does not hold a PEM certificate"])
        added = self.identities.trust_certificate(pem_text, label)
        log.info("%d certificate(s) trusted for the inbox", len(added))
        return added

    def verify(
        self, files: Sequence[Path | str], *, trust_pems: Sequence[str] = (), password: str | None = None
    ) -> list[VerificationResult]:
        """Verify PDFs without importing them, trusting this vault's certificates plus `trust_pems`."""
        return verify_files(files, trust_pems=[*self.identities.trusted_pems(), *trust_pems], password=password)

    def trusted_count(self) -> int:
        """How many certificates this vault trusts."""
        return len(self.identities.trusted_pems())


def _log_summary(results: Sequence[InboxImportResult]) -> None:
    counts = {status: sum(1 for r in results if r.status == status) for status in ImportStatus}
    log.info(
        "inbox import: %d imported, %d duplicate(s), %d rejected, %d skipped",
        counts[ImportStatus.IMPORTED],
        counts[ImportStatus.DUPLICATE],
        counts[ImportStatus.REJECTED],
        counts[ImportStatus.SKIPPED],
    )

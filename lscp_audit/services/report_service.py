"""ReportService: build, sign and export audit reports; verify signed PDFs (Qt-free).

Export: the audit (a completed revision) is read from the vault with its frozen template, the
template engine works out visibility and judgements, `core.report_data` builds the report data,
the reports layer lays it out and signs it in memory, and the bytes are written atomically to
the destination (temporary file in the same folder, fsync, rename; a failure leaves any
previous file untouched). A completed audit becomes ``signed`` after its first export.

Verification needs no vault: `verify_files` checks any PDFs against the given trust
certificates. Long calls take ``progress(percent, step)`` and a `CancelToken` (style R4).
Logs carry audit ids and outcomes, never case references, answers or passwords.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lscp_audit import __version__
from lscp_audit.core.audit import AuditRecord, AuditStatus
from lscp_audit.core.errors import LscpAuditError, ValidationError
from lscp_audit.core.identifier_check import IdentifierCheck
from lscp_audit.core.identity import MODERATOR_PURPOSE, TrustedCertificate
from lscp_audit.core.progress import Progress, SupportsCancel, check, no_progress
from lscp_audit.core.records import ExportKind, ExportRecord
from lscp_audit.core.report_data import (
    DEFAULT_MARKING,
    ProtectiveMarking,
    ReportInputs,
    build_report_data,
    parse_marking,
    protective_marking,
    report_id_for,
)
from lscp_audit.core.templates.model import Template
from lscp_audit.reports.sealing import DecryptionKey
from lscp_audit.reports.signing import DEFAULT_REASON
from lscp_audit.reports.verification import VerificationResult, load_trust_certificates, verify_pdf
from lscp_audit.services import identifier_checks
from lscp_audit.services.audit_workflow import AuditWorkflow
from lscp_audit.services.file_saving import save_file
from lscp_audit.services.identity_service import IdentityService
from lscp_audit.services.parallel import ordered_map, worker_count

log = logging.getLogger(__name__)
EXPORTABLE = (AuditStatus.COMPLETE, AuditStatus.SIGNED)
MARKING_KEY = "report.protective_marking"
TIMESTAMP_URL_KEY = "report.timestamp_url"
PARTNERSHIP_ROOT_SUFFIX = " audit signing root"  # identity_certs.create_partnership_ca names its roots so


@dataclass(frozen=True)
class ExportOptions:
    """How to export. `password` (AES-256) is used once and never stored; `marking` and
    `timestamp_url` default to the vault's settings (OFFICIAL-SENSITIVE, no timestamp).
    `marking` is OFFICIAL or OFFICIAL-SENSITIVE (optionally followed by a descriptor) and
    `descriptor`, when given, replaces the descriptor (``""`` removes it). Likely identifiers in
    the audit's text must be acknowledged before export; `acknowledge_identifiers` gives the
    reason for every one not yet acknowledged."""

    compact: bool = False
    password: str | None = None
    reason: str = DEFAULT_REASON
    location: str = ""
    identity_id: str | None = None
    marking: str | None = None
    descriptor: str | None = None
    timestamp_url: str | None = None
    acknowledge_identifiers: str | None = None  # reason to keep every likely identifier not yet acknowledged
    # PEM certificates to seal the report for (PDF public-key encryption, AES-256); the signer's
    # own certificate is always added, so the auditor can reopen what they sent.
    seal_for: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExportResult:
    path: Path
    report_id: str
    page_count: int
    size_bytes: int
    signer: str
    encrypted: bool
    seconds: float
    sealed_for: tuple[str, ...] = ()  # the recipients' names, when sealed


def suggested_file_name(audit: AuditRecord) -> str:
    """``lscp-audit-report-R-XXXX-XXXX.pdf``: the report id only, never the case reference."""
    return f"lscp-audit-report-{report_id_for(audit.id, audit.revision)}.pdf"


def report_inputs(audit: AuditRecord, template: Template) -> ReportInputs:
    """Visibility and derived judgements from the template engine, for `build_report_data`."""
    from lscp_audit.core.judgements import derive_judgements
    from lscp_audit.core.visibility import evaluate_visibility

    answers = audit.answer_map()
    visibility = evaluate_visibility(template, answers, audit.subject)
    judgements = derive_judgements(template, answers, audit.subject, ())
    derived = {j.key: j.derived for j in judgements.all()}
    rules = {j.key: j.rule_text for j in judgements.all()}
    return ReportInputs(visible=visibility.questions, derived=derived, rule_descriptions=rules)


def template_of(audit: AuditRecord) -> Template:
    """The frozen template the audit was started with."""
    from lscp_audit.core.templates.loader import load_template_text

    return load_template_text(audit.template_source, f"{audit.template_id}.yaml")


def verify_files(
    files: Sequence[Path | str],
    *,
    trust_pems: Sequence[str] = (),
    password: str | None = None,
    moderator_pems: Sequence[str] = (),
    keys: Sequence[DecryptionKey] = (),
    known_pems: Sequence[str] = (),
) -> list[VerificationResult]:
    """Verify each PDF (no vault needed). Trust is judged only against `trust_pems`; a
    countersignature must chain to `moderator_pems`; sealed PDFs open with one of `keys` (and
    `known_pems` name the recipients when none does). One result per file, in order: a bad file
    gives a failing result, never an exception."""
    trust = load_trust_certificates(trust_pems) if trust_pems else []
    moderators = load_trust_certificates(moderator_pems) if moderator_pems else []
    return [
        verify_pdf(f, trust=trust, password=password, moderator_trust=moderators, keys=keys, known_pems=known_pems)
        for f in files
    ]


def sealing_recipients(own_pem: str, others: Sequence[str]) -> tuple[str, ...]:
    """The certificates to seal for: the signer's own first (always), then each of `others` once."""
    from lscp_audit.reports import identity_certs

    own = identity_certs.split_pem_bundle(own_pem)[0]
    chosen = {identity_certs.describe_certificate(own).fingerprint_sha256: own}
    for text in others:
        pems = identity_certs.split_pem_bundle(text)
        if not pems:
            raise ValidationError(["a certificate to seal the report for holds no certificate"])
        for pem in pems:
            chosen.setdefault(identity_certs.describe_certificate(pem).fingerprint_sha256, pem)
    return tuple(chosen.values())


def _common_name(pem: str) -> str:
    from lscp_audit.reports import identity_certs

    return identity_certs.describe_certificate(pem).common_name


def _protection(options: ExportOptions, recipients: int) -> str:
    if options.password:
        return "password (AES-256)"
    if recipients:
        return f"sealed for {recipients} recipient(s) (AES-256)"
    return "none"


@dataclass(frozen=True)
class VerifyJob:
    """One file to verify in a worker process, with the trust material (PEM text) and password."""

    path: str
    trust_pems: tuple[str, ...] = ()
    moderator_pems: tuple[str, ...] = ()
    password: str | None = None
    keys: tuple[DecryptionKey, ...] = ()
    known_pems: tuple[str, ...] = ()


def verify_job(job: VerifyJob) -> VerificationResult:
    """`verify_files` for one file (module level, so worker processes can run it)."""
    return verify_files(
        [job.path],
        trust_pems=job.trust_pems,
        password=job.password,
        moderator_pems=job.moderator_pems,
        keys=job.keys,
        known_pems=job.known_pems,
    )[0]


def _verify_failed(job: VerifyJob, exc: BaseException) -> VerificationResult:
    log.error("verify: the check of a file stopped: %s", type(exc).__name__)
    return VerificationResult(job.path, problem="checking the file stopped the checking process (it may be damaged)")


VERIFY_PARALLEL_FROM = 8  # fewer files are verified in this process


def iter_verify_files(
    files: Sequence[Path | str],
    *,
    trust_pems: Sequence[str] = (),
    password: str | None = None,
    moderator_pems: Sequence[str] = (),
    keys: Sequence[DecryptionKey] = (),
    known_pems: Sequence[str] = (),
    workers: int | None = None,
) -> Generator[VerificationResult, None, None]:
    """`verify_files` one result at a time, in order, as each is known; many files are verified
    on every core (`workers`, default all). Nothing is kept once it is handed on, so memory does
    not grow with the number of files. Close the iterator to stop early."""
    count = worker_count(len(files), workers) if len(files) >= VERIFY_PARALLEL_FROM else 1
    jobs = (
        VerifyJob(str(f), tuple(trust_pems), tuple(moderator_pems), password, tuple(keys), tuple(known_pems))
        for f in files
    )
    return ordered_map(verify_job, jobs, workers=count, on_error=_verify_failed)


class ReportService:
    """Report use cases over one unlocked vault."""

    def __init__(
        self, vault: Any, *, actor: str = "", clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)
    ) -> None:
        self._vault = vault
        self._actor = actor or "report-export"
        self._clock = clock
        self.identities = IdentityService(vault)

    def _setting(self, key: str, default: Any) -> Any:
        from lscp_audit.services.settings_service import SettingsService

        try:
            value = SettingsService(self._vault).get(key)
        except LscpAuditError:
            return default
        return value if value not in (None, "") else default

    def _audit(self, audit_id: str) -> AuditRecord:
        record: AuditRecord = self._vault.audits.get(audit_id)
        return record

    def suggested_file_name(self, audit_id: str) -> str:
        return suggested_file_name(self._audit(audit_id))

    def report_data(self, audit_id: str, options: ExportOptions | None = None) -> dict[str, Any]:
        """The report data dict (what is rendered and embedded) for an audit."""
        options = options or ExportOptions()
        audit = self._audit(audit_id)
        template = template_of(audit)
        previous = self._vault.audits.get(audit.previous_revision_id) if audit.previous_revision_id else None
        return build_report_data(
            audit,
            template,
            generated_at=self._clock(),
            inputs=report_inputs(audit, template),
            previous=previous,
            previous_inputs=report_inputs(previous, template_of(previous)) if previous is not None else None,
            marking=self.marking_for(options),
            mode="compact" if options.compact else "full",
            app_version=__version__,
            partnership=self._partnership(options.identity_id),
        )

    def marking_for(self, options: ExportOptions) -> ProtectiveMarking:
        """The protective marking an export will carry (the vault's setting unless chosen).

        Raises `ValidationError` when it is outside the GSC vocabulary (OFFICIAL or
        OFFICIAL-SENSITIVE, with an optional descriptor)."""
        chosen = parse_marking(options.marking or self._setting(MARKING_KEY, DEFAULT_MARKING))
        if options.descriptor is not None:
            chosen = protective_marking(chosen.classification, options.descriptor)
        return chosen

    def _partnership(self, identity_id: str | None) -> str:
        """The partnership's name when the signing identity was issued by a partnership root made
        by LSCP Audit (`identity create-ca`: its organisation), else empty: the cover prints it
        only when it is known. Other issuers (an organisation's own CA) are not a partnership."""
        from lscp_audit.reports.identity_certs import describe_certificate

        try:
            if identity_id is None and self.identities.default() is None:
                return ""
            chain = self.identities.signer(identity_id).material.chain_pem
        except LscpAuditError:
            return ""
        if not chain:
            return ""
        issuer = describe_certificate(chain[0])
        return issuer.organisation if issuer.common_name.endswith(PARTNERSHIP_ROOT_SUFFIX) else ""

    def preview_pdf(
        self, audit_id: str, *, compact: bool = False, marking: str | None = None, descriptor: str | None = None
    ) -> bytes:
        """The unsigned report (for the first-page preview in the export dialog), with the
        marking chosen there (default: the vault's setting)."""
        from lscp_audit.reports.pipeline import build_unsigned

        data = self.report_data(audit_id, ExportOptions(compact=compact, marking=marking, descriptor=descriptor))
        return bytes(build_unsigned(data, compact=compact).pdf)

    def export(
        self,
        audit_id: str,
        destination: Path | str,
        options: ExportOptions | None = None,
        *,
        progress: Progress = no_progress,
        cancel: SupportsCancel | None = None,
    ) -> ExportResult:
        """Sign the audit's report and write it atomically to `destination`.

        Raises `ValidationError` when the audit is not complete, `NotFound` without a signing
        identity, `SigningFailed` when signing fails, `Cancelled` when cancelled, OSError
        (wrapped as `LscpAuditError`) when the file cannot be written.
        """
        from lscp_audit.reports.pipeline import build_signed

        started = time.perf_counter()
        options = options or ExportOptions()
        audit = self._audit(audit_id)
        if audit.status not in EXPORTABLE:
            raise ValidationError(["only a completed audit can be signed and exported; complete it first"])
        signer = self.identities.signer(options.identity_id)
        self._settle_identifiers(audit, options)
        if options.password and options.seal_for:
            raise ValidationError(["choose a password or recipients to seal the report for, not both"])
        recipients = sealing_recipients(signer.material.certificate_pem, options.seal_for) if options.seal_for else ()
        progress(2, "Preparing the report data")
        data = self.report_data(audit_id, options)
        check(cancel)
        signed = build_signed(
            data,
            signer,
            compact=options.compact,
            password=options.password,
            seal_for=recipients,
            reason=options.reason,
            location=options.location,
            timestamp_url=options.timestamp_url or self._setting(TIMESTAMP_URL_KEY, None),
            progress=progress,
            cancel=cancel,
        )
        check(cancel)
        progress(95, "Saving the file")
        path = _write(Path(destination), signed.pdf)
        if audit.status == AuditStatus.COMPLETE:
            self._vault.audits.set_status(audit_id, AuditStatus.SIGNED, self._actor)
        self._log_export(
            ExportKind.REPORT_PDF,
            path,
            audit,
            signed.report_id,
            _protection(options, len(recipients)),
            self.marking_for(options).text,
        )
        log.info("audit %s exported as report %s (%d pages)", audit_id, signed.report_id, signed.page_count)
        progress(100, "Done")
        return ExportResult(
            path=path,
            report_id=signed.report_id,
            page_count=signed.page_count,
            size_bytes=len(signed.pdf),
            signer=signer.name,
            encrypted=signed.encrypted,
            seconds=time.perf_counter() - started,
            sealed_for=tuple(_common_name(p) for p in recipients),
        )

    def export_html(self, audit_id: str, destination: Path | str, options: ExportOptions | None = None) -> Path:
        """Write the accessible HTML version of the audit's report atomically to `destination`.

        It is rendered from the same report data as the PDF but is neither signed nor
        encryptable, so a password (`options.password`) is refused with `ValidationError`.
        """
        from lscp_audit.reports.html_report import render_html

        options = options or ExportOptions()
        if options.password:
            raise ValidationError(
                ["the HTML version cannot be password-protected; export it without a password or share the PDF"]
            )
        audit = self._audit(audit_id)
        if audit.status not in EXPORTABLE:
            raise ValidationError(["only a completed audit can be exported; complete it first"])
        self._settle_identifiers(audit, options)
        data = self.report_data(audit_id, options)
        page = render_html(data, compact=options.compact, signed_pdf_name=suggested_file_name(audit))
        path = _write(Path(destination), page.encode("utf-8"))
        self._log_export(
            ExportKind.REPORT_HTML, path, audit, str(data["report"]["id"]), "none", self.marking_for(options).text
        )
        log.info("audit %s exported as accessible HTML for report %s", audit_id, data["report"]["id"])
        return path

    def _log_export(
        self, kind: ExportKind, path: Path, audit: AuditRecord, report_id: str, protection: str, marking: str
    ) -> None:
        """Record the export in the vault's export log (where copies went, for data protection)."""
        self._vault.export_log.record(
            ExportRecord(
                kind=kind,
                file_name=str(path),
                protection=protection,
                actor=self._actor,
                audit_id=audit.id,
                report_id=report_id,
                case_reference=str(audit.subject.get("case_reference") or audit.subject.get("agency") or ""),
                marking=marking,
            )
        )

    # -- identifier check --------------------------------------------------------------------

    def identifier_check(self, audit_id: str) -> IdentifierCheck:
        """Likely identifiers in the text the audit's report would print (see
        `AuditService.identifier_check`); export refuses while any is not acknowledged."""
        audit = self._audit(audit_id)
        return identifier_checks.check_record(
            audit, template_of(audit), identifier_checks.do_not_use_names(self._vault)
        )

    def acknowledge_identifiers(
        self, audit_id: str, reason: str, *, hit_ids: Sequence[str] | None = None
    ) -> IdentifierCheck:
        """Keep the hits `hit_ids` (all unacknowledged ones when None) with `reason`, recorded in
        the audit and its change history (the audit's text is not changed)."""
        self._workflow().acknowledge_identifiers(
            self._audit(audit_id), self.identifier_check(audit_id), reason, hit_ids
        )
        return self.identifier_check(audit_id)

    def _workflow(self) -> AuditWorkflow:
        from lscp_audit.services.audit_store import VaultAuditStore, utc_now

        return AuditWorkflow(VaultAuditStore(self._vault), actor=self._actor, clock=utc_now)

    def _settle_identifiers(self, audit: AuditRecord, options: ExportOptions) -> None:
        check = self.identifier_check(audit.id)
        if check.ok:
            return
        if not (options.acknowledge_identifiers and options.acknowledge_identifiers.strip()):
            raise identifier_checks.IdentifiersNotAcknowledged(check, "exported")
        self._workflow().acknowledge_identifiers(audit, check, options.acknowledge_identifiers)

    def verify(self, files: Sequence[Path | str], *, password: str | None = None) -> list[VerificationResult]:
        """Verify PDFs against the certificates trusted in this vault (signers, and its QA
        moderators for countersignatures); sealed PDFs open with the vault's own private keys."""
        return verify_files(
            files,
            trust_pems=self.identities.trusted_pems(),
            moderator_pems=self.identities.trusted_pems(MODERATOR_PURPOSE),
            password=password,
            keys=self.identities.decryption_keys(),
            known_pems=self.identities.known_certificate_pems(),
        )

    def seal_recipients(self) -> list[TrustedCertificate]:
        """The QA subgroup's certificates that reports may be sealed for (from partnership packs)."""
        return self.identities.recipients()


def _write(destination: Path, data: bytes) -> Path:
    return save_file(destination, data, "the report")

"""InboxService: the QA subgroup's inbox of signed returns (Qt-free).

Importing a PDF reads its bytes once and verifies exactly those bytes with the reports layer's
verifier, against the certificates this vault trusts (``signer`` trust list) and, for
countersignatures, the certificates it trusts as QA moderators (``moderator`` trust list). A
file is refused, and nothing is stored, unless it is signed, intact (signed bytes unchanged),
wholly covered by its last signature and carries LSCP Audit report data.

Trust decides where a return goes, not whether it is kept: a return whose every signature is
trusted (and whose countersignatures are from trusted moderators) is **trusted**; any other is
held in **quarantine**, listed apart and never counted with trusted returns, until someone
trusts the signer (`trust_signer`, after seeing the fingerprint) or removes it. The original
PDF is kept in the (encrypted) vault, so trust is checked again whenever a certificate is
trusted (`recheck`).

A return is identified by what was signed, not by its file bytes (the padding inside a
signature's /Contents is not signed): report id (which names one audit revision), the hash of
the embedded data as signed and the auditor's certificate fingerprint. A second file of a
report id the inbox holds from the same signer with the same answers is a **duplicate** (a copy
with an extra trusted countersignature replaces it). The same report id from a different signer,
or with different answers, is a **conflict**: both are kept and both are flagged. A newer
revision of an audit **supersedes** the older one: both are kept, the list shows the latest.

The overall judgement printed on the pages is compared with the one in the data; a mismatch is
flagged (a trusted signer can sign a file whose pages and data differ).

Logs carry return ids, report ids and counts, never file names, case references or answers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
import hashlib
import logging
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lscp_audit.core.canonical import canonical_json
from lscp_audit.core.errors import Cancelled, LscpAuditError, NotFound, ValidationError, VaultError
from lscp_audit.core.identity import (
    MODERATOR_PURPOSE,
    SIGNER_PURPOSE,
    ImportedReturn,
    ReturnSignature,
    TrustedCertificate,
)
from lscp_audit.core.progress import Progress, SupportsCancel, check, no_progress
from lscp_audit.reports import page_text, sealing
from lscp_audit.reports.sealing import DecryptionKey
from lscp_audit.reports.verification import (
    NOT_A_MODERATOR,
    NOT_TRUSTED,
    SignatureReport,
    VerificationResult,
    load_trust_certificates,
    verify_pdf_bytes,
)
from lscp_audit.services.identity_service import IdentityService
from lscp_audit.services.parallel import ordered_map, worker_count

if TYPE_CHECKING:  # worker processes checking files never import the storage layer
    from lscp_audit.storage.repositories.imported import ReturnBatch, TrustUpdate

log = logging.getLogger(__name__)

SCHEMA = "lscp-audit/report-data"
SCHEMA_VERSIONS = (1,)
TRUSTED = "trusted"
UNTRUSTED = "untrusted signer"
AUDITOR = "auditor"
COUNTERSIGNER = "countersigner"
MAX_FILE_BYTES = 100 * 1024 * 1024  # a 30-page report is well under 1 MB; refuse anything absurd
SELF_ASSESSMENT_KIND = "agency_self_assessment"
JUDGEMENT_MATCH = page_text.MATCH
JUDGEMENT_MISMATCH = page_text.MISMATCH
JUDGEMENT_NOT_FOUND = page_text.NOT_FOUND


class ImportStatus(enum.StrEnum):
    """What happened to one file."""

    IMPORTED = "imported"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"
    SKIPPED = "skipped"  # not looked at because the import was cancelled


@dataclass(frozen=True)
class SignerEntry:
    """One signature of a return: `role` is ``auditor`` (the first) or ``countersigner``;
    `fingerprint` is the SHA-256 hex of the signer's certificate; `moderator` says whether the
    vault trusts that certificate as a QA moderator; `problem` is what is wrong, in words."""

    role: str
    name: str
    organisation: str
    fingerprint: str
    signed_at: str
    trusted: bool
    moderator: bool = False
    problem: str = ""


@dataclass(frozen=True)
class InboxEntry:
    """One imported return as the inbox lists it (plain values, safe to pass to any thread).

    `subject` is the case reference for a case audit, or the organisation for a Section 11
    self-assessment (`kind` says which). `signer` is who signed (the auditor signature's
    certificate name) and `auditor_name` who the report says carried out the audit;
    `signed_on_behalf` is true when they differ. `signed_at` is the auditor signature's time
    (or the report's generation time for returns imported before signatures were kept).
    `verified` is ``trusted`` or ``untrusted signer`` (then the return is in quarantine and
    `trust_problem` says why). `superseded_by` is the report id of a newer revision in the
    inbox; `conflict` describes another return claiming the same report id; `judgement_check`
    compares the printed overall judgement with the data (``match``, ``mismatch``,
    ``not_found`` or empty when not checked) and `page_judgement` is what the pages print.
    `round_id` and `locality` file the return under the partnership audit round (and locality)
    its report data names ("" when it names none).
    Timestamps are ISO 8601 UTC text.
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
    revision: int = 1
    auditor_name: str = ""
    signed_on_behalf: bool = False
    signer_fingerprint: str = ""
    signatures: tuple[SignerEntry, ...] = ()
    trust_problem: str = ""
    superseded_by: str = ""
    conflict: str = ""
    judgement_check: str = ""
    page_judgement: str = ""
    has_pdf: bool = False
    checked_at: str = ""
    round_id: str = ""
    locality: str = ""

    @property
    def trusted(self) -> bool:
        return self.verified == TRUSTED

    @property
    def quarantined(self) -> bool:
        """Held apart from trusted returns and never counted with them."""
        return not self.trusted

    @property
    def judgement_mismatch(self) -> bool:
        return self.judgement_check == JUDGEMENT_MISMATCH


@dataclass(frozen=True)
class InboxImportResult:
    """The outcome for one file: `reason` explains a rejection; `entry` is the stored return
    (the new one, or for a duplicate the one already in the inbox); `note` is extra advice
    (quarantine, a conflict, a superseded revision, a judgement mismatch)."""

    path: Path
    status: ImportStatus
    reason: str = ""
    entry: InboxEntry | None = None
    note: str = ""

    @property
    def ok(self) -> bool:
        """True unless the file was rejected or skipped."""
        return self.status in (ImportStatus.IMPORTED, ImportStatus.DUPLICATE)

    @property
    def quarantined(self) -> bool:
        return self.status == ImportStatus.IMPORTED and self.entry is not None and self.entry.quarantined


@dataclass(frozen=True)
class RecheckResult:
    """After `recheck`: how many returns were checked again, which moved out of or into
    quarantine, and which could not be checked (return id and reason)."""

    checked: int
    now_trusted: tuple[str, ...] = ()
    now_quarantined: tuple[str, ...] = ()
    not_checked: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class InboxListing:
    """The inbox split the way it is shown: trusted returns (latest revision of each audit unless
    superseded ones were asked for) and the quarantine. Never mix the two. `superseded` counts
    the trusted returns a newer revision in the inbox supersedes (listed or not)."""

    returns: tuple[InboxEntry, ...]
    quarantine: tuple[InboxEntry, ...]
    superseded: int = 0


def _utc_now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def file_hash(data: bytes) -> str:
    """``sha256:<hex>`` of the file's bytes (the hex part is what ``sha256sum`` prints)."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


ROLE_WORDS = {
    AUDITOR: "auditor's signature",
    COUNTERSIGNER: "QA moderator's countersignature",
    "senior_lead": "senior lead's signature",
}


def role_words(role: str) -> str:
    """``auditor's signature`` or ``QA moderator's countersignature``: which signature it is,
    not who the signer is (a deputy may sign the auditor's signature on their behalf)."""
    return ROLE_WORDS.get(role, role or "signature")


def fingerprint_text(fingerprint: str, *, short: bool = False) -> str:
    """A SHA-256 fingerprint in groups of four (``AB12 CD34 …``); `short` gives the first 16 digits."""
    digits = fingerprint.upper()
    if short:
        digits = digits[:16]
    groups = " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))
    return groups + ("…" if short and len(fingerprint) > 16 else "")


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


def _subject_text(data: Any, kind: str) -> str:
    """The case reference of a case audit, or the organisation of a Section 11 return (its name
    from the partnership register when the return names its agency by code)."""
    if kind != SELF_ASSESSMENT_KIND:
        return _text(data, "subject", "case_reference")
    return _text(data, "round", "agency_label") or _text(data, "subject", "agency")


def _revision(data: Any) -> int:
    value = _get(data, "audit", "revision")
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 1


def rejection_reason(result: VerificationResult) -> str | None:
    """Why a verified file cannot go into the inbox, in plain English, or None when it can."""
    if result.problem:
        return result.problem
    if not result.signed:
        return "the PDF is not signed"
    if not result.intact:
        reason = result.intact_reason or "the signature does not match"
        return f"the file was changed after it was signed ({reason})"
    if not result.whole_file:
        return "content was added after signing (the signature does not cover the whole file)"
    if result.data is None and result.data_problem:
        return result.data_problem
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


_TRUST_WORDS = (NOT_TRUSTED, NOT_A_MODERATOR)  # already said by `trusted` and `moderator`


def signature_problem(problem: str | None) -> str:
    """A signature's problem, leaving out "not trusted" and "not from a moderator" (which a
    signature's trusted and moderator flags already say), or ""."""
    return "" if not problem or problem in _TRUST_WORDS else problem


def _signer_entry(sig: ReturnSignature) -> SignerEntry:
    return SignerEntry(
        role=sig.role,
        name=sig.signer,
        organisation=sig.organisation,
        fingerprint=sig.fingerprint,
        signed_at=sig.signed_at,
        trusted=sig.trusted,
        moderator=sig.moderator,
        problem=signature_problem(sig.problem),
    )


def entry_from_return(item: ImportedReturn, *, superseded_by: str = "", conflict: str = "") -> InboxEntry:
    """The inbox row for a stored return."""
    return InboxEntry(
        id=item.id,
        report_id=item.report_id,
        template_id=item.template_id,
        template_title=item.template_title,
        template_version=item.template_version,
        kind=item.kind,
        subject=item.subject,
        signer=item.signer,
        signed_at=item.signed_at,
        verified=item.verified,
        imported_at=item.imported_at,
        overall_judgement=item.overall_judgement,
        overall_label=item.overall_label,
        revision=item.revision,
        auditor_name=item.auditor_name,
        signed_on_behalf=item.signed_on_behalf,
        signer_fingerprint=item.signer_fingerprint,
        signatures=tuple(_signer_entry(s) for s in item.signatures),
        trust_problem=item.trust_problem,
        superseded_by=superseded_by,
        conflict=conflict,
        judgement_check=item.judgement_check,
        page_judgement=item.page_judgement,
        has_pdf=item.has_pdf,
        checked_at=item.checked_at,
        round_id=item.round_id,
        locality=item.locality,
    )


def _iso(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC)
    return value.replace(microsecond=0).isoformat()


def _signatures(result: VerificationResult) -> tuple[ReturnSignature, ...]:
    return tuple(_signature(number, sig) for number, sig in enumerate(result.signatures))


def _signature(number: int, sig: SignatureReport) -> ReturnSignature:
    return ReturnSignature(
        position=number,
        field_name=sig.field_name,
        role=sig.role or (AUDITOR if number == 0 else COUNTERSIGNER),
        signer=sig.signer,
        organisation=sig.signer_organisation,
        fingerprint=sig.fingerprint,
        certificate_der=sig.certificate_der,
        signed_at=_iso(sig.signing_time),
        trusted=sig.trusted,
        moderator=sig.moderator,
        problem=sig.problem or "",
    )


def trust_state(result: VerificationResult, signatures: Sequence[ReturnSignature]) -> tuple[str, str]:
    """(``trusted`` or ``untrusted signer``, why not trusted in words)."""
    problems: list[str] = []
    for sig in signatures:
        who = f"{sig.signer or 'the signer'} ({role_words(sig.role)})"
        if sig.problem and sig.problem not in _TRUST_WORDS:
            problems.append(f"{who}: {sig.problem}")
        elif not sig.trusted:
            problems.append(f"{who} is not trusted in this vault")
        elif sig.role == COUNTERSIGNER and not sig.moderator:
            problems.append(f"{who} is not trusted as a QA moderator")
    if not result.trust_checked and not problems:
        problems.append("this vault trusts no certificates yet")
    if not problems and result.trusted and result.trust_checked:
        return TRUSTED, ""
    return UNTRUSTED, "; ".join(problems) or "the signature is not trusted"


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _read(path: Path) -> bytes | str:
    """The file's bytes, or the reason it cannot be read."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return f"the file is {size // (1024 * 1024)} MB, too large to be an LSCP Audit report"
        return path.read_bytes()
    except OSError as exc:
        return f"cannot read the file ({exc.strerror or 'the system gave no reason'})"


def unexpected_reason(exc: BaseException) -> str:
    """A plain reason for a failure no check foresaw (never an exception class name)."""
    if isinstance(exc, RecursionError):
        return "the file is nested too deeply to be read safely"
    if isinstance(exc, MemoryError):
        return "the file needs more memory to read than is available"
    if isinstance(exc, LscpAuditError):
        return str(exc)
    return "the file could not be checked because of an unexpected error (recorded in the log)"


# -- checking one file (runs in a worker process for big imports) --------------------------------

PARALLEL_FROM = 8  # fewer files are checked in this process, each stored as soon as it is checked
BATCH_FILES = 50  # files stored per commit in a big import ...
FLUSH_SECONDS = 0.5  # ... or fewer, so results keep coming when checking is slow
CANCELLED = "the import was cancelled"


@dataclass(frozen=True)
class CheckJob:
    """What a worker needs to check one file: its path, the PEM certificates this vault trusts
    as signers and as QA moderators, the password for protected PDFs and the vault's private keys
    for sealed ones (sent through a pipe to a worker as hardened as the app, never written
    anywhere)."""

    path: str
    signer_pems: tuple[str, ...] = ()
    moderator_pems: tuple[str, ...] = ()
    password: str | None = None
    keys: tuple[DecryptionKey, ...] = ()  # the vault's private keys, to open sealed returns
    known_pems: tuple[str, ...] = ()  # certificates that name a sealed return's recipients


@dataclass(frozen=True)
class CheckedFile:
    """What checking one file found: `reason` why it cannot be imported, or the return to store
    (`item`, whose id and import time the store step sets), its report data as canonical JSON
    text and the exact PDF bytes that were verified."""

    path: str
    reason: str = ""
    item: ImportedReturn | None = None
    data_json: str = ""
    pdf: bytes = b""


@functools.lru_cache(maxsize=4)
def _trust_roots(signer_pems: tuple[str, ...], moderator_pems: tuple[str, ...]) -> tuple[list[Any], list[Any]]:
    """The trust lists parsed once per worker (and per change of the lists)."""
    return load_trust_certificates(signer_pems), load_trust_certificates(moderator_pems)


def check_file(job: CheckJob) -> CheckedFile:
    """Read one file once and check exactly those bytes: signatures, integrity, report data,
    trust and the printed judgement (a module-level function, so worker processes can run it).
    Never raises for a bad file."""
    data = _read(Path(job.path))
    if isinstance(data, str):
        return CheckedFile(job.path, data)
    try:
        signers, moderators = _trust_roots(job.signer_pems, job.moderator_pems)
        result = verify_pdf_bytes(
            data,
            path=job.path,
            trust=signers,
            moderator_trust=moderators,
            password=job.password,
            keys=job.keys,
            known_pems=job.known_pems,
        )
        reason = rejection_reason(result)
        if reason is not None:
            return CheckedFile(job.path, reason)
        item = new_return(data, result, job.password, job.keys)
        return CheckedFile(job.path, item=item, data_json=canonical_json(result.data or {}), pdf=data)
    except (Exception, RecursionError, MemoryError) as exc:  # one bad file never stops the batch
        log.error("inbox import: a file could not be checked: %s", type(exc).__name__)
        return CheckedFile(job.path, unexpected_reason(exc))


def _check_failed(job: CheckJob, exc: BaseException) -> CheckedFile:
    """The result for a file whose worker process died on it (twice) or raised."""
    log.error("inbox import: the check of a file stopped: %s", type(exc).__name__)
    if isinstance(exc, Exception) and not isinstance(exc, BrokenProcessPool):
        return CheckedFile(job.path, unexpected_reason(exc))
    return CheckedFile(job.path, "checking the file stopped the checking process (the file may be damaged)")


@dataclass(frozen=True)
class RecheckJob:
    """What a worker needs to check one kept PDF again: the return's id, the PDF's bytes as
    kept in the vault, and the trust lists, password and keys as for `CheckJob`."""

    return_id: str
    pdf: bytes
    signer_pems: tuple[str, ...] = ()
    moderator_pems: tuple[str, ...] = ()
    password: str | None = None
    keys: tuple[DecryptionKey, ...] = ()
    known_pems: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rechecked:
    """The verdict on one kept PDF checked again (`result` None: the vault keeps no PDF), or
    `reason` it could not be checked."""

    return_id: str
    result: VerificationResult | None = None
    reason: str = ""
    judgement: tuple[str, str] | None = None  # (outcome, printed) when the pages were compared


def recheck_file(job: RecheckJob) -> Rechecked:
    """Verify one kept PDF against the current trust lists (module level, so worker processes
    can run it). Never raises for a bad file."""
    if not job.pdf:
        return Rechecked(job.return_id)
    try:
        signers, moderators = _trust_roots(job.signer_pems, job.moderator_pems)
        result = verify_pdf_bytes(
            job.pdf,
            trust=signers,
            moderator_trust=moderators,
            password=job.password,
            keys=job.keys,
            known_pems=job.known_pems,
        )
    except (Exception, RecursionError, MemoryError) as exc:
        log.error("re-check of return %s failed: %s", job.return_id, type(exc).__name__)
        return Rechecked(job.return_id, reason=unexpected_reason(exc))
    judgement = None
    if rejection_reason(result) is None:
        verified, _problem = trust_state(result, _signatures(result))
        if verified == TRUSTED:
            judgement = printed_judgement(job.pdf, result, verified, job.password, job.keys)
    return Rechecked(job.return_id, result, judgement=judgement)


def _recheck_failed(job: RecheckJob, exc: BaseException) -> Rechecked:
    """The result for a kept PDF whose worker process died on it (twice) or raised."""
    log.error("re-check of return %s stopped: %s", job.return_id, type(exc).__name__)
    if isinstance(exc, Exception) and not isinstance(exc, BrokenProcessPool):
        return Rechecked(job.return_id, reason=unexpected_reason(exc))
    return Rechecked(job.return_id, reason="checking the PDF stopped the checking process (it may be damaged)")


def _recheck_outcome(checked: Rechecked, old: ImportedReturn | None, now: str) -> tuple[str, TrustUpdate | None]:
    """(the new state when it changed, ``trusted`` or ``untrusted signer``; "" when unchanged; or
    the reason the return could not be checked, its state kept) and the update to record."""
    from lscp_audit.storage.repositories.imported import TrustUpdate

    if checked.reason:
        return checked.reason, None
    result = checked.result
    if result is None or old is None:
        return "", None  # no kept PDF, or the return was removed meanwhile
    if result.sealed and not result.signed:
        return result.problem or "the PDF is sealed and no key in this vault opens it", None
    if result.encrypted and not result.signed:
        return "the PDF is password-protected; give its password to check it again", None
    reason = rejection_reason(result)
    signatures = _signatures(result)
    if reason is not None:
        verified, problem = UNTRUSTED, f"checking again found a problem: {reason}"
    else:
        verified, problem = trust_state(result, signatures)
    update = TrustUpdate(
        checked.return_id, verified, problem, now, signatures or old.signatures, judgement=checked.judgement
    )
    return (verified if verified != old.verified else ""), update


def new_return(
    pdf: bytes, result: VerificationResult, password: str | None, keys: Sequence[DecryptionKey] = ()
) -> ImportedReturn:
    """The return to store for a verified file, from its report data and signatures (the store
    step sets its id and import time)."""
    data = result.data or {}  # rejection_reason has made sure it is there
    signatures = _signatures(result)
    verified, problem = trust_state(result, signatures)
    kind = _text(data, "template", "kind")
    auditor_name = result.auditor_name or _text(data, "auditor", "name")
    first = signatures[0] if signatures else None
    signer = first.signer if first else ""
    label = _text(data, "judgements", "overall", "label")
    check_outcome, printed = printed_judgement(pdf, result, verified, password, keys)
    return ImportedReturn(
        id="",
        file_hash=file_hash(pdf),
        report_id=_text(data, "report", "id"),
        signer=signer,
        verified=verified,
        data_hash=_prefixed(result.data_sha256) if result.data_sha256 else "",
        revision=_revision(data),
        audit_id=_text(data, "audit", "id"),
        previous_audit_id=_text(data, "audit", "previous_revision_id"),
        content_hash=_text(data, "report", "content_hash"),
        signer_fingerprint=first.fingerprint if first else "",
        auditor_name=auditor_name,
        signed_on_behalf=bool(result.signed_on_behalf)
        or bool(auditor_name and signer and not _same_name(auditor_name, signer)),
        template_id=_text(data, "template", "id"),
        template_title=_text(data, "template", "title"),
        template_version=_text(data, "template", "version"),
        kind=kind,
        subject=_subject_text(data, kind),
        signed_at=(first.signed_at if first else "") or _text(data, "report", "generated_at"),
        overall_judgement=_text(data, "judgements", "overall", "value"),
        overall_label=label,
        page_judgement=printed,
        judgement_check=check_outcome,
        trust_problem=problem,
        signatures=signatures,
        round_id=_text(data, "round", "id"),
        locality=_text(data, "round", "locality"),
        return_agency=_text(data, "round", "agency"),
    )


def printed_judgement(
    pdf: bytes, result: VerificationResult, verified: str, password: str | None, keys: Sequence[DecryptionKey] = ()
) -> tuple[str, str]:
    """(outcome, printed words) of comparing a return's pages with its data, for a return whose
    signatures verified and whose signer is trusted (`verified` is TRUSTED); ("", "") otherwise.

    Reading the pages means parsing them with PDFium, native code. Anyone can sign a file with a
    certificate of their own and have it imported into quarantine (the watch folder does so
    without a click), so a file a trusted signer did not sign is never parsed here, whatever
    process this is: its judgement is compared when its signer is trusted and the kept PDF is
    checked again (`recheck_file`). The signature covers the whole file (no bytes outside the
    signed ranges, no later revision), so what PDFium reads is what the trusted signer signed."""
    if verified != TRUSTED or not result.signed:
        return "", ""
    label = _text(result.data or {}, "judgements", "overall", "label")
    if result.sealed:  # PDFium cannot open certificate encryption: read an in-memory decrypted copy
        opened = sealing.open_copy(pdf, keys)
        return judgement_check(opened, label, None) if opened else ("", "")
    return judgement_check(pdf, label, password)


def judgement_check(pdf: bytes, label: str, password: str | None) -> tuple[str, str]:
    """(outcome, printed words) of comparing the pages with the data; empty when not checked."""
    if not label:
        return "", ""
    try:
        found = page_text.check_overall_judgement(pdf, label, password)
    except Exception as exc:  # the signature verdict stands; the comparison is extra
        log.warning("page text could not be read for the judgement check: %s", type(exc).__name__)
        return "", ""
    return found.outcome, found.printed


def _cancelled(cancel: SupportsCancel) -> bool:
    try:
        cancel.raise_if_cancelled()
    except Cancelled:
        return True
    return False


class _BatchLookups:
    """The look-ups one batch's store step makes, without the ones whose answer is known to be
    empty. When the batch's transaction starts, two indexed queries say which of its report ids
    some stored return has and which of its audits a stored return amends; as the batch stores
    returns, their report ids and amended audits are added. A report id (or audit) outside those
    sets has no stored return, so looking it up is skipped; any other is looked up in the vault
    as before. Most returns in a big import are new, so most look-ups are skipped (each cost
    three queries and a flush of the batch's pending rows)."""

    def __init__(self, batch: ReturnBatch, items: Sequence[ImportedReturn]) -> None:
        self._batch = batch
        report_ids = sorted({i.report_id for i in items})
        self._audits_asked = {i.audit_id for i in items if i.audit_id}
        self._report_ids = batch.report_ids_present(report_ids) if report_ids else set()
        self._amended = batch.amended_audit_ids(sorted(self._audits_asked)) if self._audits_asked else set()

    def same_report(self, report_id: str) -> list[ImportedReturn]:
        """Every stored return with `report_id`, oldest import first."""
        return list(self._batch.find_by_report_id(report_id)) if report_id in self._report_ids else []

    def amending(self, audit_ids: Sequence[str]) -> Sequence[ImportedReturn]:
        """Stored returns that amend one of `audit_ids`."""
        if all(a in self._audits_asked and a not in self._amended for a in audit_ids):
            return []
        return self._batch.amending(audit_ids)

    def added(self, item: ImportedReturn) -> None:
        """`item` was stored in this batch."""
        self._report_ids.add(item.report_id)
        if item.previous_audit_id:
            self._amended.add(item.previous_audit_id)


def _entry_in(lookups: _BatchLookups, item: ImportedReturn, same_report: Sequence[ImportedReturn]) -> InboxEntry:
    """The inbox row for `item` from inside a batch: `same_report` holds every return with its
    report id (for conflicts)."""
    conflict = _conflicts(same_report).get(item.id, "")
    superseded_by = latest_revision(item, lookups.amending) if item.verified == TRUSTED else ""
    return entry_from_return(item, superseded_by=superseded_by, conflict=conflict)


def latest_revision(item: ImportedReturn, amending: Callable[[Sequence[str]], Sequence[ImportedReturn]]) -> str:
    """The report id of the newest trusted revision amending `item` (through any others), or ""."""
    chain = [item]
    seen = {item.audit_id}
    while chain[-1].audit_id:
        newer = [i for i in amending([chain[-1].audit_id]) if i.verified == TRUSTED]
        if not newer or newer[0].audit_id in seen:
            break
        chain.append(max(newer, key=lambda i: i.revision))
        seen.add(chain[-1].audit_id)
    return chain[-1].report_id if len(chain) > 1 else ""


class InboxService:
    """Import, list, trust and remove signed returns in one unlocked vault."""

    def __init__(self, vault: Any, *, clock: Callable[[], str] = _utc_now) -> None:
        self._vault = vault
        self._clock = clock
        self.identities = IdentityService(vault)
        self._sealing: tuple[list[DecryptionKey], list[str]] | None = None

    def _sealing_keys(self) -> tuple[list[DecryptionKey], list[str]]:
        """(the vault's private keys to open sealed returns, every certificate it knows to name
        a sealed return's recipients), read once per import, re-check or verify."""
        if self._sealing is None:
            self._sealing = (self.identities.decryption_keys(), self.identities.known_certificate_pems())
        return self._sealing

    # -- trust lists -------------------------------------------------------------------------

    def _trust(self) -> tuple[list[Any], list[Any]]:
        """(signer trust roots, moderator trust roots) as asn1crypto certificates."""
        signers = load_trust_certificates(self.identities.trusted_pems(SIGNER_PURPOSE))
        moderators = load_trust_certificates(self.identities.trusted_pems(MODERATOR_PURPOSE))
        return signers, moderators

    # -- importing ---------------------------------------------------------------------------

    def import_files(
        self,
        paths: Sequence[Path | str],
        *,
        password: str | None = None,
        progress: Progress = no_progress,
        cancel: SupportsCancel | None = None,
        workers: int | None = None,
        yield_cpu: bool = False,
    ) -> list[InboxImportResult]:
        """Verify and import each PDF; one result per path, in order.

        `password` opens password-protected reports (used once, never stored). Cancelling
        stops the checking: files already checked are stored, the rest are reported as
        ``skipped``. No file, however broken, stops the others: its failure is its result.
        Many files are checked on every core (`workers`, default all; 1 checks them in this
        process) and stored here, many to a commit; a few files are checked here and each is
        stored as soon as it is checked. `yield_cpu` runs the worker processes at a lower
        priority (the app does, to keep its window responsive).
        """
        return list(
            self.iter_import(
                paths, password=password, progress=progress, cancel=cancel, workers=workers, yield_cpu=yield_cpu
            )
        )

    def iter_import(
        self,
        paths: Sequence[Path | str],
        *,
        password: str | None = None,
        progress: Progress = no_progress,
        cancel: SupportsCancel | None = None,
        workers: int | None = None,
        yield_cpu: bool = False,
    ) -> Iterator[InboxImportResult]:
        """`import_files` one result at a time, as each file is stored (the CLI prints as it goes).
        Only counts are kept here, so memory does not grow with the number of files."""
        files = [Path(p) for p in paths]
        count = worker_count(len(files), workers) if len(files) >= PARALLEL_FROM else 1
        batch_size = BATCH_FILES if len(files) >= PARALLEL_FROM else 1
        stream = self._checked(files, password, progress, cancel, count, yield_cpu)
        tally: Counter[str] = Counter()  # statuses, and "quarantined"
        done = 0  # files with a result so far
        pending: list[CheckedFile] = []
        stop = ""  # why the files not yet stored are skipped

        def handed(results: Sequence[InboxImportResult]) -> Iterator[InboxImportResult]:
            nonlocal done
            for result in results:
                done += 1
                tally[result.status] += 1
                tally["quarantined"] += result.quarantined
                yield result

        flushed = time.monotonic()
        try:
            while not stop:
                try:
                    pending.append(next(stream))
                except StopIteration:
                    break
                except Cancelled:
                    stop = CANCELLED
                    break
                if len(pending) >= batch_size or time.monotonic() - flushed >= FLUSH_SECONDS:
                    stored, stop = self._store_batch(pending, done, len(files))
                    pending = [] if not stop else pending
                    flushed = time.monotonic()
                    yield from handed(stored)
                if not stop and cancel is not None and count > 1 and _cancelled(cancel):
                    stop = CANCELLED
            stream.close()  # stops the workers (waits only for the files being checked)
            if pending and stop in ("", CANCELLED):
                stored, failed = self._store_batch(pending, done, len(files))
                stop = failed or stop
                yield from handed(stored)
            yield from handed([InboxImportResult(p, ImportStatus.SKIPPED, stop) for p in files[done:]])
        finally:
            stream.close()
        progress(100, "Done")
        _log_summary(tally)

    def _checked(
        self,
        files: Sequence[Path],
        password: str | None,
        progress: Progress,
        cancel: SupportsCancel | None,
        workers: int,
        yield_cpu: bool = False,
    ) -> Generator[CheckedFile, None, None]:
        """Each file checked, in order: here (progress before each file, cancel checked before
        each) or by `workers` processes (progress as each result comes back)."""
        signers = tuple(self.identities.trusted_pems(SIGNER_PURPOSE))
        moderators = tuple(self.identities.trusted_pems(MODERATOR_PURPOSE))
        self._sealing = None
        keys, known = self._sealing_keys()
        total = len(files)

        def job(path: Path) -> CheckJob:
            return CheckJob(str(path), signers, moderators, password, tuple(keys), tuple(known))

        if workers <= 1:
            for number, path in enumerate(files):
                check(cancel)
                progress(100 * number // max(total, 1), f"Checking {path.name} ({number + 1} of {total})")
                yield check_file(job(path))
            return
        jobs = (job(path) for path in files)
        progress(0, f"Checking {total} files on {workers} cores")
        results = ordered_map(check_file, jobs, workers=workers, on_error=_check_failed, lower_priority=yield_cpu)
        try:
            for number, checked in enumerate(results, start=1):
                progress(100 * number // max(total, 1), f"Checked {number} of {total}")
                yield checked
        finally:
            results.close()

    def _store_batch(
        self, checked: Sequence[CheckedFile], before: int, total: int
    ) -> tuple[list[InboxImportResult], str]:
        """Store `checked` in one transaction: (the results, "") or, when the vault fails,
        ([], the reason every file not stored is skipped). A file whose store step fails for
        any other reason is rejected with the reason and the others are stored."""
        if all(c.item is None for c in checked):
            return [InboxImportResult(Path(c.path), ImportStatus.REJECTED, c.reason) for c in checked], ""
        repository = self._vault.imported_returns
        try:
            try:
                return repository.in_one_transaction(lambda batch: self._store_all(batch, checked)), ""
            except VaultError:
                raise
            except (Exception, RecursionError, MemoryError):
                if len(checked) == 1:
                    raise
                log.error("inbox import: a batch of %d failed; storing its files one at a time", len(checked))
                results: list[InboxImportResult] = []
                for one in checked:  # only the file that fails is rejected
                    results += self._store_batch([one], before + len(results), total)[0]
                return results, ""
        except VaultError as exc:  # the vault, not the file: keep what was done, stop here
            log.error("inbox import: the vault failed at file %d of %d", before + 1, total)
            return [], f"not imported: the vault could not store it ({exc}); files before it were imported"
        except (Exception, RecursionError, MemoryError) as exc:  # one bad file never stops the batch
            log.error("inbox import: file %d of %d failed: %s", before + 1, total, type(exc).__name__)
            return [InboxImportResult(Path(checked[0].path), ImportStatus.REJECTED, unexpected_reason(exc))], ""

    def _store_all(self, batch: ReturnBatch, checked: Sequence[CheckedFile]) -> list[InboxImportResult]:
        lookups = _BatchLookups(batch, [c.item for c in checked if c.item is not None])
        return [self._store(batch, lookups, c) for c in checked]

    def _store(self, batch: ReturnBatch, lookups: _BatchLookups, checked: CheckedFile) -> InboxImportResult:
        """The per-file store step (inside the batch's transaction): a rejected file stays out;
        otherwise the return is stored unless the inbox already holds what was signed (see the
        module docs)."""
        path = Path(checked.path)
        if checked.item is None:
            return InboxImportResult(path, ImportStatus.REJECTED, checked.reason)
        now = self._clock()
        item = dataclasses.replace(checked.item, id=uuid.uuid4().hex, imported_at=now, checked_at=now)
        same = lookups.same_report(item.report_id)
        replaced: list[ImportedReturn] = []
        conflicts: list[ImportedReturn] = []
        for old in same:
            if not old.signer_fingerprint:  # imported before signers were kept: the new copy replaces it
                replaced.append(old)
            elif old.signer_fingerprint == item.signer_fingerprint and (
                old.data_hash == item.data_hash or old.content_hash == item.content_hash
            ):
                extra = _extends(item, old)
                if extra and item.verified == TRUSTED:
                    replaced.append(old)
                elif not extra:
                    reason = "this report is already in the inbox (the same signed report)"
                    return InboxImportResult(path, ImportStatus.DUPLICATE, reason, _entry_in(lookups, old, same))
            else:
                conflicts.append(old)
        for old in replaced:
            batch.delete(old.id)
        stored = batch.add(item, checked.data_json, checked.pdf)
        lookups.added(stored)
        log.info("return %s imported (report %s, %s)", stored.id, stored.report_id, stored.verified)
        notes = self._notes(stored, replaced, conflicts)
        kept = [old for old in same if old not in replaced] + [stored]
        entry = _entry_in(lookups, stored, kept)
        return InboxImportResult(path, ImportStatus.IMPORTED, entry=entry, note="; ".join(notes))

    @staticmethod
    def _notes(
        stored: ImportedReturn, replaced: Sequence[ImportedReturn], conflicts: Sequence[ImportedReturn]
    ) -> list[str]:
        notes: list[str] = []
        if stored.verified != TRUSTED:
            notes.append(f"held in quarantine: {stored.trust_problem}")
        if replaced:
            notes.append(
                "replaces the copy already in the inbox (this one carries more signatures, or the older copy had no signer details)"
            )
        if conflicts:
            notes.append(
                f"conflict: report id {stored.report_id} is already in the inbox {_conflict_words(stored, conflicts[0])}"
            )
        if stored.signed_on_behalf:
            notes.append(f"signed by {stored.signer} on behalf of {stored.auditor_name}")
        if stored.judgement_check == JUDGEMENT_MISMATCH:
            notes.append(
                f"the pages print the overall judgement as {stored.page_judgement!r} but the data says "
                f"{stored.overall_label!r}"
            )
        return notes

    # -- the list ----------------------------------------------------------------------------

    def listing(self, *, include_superseded: bool = False) -> InboxListing:
        """Trusted returns and the quarantine, apart. Reads only the listing columns."""
        items = self._vault.imported_returns.list()
        conflicts = _conflicts(items)
        trusted = [i for i in items if i.verified == TRUSTED]
        superseded = _superseded(trusted)
        returns = tuple(
            entry_from_return(i, superseded_by=superseded.get(i.id, ""), conflict=conflicts.get(i.id, ""))
            for i in trusted
            if include_superseded or i.id not in superseded
        )
        quarantine = tuple(
            entry_from_return(i, conflict=conflicts.get(i.id, "")) for i in items if i.verified != TRUSTED
        )
        return InboxListing(returns, quarantine, len(superseded))

    def list_returns(self, *, include_superseded: bool = False) -> list[InboxEntry]:
        """Trusted returns only (the latest revision of each audit), most recently imported first.
        This is what any count or aggregation uses: quarantined returns are never in it."""
        return list(self.listing(include_superseded=include_superseded).returns)

    def quarantine(self) -> list[InboxEntry]:
        """Returns held apart because a signer is not trusted, most recently imported first."""
        return list(self.listing().quarantine)

    def get(self, return_id: str) -> InboxEntry:
        """One return (trusted or quarantined); raises `NotFound` when there is none with that id."""
        item = self._vault.imported_returns.get(return_id)
        items = self._vault.imported_returns.find_by_report_id(item.report_id)
        conflict = _conflicts(items).get(item.id, "")
        amending = self._vault.imported_returns.amending
        superseded_by = latest_revision(item, amending) if item.verified == TRUSTED else ""
        return entry_from_return(item, superseded_by=superseded_by, conflict=conflict)

    def report_data(self, return_id: str) -> dict[str, Any]:
        """The embedded report data of one return (see docs/report-data-schema.md)."""
        data: dict[str, Any] = self._vault.imported_returns.data(return_id)
        return data

    def pdf(self, return_id: str) -> bytes:
        """The original signed PDF of one return; raises `NotFound` when the vault has none
        (returns imported before the vault kept PDFs)."""
        found: bytes | None = self._vault.imported_returns.pdf(return_id)
        if found is None:
            raise NotFound(
                f"The signed PDF of return {return_id} is not in the vault (it was imported by an earlier "
                "version of LSCP Audit). Import the file again to keep it."
            )
        return found

    def remove(self, return_id: str) -> None:
        """Delete one return (its data, signatures and PDF); raises `NotFound` when there is none."""
        item = self._vault.imported_returns.get(return_id)  # raises NotFound with a clear message
        self._vault.imported_returns.delete(return_id)
        if not any(
            o.data_hash == item.data_hash for o in self._vault.imported_returns.find_by_report_id(item.report_id)
        ):
            self._vault.moderation.delete_for(item.report_id, item.data_hash)  # its moderation records go too
        log.info("return %s removed from the inbox", return_id)

    # -- trust -------------------------------------------------------------------------------

    def trust_certificate(self, pem_text: str, label: str = "", *, moderator: bool = False) -> list[TrustedCertificate]:
        """Trust the certificate(s) in `pem_text`: as signers (an auditor's certificate or a
        partnership root) or, with `moderator`, as QA moderators who may countersign. Raises
        `ValidationError` when the text holds no certificate. Call `recheck` afterwards to move
        returns out of quarantine."""
        if "BEGIN CERTIFICATE" not in pem_text:
            raise ValidationError(["that file does not hold a PEM certificate"])
        purpose = MODERATOR_PURPOSE if moderator else SIGNER_PURPOSE
        added = self.identities.trust_certificate(pem_text, label, purpose=purpose)
        log.info("%d certificate(s) trusted for the inbox (%s)", len(added), purpose)
        return added

    def signer_certificate(self, return_id: str, position: int = 0) -> tuple[str, str]:
        """(PEM, SHA-256 fingerprint hex) of one signature's certificate in a stored return, so
        the QA subgroup can see the fingerprint before trusting it."""
        item = self._vault.imported_returns.get(return_id)
        for sig in item.signatures:
            if sig.position == position and sig.certificate_der:
                return _pem(sig.certificate_der), sig.fingerprint
        raise NotFound(f"Return {return_id} has no stored certificate for signature {position + 1}.")

    def trust_signer(
        self,
        return_id: str,
        fingerprint: str,
        *,
        position: int = 0,
        moderator: bool = False,
        label: str = "",
        password: str | None = None,
        yield_cpu: bool = False,
    ) -> RecheckResult:
        """Trust the certificate of one signature of a stored return, then check every
        quarantined return with a kept PDF again (`yield_cpu` as for `recheck`). `fingerprint`
        must be the one the user was shown (confirmation); a different one is refused and nothing
        is trusted."""
        pem, actual = self.signer_certificate(return_id, position)
        wanted = "".join(fingerprint.split()).replace(":", "").lower()
        if wanted != actual.lower():
            raise ValidationError(
                [f"the fingerprint given does not match the signer's certificate ({fingerprint_text(actual)})"]
            )
        self.trust_certificate(pem, label, moderator=moderator)
        return self.recheck(password=password, quarantine_only=True, yield_cpu=yield_cpu)

    def recheck(
        self,
        *,
        password: str | None = None,
        quarantine_only: bool = False,
        progress: Progress = no_progress,
        cancel: SupportsCancel | None = None,
        workers: int | None = None,
        yield_cpu: bool = False,
    ) -> RecheckResult:
        """Verify every kept PDF again against the current trust lists and record each
        return's new trust state (quarantined returns whose signers are now trusted leave the
        quarantine). `quarantine_only` checks only quarantined returns: enough after trusting a
        certificate, since more trust never takes trust away. Password-protected returns need
        `password`; those that cannot be checked keep their state and are listed in `not_checked`.
        Many returns are verified on every core (`workers`, default all; `yield_cpu` as for
        `import_files`), each kept PDF read here and sent to a worker process through a pipe."""
        signers = tuple(self.identities.trusted_pems(SIGNER_PURPOSE))
        moderators = tuple(self.identities.trusted_pems(MODERATOR_PURPOSE))
        self._sealing = None
        keys, known = self._sealing_keys()
        ids = self._vault.imported_returns.ids_with_pdf(except_verified=TRUSTED if quarantine_only else None)
        count = worker_count(len(ids), workers) if len(ids) >= PARALLEL_FROM else 1
        total = len(ids)

        def job(return_id: str) -> RecheckJob:
            pdf = self._vault.imported_returns.pdf(return_id) or b""
            return RecheckJob(return_id, pdf, signers, moderators, password, tuple(keys), tuple(known))

        wanted = set(ids)
        old_states = {i.id: i for i in self._vault.imported_returns.list() if i.id in wanted}  # no JSON, no PDF
        now_trusted: list[str] = []
        now_quarantined: list[str] = []
        not_checked: list[tuple[str, str]] = []
        updates: list[TrustUpdate] = []
        flushed = time.monotonic()

        def record() -> None:  # many returns to a commit, like the import
            nonlocal flushed
            self._vault.imported_returns.update_trust_many(updates)
            updates.clear()
            flushed = time.monotonic()

        progress(0, f"Checking {total} returns" + (f" on {count} cores" if count > 1 else ""))
        results = ordered_map(
            recheck_file, (job(i) for i in ids), workers=count, on_error=_recheck_failed, lower_priority=yield_cpu
        )
        try:
            for number in range(1, total + 1):
                check(cancel)  # before each return is checked (here) or handed on (by the workers)
                checked = next(results)
                outcome, update = _recheck_outcome(checked, old_states.get(checked.return_id), self._clock())
                if update is not None:
                    updates.append(update)
                if outcome == TRUSTED:
                    now_trusted.append(checked.return_id)
                elif outcome == UNTRUSTED:
                    now_quarantined.append(checked.return_id)
                elif outcome:
                    not_checked.append((checked.return_id, outcome))
                if len(updates) >= BATCH_FILES or time.monotonic() - flushed >= FLUSH_SECONDS:
                    record()
                progress(100 * number // max(total, 1), f"Checked return {number} of {total}")
        finally:
            results.close()  # on Cancel: stops the workers
            record()  # what was checked before a Cancel is recorded too
        progress(100, "Done")
        log.info(
            "inbox re-check: %d checked, %d now trusted, %d now quarantined, %d not checked",
            total,
            len(now_trusted),
            len(now_quarantined),
            len(not_checked),
        )
        return RecheckResult(total, tuple(now_trusted), tuple(now_quarantined), tuple(not_checked))

    def verify(
        self, files: Sequence[Path | str], *, trust_pems: Sequence[str] = (), password: str | None = None
    ) -> list[VerificationResult]:
        """Verify PDFs without importing them, trusting this vault's certificates plus
        `trust_pems` (and its moderator list for countersignatures). A file that cannot be read
        gets a result that says why; no file stops the others."""
        signers, moderators = self._trust()
        signers = signers + load_trust_certificates(trust_pems)
        self._sealing = None
        keys, known = self._sealing_keys()
        results: list[VerificationResult] = []
        for name in files:
            path = Path(name)
            data = _read(path)
            if isinstance(data, str):
                results.append(VerificationResult(str(path), problem=data))
                continue
            try:
                results.append(
                    verify_pdf_bytes(
                        data,
                        path=str(path),
                        trust=signers,
                        moderator_trust=moderators,
                        password=password,
                        keys=keys,
                        known_pems=known,
                    )
                )
            except (Exception, RecursionError, MemoryError) as exc:
                log.error("verify: a file failed: %s", type(exc).__name__)
                results.append(VerificationResult(str(path), problem=unexpected_reason(exc)))
        return results

    def trusted_count(self) -> int:
        """How many certificates this vault trusts as signers."""
        return len(self.identities.trusted_pems(SIGNER_PURPOSE))

    def moderator_count(self) -> int:
        """How many certificates this vault trusts as QA moderators."""
        return len(self.identities.trusted_pems(MODERATOR_PURPOSE))


def _prefixed(hexdigest: str) -> str:
    return hexdigest if hexdigest.startswith("sha256:") else "sha256:" + hexdigest


def _pem(der: bytes) -> str:
    from asn1crypto import pem

    text: bytes = pem.armor("CERTIFICATE", der)
    return text.decode("ascii")


def _extends(new: ImportedReturn, old: ImportedReturn) -> bool:
    """True when `new` carries every signature of `old` (same certificates, in order) and more."""
    old_prints = [s.fingerprint for s in old.signatures]
    new_prints = [s.fingerprint for s in new.signatures]
    return len(new_prints) > len(old_prints) and new_prints[: len(old_prints)] == old_prints


def _conflict_words(item: ImportedReturn, other: ImportedReturn) -> str:
    if other.signer_fingerprint != item.signer_fingerprint:
        return f"signed by {other.signer or 'someone else'} (fingerprint {fingerprint_text(other.signer_fingerprint, short=True)})"
    return "with different answers from the same signer"


def _conflicts(items: Iterable[ImportedReturn]) -> dict[str, str]:
    """Return id -> description, for returns that share a report id with a return from another
    signer or with different answers. Returns from before signers were kept are left out."""
    by_report: dict[str, list[ImportedReturn]] = defaultdict(list)
    for item in items:
        if item.signer_fingerprint:
            by_report[item.report_id].append(item)
    found: dict[str, str] = {}
    for report_id, group in by_report.items():
        for item in group:
            others = [
                o
                for o in group
                if o.signer_fingerprint != item.signer_fingerprint or o.content_hash != item.content_hash
            ]
            if others:
                where = "in quarantine" if others[0].verified != TRUSTED else "among trusted returns"
                found[item.id] = (
                    f"report id {report_id} is also in the inbox ({where}) {_conflict_words(item, others[0])}"
                )
    return found


def _superseded(trusted: Sequence[ImportedReturn]) -> dict[str, str]:
    """Return id -> report id of the latest revision of the same audit, for every trusted return
    that a newer trusted revision in the inbox amends (directly or through other revisions)."""
    newer: dict[str, ImportedReturn] = {}
    for item in trusted:
        if item.previous_audit_id:
            current = newer.get(item.previous_audit_id)
            if current is None or item.revision > current.revision:
                newer[item.previous_audit_id] = item
    found: dict[str, str] = {}
    for item in trusted:
        latest = newer.get(item.audit_id) if item.audit_id else None
        seen = {item.audit_id}
        while latest is not None and latest.audit_id not in seen:
            seen.add(latest.audit_id)
            following = newer.get(latest.audit_id)
            if following is None:
                break
            latest = following
        if latest is not None:
            found[item.id] = latest.report_id
    return found


def _log_summary(tally: Counter[str]) -> None:
    log.info(
        "inbox import: %d imported (%d into quarantine), %d duplicate(s), %d rejected, %d skipped",
        tally[ImportStatus.IMPORTED],
        tally["quarantined"],
        tally[ImportStatus.DUPLICATE],
        tally[ImportStatus.REJECTED],
        tally[ImportStatus.SKIPPED],
    )

"""ModerationService: QA moderators' signed outcomes for returns in the inbox (Qt-free).

A moderator records, for one trusted return, either **agree** (the return's own judgements
stand) or **moderated**: a moderated rating for one or more sections or Section 11 standards,
each a level of the return's own judgement scale (the scale the template declared, as embedded
in the signed data), each with a rationale, plus an overall rationale. The record is signed with
the moderator's identity in this vault as a CMS signature (`reports.moderation_record`) and bound
to the return's report id, content hash and the SHA-256 of its embedded data as signed.

Only a certificate this vault trusts **as a QA moderator** may moderate: recording refuses a
signing identity whose certificate does not chain to a moderator certificate, and importing a
record refuses one signed by any other certificate. Every record, made here or imported, goes
through the same check before it is stored (`_accept`): the CMS signature (pyHanko, plus our own
digest and chain-anchor checks), the schema, and the binding, checked here against the stored
return: the same report id, content hash, data hash, revision and template, a trusted (not
quarantined) return, and every moderated scope and code present in that return's judgements.

Records are stored (`vault.moderation`) with the signed file, so they can be exported again
byte for byte. They are found by report id and data hash, so a record survives removing and
importing its return again.

Every view shows a record with its **verification now**: the stored signed file is checked again
against the certificates this vault trusts as moderators at the time it is shown (`Moderation.
verified`, `Moderation.verification`), so trusting or no longer trusting a moderator's certificate
changes what is shown without importing anything again. Verdicts are remembered per record and
set of moderator certificates, so a list of returns does not check the same record twice.

Logs carry record ids, report ids and outcomes, never rationales or answers.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import logging
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lscp_audit.core.errors import NotFound, ValidationError
from lscp_audit.core.identity import MODERATOR_PURPOSE, ImportedReturn
from lscp_audit.core.moderation import AGREE, MODERATED, OUTCOMES, ModerationSummary
from lscp_audit.reports import moderation_record
from lscp_audit.reports.verification import load_trust_certificates
from lscp_audit.services.file_saving import save_file
from lscp_audit.services.identity_service import IdentityService

log = logging.getLogger(__name__)

FILE_SUFFIX = moderation_record.FILE_SUFFIX
OUTCOME_WORDS = {AGREE: "Agreed", MODERATED: "Moderated"}
TRUSTED = "trusted"
VERIFIED_TEXT = "Signature verified: signed by a certificate trusted as a QA moderator"
NOT_VERIFIED = "Not verified"
#: (record id, moderator trust key) -> (verified, what the check found): a record's verdict only
#: changes when the moderator certificates trusted change, and then the key changes too.
_VERDICTS: dict[tuple[str, str], tuple[bool, str]] = {}
_VERDICTS_LOCK = threading.Lock()


class ModerationStatus(enum.StrEnum):
    STORED = "stored"
    DUPLICATE = "duplicate"
    REFUSED = "refused"


@dataclass(frozen=True)
class ScaleLevel:
    code: str
    label: str


@dataclass(frozen=True)
class ModerationScope:
    """A judgement of the return that can be moderated: ``overall`` or a section (a Section 11
    standard) id, for one agency when the section is repeated per agency."""

    scope: str
    agency: str | None
    title: str
    self_rating: str | None
    self_label: str


@dataclass(frozen=True)
class ModerationForm:
    """What a moderator chooses from for one return: its scale's levels (best first) and scopes."""

    return_id: str
    report_id: str
    scale_id: str
    scale_title: str
    levels: tuple[ScaleLevel, ...]
    scopes: tuple[ModerationScope, ...]


@dataclass(frozen=True)
class JudgementInput:
    """One moderated rating as the moderator enters it."""

    scope: str
    moderated: str
    rationale: str
    agency: str | None = None


@dataclass(frozen=True)
class ModeratedJudgement:
    scope: str
    agency: str | None
    title: str
    self_rating: str | None
    self_label: str
    moderated: str
    moderated_label: str
    rationale: str


@dataclass(frozen=True)
class Moderation:
    """A stored, checked moderation record as any view shows it. `moderated_at` is ISO 8601."""

    id: str
    report_id: str
    outcome: str
    moderator: str
    moderator_role: str
    moderator_agency: str
    moderator_fingerprint: str
    moderated_at: str
    rationale: str
    scale_title: str
    judgements: tuple[ModeratedJudgement, ...] = ()
    #: Whether the signed record checks out now against the moderator certificates trusted in
    #: this vault, and the verdict in words (why not, when it does not).
    verified: bool = True
    verification: str = VERIFIED_TEXT

    @property
    def outcome_words(self) -> str:
        return OUTCOME_WORDS.get(self.outcome, self.outcome)

    @property
    def summary(self) -> str:
        """``Agreed`` or ``Moderated: 2 standards`` (what a list column shows)."""
        if self.outcome == AGREE:
            return "Agreed"
        count = len(self.judgements)
        return f"Moderated: {count} judgement{'s' if count != 1 else ''}"

    @property
    def moderator_text(self) -> str:
        """``Name (role, organisation)``."""
        detail = ", ".join(p for p in (self.moderator_role, self.moderator_agency) if p)
        return f"{self.moderator} ({detail})" if detail else self.moderator

    @property
    def verified_words(self) -> str:
        return self.verification if self.verified else f"{NOT_VERIFIED}: {self.verification}"


@dataclass(frozen=True)
class ModerationImportResult:
    path: Path | None
    status: ModerationStatus
    reason: str = ""
    moderation: Moderation | None = None
    #: Refused only because no return with its report id is in the inbox yet (its signature is
    #: good): importing it again once the return is in may store it.
    awaiting_return: bool = False

    @property
    def ok(self) -> bool:
        return self.status != ModerationStatus.REFUSED


def _utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _bare(data_hash: str) -> str:
    return data_hash.removeprefix("sha256:")


def _text(data: Any, *keys: str) -> str:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return "" if data is None else str(data)


def form_from_data(return_id: str, data: dict[str, Any]) -> ModerationForm:
    """The scale and judgements of a return's report data (see docs/report-data-schema.md)."""
    judgements = data.get("judgements") or {}
    levels = tuple(
        ScaleLevel(str(level.get("code", "")), str(level.get("label", "")))
        for level in judgements.get("levels") or []
        if isinstance(level, dict) and level.get("code")
    )
    scopes = []
    for entry in judgements.get("sections") or []:
        if not isinstance(entry, dict) or not entry.get("section_id"):
            continue
        agency = entry.get("agency") or None
        title = str(entry.get("title", ""))
        if agency:
            title = f"{title} ({entry.get('agency_label') or agency})"
        scopes.append(
            ModerationScope(str(entry["section_id"]), agency, title, entry.get("value"), str(entry.get("label", "")))
        )
    overall = judgements.get("overall") or {}
    scopes.append(
        ModerationScope("overall", None, "Overall judgement", overall.get("value"), str(overall.get("label", "")))
    )
    return ModerationForm(
        return_id,
        _text(data, "report", "id"),
        str(judgements.get("scale", "")),
        str(judgements.get("scale_title", "")),
        levels,
        tuple(scopes),
    )


class ModerationService:
    """Record, import, export and look up moderation records in a QA subgroup's vault."""

    def __init__(self, vault: Any, *, clock: Callable[[], str] = _utc_now, actor: str = "") -> None:
        self._vault = vault
        self._clock = clock
        self._actor = actor or "qa-inbox"  # who the export log records for record files written from here
        self.identities = IdentityService(vault)

    @classmethod
    def for_inbox(cls, inbox: Any) -> ModerationService:
        """The moderation service of the vault an `InboxService` works on."""
        return cls(inbox._vault)

    # -- what can be moderated ----------------------------------------------------------------

    def form(self, return_id: str) -> ModerationForm:
        """The levels and judgements a moderator chooses from for `return_id`."""
        self._vault.imported_returns.get(return_id)  # NotFound with a clear message
        return form_from_data(return_id, self._vault.imported_returns.data(return_id))

    # -- recording ------------------------------------------------------------------------------

    def record(
        self,
        return_id: str,
        *,
        outcome: str,
        rationale: str,
        judgements: Sequence[JudgementInput] = (),
        identity_id: str | None = None,
    ) -> Moderation:
        """Sign and store a moderation record for `return_id` with the vault's signing identity
        (`identity_id`, or the default). Raises `ValidationError` with every problem (an
        unknown scope or scale code, a missing rationale, a quarantined return, a signing
        certificate not trusted as a QA moderator), `NotFound` for an unknown return."""
        item = self._vault.imported_returns.get(return_id)
        data = self._vault.imported_returns.data(return_id)
        record = self._build(item, data, outcome, rationale, judgements, identity_id)
        signer = self.identities.signer(identity_id)
        blob = moderation_record.sign_record(record, signer)
        result = self._accept(blob, None)
        if result.moderation is None:
            raise ValidationError([result.reason])
        return result.moderation

    def _build(
        self,
        item: ImportedReturn,
        data: dict[str, Any],
        outcome: str,
        rationale: str,
        judgements: Sequence[JudgementInput],
        identity_id: str | None,
    ) -> dict[str, Any]:
        problems = []
        if item.verified != TRUSTED:
            problems.append("the return is in quarantine: trust its signer before moderating it")
        if outcome not in OUTCOMES:
            problems.append(f"the outcome must be {' or '.join(OUTCOMES)}")
        if not rationale.strip():
            problems.append("give a rationale for the moderation outcome")
        form = form_from_data(item.id, data)
        chosen = self._judgements(form, outcome, judgements, problems)
        identity = self.identities.list_identities()
        info = next((i for i in identity if i.id == identity_id), None) if identity_id else self.identities.default()
        if info is None:
            problems.append("this vault has no signing identity: create or import one first")
        elif not self._is_moderator(self.identities.export_certificate_pem(info.id)):
            problems.append(
                f"{info.name}'s certificate is not trusted as a QA moderator in this vault, so it cannot "
                "moderate (trust it with 'Trust a moderator…' or 'inbox trust --moderator')"
            )
        if problems:
            raise ValidationError(problems)
        assert info is not None
        return {
            "schema": moderation_record.SCHEMA,
            "schema_version": moderation_record.SCHEMA_VERSION,
            "id": uuid.uuid4().hex,
            "moderated_at": self._clock(),
            "return": {
                "report_id": item.report_id,
                "revision": item.revision,
                "content_hash": item.content_hash,
                "data_sha256": _bare(item.data_hash),
                "template_id": item.template_id,
                "template_version": item.template_version,
            },
            "moderator": {"name": info.name, "role": info.role, "agency": info.agency},
            "outcome": outcome,
            "rationale": rationale.strip(),
            "scale": {"id": form.scale_id, "title": form.scale_title},
            "judgements": chosen,
        }

    @staticmethod
    def _judgements(
        form: ModerationForm, outcome: str, judgements: Sequence[JudgementInput], problems: list[str]
    ) -> list[dict[str, Any]]:
        if outcome == AGREE:
            if judgements:
                problems.append("an 'agree' outcome has no moderated ratings; choose 'moderated' to change one")
            return []
        if outcome == MODERATED and not judgements:
            problems.append("give at least one moderated rating, or choose 'agree'")
        levels = {level.code for level in form.levels}
        scopes = {(s.scope, s.agency): s for s in form.scopes}
        chosen = []
        seen = set()
        for entry in judgements:
            scope = scopes.get((entry.scope, entry.agency or None))
            if scope is None:
                problems.append(f"the return has no judgement {entry.scope!r} to moderate")
                continue
            if (scope.scope, scope.agency) in seen:
                problems.append(f"{scope.title} is moderated twice")
                continue
            seen.add((scope.scope, scope.agency))
            if entry.moderated not in levels:
                problems.append(
                    f"{entry.moderated!r} is not a level of the return's scale ({form.scale_title}) for {scope.title}"
                )
            if not entry.rationale.strip():
                problems.append(f"give a rationale for the moderated rating of {scope.title}")
            chosen.append(
                {
                    "scope": scope.scope,
                    "agency": scope.agency,
                    "title": scope.title,
                    "self_rating": scope.self_rating,
                    "moderated": entry.moderated,
                    "rationale": entry.rationale.strip(),
                }
            )
        return chosen

    def _is_moderator(self, pem_text: str) -> bool:
        """Whether a certificate chains to one this vault trusts as a QA moderator (checked by
        signing nothing: the same path validation pyHanko applies to a record)."""
        import asyncio

        from asn1crypto import pem, x509
        from pyhanko_certvalidator import CertificateValidator, ValidationContext
        from pyhanko_certvalidator.errors import PathError
        from pyhanko_certvalidator.errors import ValidationError as PathValidationError

        roots = self._moderator_certs()
        if not roots:
            return False
        certs = [x509.Certificate.load(der) for _t, _h, der in pem.unarmor(pem_text.encode("ascii"), multiple=True)]
        leaf, chain = certs[0], certs[1:]
        context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
        try:
            validator = CertificateValidator(leaf, intermediate_certs=chain, validation_context=context)
            path = asyncio.run(validator.async_validate_usage(set()))
        except (PathError, PathValidationError):
            return False
        anchor = path.first.dump() if path.first is not None else None
        if anchor not in {root.dump() for root in roots}:
            return False
        return True

    def _moderator_certs(self) -> list[Any]:
        return load_trust_certificates(self.identities.trusted_pems(MODERATOR_PURPOSE))

    # -- importing and checking -----------------------------------------------------------------

    def import_file(self, path: Path | str) -> ModerationImportResult:
        """Check a moderation record file and store it. Never raises for a bad file: a refused
        file's result says why, in plain words."""
        path = Path(path)
        try:
            with path.open("rb") as handle:
                blob = handle.read(moderation_record.MAX_RECORD_BYTES + 1)
        except OSError as exc:
            return ModerationImportResult(path, ModerationStatus.REFUSED, f"cannot read the file ({exc.strerror})")
        return self._accept(blob, path)

    def import_bytes(self, blob: bytes) -> ModerationImportResult:
        return self._accept(blob, None)

    def check(self, blob: bytes) -> tuple[moderation_record.RecordCheck, str | None]:
        """The signature verdict and, when it is good, the binding problem (None when bound to a
        trusted return in this inbox)."""
        checked = moderation_record.check_record(blob, self._moderator_certs())
        if not checked.ok:
            return checked, checked.problem
        assert checked.record is not None
        return checked, self._binding_problem(checked.record)[1]

    def _accept(self, blob: bytes, path: Path | None) -> ModerationImportResult:
        checked, problem = self.check(blob)
        if problem is not None or checked.record is None:
            log.info("moderation record refused")
            awaiting = checked.record is not None and not self._vault.imported_returns.find_by_report_id(
                str(checked.record["return"]["report_id"])
            )
            return ModerationImportResult(
                path, ModerationStatus.REFUSED, problem or "the record could not be read", awaiting_return=awaiting
            )
        record = checked.record
        item, _ = self._binding_problem(record)
        assert item is not None
        try:
            existing = self._vault.moderation.get(str(record["id"]))
        except NotFound:
            existing = None
        if existing is not None:
            return ModerationImportResult(
                path, ModerationStatus.DUPLICATE, "this record is already in the vault", self._moderation(existing.id)
            )
        summary = ModerationSummary(
            id=str(record["id"]),
            report_id=item.report_id,
            data_hash=item.data_hash,
            content_hash=item.content_hash,
            outcome=str(record["outcome"]),
            moderator=checked.signer,
            moderator_fingerprint=checked.fingerprint,
            moderated_at=str(record["moderated_at"]),
        )
        self._vault.moderation.add(summary, record, blob)
        log.info("moderation record %s stored for report %s (%s)", summary.id, summary.report_id, summary.outcome)
        return ModerationImportResult(path, ModerationStatus.STORED, "", self._moderation(summary.id))

    def _binding_problem(self, record: dict[str, Any]) -> tuple[ImportedReturn | None, str | None]:
        """Our own check that the record belongs to a trusted return in this inbox."""
        bound = record["return"]
        report_id = str(bound["report_id"])
        candidates = self._vault.imported_returns.find_by_report_id(report_id)
        if not candidates:
            return None, f"no return with report id {report_id} is in this inbox: import the return first"
        wanted = "sha256:" + str(bound["data_sha256"])
        same = [c for c in candidates if c.data_hash == wanted]
        if not same:
            held = ", ".join(sorted({c.data_hash for c in candidates}))
            return None, (
                f"the record is bound to data hash {wanted} but the return {report_id} in this inbox has "
                f"{held}: it moderates a different version of the return, so it is refused"
            )
        item = next((c for c in same if c.verified == TRUSTED), same[0])
        if item.content_hash != bound["content_hash"]:
            return None, (
                f"the record names content hash {bound['content_hash']} but the return {report_id} in this inbox "
                f"has {item.content_hash}: it is refused"
            )
        if item.revision != bound["revision"] or item.template_id != bound["template_id"]:
            return None, f"the record names another revision or template than the return {report_id}: it is refused"
        if item.template_version != bound["template_version"]:
            return None, f"the record names template version {bound['template_version']}, the return another"
        if item.verified != TRUSTED:
            return None, f"the return {report_id} is in quarantine: trust its signer before adding its moderation"
        form = form_from_data(item.id, self._vault.imported_returns.data(item.id))
        levels = {level.code for level in form.levels}
        scopes = {(s.scope, s.agency) for s in form.scopes}
        for entry in record["judgements"]:
            if (entry["scope"], entry["agency"] or None) not in scopes:
                return None, f"the record moderates {entry['scope']!r}, which the return has no judgement for"
            if entry["moderated"] not in levels:
                return None, f"the record's rating {entry['moderated']!r} is not a level of the return's scale"
        if record["scale"]["id"] != form.scale_id:
            return None, f"the record uses the scale {record['scale']['id']!r}, the return {form.scale_id!r}"
        return item, None

    # -- reading ----------------------------------------------------------------------------------

    def moderation_for(self, return_id: str) -> Moderation | None:
        """The newest moderation record of a return, or None when it has not been moderated.
        Raises `NotFound` for an unknown return."""
        history = self.history(return_id)
        return history[0] if history else None

    def history(self, return_id: str) -> list[Moderation]:
        """Every moderation record of a return, newest first."""
        item = self._vault.imported_returns.get(return_id)
        return [self._moderation(s.id) for s in self._vault.moderation.for_return(item.report_id, item.data_hash)]

    def lines_for(self, return_id: str) -> list[str]:
        """The return's moderation records as plain lines, newest first (for the read-only return
        view: ``Moderated by Name (role, organisation) on 28 Nov 2026: rationale`` and one line per
        moderated rating)."""
        lines = []
        for moderation in self.history(return_id):
            lines += moderation_lines(moderation)
        return lines

    def outcomes(self) -> dict[str, str]:
        """Return id -> the newest record's outcome words, for lists (``Agreed``, ``Moderated``,
        or ``Moderated (not verified)`` when the record no longer checks out against the
        moderators trusted now). One query, no JSON read; each record's signature is checked once
        per set of trusted moderator certificates."""
        newest = self._vault.moderation.newest_ids_by_return()
        if not newest:
            return {}
        trust = self._trust()
        shown = {}
        for return_id, (record_id, outcome) in newest.items():
            words = OUTCOME_WORDS.get(outcome, outcome)
            verified, _why = self.verdict(record_id, trust)
            shown[return_id] = words if verified else f"{words} ({NOT_VERIFIED.lower()})"
        return shown

    def _trust(self) -> tuple[str, list[Any]]:
        """The moderator certificates trusted now, and a key that changes when they change."""
        pems = sorted(self.identities.trusted_pems(MODERATOR_PURPOSE))
        key = hashlib.sha256("\n".join(pems).encode("ascii")).hexdigest()
        return key, load_trust_certificates(pems)

    def verdict(self, record_id: str, trust: tuple[str, list[Any]] | None = None) -> tuple[bool, str]:
        """Whether the stored record `record_id` checks out now (its signature, against the
        moderator certificates this vault trusts now), and the verdict in words."""
        key, certificates = trust if trust is not None else self._trust()
        with _VERDICTS_LOCK:
            known = _VERDICTS.get((record_id, key))
        if known is not None:
            return known
        checked = moderation_record.check_record(self._vault.moderation.cms(record_id), certificates)
        found = (True, VERIFIED_TEXT) if checked.ok else (False, checked.problem or "the record could not be read")
        with _VERDICTS_LOCK:
            _VERDICTS[(record_id, key)] = found
        if not found[0]:
            log.info("moderation record %s no longer verifies against the trusted moderators", record_id)
        return found

    def newest_verified_by_return(self) -> dict[str, tuple[str, str, dict[str, Any]]]:
        """Imported return id -> (outcome, moderated at, decoded record) of its newest record that
        verifies against the moderators trusted now. A record whose moderator is no longer
        trusted (or that no longer checks out) does not count: an older verified one does, or
        none, and the return's self-assessment stands (the analysis reads moderated ratings
        from here)."""
        records = self._vault.moderation.by_return_newest_first()
        if not records:
            return {}
        trust = self._trust()
        found = {}
        for return_id, history in records.items():
            for record_id, outcome, at, record in history:
                if self.verdict(record_id, trust)[0]:
                    found[return_id] = (outcome, at, record)
                    break
        return found

    def recheck(self) -> dict[str, bool]:
        """Check every stored record again against the moderators trusted now: record id ->
        verified (for the CLI and after a change of trust)."""
        trust = self._trust()
        return {s.id: self.verdict(s.id, trust)[0] for s in self._vault.moderation.list()}

    def get(self, record_id: str) -> Moderation:
        return self._moderation(record_id)

    def _moderation(self, record_id: str) -> Moderation:
        summary = self._vault.moderation.get(record_id)
        record = self._vault.moderation.record(record_id)
        labels: dict[str, str] = {}
        for item in self._vault.imported_returns.find_by_report_id(summary.report_id):
            if item.data_hash == summary.data_hash:
                form = form_from_data(item.id, self._vault.imported_returns.data(item.id))
                labels = {level.code: level.label for level in form.levels}
                break
        judgements = tuple(
            ModeratedJudgement(
                scope=str(j["scope"]),
                agency=j.get("agency"),
                title=str(j.get("title", "")),
                self_rating=j.get("self_rating"),
                self_label=labels.get(str(j.get("self_rating")), str(j.get("self_rating") or "Not derived")),
                moderated=str(j["moderated"]),
                moderated_label=labels.get(str(j["moderated"]), str(j["moderated"])),
                rationale=str(j.get("rationale", "")),
            )
            for j in record.get("judgements", [])
        )
        moderator = record.get("moderator", {})
        verified, verification = self.verdict(record_id)
        return Moderation(
            id=summary.id,
            report_id=summary.report_id,
            outcome=summary.outcome,
            moderator=summary.moderator,
            moderator_role=str(moderator.get("role", "")),
            moderator_agency=str(moderator.get("agency", "")),
            moderator_fingerprint=summary.moderator_fingerprint,
            moderated_at=summary.moderated_at,
            rationale=str(record.get("rationale", "")),
            scale_title=str(record.get("scale", {}).get("title", "")),
            judgements=judgements,
            verified=verified,
            verification=verification,
        )

    # -- export -------------------------------------------------------------------------------------

    def export(self, record_id: str, destination: Path | str) -> Path:
        """Write the signed record file (the bytes as signed) to `destination`, atomically, and
        record it in the vault's export log (with the case reference of the return it moderates)."""
        from lscp_audit.core.records import ExportKind, ExportRecord

        blob = self._vault.moderation.cms(record_id)
        summary = self._vault.moderation.get(record_id)
        target = Path(destination)
        save_file(target, blob, "The moderation record")
        subjects = {
            item.subject
            for item in self._vault.imported_returns.find_by_report_id(summary.report_id)
            if item.data_hash == summary.data_hash
        }
        self._vault.export_log.record(
            ExportRecord(
                kind=ExportKind.MODERATION_RECORD,
                file_name=str(target),
                protection="signed, not encrypted",
                actor=self._actor,
                report_id=summary.report_id,
                case_reference=next(iter(subjects), ""),
            )
        )
        log.info("moderation record %s exported", record_id)
        return target

    def suggested_file_name(self, record_id: str) -> str:
        summary = self._vault.moderation.get(record_id)
        return record_file_name(summary.report_id, summary.id)

    def forget_return(self, report_id: str, data_hash: str) -> None:
        """Delete the records bound to a return (when the return is removed from the inbox)."""
        self._vault.moderation.delete_for(report_id, data_hash)


def record_file_name(report_id: str, record_id: str) -> str:
    """``lscp-audit-moderation-R-XXXX-XXXX-1a2b3c4d.lscpmod``: the report id and the record's
    own id, never the case reference."""
    return f"lscp-audit-moderation-{report_id}-{record_id[:8]}{FILE_SUFFIX}"


def shown_date(value: str) -> str:
    """An ISO 8601 time as ``28 Nov 2026`` (the text itself when it is not one)."""
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    return f"{when.day} {when:%b %Y}"


def moderation_lines(moderation: Moderation) -> list[str]:
    """One record in words: the outcome, who and when, the rationale, then each moderated rating
    beside the self-rating."""
    who = moderation.moderator_text
    lines = [
        f"{moderation.outcome_words} by {who} on {shown_date(moderation.moderated_at)}: {moderation.rationale}",
        moderation.verified_words + ".",
    ]
    for judgement in moderation.judgements:
        lines.append(
            f"{judgement.title}: self-rated {judgement.self_label}, moderated {judgement.moderated_label}. "
            f"{judgement.rationale}"
        )
    return lines

"""ReturnsService: open an imported return, save a copy of its signed PDF, and the multi-agency
case view with its signed PDF (Qt-free).

- `open(id)` gives a read-only `ReturnDocument`: the return's answers, findings, judgements and
  actions rendered from its signed, embedded data (the accessible HTML rendering the reports
  layer also exports), its signers, whether the vault keeps its PDF, and how the template it
  names was found: the installed template of that id and version (same content), else the
  frozen copy an audit in this vault holds, else not at all, which a banner then says plainly.
  The answers come from the return's own data either way, so nothing is ever shown blank.
- `save_pdf_copy(id, path)` writes the kept PDF, byte for byte, atomically (after checking it
  still hashes to what was imported).
- `case_view(case_reference, round)` puts the trusted returns for one case (latest revision of
  each, one column per return) side by side; `export_case_pdf` signs it with this vault's
  identity and writes it atomically.

The case view takes a return's round from the round the inbox filed it under
(`ImportedReturn.round_id`, from the return's signed ``round`` block); only returns that name no
partnership round fall back to the round named in their subject (`subject.audit_round`). Every
view shows each return's QA moderation, checked again against the moderators trusted now.
Logs carry return ids, report ids and counts, never case references, answers or file names.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lscp_audit.core.case_view import (
    CaseModeration,
    CaseReturn,
    CaseView,
    ModeratedRating,
    agency_of,
    build_case_view,
    round_of,
)
from lscp_audit.core.errors import LscpAuditError, NotFound, ValidationError
from lscp_audit.core.progress import Progress, SupportsCancel, check, no_progress
from lscp_audit.core.records import ExportKind, ExportRecord
from lscp_audit.core.report_data import DEFAULT_MARKING, ProtectiveMarking, parse_marking
from lscp_audit.services.file_saving import save_file
from lscp_audit.services.inbox_service import SELF_ASSESSMENT_KIND, InboxEntry, InboxService, file_hash
from lscp_audit.services.moderation_service import Moderation, ModerationService, moderation_lines

if TYPE_CHECKING:
    from lscp_audit.core.templates.model import Template
    from lscp_audit.services.template_service import TemplateService

log = logging.getLogger(__name__)
CASE_AUDIT_KIND = "case_audit"
MARKING_KEY = "report.protective_marking"

TEMPLATE_INSTALLED = "installed"
TEMPLATE_FROZEN = "frozen"
TEMPLATE_DIFFERENT = "different"
TEMPLATE_UNKNOWN = "unknown"

NO_PDF = (
    "The signed PDF of this return is not kept in the vault: it was imported by an earlier version of "
    "LSCP Audit. Its answers are shown from the data stored then, but its trust cannot be checked again "
    "and no copy can be saved. Import the PDF file again to keep it."
)

#: A moderation record as the return view lists it: one line each (outcome, who, when).
ModerationSource = Callable[[str], Sequence[str]]


@dataclass(frozen=True)
class TemplateCheck:
    """How the template a return names was found. `status` is ``installed`` (this vault's
    installed template of that id and version, same content), ``frozen`` (the copy an audit in
    this vault froze), ``different`` (that id and version is installed with other content) or
    ``unknown`` (not available). `banner` is what the user must be told ("" when nothing)."""

    status: str
    template_id: str
    version: str
    banner: str = ""


@dataclass(frozen=True)
class ReturnDocument:
    """One return, read-only: `html` is its content rendered from its signed data (cover,
    summary with judgements, findings and actions, every answer by section); `pdf_note` is "" when
    the vault keeps its PDF; `moderation` holds the moderation records of the return in words
    (newest first) and `moderations` the records themselves, each checked again now."""

    entry: InboxEntry
    html: str
    template: TemplateCheck
    pdf_note: str = ""
    moderation: tuple[str, ...] = ()
    moderations: tuple[Moderation, ...] = ()
    data: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def flagged(self) -> bool:
        """True when the template banner must be shown."""
        return bool(self.template.banner)


@dataclass(frozen=True)
class CaseExport:
    path: Path
    pack_id: str
    page_count: int
    size_bytes: int
    signer: str
    returns: int


class ReturnsService:
    """Read-only views of the QA inbox's returns in one unlocked vault.

    `templates` finds installed templates (None: only frozen copies in this vault are used);
    `moderation` (optional) replaces the lines the return view shows for a return's moderation
    records (by default the vault's own records, in words)."""

    def __init__(
        self,
        vault: Any,
        templates: TemplateService | None = None,
        *,
        moderation: ModerationSource | None = None,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        actor: str = "",
    ) -> None:
        self._vault = vault
        self._actor = actor or "qa-inbox"  # who the export log records for copies written from here
        self._templates = templates
        self._moderation = moderation
        self._clock = clock
        self.inbox = InboxService(vault)
        self.moderation = ModerationService(vault)

    @classmethod
    def for_inbox(cls, inbox: InboxService, templates: TemplateService | None = None) -> ReturnsService:
        """The returns service of the vault `inbox` works on."""
        return cls(inbox._vault, templates)

    def round_labels(self) -> dict[str, str]:
        """Round id -> ``Title (phase)`` for every round in this vault's partnership profile."""
        return {r.id: r.label for r in self._vault.partnership.rounds()}

    # -- one return ------------------------------------------------------------------------

    def open(self, return_id: str) -> ReturnDocument:
        """The read-only view of one return (trusted or quarantined); `NotFound` when there is none."""
        from lscp_audit.reports.html_report import render_html

        entry = self.inbox.get(return_id)
        data = self.inbox.report_data(return_id)
        check_result, template = self.template_for(data)
        guidance = _guidance(template) if template is not None else {}
        html = render_html(data, guidance=guidance)
        moderations = tuple(self.moderation.history(return_id))
        if self._moderation is not None:
            moderation = tuple(self._moderation(return_id))
        else:
            moderation = tuple(line for m in moderations for line in moderation_lines(m))
        log.info("return %s opened (template %s)", return_id, check_result.status)
        return ReturnDocument(
            entry=entry,
            html=html,
            template=check_result,
            pdf_note="" if entry.has_pdf else NO_PDF,
            moderation=moderation,
            moderations=moderations,
            data=data,
        )

    def template_for(self, data: dict[str, Any]) -> tuple[TemplateCheck, Template | None]:
        """The template a return's data names, and how it was found (see `TemplateCheck`)."""
        found = data.get("template")
        named: dict[str, Any] = found if isinstance(found, dict) else {}
        template_id = str(named.get("id") or "")
        version = str(named.get("version") or "")
        wanted_hash = str(named.get("hash") or "")
        title = str(named.get("title") or template_id)
        installed = self._installed(template_id)
        if installed is not None and installed.version == version:
            if not wanted_hash or installed.content_hash == wanted_hash:
                return TemplateCheck(TEMPLATE_INSTALLED, template_id, version), installed
        frozen = self._frozen(template_id, version, wanted_hash)
        if frozen is not None:
            return TemplateCheck(TEMPLATE_FROZEN, template_id, version), frozen
        if installed is not None and installed.version == version:
            banner = (
                f"This return was filled in on template “{title}” version {version}, but the copy of version "
                f"{version} installed here has different content. The answers below are shown exactly as the "
                "return's signed data records them; the installed template's guidance is not used."
            )
            return TemplateCheck(TEMPLATE_DIFFERENT, template_id, version, banner), None
        here = f" (version {installed.version} is installed)" if installed is not None else ""
        banner = (
            f"Unknown template version: this return names template “{title}” version {version or 'not given'}, "
            f"which is not installed in this vault{here}. The answers below are shown exactly as the return's "
            f"signed data records them, without the template's guidance. Install version {version} of the "
            "template to see it."
        )
        return TemplateCheck(TEMPLATE_UNKNOWN, template_id, version, banner), None

    def _installed(self, template_id: str) -> Template | None:
        if self._templates is None or not template_id:
            return None
        try:
            return self._templates.get(template_id)
        except LscpAuditError:
            return None

    def _frozen(self, template_id: str, version: str, template_hash: str) -> Template | None:
        if not (template_id and version and template_hash):
            return None
        source = self._vault.audits.frozen_template_source(template_id, version, template_hash)
        if source is None:
            return None
        from lscp_audit.core.templates import load_template_text

        try:
            template: Template = load_template_text(source, "<frozen template>", run_tests=False)
        except LscpAuditError:
            log.warning("a frozen copy of template %s %s could not be read", template_id, version)
            return None
        return template

    def save_pdf_copy(self, return_id: str, destination: Path | str) -> Path:
        """Write the kept signed PDF of a return to `destination` atomically, byte for byte.

        Raises `NotFound` when the vault keeps no PDF for it (imported by an earlier version),
        `ValidationError` when the kept bytes no longer match what was imported, and
        `LscpAuditError` when the file cannot be written (any previous file there is unchanged)."""
        item = self._vault.imported_returns.get(return_id)
        pdf = self.inbox.pdf(return_id)
        if item.file_hash and file_hash(pdf) != item.file_hash:
            raise ValidationError(
                [f"the PDF kept for return {return_id} does not match the file that was imported; it was not saved"]
            )
        path = save_file(destination, pdf, "the PDF")
        log.info("signed PDF of return %s saved (%d bytes)", return_id, len(pdf))
        self._log_export(ExportKind.RETURN_COPY, path, "as signed (unchanged)", item.report_id, item.subject)
        return path

    def _log_export(self, kind: ExportKind, path: Path, protection: str, report_id: str, case_reference: str) -> None:
        """Record a file written from the vault in its export log (where copies went)."""
        self._vault.export_log.record(
            ExportRecord(
                kind=kind,
                file_name=str(path),
                protection=protection,
                actor=self._actor,
                report_id=report_id,
                case_reference=case_reference,
            )
        )

    # -- the case view ---------------------------------------------------------------------

    def _case_returns(self, case_reference: str) -> list[CaseReturn]:
        """The trusted, latest-revision returns for a case with their data, by agency name."""
        found: list[CaseReturn] = []
        for item in self._vault.imported_returns.find_by_subject(case_reference, CASE_AUDIT_KIND):
            entry = self.inbox.get(item.id)
            if not entry.trusted or entry.superseded_by:
                continue
            data = self.inbox.report_data(item.id)
            found.append(CaseReturn(entry.id, entry.report_id, entry.signer, entry.signed_at, data, item.round_id))
        return sorted(found, key=lambda r: (agency_of(r).casefold(), r.report_id))

    def case_view(
        self, case_reference: str, round_label: str | None = None, *, round_id: str | None = None
    ) -> CaseView:
        """The trusted returns for `case_reference` side by side: those filed under the
        partnership round `round_id` when it is given, else (when given) those whose subject names
        the round `round_label` and that are filed under no round. Raises `NotFound` when there is
        none; quarantined returns are never included, and the view's notes say how many were left
        out."""
        items = self._case_returns(case_reference)
        if round_id:
            items = [i for i in items if i.round_id == round_id]
        elif round_label is not None:
            items = [i for i in items if not i.round_id and round_of(i.data) == round_label]
        if not items:
            raise NotFound("No trusted returns for that case reference are in the inbox.")
        held = [
            i
            for i in self._vault.imported_returns.find_by_subject(case_reference, CASE_AUDIT_KIND)
            if i.verified != "trusted"
        ]
        notes = []
        if held:
            notes.append(
                f"{len(held)} return(s) for this case are in quarantine (a signer is not trusted) and are not shown."
            )
        rounds = {self._round_label(i) for i in items}
        label = ", ".join(sorted(r for r in rounds if r))
        if not (round_id or round_label is not None) and len(rounds) > 1:
            notes.append("The returns name different audit rounds; choose a round to see one round's returns.")
        view = build_case_view(items, case_reference=case_reference, round_label=label, notes=notes)
        return replace(view, moderation=self._case_moderation(view))

    def _round_label(self, item: CaseReturn) -> str:
        """The title (and phase) of the partnership round a return is filed under, else the round
        its subject names."""
        if item.round_id:
            found = next((r for r in self._vault.partnership.rounds() if r.id == item.round_id), None)
            return found.label if found is not None else item.round_id
        return round_of(item.data)

    def _case_moderation(self, view: CaseView) -> tuple[CaseModeration, ...]:
        """The newest moderation record of each return in the view (checked again now)."""
        found = []
        for column in view.columns:
            moderation = self.moderation.moderation_for(column.return_id)
            if moderation is None:
                continue
            found.append(
                CaseModeration(
                    agency=column.agency,
                    report_id=column.report_id,
                    outcome=moderation.outcome_words,
                    moderator=moderation.moderator_text,
                    moderated_at=moderation.moderated_at,
                    rationale=moderation.rationale,
                    verified=moderation.verified,
                    verification=moderation.verified_words,
                    ratings=tuple(
                        ModeratedRating(j.title, j.self_label, j.moderated_label, j.rationale)
                        for j in moderation.judgements
                    ),
                )
            )
        return tuple(found)

    def case_view_for(self, return_id: str) -> CaseView:
        """The case view of the case and round a return is about: the round the inbox filed it
        under, else (a return that names no partnership round) the round its subject names."""
        entry = self.inbox.get(return_id)
        if entry.kind == SELF_ASSESSMENT_KIND or not entry.subject:
            raise ValidationError(["only case audits have a multi-agency case view; this return is not a case audit"])
        if entry.round_id:
            return self.case_view(entry.subject, round_id=entry.round_id)
        return self.case_view(entry.subject, round_of(self.inbox.report_data(return_id)))

    def case_marking(self, view: CaseView, marking: str | None = None) -> ProtectiveMarking:
        """The pack's marking: `marking`, else the vault's setting; never lower than any return's,
        and with the descriptor every return carries (``PERSONAL``) when none is chosen."""
        chosen = parse_marking(marking or self._setting(MARKING_KEY, DEFAULT_MARKING))
        theirs = []
        for column in view.columns:
            try:
                theirs.append(parse_marking(column.marking))
            except ValidationError:
                theirs.append(ProtectiveMarking("OFFICIAL-SENSITIVE"))  # unreadable: the cautious choice
        if chosen.classification == "OFFICIAL" and any(m.classification == "OFFICIAL-SENSITIVE" for m in theirs):
            chosen = ProtectiveMarking("OFFICIAL-SENSITIVE", chosen.descriptor)
        shared = {m.descriptor for m in theirs}
        if not chosen.descriptor and len(shared) == 1 and "" not in shared:
            chosen = ProtectiveMarking(chosen.classification, shared.pop())  # every return carries it
        return chosen

    def _setting(self, key: str, default: str) -> str:
        from lscp_audit.services.settings_service import SettingsService

        try:
            value = SettingsService(self._vault).get(key)
        except LscpAuditError:
            return default
        return str(value) if value not in (None, "") else default

    def export_case_pdf(
        self,
        view: CaseView,
        destination: Path | str,
        *,
        identity_id: str | None = None,
        marking: str | None = None,
        progress: Progress = no_progress,
        cancel: SupportsCancel | None = None,
    ) -> CaseExport:
        """Lay out `view`, sign it with this vault's identity and write it atomically.

        Raises `NotFound` without a signing identity, `ValidationError` for an unknown marking,
        `SigningFailed` when signing fails and `LscpAuditError` when the file cannot be written."""
        from lscp_audit.reports.case_pdf import signed_case_pdf

        identity = self.inbox.identities.signer(identity_id)
        chosen = self.case_marking(view, marking)
        progress(10, "Laying out the case view")
        check(cancel)
        pack = signed_case_pdf(view, identity, marking=chosen, signed_at=self._clock())
        check(cancel)
        progress(90, "Saving the file")
        path = save_file(destination, pack.pdf, "the case view")
        log.info(
            "case view pack %s exported from %d return(s), %d pages", pack.pack_id, len(view.columns), pack.page_count
        )
        self._log_export(ExportKind.CASE_VIEW_PDF, path, "none", pack.pack_id, view.case_reference)
        progress(100, "Done")
        return CaseExport(path, pack.pack_id, pack.page_count, len(pack.pdf), identity.name, len(view.columns))


def suggested_case_file_name(view: CaseView) -> str:
    """``lscp-case-view.pdf`` with the number of returns: never the case reference."""
    return f"lscp-case-view-{len(view.columns)}-returns.pdf"


def _guidance(template: Template) -> dict[str, str]:
    return {q.id: q.guidance for s in template.sections for q in s.questions if q.guidance}

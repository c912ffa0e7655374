"""AuditService: the auditor's use cases, called by the GUI and the CLI (Qt-free).

It owns the audit workflow: list and filter audits (in SQL, through the vault's audits
repository), start an audit from a template (a frozen copy of the template is stored with it),
open an audit with its template rebuilt from that copy, save answers one at a time (the
autosave path) or all at once (CLI fill, one transaction), evidence, SMART actions, judgement
overrides, progress, missing answers, completion, amendment and history.

Rules it enforces:
- only a draft can be edited; complete, signed and amended audits raise `AuditReadOnly`;
- hard constraints reject an answer (`AnswerRejected`); a soft warning needs a reason
  (`WarningNotAcknowledged` until one is given);
- completion fails with `IncompleteAudit` listing visible required answers that are missing;
- `amend` makes a new draft revision linked to the previous one; the previous revision is kept
  unchanged and marked ``amended``; every answer that differs from it needs a reason
  (stored in `AuditRecord.amendment_reasons`) before the new revision can be completed.

Every method returns frozen dataclasses (`lscp_audit.core.audit`, `services.audit_types`),
never ORM rows. Logs carry ids only, never answer text or case references.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from lscp_audit.core.audit import Answer, Auditor, AuditRecord, AuditStatus, AuditSummary
from lscp_audit.core.change_history import ChangeHistory, readable_history
from lscp_audit.core.errors import LscpAuditError, NotFound, ValidationError
from lscp_audit.core.identifier_check import IdentifierCheck
from lscp_audit.core.identifiers import NameList
from lscp_audit.core.judgements import Judgements
from lscp_audit.core.partnership import (
    LIST_LOCALITIES,
    LIST_ROUNDS,
    REFERENCE_PREFIX,
    PartnershipProfile,
    Round,
    default_profile,
    profile_to_json,
)
from lscp_audit.core.templates.loader import freeze_template
from lscp_audit.core.templates.model import Scale, Template
from lscp_audit.services import answers_io, audit_rules, identifier_checks, subject_validation
from lscp_audit.services.audit_store import AuditStore, TemplateCatalogue, utc_now
from lscp_audit.services.audit_types import (
    AmendedAnswer,
    AnswerCheck,
    AnswerRejected,
    AuditFilter,
    AuditPage,
    FieldProblem,
    FillReport,
    HistoryEntry,
    MissingAnswer,
    OpenAudit,
    SaveResult,
    SectionProgress,
    SubjectCheck,
    TemplateChoice,
)
from lscp_audit.services.audit_workflow import AuditWorkflow

log = logging.getLogger(__name__)
RESOLVED_CACHE = 32  # templates resolved against a profile, kept for the New audit screen


class AuditService:
    """Use cases over one unlocked vault.

    Args:
        store: the vault's audits repository adapter (`audit_store.AuditStore`); build it with
            `AuditService.for_vault(vault, templates)` in normal use.
        templates: where templates are found by id (shipped and user templates).
        names: returns the partnership's do-not-use names for the identifier check (read when
            a check runs, so a change in Settings counts at once).
        actor: who is recorded in the change history (auditor name or ``cli``).
        clock: returns the current UTC time as ISO 8601 text (tests pass a fake clock).
    """

    def __init__(
        self,
        store: AuditStore,
        templates: TemplateCatalogue,
        *,
        actor: str = "",
        clock: Callable[[], str] = utc_now,
        names: Callable[[], NameList] = NameList,
        partnership: Callable[[], PartnershipProfile] | None = None,
    ) -> None:
        self._store = store
        self._templates = templates
        self._names = names
        self._scales: dict[tuple[str, str, str], Scale | None] = {}  # judgement scale per frozen template
        self._flow = AuditWorkflow(store, actor=actor, clock=clock)
        self._partnership = partnership or default_profile
        self._resolved: dict[tuple[str, str], Template] = {}

    @classmethod
    def for_vault(cls, vault: Any, templates: TemplateCatalogue | None = None, *, actor: str = "") -> AuditService:
        """Build the service over an unlocked `lscp_audit.storage` vault (and the shipped and
        user templates when `templates` is None); templates' partnership lists come from the
        vault's partnership profile."""
        from lscp_audit.services.audit_store import VaultAuditStore, default_catalogue
        from lscp_audit.services.partnership_service import PartnershipService

        return cls(
            VaultAuditStore(vault),
            templates or default_catalogue(),
            actor=actor,
            names=lambda: identifier_checks.do_not_use_names(vault),
            partnership=PartnershipService(vault).profile,
        )

    @property
    def actor(self) -> str:
        """Who later changes are recorded as in the change history."""
        return self._flow.actor

    @actor.setter
    def actor(self, name: str) -> None:
        self._flow.actor = name

    # -- listing ---------------------------------------------------------------------------

    def list_audits(self, filters: AuditFilter | None = None) -> AuditPage:
        """Audits matching `filters`, filtered, sorted and paged in SQL (default: the first 200,
        newest change first; ``AuditFilter(limit=None)`` returns every match)."""
        page = self._store.list_summaries(filters or AuditFilter())
        return replace(page, items=tuple(self._with_judgement_level(summary) for summary in page.items))

    def _with_judgement_level(self, summary: AuditSummary) -> AuditSummary:
        """`summary` with its judgement's level (label, colour, marker, rank) on the judgement scale
        of the template it was started with, so a 5-point or Met / Not met scale lists correctly."""
        if not summary.judgement:
            return summary
        scale = self._judgement_scale(summary.template_id, summary.template_version, summary.template_hash)
        level = scale.level(summary.judgement) if scale is not None else None
        if scale is None or level is None:
            return summary
        score = scale.scores.get(level.code)
        rank = score / len(scale.scores) if score is not None else None
        return replace(summary, judgement_level=level, judgement_rank=rank)

    def _judgement_scale(self, template_id: str, version: str, template_hash: str) -> Scale | None:
        key = (template_id, version, template_hash)
        if key not in self._scales:
            scale: Scale | None = None
            try:
                source = self._store.frozen_template_source(template_id, version, template_hash)
                if source:
                    scale = self._templates.load_frozen(source).judgement_scale
            except LscpAuditError:  # an unreadable frozen template: the list still shows the code
                log.warning("could not read the frozen template %s %s for the audits list", template_id, version)
            self._scales[key] = scale
        return self._scales[key]

    def template_choices(self) -> tuple[TemplateChoice, ...]:
        """Templates an audit can be started from, sorted by title."""
        items = [
            TemplateChoice(t.id, t.title, t.version, str(t.kind), t.description)
            for t in self._templates.list_templates()
        ]
        return tuple(sorted(items, key=lambda c: c.title.lower()))

    def template(self, template_id: str) -> Template:
        """The current version of template `template_id` as a new audit would freeze it: its
        ``options: partnership.*`` lists are the vault's (for the New audit screen); `NotFound`."""
        template = self._templates.get(template_id)
        if template.partnership is None or template.partnership_frozen:
            return template
        profile = self._partnership()
        key = (template.content_hash, profile_to_json(profile))
        if key not in self._resolved:
            if len(self._resolved) >= RESOLVED_CACHE:
                self._resolved.clear()
            self._resolved[key] = freeze_template(template, profile)
        return self._resolved[key]

    def round_defaults(self, template_id: str, subject: Mapping[str, Any]) -> dict[str, Any]:
        """Subject values that follow from the round `subject` names (its only locality, when it
        covers one and no locality is given yet); empty when nothing follows."""
        template = self.template(template_id)
        round_field = template.subject_field_for(REFERENCE_PREFIX + LIST_ROUNDS)
        round_id = subject.get(round_field.id) if round_field else None
        if not isinstance(round_id, str) or not round_id:
            return {}
        try:
            filled = self.subject_for_round(template, subject, round_id)
        except (NotFound, AnswerRejected):
            return {}
        return {k: v for k, v in filled.items() if subject.get(k) != v}

    def rounds_for(self, template_id: str) -> tuple[Round, ...]:
        """The partnership rounds a new audit of `template_id` can be started for."""
        return self._partnership().rounds_for(template_id)

    # -- new audit -------------------------------------------------------------------------

    def check_subject(self, template_id: str, subject: Mapping[str, Any]) -> SubjectCheck:
        """Check subject fields against the template: required fields, the case reference
        pattern, option codes, dates and numbers (errors); a case reference that looks like a
        person's name (warning, since references must be pseudonymised)."""
        return subject_validation.check_subject(self.template(template_id), subject)

    def subject_from_text(self, template_id: str, pairs: Sequence[str]) -> dict[str, Any]:
        """Subject values from ``key=value`` text (CLI): lists comma-separated, numbers
        converted, by the template's subject field types. `AnswerRejected` on bad pairs."""
        return subject_validation.subject_from_text(self.template(template_id), pairs)

    def new_audit(
        self,
        template_id: str,
        subject: Mapping[str, Any],
        *,
        auditor: Auditor | None = None,
        title: str = "",
        answers: Sequence[Answer] = (),
        round_id: str | None = None,
    ) -> AuditRecord:
        """Start a draft audit from `template_id` with a frozen copy of the template (its
        partnership lists as they are now, so later profile edits never change the audit).

        `round_id` starts it "for round X": the round must use this template; its id goes into
        the template's round field and, when the round covers one locality, that locality into
        an empty locality field.
        Raises `AnswerRejected` (a `ValidationError`) naming each subject field in error.
        Warnings from `check_subject` do not block: the GUI shows them before calling this.
        `answers`, when given, are validated like `fill_answers` and stored in the same
        transaction (imports and demo data).
        """
        template = self.template(template_id)
        subject = self.subject_for_round(template, subject, round_id) if round_id else subject
        clean = subject_validation.require_valid_subject(template, subject)
        return self._flow.create(template, clean, auditor or Auditor(), title, answers)

    def subject_for_round(self, template: Template, subject: Mapping[str, Any], round_id: str) -> dict[str, Any]:
        """`subject` with the round (and its single locality) filled in; `AnswerRejected` when
        the round does not use `template` or the subject names another round."""
        item = self._partnership().round(round_id)
        if item is None:
            raise NotFound(f"there is no audit round with id '{round_id}'")
        if item.template_id != template.id:
            used = item.template_id or "no template"
            raise AnswerRejected([FieldProblem("round", f"round '{round_id}' uses {used}, not '{template.id}'")])
        round_field = template.subject_field_for(REFERENCE_PREFIX + LIST_ROUNDS)
        if round_field is None:
            raise AnswerRejected(
                [FieldProblem("round", f"template '{template.id}' has no round field (options: partnership.rounds)")]
            )
        out = dict(subject)
        if out.get(round_field.id) not in (None, "", round_id):
            named = out[round_field.id]
            raise AnswerRejected([FieldProblem(round_field.id, f"the subject names round '{named}', not '{round_id}'")])
        out[round_field.id] = round_id
        locality_field = template.subject_field_for(REFERENCE_PREFIX + LIST_LOCALITIES)
        if locality_field is not None and not out.get(locality_field.id) and len(item.localities) == 1:
            out[locality_field.id] = item.localities[0]
        return out

    # -- reading ---------------------------------------------------------------------------

    def get_audit(self, audit_id: str) -> AuditRecord:
        """The stored audit (raises `NotFound`)."""
        return self._store.get(audit_id)

    def open_audit(self, audit_id: str) -> OpenAudit:
        """The audit and its template rebuilt from the frozen source it was started with."""
        record = self._store.get(audit_id)
        return OpenAudit(record, self.template_for(record))

    def template_for(self, record: AuditRecord) -> Template:
        """The frozen template `record` was started with (rebuilt once, then cached)."""
        return self._templates.load_frozen(record.template_source, f"{record.template_id} (frozen copy)")

    # -- answering -------------------------------------------------------------------------

    def check_answer(self, audit_id: str, question_id: str, value: Any, *, agency: str | None = None) -> AnswerCheck:
        """Validate one value without saving it (hard errors and the soft warning, if any)."""
        opened = self.open_audit(audit_id)
        return audit_rules.check_answer(opened.template, opened.record, question_id, value, agency)

    def save_answer(
        self,
        audit_id: str,
        question_id: str,
        value: Any,
        *,
        agency: str | None = None,
        evidence: str | None = None,
        warning_reason: str | None = None,
        amendment_reason: str | None = None,
    ) -> SaveResult:
        """Autosave one answer (``value`` None clears it; evidence given with no value is kept).

        `evidence` None keeps the stored evidence. Raises `AuditReadOnly`, `AnswerRejected`
        (hard constraint, wrong type or unknown option) or `WarningNotAcknowledged` (a soft
        warning applies and `warning_reason` is empty). In an amendment, `amendment_reason`
        records why this answer changed (it can also be given later with
        `set_amendment_reason`).
        """
        opened = self._editable(audit_id)
        answer = audit_rules.build_answer(
            opened.template, opened.record, question_id, value, agency, evidence, warning_reason
        )
        return self._flow.save_answer(opened.record, opened.template, answer, amendment_reason)

    def save_evidence(self, audit_id: str, question_id: str, evidence: str, *, agency: str | None = None) -> SaveResult:
        """Autosave the evidence text of one answer, keeping its value."""
        opened = self._editable(audit_id)
        current = opened.record.answer_map().get((question_id, agency or ""))
        value = current.value if current else None
        reason = current.warning_reason if current else None
        answer = audit_rules.build_answer(opened.template, opened.record, question_id, value, agency, evidence, reason)
        return self._flow.save_answer(opened.record, opened.template, answer, None)

    def save_actions(
        self,
        audit_id: str,
        question_id: str,
        actions: Sequence[Mapping[str, Any]],
        *,
        agency: str | None = None,
    ) -> SaveResult:
        """Save the SMART actions list of an ``actions`` question (each: action, owner_agency,
        owner_role, due (ISO date), status)."""
        return self.save_answer(audit_id, question_id, [dict(a) for a in actions], agency=agency)

    def fill_answers(
        self,
        audit_id: str,
        answers: Sequence[Answer],
        *,
        amendment_reasons: Mapping[str, str] | None = None,
    ) -> FillReport:
        """Validate every answer, then store them all in one transaction, or nothing.

        Raises `AnswerRejected` listing every problem by key (``qid`` or ``qid@agency``).
        """
        opened = self._editable(audit_id)
        checked = audit_rules.check_all(opened.template, opened.record, answers)
        return self._flow.save_many(opened.record, opened.template, checked, dict(amendment_reasons or {}))

    def fill_from_json(self, audit_id: str, data: Any) -> FillReport:
        """`fill_answers` from the answers JSON object (docs/answers-json.md); amendment reasons
        given in it are stored too. Nothing is written when anything is invalid, and the error
        lists every problem (structure and values) by answer key."""
        opened = self._editable(audit_id)
        parsed = answers_io.parse_answers(opened.template, data)
        problems = list(parsed.problems)
        try:
            checked = audit_rules.check_all(opened.template, opened.record, parsed.answers)
        except AnswerRejected as exc:
            problems += exc.fields
        if problems:
            raise AnswerRejected(problems)
        return self._flow.save_many(opened.record, opened.template, checked, parsed.amendment_reasons)

    def audit_document(self, audit_id: str) -> dict[str, Any]:
        """The audit as JSON-compatible data; its ``answers`` are in the answers JSON format."""
        opened = self.open_audit(audit_id)
        judgements = audit_rules.judgements(opened.template, opened.record)
        return answers_io.audit_document(opened.record, opened.template, judgements)

    # -- drafts ----------------------------------------------------------------------------

    def drafts(self, audit_id: str) -> dict[str, dict[str, Any]]:
        """Unfinished work kept behind the answers of a draft audit (answer key -> the editor's
        JSON payload): half-written SMART actions, answers waiting for a warning reason, text
        that is not a valid value yet. Empty for an audit that is not a draft."""
        record = self._store.get(audit_id)
        if record.status != AuditStatus.DRAFT:
            return {}
        return {key: value for key, value in self._store.drafts(audit_id).items() if isinstance(value, dict)}

    def save_draft(self, audit_id: str, key: str, payload: Mapping[str, Any]) -> None:
        """Keep unfinished work behind answer `key` (``qid`` or ``qid@agency``), encrypted in the
        vault with the answers; it is not an answer and is not in the history or reports.
        Raises `AuditReadOnly` unless the audit is a draft."""
        self._editable(audit_id)
        self._store.save_draft(audit_id, key, dict(payload))
        log.info("audit %s: draft kept for one answer", audit_id)

    def discard_draft(self, audit_id: str, key: str) -> None:
        """Forget the draft behind answer `key` (once its answer is saved complete)."""
        self._store.delete_draft(audit_id, key)

    # -- judgements ------------------------------------------------------------------------

    def judgements(self, audit_id: str) -> Judgements:
        """Section (per agency where repeated) and overall judgements, each with the rule text
        (`rule_text`), how the value came out (`explanation`) and any override."""
        opened = self.open_audit(audit_id)
        return audit_rules.judgements(opened.template, opened.record)

    def set_override(
        self, audit_id: str, scope: str, value: str, rationale: str, *, agency: str | None = None
    ) -> AuditRecord:
        """Replace a derived judgement (`scope` ``overall`` or a section id). A rationale is
        required (`AnswerRejected` when blank); the value must be on the template's scale."""
        opened = self._editable(audit_id)
        override = audit_rules.build_override(opened.template, scope, value, rationale, agency)
        return self._flow.set_override(opened.record, opened.template, override)

    def clear_override(self, audit_id: str, scope: str, *, agency: str | None = None) -> AuditRecord:
        """Remove an override so the derived judgement counts again."""
        opened = self._editable(audit_id)
        return self._flow.clear_override(opened.record, opened.template, scope, agency)

    # -- progress and completion -----------------------------------------------------------

    def progress(self, audit_id: str) -> tuple[SectionProgress, ...]:
        """Answered / required per visible section (per agency for repeated sections)."""
        opened = self.open_audit(audit_id)
        return audit_rules.progress(opened.template, opened.record)

    def missing_answers(self, audit_id: str) -> tuple[MissingAnswer, ...]:
        """Visible required questions without an answer, in document order."""
        opened = self.open_audit(audit_id)
        return audit_rules.missing(opened.template, opened.record)

    def complete(self, audit_id: str, *, acknowledge_identifiers: str | None = None) -> AuditRecord:
        """Mark a draft complete (read-only from now on).

        Raises `IncompleteAudit` listing missing required answers (and, for an amendment,
        changed answers without a reason); nothing changes in that case. Then the identifier
        check runs: likely identifiers not yet acknowledged raise `IdentifiersNotAcknowledged`
        unless `acknowledge_identifiers` gives the reason to keep them all (nothing is
        completed then either). The text is never changed.
        """
        opened = self._editable(audit_id)
        check = identifier_checks.check_record(opened.record, opened.template, self._names())
        return self._flow.complete(opened.record, opened.template, check, acknowledge_identifiers)

    # -- identifier check ------------------------------------------------------------------

    def identifier_check(self, audit_id: str) -> IdentifierCheck:
        """Likely identifiers (NHS numbers, dates of birth, postcodes, phone numbers, e-mail
        addresses, do-not-use names) in the text the audit's report would print, each with its
        question, agency and any acknowledgement, in document order."""
        opened = self.open_audit(audit_id)
        return identifier_checks.check_record(opened.record, opened.template, self._names())

    def acknowledge_identifiers(
        self, audit_id: str, reason: str, *, hit_ids: Sequence[str] | None = None
    ) -> IdentifierCheck:
        """Keep the hits `hit_ids` (every unacknowledged one when None) with `reason`, recorded in
        the audit and its change history; returns the check after it. Any status but amended
        (acknowledging changes no text). `ValidationError` for a blank reason or a hit that is
        no longer there."""
        opened = self.open_audit(audit_id)
        check = identifier_checks.check_record(opened.record, opened.template, self._names())
        self._flow.acknowledge_identifiers(opened.record, check, reason, hit_ids)
        return self.identifier_check(audit_id)

    # -- carry forward (Section 11: the next round from the previous return) -----------------

    def start_from_previous(
        self, previous_id: str, *, auditor: Auditor | None = None, title: str = ""
    ) -> tuple[AuditRecord, tuple[str, ...]]:
        """Start the next round's draft from a completed return: its subject and answers,
        each marked "carried forward — confirm" until the user confirms or changes it;
        completion is blocked until every one is confirmed (`IncompleteAudit.unconfirmed`). Uses
        the template installed now (answers it no longer accepts are left behind: their keys are
        returned). The sign-off and moderation sections are not carried forward."""
        from lscp_audit.core.report_data import report_id_for

        previous = self.get_audit(previous_id)
        template = self._templates.get(previous.template_id)
        return self._flow.start_from_previous(
            previous, template, auditor or previous.auditor, title, report_id_for(previous.id, previous.revision)
        )

    def confirm_carried_forward(self, audit_id: str, key: str) -> AuditRecord:
        """The user confirms one carried-forward answer (``qid`` or ``qid@agency``) as still right."""
        opened = self._editable(audit_id)
        if key not in opened.record.unconfirmed:
            raise ValidationError([f"{key} is not a carried-forward answer waiting for confirmation"])
        return self._flow.confirm_carried_forward(opened.record, [key])

    # -- amendment and history -------------------------------------------------------------

    def amend(self, audit_id: str) -> AuditRecord:
        """Start a new draft revision of a complete or signed audit; returns the new revision.

        The previous revision is kept as it was, marked ``amended`` and linked from the new
        one (`previous_revision_id`).
        """
        opened = self.open_audit(audit_id)
        return self._flow.amend(opened.record, opened.template)

    def amended_answers(self, audit_id: str) -> tuple[AmendedAnswer, ...]:
        """Answers of an amending revision that differ from the previous revision, each with
        its reason when one was given (empty for a first revision)."""
        opened = self.open_audit(audit_id)
        return self._flow.amended_answers(opened.record, opened.template)

    def set_amendment_reason(self, audit_id: str, key: str, reason: str) -> AuditRecord:
        """Record why answer `key` (``qid`` or ``qid@agency``) changed in this amendment."""
        opened = self._editable(audit_id)
        return self._flow.set_amendment_reason(opened.record, key, reason)

    def history(self, audit_id: str) -> tuple[HistoryEntry, ...]:
        """The audit's change history, oldest first (who, when, field, old -> new)."""
        return self._store.history(audit_id)

    def change_history(self, audit_id: str) -> ChangeHistory:
        """The history as people read it: question labels, sections, agency names, answers as
        the report writes them, who and when; for a revision also the answers that differ from
        the previous revision with their reasons (`core.change_history`)."""
        opened = self.open_audit(audit_id)
        previous = None
        if opened.record.previous_revision_id:
            try:
                previous = self._store.get(opened.record.previous_revision_id)
            except NotFound:  # purged under the retention policy: no comparison to show
                previous = None
        return readable_history(self._store.history(audit_id), opened.template, opened.record, previous)

    def revisions(self, audit_id: str) -> tuple[AuditRecord, ...]:
        """This audit and every earlier revision it amends, newest first."""
        chain = [self._store.get(audit_id)]
        while chain[-1].previous_revision_id:
            chain.append(self._store.get(chain[-1].previous_revision_id))
        return tuple(chain)

    # -- helpers ---------------------------------------------------------------------------

    def _editable(self, audit_id: str) -> OpenAudit:
        opened = self.open_audit(audit_id)
        self._flow.ensure_editable(opened.record)
        return opened


__all__ = ["AuditService"]

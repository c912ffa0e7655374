"""Demo vault content: realistic, entirely fictitious audits in every template, at every status.

`populate_demo(vault)` marks the vault as a demo (setting ``app.demo``, shown as DEMO in the
title bar), installs a fictitious partnership profile (three boroughs, three audit rounds) and adds, for every available template, audits at each status: a draft part-way
through, complete audits of differing quality (one with a judgement override), a signed audit
(its PDF written next to the vault when a signing identity can be made), and an amended audit
with its second revision carrying amendment reasons. Everything goes through `AuditService`,
so demo audits obey the same validation as real ones. With signing, the QA inbox gets signed
returns of all four templates filed under the profile's rounds, from several agencies in three
boroughs, some still outstanding, one moderated (see `services.demo_inbox`), signed with their
own certificates, which the vault trusts (none in quarantine). `build_demo_vault(path)` creates a new
vault for them. Long work reports progress and honours a `CancelToken` (style R4).
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lscp_audit import paths
from lscp_audit.core.audit import Answer, Auditor, AuditRecord, AuditStatus
from lscp_audit.core.errors import LscpAuditError
from lscp_audit.core.progress import CancelToken, Progress, check, no_progress
from lscp_audit.core.templates.model import Template, TemplateKind
from lscp_audit.core.validation import Severity, validate_answer
from lscp_audit.core.visibility import evaluate_visibility, find_missing, is_required
from lscp_audit.services import demo_content, demo_inbox
from lscp_audit.services.audit_service import AuditService
from lscp_audit.services.audit_store import TemplateCatalogue
from lscp_audit.services.partnership_service import PartnershipService
from lscp_audit.services.settings_service import DEMO_FLAG_KEY

log = logging.getLogger(__name__)
DEMO_ACTOR = "demo"
DEMO_PASSPHRASE = "demo vault: fictitious data only"
WARNING_REASON = "Checked with the QA lead: the record explains the delay (fictitious demo reason)."
AMENDMENT_REASON = "A late record from another agency changed the picture (fictitious demo reason)."
OVERRIDE_RATIONALE = (
    "The panel agreed strong multi-agency work in the later months outweighs the early delay (demo rationale)."
)
#: (status, profile) of the audits made for each template.
PLAN: tuple[tuple[AuditStatus, str], ...] = (
    (AuditStatus.DRAFT, "mixed"),
    (AuditStatus.COMPLETE, "strong"),
    (AuditStatus.COMPLETE, "weak"),
    (AuditStatus.SIGNED, "mixed"),
    (AuditStatus.AMENDED, "mixed"),
)
AUDITORS = (
    Auditor("Demo Auditor A", "Named nurse for safeguarding", "Health"),
    Auditor("Demo Auditor B", "Detective sergeant, MASH", "Police"),
    Auditor("Demo Auditor C", "Practice manager", "Children's social care"),
)


#: The QA inbox's returns (see `services.demo_inbox`): every template's, filed under these rounds.
INBOX_TEMPLATES = ("domestic-abuse-maca", "was-not-brought", "voice-of-the-child", "section-11-self-assessment")
INBOX_ROUNDS = ("da-2026-baseline", "da-2026-after-training")  # the domestic abuse rounds (before and after training)
INBOX_AUDITORS = demo_inbox.CASE_AUDITORS[:3]  # the domestic abuse audit's three agencies


@dataclass(frozen=True)
class DemoResult:
    """What the demo vault holds: audit count by status, where signed PDFs were written, and how
    many returns its QA inbox holds (all from trusted demo auditors)."""

    by_status: dict[str, int] = field(default_factory=dict)
    templates: tuple[str, ...] = ()
    reports_dir: Path | None = None
    inbox_returns: int = 0
    moderation_records: int = 0
    progress_updates: int = 0

    @property
    def audits(self) -> int:
        return sum(self.by_status.values())


def is_demo(vault: Any) -> bool:
    """True when `vault` was made by `populate_demo`."""
    return bool(vault.settings.get(DEMO_FLAG_KEY, False))


def build_demo_vault(
    path: Path,
    passphrase: str = DEMO_PASSPHRASE,
    *,
    use_keychain: bool = False,
    sign: bool = True,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
    **service_options: Any,
) -> DemoResult:
    """Create a new vault at `path` and fill it with demo audits; the vault is locked after.

    Refuses an existing file (`VaultError`). With `sign`, the signed audits' PDFs are written to
    ``<name>-demo-reports/`` beside the vault. `service_options` go to `VaultService` (tests
    pass a cheap KDF policy).
    """
    from lscp_audit.services.vault_service import VaultService

    vault_service = VaultService(path, use_keychain=use_keychain, **service_options)
    vault_service.create(passphrase, use_keychain=use_keychain)
    try:
        reports_dir = _reports_dir(path) if sign else None
        return populate_demo(vault_service.vault, reports_dir=reports_dir, progress=progress, cancel=cancel)
    finally:
        vault_service.lock()


def _reports_dir(path: Path) -> Path:
    return path.with_name(path.stem + "-demo-reports")


def populate_demo(
    vault: Any,
    templates: TemplateCatalogue | None = None,
    *,
    reports_dir: Path | None = None,
    seed: int = 2026,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> DemoResult:
    """Mark `vault` as a demo and add the demo audits (see the module docstring)."""
    vault.settings.set(DEMO_FLAG_KEY, True)
    PartnershipService(vault).install_profile(demo_content.demo_profile(), rounds="replace", source="demo profile")
    service = AuditService.for_vault(vault, templates, actor=DEMO_ACTOR)
    choices = service.template_choices()
    builder = _DemoBuilder(service, vault, random.Random(seed), reports_dir)
    steps = len(choices) * len(PLAN)
    for t_index, choice in enumerate(choices):
        for p_index, (status, profile) in enumerate(PLAN):
            check(cancel)
            step = t_index * len(PLAN) + p_index
            progress(int(100 * step / max(steps, 1)), f"Adding demo audits: {choice.title}")
            builder.add(choice.id, status, profile, number=step + 1)
    returns = moderated = updates = 0
    if reports_dir is not None and set(INBOX_TEMPLATES) <= {c.id for c in choices}:
        check(cancel)
        progress(90, "Adding returns to the QA inbox")
        made = demo_inbox.fill_inbox(vault, service, random.Random(seed + 1), reports_dir / "returns", cancel)
        returns, moderated, updates = made.imported, len(made.moderated), made.progress_updates
    progress(100, "Demo vault ready")
    log.info("demo vault populated with %d audits and %d returns", sum(builder.counts.values()), returns)
    return DemoResult(
        dict(builder.counts), tuple(c.id for c in choices), builder.reports_dir_used, returns, moderated, updates
    )


class _DemoBuilder:
    """Makes one demo audit at a time through `AuditService`."""

    def __init__(self, service: AuditService, vault: Any, rng: random.Random, reports_dir: Path | None) -> None:
        self.service = service
        self.vault = vault
        self.rng = rng
        self.reports_dir = reports_dir
        self.reports_dir_used: Path | None = None
        self.counts: dict[str, int] = {}
        self._overridden = False

    def add(self, template_id: str, status: AuditStatus, profile: str, number: int) -> None:
        template = self.service.template(template_id)
        subject = demo_content.subject_for(self.rng, template, number)
        auditor = AUDITORS[number % len(AUDITORS)]
        fraction = 0.4 if status == AuditStatus.DRAFT else 1.0
        answers = generate_answers(self.rng, template, subject, profile, fraction)
        record = self.service.new_audit(template_id, subject, auditor=auditor, answers=answers)
        if status != AuditStatus.DRAFT:
            record = self._complete(record, template)
        if status == AuditStatus.SIGNED:
            self._sign(record)
        made = [record]
        if status == AuditStatus.AMENDED and record.status == AuditStatus.COMPLETE:
            made.append(self._amend(record, template))
        for audit in made:
            final = self.service.get_audit(audit.id).status.value
            self.counts[final] = self.counts.get(final, 0) + 1

    def _complete(self, record: AuditRecord, template: Template) -> AuditRecord:
        if template.judgement_rules is not None and not self._overridden and template.judgement_rules.overall:
            overall = self.service.judgements(record.id).overall
            if overall is not None and overall.derived in ("requires_improvement", "good"):
                better = "good" if overall.derived == "requires_improvement" else "outstanding"
                self.service.set_override(record.id, "overall", better, OVERRIDE_RATIONALE)
                self._overridden = True
        try:
            return self.service.complete(record.id)
        except LscpAuditError as exc:  # a template the generator cannot finish stays a draft
            log.warning("demo audit %s left as a draft: %s", record.id, type(exc).__name__)
            return self.service.get_audit(record.id)

    def _amend(self, record: AuditRecord, template: Template) -> AuditRecord:
        revision = self.service.amend(record.id)
        graded = [a for a in revision.answers if template.question(a.question_id).type.value in ("grade", "rag")]
        for answer in self.rng.sample(graded, min(2, len(graded))):
            question = template.question(answer.question_id)
            options = [o.code for o in question.options if o.code != answer.value]
            self.service.save_answer(
                revision.id,
                answer.question_id,
                self.rng.choice(options),
                agency=answer.agency,
                evidence=answer.evidence,
                warning_reason=WARNING_REASON,
                amendment_reason=AMENDMENT_REASON,
            )
        self._answer_newly_required(revision.id, template)
        try:
            return self.service.complete(revision.id)
        except LscpAuditError:
            log.warning("demo amendment %s left as a draft", revision.id)
            return revision

    def _answer_newly_required(self, audit_id: str, template: Template) -> None:
        """A changed rating can make more questions required (a Red standard asks for actions):
        answer those too, as an auditor amending the return would."""
        record = self.service.get_audit(audit_id)
        answers = record.answer_map()
        agencies = _agency_labels(template, record.subject)
        for problem in find_missing(template, answers, record.subject):
            visibility = evaluate_visibility(template, answers, record.subject)
            question = template.question(problem.question_id)
            context = visibility.values_for(problem.agency)
            answer = _first_valid(self.rng, template, question, problem.agency, context, "mixed", agencies)
            if answer is None:
                continue
            self.service.save_answer(
                audit_id,
                answer.question_id,
                answer.value,
                agency=answer.agency,
                evidence=answer.evidence,
                warning_reason=answer.warning_reason,
                amendment_reason=AMENDMENT_REASON,
            )
            answers[answer.key] = answer

    def _sign(self, record: AuditRecord) -> None:
        if self.reports_dir is None or record.status != AuditStatus.COMPLETE:
            return
        try:
            from lscp_audit.services.report_service import ReportService

            reports = ReportService(self.vault, actor=DEMO_ACTOR)
            if reports.identities.default() is None:
                reports.identities.create("Demo Auditor (fictitious)", "Audit lead", "Demo LSCP business unit")
            self.reports_dir.mkdir(parents=True, exist_ok=True)
            reports.export(record.id, self.reports_dir / reports.suggested_file_name(record.id))
            self.reports_dir_used = self.reports_dir
        except paths.MissingResource:
            raise  # a broken installation, not a demo that merely goes unsigned
        except (LscpAuditError, ImportError, OSError) as exc:
            log.warning("demo audit %s not signed: %s", record.id, type(exc).__name__)


def generate_answers(
    rng: random.Random, template: Template, subject: dict[str, Any], profile: str, fraction: float = 1.0
) -> list[Answer]:
    """Valid answers in document order for every visible required question (and most optional
    ones), stopping after `fraction` of the questions for a draft."""
    answers: dict[tuple[str, str], Answer] = {}
    agencies = _agency_labels(template, subject)
    instances = [(q, a) for s in template.sections for a in _scopes(s, subject) for q in s.questions]
    limit = max(1, int(len(instances) * fraction))
    for question, agency in instances[:limit]:
        visibility = evaluate_visibility(template, answers, subject)
        if not visibility.is_visible(question.id, agency):
            continue
        if not is_required(template, question.id, visibility, agency) and rng.random() < 0.2:
            continue
        answer = _first_valid(rng, template, question, agency, visibility.values_for(agency), profile, agencies)
        if answer is not None:
            answers[answer.key] = answer
    return list(answers.values())


def _first_valid(
    rng: random.Random,
    template: Template,
    question: Any,
    agency: str | None,
    context: Any,
    profile: str,
    agencies: list[str],
) -> Answer | None:
    organisation = template.kind == TemplateKind.AGENCY_SELF_ASSESSMENT
    for value in demo_content.candidates(rng, question, profile, agencies, organisation=organisation):
        problems = validate_answer(template, question.id, value, context, agency=agency)
        if any(p.severity == Severity.ERROR for p in problems):
            continue
        reason = WARNING_REASON if problems else None
        evidence = demo_content.evidence_for(rng, question, organisation=organisation)
        return Answer(question.id, value, agency, evidence, reason)
    return None


def _scopes(section: Any, subject: dict[str, Any]) -> list[str | None]:
    if not section.per_agency:
        return [None]
    value = subject.get("agencies") or []
    return list(value) if isinstance(value, list) else []


def _agency_labels(template: Template, subject: dict[str, Any]) -> list[str]:
    labels = {o.code: o.label for o in template.agency_options}
    return [labels.get(code, code) for code in subject.get("agencies") or []] or ["Partnership"]

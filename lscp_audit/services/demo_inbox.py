"""The demo vault's QA inbox: the QA subgroup's side with something in every view (fictitious).

`fill_inbox` writes signed returns of all four shipped templates, each filed under a round of
the demo profile, and imports them into the QA inbox with their signers trusted:

- domestic abuse multi-agency audit, baseline and after-training rounds: three agencies'
  auditors in three boroughs, plus two more agencies on one baseline case, so the case view
  puts three agencies side by side; each round has returns outstanding;
- Was Not Brought and voice of the child rounds: a case returned by two agencies, another by one
  (the Was Not Brought deadline has passed, so its outstanding returns are overdue);
- Section 11, the previous round (2025) and this one (2026): several organisations each round,
  the same organisations both years (so the Section 11 matrix and the change since the previous
  round show something), some not yet returned; the police return of 2026 is signed off by its
  senior lead as a second signature.

The returns' actions have due dates: the baseline rounds' are past (overdue unless done), the
later rounds' fall in 2027. A demo QA moderator (an identity in the vault, trusted as a
moderator) signs two moderation records: a moderated grade on one domestic abuse return and
"agree" on a Section 11 return. A demo QA officer records progress on three baseline actions (one
complete after an update on the way, one under way, one complete), so the action register and the
quarterly action report show updates across two quarters.

File names never carry a case reference. Everything is made through the same code as real
returns: `build_report_data`, `build_signed` (PAdES), `sign_as_senior_lead`, `InboxService`,
`ModerationService` and `AnalysisService.record_action_update`.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lscp_audit.core.audit import Answer, Auditor, AuditRecord, AuditStatus
from lscp_audit.core.progress import CancelToken, check
from lscp_audit.core.templates.model import Template
from lscp_audit.services import demo_content
from lscp_audit.services.audit_service import AuditService

log = logging.getLogger(__name__)

DA = "domestic-abuse-maca"
WNB = "was-not-brought"
VOC = "voice-of-the-child"
S11 = "section-11-self-assessment"
NORTH, EAST, WEST = (code for code, _label in demo_content.DEMO_LOCALITIES)
PARTNERSHIP = "Three Boroughs Safeguarding Children Partnership (demo)"

HEALTH = Auditor("Demo Health Auditor", "Named nurse for safeguarding", "Riverside Community Health NHS Trust (demo)")
POLICE = Auditor("Demo Police Auditor", "Detective sergeant, MASH", "Westshire Police (demo)")
SOCIAL_CARE = Auditor("Demo Social Care Auditor", "Practice manager", "Westshire Children's Services (demo)")
GP = Auditor("Demo GP Auditor", "Safeguarding lead GP", "Oakfield Surgery (demo)")
SCHOOL = Auditor("Demo School Auditor", "Designated safeguarding lead", "Northfield Primary Academy (demo)")
#: The agencies whose auditors return the case audits (the first three return the domestic abuse audit).
CASE_AUDITORS = (HEALTH, POLICE, SOCIAL_CARE, GP, SCHOOL)
#: Section 11: (agency code in the register, who completed the return, organisation).
S11_ORGANISATIONS = (
    ("police", "Demo Police Safeguarding Lead", "Westshire Police (demo)"),
    ("icb", "Demo ICB Designated Nurse", "Three Boroughs Integrated Care Board (demo)"),
    ("housing", "Demo Housing Safeguarding Officer", "Eastbrook Housing Association (demo)"),
    ("voluntary", "Demo Youth Club Manager", "Hillside Youth Club (demo)"),
    ("hospital", "Demo Hospital Named Nurse", "Riverside Hospitals NHS Trust (demo)"),
)
S11_LEAD = Auditor("Demo Chief Superintendent", "Chief Superintendent, safeguarding lead", "Westshire Police (demo)")
MODERATOR = Auditor("Demo QA Moderator", "QA subgroup chair", PARTNERSHIP)
#: When the demo moderator moderated (after the returns were signed): the domestic abuse return at
#: the April panel, the Section 11 return at the October panel.
MODERATED_AT = ("2026-04-14T14:00:00+00:00", "2026-10-20T11:00:00+00:00")


@dataclass(frozen=True)
class PlannedReturn:
    """One signed return to make. `case` numbers its case reference (returns sharing it are about
    the same child); `agency` is the Section 11 organisation's register code."""

    template_id: str
    round_id: str
    auditor: Auditor
    locality: str
    profile: str
    signed: dt.datetime
    case: int = 0
    agency: str = ""
    later_actions: bool = False  # actions due in 2027 rather than already past


def _at(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=dt.UTC)


def plan() -> tuple[PlannedReturn, ...]:
    """Every return the demo inbox holds, in the order they are made."""
    found: list[PlannedReturn] = []
    # Domestic abuse, baseline and after training: each agency audits one case in its borough.
    for round_number, round_id in enumerate(("da-2026-baseline", "da-2026-after-training")):
        for index, auditor in enumerate(CASE_AUDITORS[:3]):
            found.append(
                PlannedReturn(
                    DA,
                    round_id,
                    auditor,
                    demo_content.DEMO_LOCALITIES[index][0],
                    ("strong", "mixed", "weak")[(index + round_number) % 3],
                    _at(2026, 3 + 3 * round_number, 21, 9 + index),
                    case=900 + 10 * round_number + index,
                    later_actions=round_number == 1,
                )
            )
    # The police and children's social care return the health auditor's baseline case too.
    for index, auditor in ((1, POLICE), (2, SOCIAL_CARE)):
        found.append(
            PlannedReturn(DA, "da-2026-baseline", auditor, NORTH, "mixed", _at(2026, 3, 24, 9 + index), case=900)
        )
    found += [
        PlannedReturn(WNB, "wnb-2026", HEALTH, EAST, "weak", _at(2026, 6, 10), case=931),
        PlannedReturn(WNB, "wnb-2026", GP, EAST, "mixed", _at(2026, 6, 11), case=931),
        PlannedReturn(WNB, "wnb-2026", SCHOOL, WEST, "strong", _at(2026, 6, 12), case=932),
        PlannedReturn(VOC, "voc-2026", SOCIAL_CARE, WEST, "mixed", _at(2026, 10, 5), case=941, later_actions=True),
        PlannedReturn(VOC, "voc-2026", SCHOOL, WEST, "strong", _at(2026, 10, 6), case=941, later_actions=True),
        PlannedReturn(VOC, "voc-2026", POLICE, EAST, "weak", _at(2026, 10, 7), case=942, later_actions=True),
    ]
    # Section 11: four organisations in 2025, the same four and the hospital trust in 2026.
    for year, round_id, count in ((2025, "s11-2025", 4), (2026, "s11-2026", 5)):
        for index, (code, name, organisation) in enumerate(S11_ORGANISATIONS[:count]):
            profile = ("weak", "mixed", "mixed", "strong", "mixed")[index] if year == 2025 else "mixed"
            if year == 2026 and index in (0, 2):
                profile = "strong"  # improved since the previous round
            found.append(
                PlannedReturn(
                    S11,
                    round_id,
                    Auditor(name, "Safeguarding lead", organisation),
                    demo_content.DEMO_LOCALITIES[index % 3][0],
                    profile,
                    _at(year, 9, 15 + index),
                    agency=code,
                    later_actions=year == 2026,
                )
            )
    return tuple(found)


@dataclass
class InboxFill:
    """What `fill_inbox` made: return ids by the planned return's position, and the moderation
    records signed."""

    imported: int = 0
    files: list[Path] = field(default_factory=list)
    moderated: list[str] = field(default_factory=list)  # moderation record ids
    progress_updates: int = 0  # action progress updates recorded by the demo QA officer


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text.split(" (")[0]).strip("-").lower()


def _later(answers: list[Answer], years: int) -> list[Answer]:
    """The answers with every action's due date moved on by `years`."""
    moved = []
    for answer in answers:
        value = answer.value
        if isinstance(value, list) and value and all(isinstance(row, dict) and "due" in row for row in value):
            rows = []
            for row in value:
                due = dt.date.fromisoformat(str(row["due"]))
                rows.append({**row, "due": due.replace(year=due.year + years).isoformat()})
            answer = Answer(answer.question_id, rows, answer.agency, answer.evidence, answer.warning_reason)
        moved.append(answer)
    return moved


def _subject(
    rng: random.Random, template: Template, item: PlannedReturn, shared: dict[int, dict[str, Any]]
) -> dict[str, Any]:
    if item.case and item.case in shared:
        return dict(shared[item.case])  # another agency's return about the same child
    subject = demo_content.subject_for(rng, template, item.case or 990)
    subject["audit_round"] = item.round_id
    subject["locality"] = item.locality
    if item.agency:
        subject["agency"] = item.agency
        sector = template.partnership.agency(item.agency) if template.partnership is not None else None
        sector_field = (
            template.subject_field("sector") if any(f.id == "sector" for f in template.subject_fields) else None
        )
        if sector is not None and sector_field is not None:
            codes = [o.code for o in sector_field.options]
            if sector.sector in codes:
                subject["sector"] = sector.sector
        subject["completed_by"] = item.auditor.name
    if item.case:
        shared[item.case] = dict(subject)
    return subject


def fill_inbox(
    vault: Any, service: AuditService, rng: random.Random, folder: Path, cancel: CancelToken | None = None
) -> InboxFill:
    """Make, sign, write and import every planned return (see the module docstring); then sign
    off the police Section 11 return of 2026 and record the demo moderation."""
    from lscp_audit.core.report_data import build_report_data
    from lscp_audit.reports import identity_certs
    from lscp_audit.reports.pipeline import build_signed
    from lscp_audit.reports.signing import SignerIdentity, sign_as_senior_lead
    from lscp_audit.services.demo_data import generate_answers
    from lscp_audit.services.inbox_service import ImportStatus, InboxService
    from lscp_audit.services.report_service import report_inputs

    inbox = InboxService(vault)
    folder.mkdir(parents=True, exist_ok=True)
    signers: dict[str, SignerIdentity] = {}

    def signer_for(auditor: Auditor) -> SignerIdentity:
        if auditor.name not in signers:
            material = identity_certs.create_self_signed(auditor.name, auditor.role, auditor.agency)
            inbox.trust_certificate(material.certificate_pem, f"{auditor.name} (demo)")
            signers[auditor.name] = SignerIdentity(material, auditor.name, auditor.role, auditor.agency)
        return signers[auditor.name]

    templates: dict[str, Template] = {}
    shared: dict[int, dict[str, Any]] = {}
    made = InboxFill()
    counter: dict[str, int] = {}
    for item in plan():
        check(cancel)
        template = templates.get(item.template_id) or service.template(item.template_id)
        templates[item.template_id] = template
        subject = _subject(rng, template, item, shared)
        answers = generate_answers(rng, template, subject, item.profile)
        if item.later_actions:
            answers = _later(answers, 1)
        started = item.signed - dt.timedelta(days=18)
        number = len(made.files) + 1
        record = AuditRecord(
            id=f"demo-return-{number:03d}",
            template_id=template.id,
            template_version=template.version,
            template_hash=template.content_hash,
            template_source=template.source_text,
            subject=subject,
            status=AuditStatus.COMPLETE,
            auditor=item.auditor,
            created_at=started.isoformat().replace("+00:00", "Z"),
            completed_at=(item.signed - dt.timedelta(hours=17)).isoformat().replace("+00:00", "Z"),
            answers=tuple(answers),
        )
        data = build_report_data(record, template, generated_at=item.signed, inputs=report_inputs(record, template))
        pdf = build_signed(data, signer_for(item.auditor), signed_at=item.signed).pdf
        if item.template_id == S11 and item.round_id == "s11-2026" and item.agency == "police":
            pdf = sign_as_senior_lead(pdf, signer_for(S11_LEAD), location="Westshire Police HQ (demo)")
        stem = f"{item.round_id}-{_slug(item.auditor.agency)}"
        counter[stem] = counter.get(stem, 0) + 1
        path = folder / (f"{stem}.pdf" if counter[stem] == 1 else f"{stem}-{counter[stem]}.pdf")
        path.write_bytes(pdf)
        made.files.append(path)
    results = inbox.import_files(made.files)
    imported = [r for r in results if r.status == ImportStatus.IMPORTED and not r.quarantined]
    if len(imported) != len(made.files):
        log.warning("demo inbox: %d of %d returns imported as trusted", len(imported), len(made.files))
    made.imported = len(imported)
    check(cancel)
    return_ids = [r.entry.id if r.entry else "" for r in results]
    made.moderated = _moderate(vault, return_ids)
    made.progress_updates = _record_progress(vault, return_ids)
    return made


#: Progress the demo QA officer records on the baseline domestic abuse returns' actions (the
#: planned return's position among the baseline's returns, the action's number, then each
#: update as days after signing, status and note): one action done after an update on the way,
#: one under way, the rest left as the returns said (so some stay overdue).
PROGRESS = (
    (0, 1, ((40, "in_progress", "Training dates booked for every duty team (demo)."),
            (120, "complete", "Dip sample of 20 records: the new prompt used in 18 (demo)."))),
    (1, 1, ((75, "in_progress", "Draft guidance with the custody sergeants for comment (demo)."),)),
    (4, 1, ((150, "complete", "Supervision template changed and in use since the summer (demo)."),)),
)  # fmt: skip
PROGRESS_BY = "Demo QA Officer"


def _record_progress(vault: Any, return_ids: list[str]) -> int:
    """Record `PROGRESS` through the analysis service, as QA records progress in the app (each
    update a record of its own; the signed returns are not touched). Dates after today are left
    out, so a demo built on any day holds no update from the future."""
    from lscp_audit.services.analysis_service import AnalysisService

    planned = plan()
    baseline = [i for i, p in enumerate(planned) if p.template_id == DA and p.round_id == "da-2026-baseline"]
    service = AnalysisService(vault, actor=PROGRESS_BY)
    today = service.today()
    recorded = 0
    for position, action_number, updates in PROGRESS:
        index = baseline[position]
        return_id = return_ids[index]
        if not return_id:
            continue
        actions = vault.imported_returns.data(return_id).get("actions") or []
        if len(actions) < action_number:
            continue
        for days, status, note in updates:
            day = (planned[index].signed + dt.timedelta(days=days)).date()
            if day > today:
                continue
            service.record_action_update(
                return_id, action_number, status=status, note=note, as_of=day.isoformat(), reported_by=PROGRESS_BY
            )
            recorded += 1
    return recorded


def _moderate(vault: Any, return_ids: list[str]) -> list[str]:
    """The demo moderator (an identity of this vault, trusted as a QA moderator) moderates the
    police return of the shared baseline case (one grade changed) and agrees with the hospital
    trust's Section 11 return."""
    from lscp_audit.services.identity_service import IdentityService
    from lscp_audit.services.inbox_service import InboxService
    from lscp_audit.services.moderation_service import JudgementInput, ModerationService

    planned = plan()
    identities = IdentityService(vault)
    moderator = identities.create(MODERATOR.name, MODERATOR.role, MODERATOR.agency, make_default=False)
    InboxService(vault).trust_certificate(
        identities.export_certificate_pem(moderator.id), f"{MODERATOR.name} (demo)", moderator=True
    )
    april = ModerationService(vault, clock=lambda: MODERATED_AT[0])
    october = ModerationService(vault, clock=lambda: MODERATED_AT[1])
    chosen = next(i for i, p in enumerate(planned) if p.template_id == DA and p.case == 900 and p.auditor is POLICE)
    hospital = next(i for i, p in enumerate(planned) if p.round_id == "s11-2026" and p.agency == "hospital")
    records = []
    if return_ids[chosen]:
        form = april.form(return_ids[chosen])
        overall = next(s for s in form.scopes if s.scope == "overall")
        codes = [level.code for level in form.levels]  # best first
        current = codes.index(overall.self_rating) if overall.self_rating in codes else 0
        moderated = codes[current + 1] if current + 1 < len(codes) else codes[current - 1]
        made = april.record(
            return_ids[chosen],
            outcome="moderated",
            rationale="Moderated at the April QA panel against the partnership's grade descriptors (demo).",
            judgements=[
                JudgementInput(
                    "overall",
                    moderated,
                    "The chronology shows the notification reached the school a week late; the panel "
                    "agreed the grade should reflect the delay (demo rationale).",
                )
            ],
            identity_id=moderator.id,
        )
        records.append(made.id)
    if return_ids[hospital]:
        agreed = october.record(
            return_ids[hospital],
            outcome="agree",
            rationale="The evidence listed supports every standard's rating (demo).",
            identity_id=moderator.id,
        )
        records.append(agreed.id)
    return records

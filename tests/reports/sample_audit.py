"""A hand-built template and completed audit for report tests and the report benchmark.

Names and answers use Polish, Turkish, Greek, Cyrillic and Vietnamese text; the case reference
is a canary so tests can check it never leaks into metadata or file names.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

from lscp_audit.core.audit import Answer, Auditor, AuditRecord, AuditStatus, JudgementOverride
from lscp_audit.core.report_data import ReportInputs
from lscp_audit.core.templates.model import (
    JudgementRules,
    Option,
    Question,
    QuestionType,
    Section,
    SubjectField,
    Template,
    TemplateKind,
)
from lscp_audit.core.templates.scales import GRADE_OPTIONS, YES_NO_OPTIONS

CANARY = "CANARY-7f3a91"
NAMES = {
    "polish": "Zofia Wiśniewska-Łukasiewicz",
    "turkish": "Ayşe Yılmaz Çağlar",
    "greek": "Αλέξανδρος Παπαδόπουλος",
    "cyrillic": "Дмитрий Иванович Соколов",
    "vietnamese": "Nguyễn Thị Phương Thảo",
}
AGENCIES = (
    Option("police", "Police"),
    Option("health", "Health (ICB)"),
    Option("csc", "Children's social care"),
    Option("school", "Education"),
)
GENERATED_AT = dt.datetime(2026, 11, 28, 9, 30, tzinfo=dt.UTC)


def _q(qid: str, kind: QuestionType, label: str, **kw: object) -> Question:
    options = {QuestionType.YES_NO: YES_NO_OPTIONS, QuestionType.GRADE: GRADE_OPTIONS}.get(kind, ())
    return Question(qid, kind, label, options=kw.pop("options", options), **kw)  # type: ignore[arg-type]


def sample_template(extra_sections: int = 0) -> Template:
    sections = [
        Section(
            "early_help",
            "Early help and referral",
            "How needs were identified before the referral.",
            questions=(
                _q("eh_identified", QuestionType.YES_NO, "Were the child's needs identified early?"),
                _q("eh_quality", QuestionType.GRADE, "Quality of the early help assessment"),
                _q(
                    "eh_notes",
                    QuestionType.LONG_TEXT,
                    "What did the early help record show?",
                    evidence_prompt="Cite the record",
                ),
                _q("eh_date", QuestionType.DATE, "Date of the referral"),
                _q(
                    "eh_hidden",
                    QuestionType.SHORT_TEXT,
                    "Why was no assessment done?",
                    relevant="${eh_identified} = 'no'",
                ),
            ),
        ),
        Section(
            "agency_response",
            "Each agency's response",
            repeat="per_agency",
            questions=(
                _q("ar_grade", QuestionType.GRADE, "Quality of this agency's practice"),
                _q("ar_voice", QuestionType.LONG_TEXT, "How was the child's voice recorded?"),
            ),
        ),
        Section(
            "exploitation",
            "Exploitation (not relevant here)",
            relevant="false()",
            questions=(_q("ex_risk", QuestionType.YES_NO, "Was exploitation risk assessed?"),),
        ),
        Section(
            "findings",
            "Findings and learning",
            questions=(
                _q("key_findings", QuestionType.LONG_TEXT, "Key findings"),
                _q("actions", QuestionType.ACTIONS, "Actions agreed"),
            ),
        ),
    ]
    for n in range(extra_sections):
        questions = tuple(
            _q(
                f"x{n}_{i}",
                QuestionType.GRADE if i % 2 else QuestionType.LONG_TEXT,
                f"Extra question {n}.{i} about practice standards",
            )
            for i in range(8)
        )
        sections.append(Section(f"extra_{n}", f"Practice standard {n + 1}", questions=questions))
    return Template(
        id="maca-sample",
        title="Multi-agency case audit: neglect",
        version="1.2.0",
        kind=TemplateKind.CASE_AUDIT,
        subject_fields=(
            SubjectField("case_reference", QuestionType.SHORT_TEXT, "Case reference"),
            SubjectField("audit_round", QuestionType.SHORT_TEXT, "Audit round"),
            SubjectField("period_from", QuestionType.DATE, "Period reviewed from"),
            SubjectField("agencies", QuestionType.MULTI_CHOICE, "Agencies", options=AGENCIES),
        ),
        sections=tuple(sections),
        judgement_rules=JudgementRules(scale="grade"),
        content_hash="sha256:" + "ab" * 32,
    )


LONG_WORD = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 4
LONG_ANSWER = " ".join(
    f"Paragraph {i}: {NAMES['polish']} told the school nurse on several occasions that home was cold and there was little food; "
    f"the health visitor ({NAMES['vietnamese']}) recorded the same concern. {NAMES['greek']} and {NAMES['cyrillic']} attended."
    for i in range(60)
)


def _extra_answers(template: Template, long: bool) -> list[Answer]:
    answers = []
    for section in template.sections:
        if not section.id.startswith("extra_"):
            continue
        for question in section.questions:
            value = (
                "good" if question.type == QuestionType.GRADE else (LONG_ANSWER[:3000] if long else "Recorded well.")
            )
            answers.append(Answer(question.id, value, evidence="Case file, chronology" if long else ""))
    return answers


def sample_audit(template: Template | None = None, *, long: bool = False, revision: int = 1) -> AuditRecord:
    template = template or sample_template()
    answers = [
        Answer("eh_identified", "yes"),
        Answer(
            "eh_quality",
            "requires_improvement",
            evidence=f"Assessment by {NAMES['turkish']} was late.",
            warning_reason="The manager confirmed the delay",
        ),
        Answer(
            "eh_notes",
            LONG_ANSWER if long else f"Notes mention {NAMES['polish']} and a word {LONG_WORD}.",
            evidence="EH record 2026-03",
        ),
        Answer("eh_date", "2026-03-14"),
        Answer("ar_grade", "good", agency="police"),
        Answer(
            "ar_grade",
            "inadequate",
            agency="health",
            evidence=f"GP {NAMES['cyrillic']} did not record the child's view.",
        ),
        Answer("ar_grade", "requires_improvement", agency="csc"),
        Answer("ar_grade", "outstanding", agency="school"),
        Answer("ar_voice", f"Officer spoke to the child with {NAMES['greek']} present.", agency="police"),
        Answer("ar_voice", "Not recorded.", agency="health"),
        Answer("ar_voice", "Direct work sessions recorded in detail.", agency="csc"),
        Answer("ar_voice", f"Teacher {NAMES['vietnamese']} kept notes.", agency="school"),
        Answer("key_findings", f"Neglect was recognised late. {NAMES['turkish']} escalated appropriately."),
        Answer(
            "actions",
            [
                {
                    "action": "Refresh neglect toolkit training for GP practices",
                    "owner_agency": "Health (ICB)",
                    "owner_role": "Designated nurse",
                    "due": "2027-03-31",
                    "status": "open",
                },
                {
                    "action": f"Share learning with {NAMES['polish']}'s school cluster",
                    "owner_agency": "Education",
                    "owner_role": "DSL",
                    "due": "2027-01-15",
                    "status": "in_progress",
                },
            ],
        ),
        *_extra_answers(template, long),
    ]
    return AuditRecord(
        id="a-0001" if revision == 1 else f"a-000{revision}",
        template_id=template.id,
        template_version=template.version,
        template_hash=template.content_hash,
        template_source="",
        subject={
            "case_reference": CANARY,
            "audit_round": "MACA 2026 round 3",
            "period_from": "2025-09-01",
            "agencies": ["police", "health", "csc", "school"],
        },
        status=AuditStatus.COMPLETE,
        auditor=Auditor(NAMES["polish"], "Designated safeguarding lead", "Testshire Council"),
        title="Neglect audit",
        created_at="2026-11-02T10:00:00Z",
        updated_at="2026-11-27T16:00:00Z",
        completed_at="2026-11-27T16:00:00Z",
        revision=revision,
        previous_revision_id="a-0001" if revision > 1 else None,
        answers=tuple(answers),
        overrides=(
            JudgementOverride(
                "overall",
                "requires_improvement",
                f"Health's response outweighs strengths; agreed with {NAMES['greek']}.",
            ),
        ),
    )


def amended_revision(audit: AuditRecord, question_id: str, value: Any, reason: str) -> AuditRecord:
    """Revision 2 of `audit` with one answer changed and the reason for the change recorded."""
    changed = [a if a.question_id != question_id else replace(a, value=value) for a in audit.answers]
    return replace(
        audit,
        id="a-0002",
        revision=2,
        previous_revision_id=audit.id,
        answers=tuple(changed),
        amendment_reasons={question_id: reason},
    )


def sample_inputs(template: Template, audit: AuditRecord) -> ReportInputs:
    """What the template engine would say: eh_hidden and the exploitation section are hidden."""
    visible = set()
    for section in template.sections:
        if section.id == "exploitation":
            continue
        agencies = audit.subject["agencies"] if section.per_agency else [""]
        for question in section.questions:
            if question.id == "eh_hidden":
                continue
            visible.update((question.id, a) for a in agencies)
    derived: dict[str, str | None] = {"early_help": "requires_improvement", "findings": None, "overall": "good"}
    derived.update(
        {
            f"agency_response@{a}": v
            for a, v in (
                ("police", "good"),
                ("health", "inadequate"),
                ("csc", "requires_improvement"),
                ("school", "outstanding"),
            )
        }
    )
    derived.update({s.id: "good" for s in template.sections if s.id.startswith("extra_")})
    return ReportInputs(
        visible=frozenset(visible),
        derived=derived,
        rule_descriptions={"overall": "Overall: the lowest section judgement."},
    )


FIXTURE = Path(__file__).parent / "fixtures" / "report_sample.yaml"


def yaml_template() -> Template:
    """The same template as `sample_template()`, loaded from YAML by the real loader."""
    from lscp_audit.core.templates.loader import load_template_file

    return load_template_file(FIXTURE)


def stored_audit(template: Template, **kw: Any) -> AuditRecord:
    """`sample_audit` with the template's frozen source and hash, as the vault keeps it."""
    return replace(
        sample_audit(template, **kw), template_source=template.source_text, template_hash=template.content_hash
    )


def make_vault(path: Path) -> Any:
    """A new, unlocked vault at `path` with a random raw key (no keychain, no passphrase)."""
    from lscp_audit.storage.engine import RawKey
    from lscp_audit.storage.vault import Vault

    return Vault.create(path, RawKey.generate(), vault_id="test-vault", memory_security=False)

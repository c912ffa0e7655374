"""Fictitious content for demo audits: subject values, answer candidates and realistic text.

Everything here is invented. Case references are pseudonymised audit references
(``DA-2026-014``); text never names a person, only roles and agencies. Values come from a seeded
`random.Random`, so the same seed always gives the same demo vault. A *profile* steers each
audit's quality (``strong``, ``mixed`` or ``weak``) so demo judgements cover the whole scale.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from lscp_audit.core.expressions import safe_regex
from lscp_audit.core.partnership import (
    ExpectedAgency,
    ExpectedCount,
    Locality,
    PartnershipProfile,
    Round,
    default_profile,
)
from lscp_audit.core.templates.model import Question, QuestionType, SubjectField, Template

PERIOD_START = date(2025, 4, 1)
PERIOD_END = date(2026, 3, 31)
PROFILES = ("strong", "mixed", "weak")

GRADE_WEIGHTS = {
    "strong": {"outstanding": 3, "good": 6, "requires_improvement": 1, "inadequate": 0},
    "mixed": {"outstanding": 1, "good": 4, "requires_improvement": 4, "inadequate": 1},
    "weak": {"outstanding": 0, "good": 1, "requires_improvement": 5, "inadequate": 4},
}
RAG_WEIGHTS = {
    "strong": {"green": 7, "amber": 3, "red": 0},
    "mixed": {"green": 3, "amber": 5, "red": 2},
    "weak": {"green": 1, "amber": 4, "red": 5},
}
YES_WEIGHTS = {
    "strong": {"yes": 8, "partly": 2, "no": 1, "not_known": 0, "not_applicable": 1},
    "mixed": {"yes": 5, "partly": 4, "no": 2, "not_known": 1, "not_applicable": 1},
    "weak": {"yes": 2, "partly": 3, "no": 5, "not_known": 2, "not_applicable": 1},
}

STRENGTHS = (
    "The referral to the MASH was made on the day of the incident and set out the risk clearly.",
    "Information was shared at the MARAC within a week and every agency took away an action.",
    "The school's DSL kept a detailed chronology that helped the strategy discussion.",
    "The health visitor followed up the missed appointments and told the GP in writing.",
    "The child was seen alone on three visits and their words are recorded in the plan.",
    "The IDVA and the social worker planned visits together so the protective parent was seen safely.",
    "Management oversight is recorded at each key decision, with clear reasons.",
    "The core group met every four weeks and the plan was updated after each meeting.",
)
GAPS = (
    "The assessment describes incidents but not the pattern of coercive control over time.",
    "Police notifications reached the school late, so Operation Encompass support was delayed.",
    "Missed health appointments were recorded as DNA rather than Was Not Brought and not followed up.",
    "The child's views were gathered once and were not revisited when circumstances changed.",
    "Adult mental health services were not invited to the strategy discussion.",
    "The plan lists tasks but few have timescales or a named lead, so progress is hard to measure.",
    "There is no record that the escalation procedure was used when the agencies disagreed.",
    "The perpetrator's other relationships and history were not explored in the assessment.",
)
CONTEXT = (
    "A child aged between 5 and 10 living with their mother and a younger sibling; police attended "
    "three domestic abuse incidents in the period.",
    "A teenager open to early help after concerns about school attendance and going missing overnight.",
    "A baby under one whose family moved into the area during the period; two health appointments were missed.",
    "A child on a child protection plan under the category of emotional abuse, with a history of parental "
    "substance misuse.",
)
EVIDENCE = (
    "Children's social care case notes and the strategy discussion record.",
    "Police incident logs and the MARAC minutes.",
    "Health visiting records, including the letters to the GP.",
    "School safeguarding file and the DSL's chronology.",
    "Core group minutes and the child protection plan.",
)
ACTIONS = (
    ("Brief all staff on recording missed appointments as Was Not Brought", "Health", "Named nurse for safeguarding",
     "Nine in ten missed appointments recorded as Was Not Brought in the next audit of 20 records"),
    ("Add the Operation Encompass notification check to the daily MASH log", "Police", "MASH detective sergeant",
     "Every notification sent to the school by 9am the next school day, checked monthly for a quarter"),
    ("Run a practice workshop on mapping the perpetrator's pattern of behaviour", "Children's social care",
     "Principal social worker", "Assessments in the next case audit round describe the pattern, not single incidents"),
    ("Audit six plans for SMART actions and report to the QA subgroup", "The partnership itself", "QA and audit lead",
     "Five of the six plans have an owner, a date and a measure for every action"),
    ("Remind DSLs how to use the escalation procedure, with a case example", "Education",
     "Safeguarding in education lead", "Escalations from schools recorded in the MASH log rise from 2 to at least 6 a term"),
)  # fmt: skip
#: Text for an organisation's Section 11 self-assessment: about the organisation, never a case.
ORG_STRENGTHS = (
    "The board receives a safeguarding report every quarter and minutes show it challenges the figures.",
    "Every new starter completes safeguarding training in their first week; compliance is 96% and reported monthly.",
    "Safer recruitment checks are logged centrally and were complete for all 40 files sampled this year.",
    "The designated safeguarding lead has protected time and monthly supervision from the named professional.",
    "Staff attended 92% of the child protection conferences they were invited to and sent reports in time.",
    "The information sharing policy was updated this year and staff briefings covered the lawful bases for sharing.",
)
ORG_GAPS = (
    "The policy has not been reviewed against the partnership's procedures since 2022.",
    "Training compliance for volunteers is not recorded, so the figures cover paid staff only.",
    "There is no evidence yet of how children's feedback changed a service.",
    "Staff survey results show a third of staff are unsure how to escalate a professional disagreement.",
    "Contracts with two commissioned providers have no safeguarding clause or record of checks.",
    "The impact of training on practice has not been evaluated beyond attendance.",
)
ORG_EVIDENCE = (
    "Safeguarding policy (reviewed March 2026), owner: head of safeguarding.",
    "Board minutes, January and April 2026, safeguarding report item.",
    "Training compliance dashboard, March 2026.",
    "Safer recruitment audit of 40 personnel files, February 2026.",
    "Staff survey 2025, safeguarding questions.",
)
ORG_ACTIONS = (
    ("Review the safeguarding policy against the partnership's procedures", "The organisation itself",
     "Head of safeguarding", "Revised policy approved by the board and briefed to all staff"),
    ("Record volunteers' safeguarding training alongside staff training", "The organisation itself",
     "Volunteer coordinator", "Training compliance reported for volunteers each quarter, at least 90%"),
    ("Add a safeguarding clause and an annual check to every commissioning contract", "The organisation itself",
     "Head of commissioning", "All contracts renewed this year carry the clause; checks logged"),
    ("Brief all teams on the escalation (resolving professional differences) procedure", "The organisation itself",
     "Designated safeguarding lead", "Staff unsure how to escalate fall from a third to under one in ten in the next survey"),
)  # fmt: skip
SHORT_TEXT = {
    "areas": "Westshire and Eastbrook (demo)",
    "round": "2026 round 1 (quarter 1)",
    "officer": "Head of safeguarding",
    "lead": "Designated safeguarding lead",
    "role": "Named nurse for safeguarding",
    "sector": "Health",
}
#: Invented organisations for self-assessments (subject fields about the organisation).
ORGANISATIONS = (
    "Riverside Community Health NHS Trust (demo)",
    "Northfield Primary Academy (demo)",
    "Westshire Police (demo)",
    "Eastbrook Housing Association (demo)",
    "Hillside Youth Club (demo)",
)


#: The demo vault's partnership: three invented boroughs, the shipped agencies register and six
#: rounds (domestic abuse before and after Safe and Together training, Was Not Brought, voice of
#: the child, and Section 11 in 2025 and 2026).
DEMO_LOCALITIES = (
    ("northbridge", "Northbridge (demo borough)"),
    ("eastholme", "Eastholme (demo borough)"),
    ("westmere", "Westmere (demo borough)"),
)


def demo_profile() -> PartnershipProfile:
    """The demo partnership profile (fictitious)."""
    base = default_profile()
    boroughs = tuple(code for code, _label in DEMO_LOCALITIES)
    rounds = (
        Round(
            id="da-2026-baseline",
            title="Domestic abuse multi-agency audit 2026",
            phase="baseline",
            period_start="2025-04-01",
            period_end="2025-09-30",
            template_id="domestic-abuse-maca",
            deadline="2026-01-30",
            localities=boroughs,
            expected_counts=tuple(ExpectedCount(2, code) for code in boroughs),
        ),
        Round(
            id="da-2026-after-training",
            title="Domestic abuse multi-agency audit 2026",
            phase="after training",
            period_start="2026-04-01",
            period_end="2026-09-30",
            template_id="domestic-abuse-maca",
            deadline="2027-01-29",
            localities=boroughs,
            expected_counts=tuple(ExpectedCount(2, code) for code in boroughs),
        ),
        Round(
            id="wnb-2026",
            title="Was Not Brought multi-agency audit 2026",
            phase="",
            period_start="2025-10-01",
            period_end="2026-03-31",
            template_id="was-not-brought",
            deadline="2026-07-31",
            localities=("eastholme", "westmere"),
            expected_counts=(ExpectedCount(2, "eastholme"), ExpectedCount(2, "westmere")),
        ),
        Round(
            id="voc-2026",
            title="Voice of the child audit 2026",
            phase="",
            period_start="2026-01-01",
            period_end="2026-06-30",
            template_id="voice-of-the-child",
            deadline="2027-02-26",
            localities=boroughs,
            expected_counts=tuple(ExpectedCount(1, code) for code in boroughs),
        ),
        Round(
            id="s11-2025",
            title="Section 11 self-assessment 2025",
            phase="annual",
            period_start="2023-04-01",
            period_end="2025-03-31",
            template_id="section-11-self-assessment",
            deadline="2025-10-31",
            localities=boroughs,
            expected_agencies=tuple(
                ExpectedAgency(code)
                for code in ("childrens_social_care", "police", "icb", "hospital", "housing", "probation", "voluntary")
            ),
        ),
        Round(
            id="s11-2026",
            title="Section 11 self-assessment 2026",
            phase="annual",
            period_start="2024-04-01",
            period_end="2026-03-31",
            template_id="section-11-self-assessment",
            deadline="2026-10-30",
            localities=boroughs,
            expected_agencies=tuple(
                ExpectedAgency(code)
                for code in ("childrens_social_care", "police", "icb", "hospital", "housing", "probation", "voluntary")
            ),
        ),
    )
    return PartnershipProfile(
        name="Three Boroughs Safeguarding Children Partnership (demo)",
        localities=tuple(Locality(code, label) for code, label in DEMO_LOCALITIES),
        agencies=base.agencies,
        rounds=rounds,
    )


def weighted(rng: random.Random, weights: dict[str, int], allowed: Sequence[str]) -> list[str]:
    """Allowed codes in a random order biased by `weights` (unlisted codes last)."""
    pool = [c for c in allowed if weights.get(c, 0) > 0]
    order: list[str] = []
    while pool:
        pick = rng.choices(pool, [weights[c] for c in pool])[0]
        order.append(pick)
        pool.remove(pick)
    return order + [c for c in allowed if c not in order]


def candidates(
    rng: random.Random, question: Question, profile: str, agencies: Sequence[str], *, organisation: bool = False
) -> list[Any]:
    """Values to try for `question`, best fit first (the caller keeps the first valid one).
    `organisation` is True for an organisation's self-assessment, whose text is about the
    organisation rather than a child's case."""
    codes = [o.code for o in question.options]
    kind = question.type
    if kind == QuestionType.GRADE:
        return list(weighted(rng, GRADE_WEIGHTS[profile], codes))
    if kind == QuestionType.RAG:
        return list(weighted(rng, RAG_WEIGHTS[profile], codes))
    if kind == QuestionType.YES_NO:
        return list(weighted(rng, YES_WEIGHTS[profile], codes))
    if kind == QuestionType.SINGLE_CHOICE:
        return rng.sample(codes, len(codes))
    if kind == QuestionType.MULTI_CHOICE:
        return [sorted(rng.sample(codes, min(len(codes), n)), key=codes.index) for n in (2, 1, 3)]
    if kind == QuestionType.DATE:
        return [_date_in_period(rng).isoformat() for _ in range(4)]
    if kind == QuestionType.NUMBER:
        return [rng.choice([1, 2, 3, 5]), 0, 10, 28]
    if kind == QuestionType.ACTIONS:
        return [actions(rng, agencies, ORG_ACTIONS if organisation else ACTIONS)]
    return [text_for(rng, question, profile, organisation=organisation)]


def text_for(rng: random.Random, question: Question, profile: str, *, organisation: bool = False) -> str:
    """Fictitious free text chosen by what the question asks about."""
    words = f"{question.id} {question.label}".lower()
    strengths, gaps = (ORG_STRENGTHS, ORG_GAPS) if organisation else (STRENGTHS, GAPS)
    if question.type == QuestionType.SHORT_TEXT:
        return next((v for k, v in SHORT_TEXT.items() if k in words), rng.choice(strengths)[:120].rstrip("."))
    if organisation:
        if re.search(r"improve|gap|develop|concern|weak|priorit|support", words):
            return " ".join(rng.sample(gaps, 2))
        return " ".join(rng.sample(strengths if profile != "weak" else gaps, 2))
    if re.search(r"summary|context|background|profile", words):
        return rng.choice(CONTEXT)
    if re.search(r"improve|gap|develop|concern|weak|learning|differently", words):
        return " ".join(rng.sample(GAPS, 2))
    pool = STRENGTHS if profile != "weak" else GAPS
    return " ".join(rng.sample(pool, 2))


def evidence_for(rng: random.Random, question: Question, *, organisation: bool = False) -> str:
    if not question.evidence_prompt:
        return ""
    return rng.choice(ORG_EVIDENCE if organisation else EVIDENCE)


def actions(
    rng: random.Random, agencies: Sequence[str], pool: Sequence[tuple[str, str, str, str]] = ACTIONS
) -> list[dict[str, str]]:
    """Two or three SMART actions due within a year, each with its measure of success."""
    chosen = rng.sample(list(pool), rng.choice([2, 3]))
    statuses = ("open", "in_progress", "complete")
    return [
        {
            "action": text,
            "owner_agency": agency,
            "owner_role": role,
            "due": (PERIOD_END + timedelta(days=60 + 45 * n)).isoformat(),
            "status": statuses[n % 3],
            "measure": measure,
        }
        for n, (text, agency, role, measure) in enumerate(chosen)
    ]


def _date_in_period(rng: random.Random) -> date:
    return PERIOD_START + timedelta(days=rng.randrange((PERIOD_END - PERIOD_START).days))


def reference_prefix(template: Template) -> str:
    """Capital letters for the audit theme, from the template id (``was-not-brought`` -> WNB)."""
    known = {"domestic": "DA", "voice": "VOC", "brought": "WNB", "section": "S", "s11": "S"}
    for word, prefix in known.items():
        if word in template.id:
            return prefix
    return "".join(part[0] for part in template.id.split("-") if part)[:4].upper() or "AUD"


def subject_for(rng: random.Random, template: Template, number: int) -> dict[str, Any]:
    """Subject values that satisfy the template's subject fields (references fictitious)."""
    subject: dict[str, Any] = {}
    for spec in template.subject_fields:
        value = _subject_value(rng, template, spec, number)
        if value not in (None, "", []):
            subject[spec.id] = value
    return subject


def _subject_value(rng: random.Random, template: Template, spec: SubjectField, number: int) -> Any:
    codes = [o.code for o in spec.options]
    if spec.id == "case_reference":
        return reference_for(template, spec, number)
    if spec.type == QuestionType.MULTI_CHOICE:
        return sorted(rng.sample(codes, min(len(codes), rng.choice([3, 4, 5]))), key=codes.index) if codes else []
    if spec.type == QuestionType.SINGLE_CHOICE:
        return rng.choice(codes) if codes else None
    if spec.type == QuestionType.DATE:
        return (PERIOD_END if "end" in spec.id or "to" in spec.id.split("_") else PERIOD_START).isoformat()
    if spec.type == QuestionType.NUMBER:
        return 1
    words = f"{spec.id} {spec.label}".lower()
    if re.search(r"agency|organisation", words):
        return ORGANISATIONS[number % len(ORGANISATIONS)]
    return next((v for k, v in SHORT_TEXT.items() if k in words), "Demo")


def reference_for(template: Template, spec: SubjectField, number: int) -> str:
    """A fictitious reference matching the field's pattern when one of the usual forms does."""
    prefix = reference_prefix(template)
    forms = (
        f"{prefix}-2026-{number:03d}",
        f"{prefix}{'11' if prefix == 'S' else ''}-2026-{number:03d}",
        f"MACA-2026-01-{number:02d}",
        f"{prefix}-{number:03d}",
    )
    if not spec.pattern:
        return forms[0]
    return next((f for f in forms if safe_regex.fullmatch(spec.pattern, f)), forms[0])

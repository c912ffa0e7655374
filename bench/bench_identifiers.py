"""Identifier check benchmark (issue 13): scan a 90-question audit with long answers (about
1,500 characters each, plus evidence, actions and a 200-name do-not-use list) for every kind of
likely identifier, as completion and export do. Goal: under 20 ms. Baseline: splitting the same
texts into words once (the least any scan must do)."""

from __future__ import annotations

from bench.harness import Row, median, time_call
from lscp_audit.core.audit import Answer, AuditRecord
from lscp_audit.core.identifier_check import check_audit, scanned_texts
from lscp_audit.core.identifiers import NameList
from lscp_audit.core.templates import load_template_text
from lscp_audit.core.visibility import evaluate_visibility

QUESTIONS = 90
PER_SECTION = 10
PARAGRAPH = (
    "The strategy discussion on 14/02/2025 agreed a section 47 enquiry; health, police and "
    "education attended and the ST4 registrar gave the medical view. The family were offered "
    "early help in 2024 and the school DSL recorded three concerns about lateness and hunger. "
    "NHS 111 was called twice. The review conference on 10 June 2025 kept the plan under "
    "neglect and the core group met every six weeks with good attendance from the health visitor. "
)


def template_text() -> str:
    lines = [
        "format: 1",
        "id: identifier-bench",
        "title: Identifier check benchmark",
        'version: "1"',
        "kind: case_audit",
        "subject:",
        "  - {id: case_reference, type: short_text, label: Ref, pattern: '^[A-Z]{2}-\\d{4}-\\d{2}$'}",
        "sections:",
    ]
    for index in range(QUESTIONS):
        if index % PER_SECTION == 0:
            lines += [
                f"  - id: s{index // PER_SECTION}",
                f"    title: Section {index // PER_SECTION}",
                "    questions:",
            ]
        kind = "actions" if index == QUESTIONS - 1 else "long_text"
        lines.append(
            f"      - {{id: q{index}, type: {kind}, label: Question {index}, guidance: Answer from the records.}}"
        )
    return "\n".join(lines) + "\n"


def audit(template_source: str) -> AuditRecord:
    answers = []
    for index in range(QUESTIONS - 1):
        text = PARAGRAPH * 3
        if index % 15 == 0:  # a few real hits among the long answers
            text += " Mum (DOB 22/10/1994) on 07700 900321 lives at LS6 2QT; Jayden Okafor was seen alone."
        answers.append(Answer(f"q{index}", text, evidence="Chronology entries 12 to 40; case notes " + "x" * 200))
    actions = [
        {"action": "Audit the use of " + "early help " * 10, "owner_agency": "Police", "owner_role": "DI",
         "due": "2026-06-30", "status": "open", "measure": "90% of referrals " * 5, "link": ""}
        for _ in range(20)
    ]  # fmt: skip
    answers.append(Answer(f"q{QUESTIONS - 1}", actions))
    return AuditRecord(
        id="bench", template_id="identifier-bench", template_version="1", template_hash="", template_source=template_source,
        subject={"case_reference": "AB-2026-01"}, title="Identifier benchmark", answers=tuple(answers),
    )  # fmt: skip


def run() -> list[Row]:
    source = template_text()
    template = load_template_text(source, "identifier-bench.yaml")
    record = audit(source)
    names = NameList.of(["Jayden Okafor", "Kyla-Mae", "Zoë Brennan"] + [f"Forename{i} Surname{i}" for i in range(197)])
    texts = [t.text for t in scanned_texts(record, template, None)]
    chars = sum(len(t) for t in texts)
    baseline = median(time_call(lambda: sum(len(t.split()) for t in texts), repeats=15))
    scan = median(time_call(lambda: check_audit(record, template, names), repeats=15))

    def with_visibility() -> object:
        visible = evaluate_visibility(template, record.answer_map(), record.subject).questions
        return check_audit(record, template, names, visible)

    full = median(time_call(with_visibility, repeats=15))
    hits = len(check_audit(record, template, names).hits)
    return [
        Row(
            f"identifier scan, {QUESTIONS}-question audit, long answers",
            scan,
            "split the texts into words",
            scan / baseline if baseline else None,
            "< 20 ms",
            f"{len(texts)} texts, {chars // 1000} k characters, 200 names, {hits} hits",
        ),
        Row("identifier check with visibility (as on completion)", full, "scan alone", full / scan, "< 20 ms"),
    ]

"""Template benchmarks: load and validate the shipped templates; visibility, and visibility plus
judgements (and the text the editor shows for each: Provisional, label and marker from the
scale), on a 500-question synthetic template after one answer change (goal: under 10 ms), each
against a baseline measured in the same run; an XLSForm import of 100 questions."""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

from bench.harness import Row, median, time_call
from lscp_audit import paths
from lscp_audit.core.expressions import Env, ExprType, RefInfo, compile_expression
from lscp_audit.core.judgements import derive_judgements
from lscp_audit.core.templates import check_template_file, load_template_text
from lscp_audit.core.visibility import evaluate_visibility, find_missing
from lscp_audit.services.xlsform_import import convert_xlsform
from lscp_audit.ui.display import judgement_value_text

QUESTIONS = 500
PER_SECTION = 20
AGENCIES = ["police", "health", "school"]
KINDS = ("yes_no", "yes_no", "number", "multi_choice", "short_text")
GRADES = ("good", "requires_improvement", "outstanding", "good", "inadequate")
#: The case audits' rule: limiting, best fit otherwise, agencies combined into one input.
RULES = [
    "judgement_rules:",
    "  scale: ofsted_4",
    "  section: {method: worst_of}",
    "  overall: {method: limiting, otherwise: best_fit, from: sections, agencies: combined}",
]


def _kind(index: int) -> str:
    """The last question of each section is a graded one (the section's judgement)."""
    return "grade" if index % PER_SECTION == PER_SECTION - 1 else KINDS[index % len(KINDS)]


def synthetic_template(questions: int = QUESTIONS) -> str:
    """A valid template with `questions` questions: chains of conditions, choice questions,
    numbers and a per-agency section, so visibility has real dependencies to follow."""
    lines = [
        "format: 1",
        "id: synthetic-bench",
        "title: Synthetic benchmark template",
        'version: "1"',
        "kind: case_audit",
        "scales: [{use: ofsted_4}]",
        "subject:",
        "  - {id: case_reference, type: short_text, label: Ref, pattern: '^[A-Z]{2}-\\d{4}-\\d{2}$'}",
        "  - id: agencies",
        "    type: multi_choice",
        "    label: Agencies",
        "    options: [" + ", ".join(f"{{code: {a}, label: {a}}}" for a in AGENCIES) + "]",
        "sections:",
    ]
    per_agency_start = questions - PER_SECTION
    for index in range(questions):
        if index % PER_SECTION == 0:
            section = index // PER_SECTION
            lines += [f"  - id: s{section}", f"    title: Section {section}"]
            if index >= per_agency_start:
                lines.append("    repeat: per_agency")
            elif section > 0:
                lines.append(f"    relevant: ${{q{index - 1}}} != 'inadequate'")
            lines.append("    questions:")
        lines += _question(index, per_agency_start)
    return "\n".join(lines + RULES) + "\n"


def _question(index: int, per_agency_start: int) -> list[str]:
    qid = f"q{index}"
    kind = _kind(index)
    lines = [f"      - id: {qid}", f"        type: {kind}", f"        label: Question {index}", "        guidance: g"]
    if kind == "grade":
        lines.append("        scale: ofsted_4")
    if kind == "yes_no":
        lines.append("        polarity: {good: ['yes'], concern: ['no']}")
    if kind == "multi_choice":
        lines.append("        options: [{code: a, label: A}, {code: b, label: B}]")
    if kind == "number":
        lines += ["        constraint: . >= 0", "        constraint_message: Not negative."]
    if index % PER_SECTION:
        previous = f"q{index - 1}"
        condition = {
            "yes_no": f"${{{previous}}} != 'no'",
            "number": f"coalesce(${{{previous}}}, 0) < 100",
            "multi_choice": f"not(selected(${{{previous}}}, 'b'))",
            "grade": f"${{{previous}}} != 'inadequate'",
            "short_text": f"${{{previous}}} != '' or count-selected(${{q{index - 2}}}) > 0",
        }[_kind(index - 1)]
        lines.append(f"        relevant: {condition}")
    return lines


def _answers(template_questions: list[str]) -> dict[tuple[str, str], object]:
    rng = random.Random(7)
    answers: dict[tuple[str, str], object] = {}
    for index, qid in enumerate(template_questions):
        if _kind(index) == "grade":
            value: object = GRADES[(index // PER_SECTION) % len(GRADES)]
        else:
            value = {0: "yes", 1: "partly", 2: rng.randint(0, 50), 3: ["a"], 4: "text"}[index % 5]
        agencies = AGENCIES if index >= QUESTIONS - PER_SECTION else [""]
        for agency in agencies:
            answers[(qid, agency)] = value
    return answers


def run() -> list[Row]:
    shipped = sorted(paths.forms_dir().glob("*.yaml"))
    load_times = time_call(lambda: [check_template_file(p) for p in shipped], repeats=5)
    # Baseline for loading: reading the same files' bytes.
    read_times = time_call(lambda: [p.read_bytes() for p in shipped], repeats=5)
    rows = [
        Row(
            f"load+validate+self-test {len(shipped)} shipped templates",
            median(load_times),
            "reading the files",
            median(load_times) / max(median(read_times), 1e-6),
            "< 500 ms",
        )
    ]

    text = synthetic_template()
    parse_times = time_call(lambda: load_template_text(text, "synthetic.yaml"), repeats=5)
    rows.append(Row(f"parse+validate synthetic {QUESTIONS}-question template", median(parse_times), goal="< 1000 ms"))

    template = load_template_text(text, "synthetic.yaml")
    qids = [q.id for q in template.all_questions()]
    answers = _answers(qids)
    subject = {"agencies": AGENCIES}
    toggle = iter(["no", "yes"] * 1000)

    def one_change() -> None:
        answers[("q1", "")] = next(toggle)  # hides or shows q2; everything is re-evaluated
        evaluate_visibility(template, answers, subject)

    visibility_times = time_call(one_change, repeats=41, warmup=3)
    # Baselines in the same run: a trivial walk over the same answers, and one plain condition.
    walk_times = time_call(lambda: {k: v for k, v in answers.items() if v is not None}, repeats=41, warmup=3)
    single = compile_expression(
        "${q1} = 'yes' and ${q2} != 'no'", {"q1": RefInfo(ExprType.TEXT), "q2": RefInfo(ExprType.TEXT)}.get
    )
    env = Env({"q1": "yes", "q2": "partly"})
    single_times = time_call(lambda: single.holds(env), repeats=41, warmup=3)
    visible = len(evaluate_visibility(template, answers, subject).questions)
    rows.append(
        Row(
            f"visibility after 1 change, {QUESTIONS} questions",
            median(visibility_times),
            "dict walk over the answers",
            median(visibility_times) / max(median(walk_times), 1e-6),
            "well under 10 ms",
            f"{visible} visible; one condition alone {median(single_times) * 1000:.1f} us",
        )
    )

    def one_change_and_judgements() -> None:
        answers[("q1", "")] = next(toggle)
        visibility = evaluate_visibility(template, answers, subject)
        derive_judgements(template, answers, subject, visibility=visibility)

    both_times = time_call(one_change_and_judgements, repeats=41, warmup=3)
    judged = derive_judgements(template, answers, subject)
    overall = judged.overall.value if judged.overall else None
    rows.append(
        Row(
            f"visibility + judgements after 1 change, {QUESTIONS} questions",
            median(both_times),
            "visibility alone",
            median(both_times) / max(median(visibility_times), 1e-6),
            "< 10 ms",
            f"{len(judged.sections)} section judgements, limiting rule, overall {overall}",
        )
    )

    def one_change_as_the_editor_shows_it() -> None:
        answers[("q1", "")] = next(toggle)
        visibility = evaluate_visibility(template, answers, subject)
        for judgement in derive_judgements(template, answers, subject, visibility=visibility).all():
            judgement_value_text(judgement, draft=True)  # label, marker and colour from the scale

    shown_times = time_call(one_change_as_the_editor_shows_it, repeats=41, warmup=3)
    rows.append(
        Row(
            f"+ judgement texts from the scale, {QUESTIONS} questions",
            median(shown_times),
            "visibility + judgements",
            median(shown_times) / max(median(both_times), 1e-6),
            "< 10 ms",
            "Provisional, level label, colour, text marker",
        )
    )
    missing_times = time_call(lambda: find_missing(template, answers, subject), repeats=21, warmup=2)
    rows.append(Row(f"missing required answers, {QUESTIONS} questions", median(missing_times), goal="< 20 ms"))
    rows.append(_xlsform_row())
    return rows


def _xlsform_row() -> Row:
    """Convert a 100-question XLSForm (written with openpyxl) into a template that passes the checker."""
    from tests.xlsforms import medium_form

    with tempfile.TemporaryDirectory() as folder:
        form = medium_form(Path(folder) / "thematic.xlsx")
        times = time_call(lambda: convert_xlsform(form), repeats=5, warmup=1)
        conversion = convert_xlsform(form)
    return Row(
        "XLSForm import, 100 questions",
        median(times),
        goal="< 5000 ms",
        extra=f"pyxform read and check, convert, template check; {len(conversion.unmapped)} listed",
    )

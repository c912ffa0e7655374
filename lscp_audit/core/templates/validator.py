"""Cross-checks on a built template: ids, required subject fields, guidance, judgement rules.

Expressions and cycles are checked by `logic.compile_logic`; self-tests run last (`selftests`).
Every message names the element and field, e.g. ``question 'q7' constraint has no
constraint_message``.
"""

from __future__ import annotations

from lscp_audit.core.templates.licences import licence_warning
from lscp_audit.core.templates.model import (
    AGENCIES_FIELD,
    JudgementRule,
    JudgementRules,
    QuestionType,
    Scale,
    Section,
    Template,
    TemplateKind,
)
from lscp_audit.core.templates.problems import Problem, Problems

CASE_REFERENCE_FIELD = "case_reference"
SELF_ASSESSMENT_AGENCY_FIELD = "agency"
RESERVED_IDS = frozenset({"overall"})


def validate_template(template: Template, problems: Problems) -> None:
    """Record every cross-reference problem of `template` in `problems`."""
    _check_ids(template, problems)
    _check_subject(template, problems)
    _check_sections(template, problems)
    if template.judgement_rules is not None:
        _check_rules(template, template.judgement_rules, problems)


def _check_ids(template: Template, problems: Problems) -> None:
    seen: dict[str, tuple[str, int | None]] = {}
    elements = [("subject field", f.id, f.line) for f in template.subject_fields]
    elements += [("section", s.id, s.line) for s in template.sections]
    elements += [("question", q.id, q.line) for q in template.all_questions()]
    for noun, element_id, line in elements:
        if not element_id:
            continue
        if element_id in RESERVED_IDS:
            problems.add(line, f"{noun} id '{element_id}' is reserved; choose another id")
        if element_id in seen:
            other_noun, other_line = seen[element_id]
            where = f" at line {other_line}" if other_line is not None else ""
            problems.add(line, f"{noun} id '{element_id}' is already used by a {other_noun}{where}")
        else:
            seen[element_id] = (noun, line)


def _check_subject(template: Template, problems: Problems) -> None:
    ids = {f.id: f for f in template.subject_fields}
    top_line = template.sections[0].line if template.sections else 1
    if template.kind == TemplateKind.CASE_AUDIT:
        field = ids.get(CASE_REFERENCE_FIELD)
        if field is None:
            problems.add(top_line, "template is a case_audit but has no 'case_reference' subject field")
        elif field.type != QuestionType.SHORT_TEXT or not field.pattern:
            problems.add(field.line, "subject field 'case_reference' must be short_text with a pattern")
    if template.kind == TemplateKind.AGENCY_SELF_ASSESSMENT and SELF_ASSESSMENT_AGENCY_FIELD not in ids:
        problems.add(top_line, "template is an agency_self_assessment but has no 'agency' subject field")
    if template.has_per_agency_sections:
        agencies = ids.get(AGENCIES_FIELD)
        if agencies is None or agencies.type != QuestionType.MULTI_CHOICE:
            section = next(s for s in template.sections if s.per_agency)
            problems.add(
                section.line,
                f"section '{section.id}' repeats per agency, so the template needs a multi_choice "
                "subject field 'agencies'",
            )


def _check_sections(template: Template, problems: Problems) -> None:
    if not template.sections:
        problems.add(1, "template has no sections")
    for section in template.sections:
        if not section.questions:
            problems.add(section.line, f"section '{section.id}' has no questions")
        for question in section.questions:
            what = f"question '{question.id}'"
            if not question.guidance:
                problems.add(question.line, f"{what} has no guidance; tell the auditor how to answer it")
            if question.constraint and not question.constraint_message:
                problems.add(question.line_of("constraint"), f"{what} has a constraint but no constraint_message")
            if question.warning and not question.warning_message:
                problems.add(question.line_of("warning"), f"{what} has a warning but no warning_message")
            if question.required and question.required_if:
                problems.add(question.line_of("required_if"), f"{what} has both required and required_if; use one")


def _check_rules(template: Template, rules: JudgementRules, problems: Problems) -> None:
    scale = template.scales.get(rules.scale)
    if scale is None:
        known = ", ".join(sorted(s.id for s in template.scales.values() if s.graded))
        problems.add(rules.line, f"judgement_rules scale '{rules.scale}' is not declared; use one of: {known}")
        return
    if not scale.graded:
        problems.add(
            rules.line, f"judgement_rules scale '{rules.scale}' is a narrative scale; judgements need a graded one"
        )
        return
    graded = [q for q in template.all_questions() if q.scale == rules.scale]
    if not graded:
        problems.add(rules.line, f"judgement_rules use the {rules.scale} scale but no question is answered on it")
    section_ids = {s.id for s in template.sections}
    for section_id, section_rule in rules.section_rules.items():
        if section_id not in section_ids:
            problems.add(section_rule.line, f"judgement rule for section '{section_id}' names an unknown section")
    named: list[tuple[str, JudgementRule | None]] = [
        ("section judgement rule", rules.section),
        ("overall judgement rule", rules.overall),
    ]
    named += [(f"judgement rule for section '{sid}'", rule) for sid, rule in rules.section_rules.items()]
    for what, maybe_rule in named:
        if maybe_rule is not None:
            _check_rule(template, scale, what, maybe_rule, problems)
    overall = rules.overall
    if overall is not None and overall.agencies == "combined" and rules.overall_from != "sections":
        problems.add(overall.line_of("agencies"), "overall judgement rule agencies: combined needs from: sections")


def _check_rule(template: Template, scale: Scale, what: str, rule: JudgementRule, problems: Problems) -> None:
    codes = scale.scores
    for cap in rule.caps:
        for code in (cap.if_any, cap.at_most):
            if code and code not in codes:
                problems.add(
                    rule.line_of("caps"),
                    f"{what} cap uses '{code}', which is not a scored level of the {scale.id} scale",
                )
    if rule.limit_at and rule.limit_at not in codes:
        problems.add(
            rule.line_of("limit_at"), f"{what} limit_at '{rule.limit_at}' is not a scored level of the {scale.id} scale"
        )
    for question_id in rule.questions:
        try:
            question = template.question(question_id)
        except KeyError:
            problems.add(rule.line_of("questions"), f"{what} refers to unknown question '{question_id}'")
            continue
        if question.scale != scale.id:
            problems.add(
                rule.line_of("questions"),
                f"{what} uses question '{question_id}', which is not answered on the {scale.id} scale",
            )


def _graded_section(template: Template, section: Section) -> bool:
    return any(q.scale and template.scale(q.scale).graded for q in section.questions)


def template_warnings(template: Template) -> list[Problem]:
    """Things worth fixing that do not stop the template being used, as ``FILE:LINE: message``.

    - a yes/no question in a graded section that declares no polarity (so no count of its
      answers can say whether "Yes" is good practice or a concern);
    - a judgement rule with a hand-written description (the rule text is generated now).
    """
    problems = Problems(template.file_name)
    for section in template.sections:
        if not _graded_section(template, section):
            continue
        for question in section.questions:
            if question.type == QuestionType.YES_NO and not question.polarity:
                problems.add(
                    question.line,
                    f"warning: question '{question.id}' is a yes/no question in graded section '{section.id}' "
                    "but declares no polarity; add polarity: {good: [...], concern: [...]} (or neutral)",
                )
    warning = licence_warning(template.licence)
    if warning is not None:
        problems.add(_top_line(template, "licence"), f"warning: {warning}")
    rules = template.judgement_rules
    if rules is not None:
        for rule in (rules.section, rules.overall, *rules.section_rules.values()):
            if rule is not None and rule.description:
                problems.add(
                    rule.line_of("description"),
                    "warning: judgement rule description is no longer shown; the rule text is generated from the rule",
                )
    return problems.items


def _top_line(template: Template, key: str) -> int | None:
    """Line of top-level field `key` in the template's source (None when it is not there)."""
    prefix = f"{key}:"
    for number, line in enumerate(template.source_text.splitlines(), start=1):
        if line.startswith(prefix):
            return number
    return None

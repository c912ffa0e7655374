"""Derive section and overall judgements from graded answers, as the template's rules say.

A template's `judgement_rules` name a scale (``grade``: Outstanding / Good / Requires
improvement / Inadequate, or ``rag``: Red / Amber / Green), a rule for sections and a rule for
the overall judgement. Only visible, answered questions count. Each `Judgement` carries the rule
in plain English (`rule_text`, printed in the report) and how this value came out
(`explanation`). An auditor may override any judgement, but only with a rationale; the derived
value is kept next to the override so the report can show both.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from lscp_audit.core.audit import AuditRecord, JudgementOverride
from lscp_audit.core.errors import ValidationError
from lscp_audit.core.templates.model import JudgementMethod, JudgementRule, QuestionType, Section, Template
from lscp_audit.core.templates.scales import SCALE_LABELS, SCALE_SCORES, scale_code_for_score
from lscp_audit.core.visibility import AnswerInput, Visibility, evaluate_visibility, raw_values

OVERALL = "overall"
_SCALE_TYPES = {"grade": QuestionType.GRADE, "rag": QuestionType.RAG}
_SCORE_TEXT = {
    "grade": "Outstanding 4, Good 3, Requires improvement 2, Inadequate 1",
    "rag": "Green 3, Amber 2, Red 1",
}


@dataclass(frozen=True)
class JudgementInput:
    """One value a judgement was derived from: a graded answer or a section judgement."""

    source: str  # question id, or section id when the overall is derived from sections
    agency: str | None
    value: str


@dataclass(frozen=True)
class Judgement:
    """A derived judgement and, when the auditor overrode it, the override.

    `scope` is ``overall`` or a section id; `derived` is the rules' answer (None when there is
    nothing graded yet); `value` is what counts (the override's value if any).
    """

    scope: str
    agency: str | None
    scale: str
    derived: str | None
    rule_text: str
    explanation: str
    inputs: tuple[JudgementInput, ...] = ()
    override: JudgementOverride | None = None

    @property
    def value(self) -> str | None:
        return self.override.value if self.override else self.derived

    @property
    def label(self) -> str:
        """Display label of `value` ('' when there is none)."""
        return SCALE_LABELS[self.scale].get(self.value or "", "")

    @property
    def derived_label(self) -> str:
        return SCALE_LABELS[self.scale].get(self.derived or "", "")

    @property
    def key(self) -> str:
        """``overall``, ``section`` or ``section@agency``, as used in self-tests."""
        return f"{self.scope}@{self.agency}" if self.agency else self.scope


@dataclass(frozen=True)
class Judgements:
    """Every judgement of an audit: per section (per agency where sections repeat) and overall."""

    sections: tuple[Judgement, ...]
    overall: Judgement | None

    def all(self) -> list[Judgement]:
        return [*self.sections, *([self.overall] if self.overall else [])]

    def get(self, scope: str, agency: str | None = None) -> Judgement | None:
        return next((j for j in self.all() if j.scope == scope and j.agency == agency), None)

    def by_key(self) -> dict[str, Judgement]:
        return {j.key: j for j in self.all()}


def describe_rule(rule: JudgementRule, scale: str, inputs_noun: str) -> str:
    """The rule in plain English (the template's own `description` when it has one)."""
    if rule.description:
        return rule.description
    labels = SCALE_LABELS[scale]
    if rule.method == JudgementMethod.LOWEST:
        text = f"The lowest of the {inputs_noun}."
    else:
        rounding = "rounded down" if rule.rounding == "down" else "rounded to the nearest (a half rounds down)"
        text = f"The average of the {inputs_noun} ({_SCORE_TEXT[scale]}), {rounding}."
    for cap in rule.caps:
        text += f" If any is {labels.get(cap.if_any, cap.if_any)}, it can be no better than {labels.get(cap.at_most, cap.at_most)}."
    return text


def validate_override(template: Template, override: JudgementOverride) -> None:
    """Raise ValidationError unless the override names a real scope, a code on the scale and a rationale."""
    rules = template.judgement_rules
    problems = []
    if rules is None:
        problems.append("this template has no judgements to override")
    else:
        sections = {s.id: s for s in template.sections}
        section = sections.get(override.scope)
        if override.scope != OVERALL and section is None:
            problems.append(f"there is no section '{override.scope}' to override")
        elif (section is not None and section.per_agency) != (override.agency is not None):
            problems.append(
                f"'{override.scope}' is judged per agency, so name the agency"
                if override.agency is None
                else f"'{override.scope}' is not judged per agency, so do not name an agency"
            )
        if override.value not in SCALE_SCORES[rules.scale]:
            problems.append(f"'{override.value}' is not a judgement on the {rules.scale} scale")
    if not override.rationale.strip():
        problems.append("an overridden judgement needs a rationale explaining why")
    if problems:
        raise ValidationError(problems)


def derive(rule: JudgementRule, scale: str, inputs: Sequence[JudgementInput]) -> tuple[str | None, str]:
    """Apply `rule` to `inputs`: the resulting code (None without inputs) and an explanation."""
    scores = SCALE_SCORES[scale]
    labels = SCALE_LABELS[scale]
    if not inputs:
        return None, "Nothing has been graded yet."
    values = [scores[i.value] for i in inputs]
    if rule.method == JudgementMethod.LOWEST:
        score = min(values)
        explanation = f"Lowest of {len(values)}: {labels[scale_code_for_score(scale, score)]}."
    else:
        mean = sum(values) / len(values)
        score = math.floor(mean) if rule.rounding == "down" else math.ceil(mean - 0.5)
        explanation = f"Average of {len(values)} is {mean:.2f}, giving {labels[scale_code_for_score(scale, score)]}."
    for cap in rule.caps:
        limit = scores.get(cap.at_most)
        if limit is not None and score > limit and any(i.value == cap.if_any for i in inputs):
            score = limit
            explanation += f" Limited to {labels[cap.at_most]} because one is {labels[cap.if_any]}."
    return scale_code_for_score(scale, score), explanation


def _graded(section: Section, scale: str, rule: JudgementRule) -> list[str]:
    wanted = _SCALE_TYPES[scale]
    return [q.id for q in section.questions if q.type == wanted and (not rule.questions or q.id in rule.questions)]


def _inputs(
    question_ids: Iterable[str],
    agency: str | None,
    visibility: Visibility,
    raw: Mapping[tuple[str, str], Any],
    scale: str,
) -> list[JudgementInput]:
    found = []
    for question_id in question_ids:
        value = raw.get((question_id, agency or ""))
        if visibility.is_visible(question_id, agency) and value in SCALE_SCORES[scale]:
            found.append(JudgementInput(question_id, agency, value))
    return found


def derive_judgements(
    template: Template,
    answers: AnswerInput,
    subject: Mapping[str, Any] | None = None,
    overrides: Iterable[JudgementOverride] = (),
    today: date | None = None,
) -> Judgements:
    """Section and overall judgements for these answers (empty when the template has no rules).

    Raises ValidationError if an override lacks a rationale or names an unknown scope or code.
    """
    rules = template.judgement_rules
    if rules is None:
        return Judgements((), None)
    override_map: dict[tuple[str, str | None], JudgementOverride] = {}
    for override in overrides:
        validate_override(template, override)
        override_map[(override.scope, override.agency)] = override
    visibility = evaluate_visibility(template, answers, subject, today)
    raw = raw_values(answers)
    sections = _section_judgements(template, visibility, raw, override_map)
    overall = _overall(template, sections, visibility, raw, override_map.get((OVERALL, None)))
    return Judgements(tuple(sections), overall)


def _section_judgements(
    template: Template,
    visibility: Visibility,
    raw: Mapping[tuple[str, str], Any],
    override_map: Mapping[tuple[str, str | None], JudgementOverride],
) -> list[Judgement]:
    rules = template.judgement_rules
    assert rules is not None
    sections = []
    for section in template.sections:
        rule = rules.rule_for_section(section.id)
        graded = _graded(section, rules.scale, rule) if rule else []
        if rule is None or not graded:
            continue
        rule_text = describe_rule(rule, rules.scale, "graded answers in this section")
        for agency in visibility.agencies if section.per_agency else (None,):
            if not visibility.section_visible(section.id, agency):
                continue
            inputs = _inputs(graded, agency, visibility, raw, rules.scale)
            value, why = derive(rule, rules.scale, inputs)
            changed = override_map.get((section.id, agency))
            sections.append(Judgement(section.id, agency, rules.scale, value, rule_text, why, tuple(inputs), changed))
    return sections


def _overall(
    template: Template,
    sections: list[Judgement],
    visibility: Visibility,
    raw: Mapping[tuple[str, str], Any],
    override: JudgementOverride | None,
) -> Judgement | None:
    rules = template.judgement_rules
    if rules is None or rules.overall is None:
        return None
    rule = rules.overall
    if rules.overall_from == "sections":
        inputs = [JudgementInput(j.scope, j.agency, j.value) for j in sections if j.value is not None]
        noun = "section judgements (each agency's counted)"
    else:
        inputs = []
        for section in template.sections:
            agencies = visibility.agencies if section.per_agency else (None,)
            for agency in agencies:
                inputs += _inputs(_graded(section, rules.scale, rule), agency, visibility, raw, rules.scale)
        noun = "graded answers"
    value, why = derive(rule, rules.scale, inputs)
    return Judgement(
        OVERALL, None, rules.scale, value, describe_rule(rule, rules.scale, noun), why, tuple(inputs), override
    )


def judgements_for_record(template: Template, record: AuditRecord, today: date | None = None) -> Judgements:
    """`derive_judgements` for a stored audit, with its overrides applied."""
    return derive_judgements(template, record.answer_map(), record.subject, record.overrides, today)

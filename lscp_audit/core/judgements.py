"""Derive section and overall judgements from graded answers, as the template's rules say.

A template's `judgement_rules` name a graded scale (``grade``: Outstanding / Good / Requires
improvement / Inadequate, ``rag``: Red / Amber / Green, or a scale the template declares), a
rule for sections and a rule for the overall judgement. Only visible, answered questions count,
and only on scored levels (``Not applicable`` never counts). Each `Judgement` carries the rule
in plain English generated from the rule (`rule_text`, shown in the app and printed in the
report) and how this value came out (`explanation`). An auditor may override any judgement,
but only with a rationale; the derived value is kept next to the override so the report can
show both. A judgement is `provisional` while a visible graded question it depends on is still
unanswered.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from lscp_audit.core.audit import AuditRecord, JudgementOverride
from lscp_audit.core.errors import ValidationError
from lscp_audit.core.templates.model import (
    JudgementMethod,
    JudgementRule,
    Option,
    Scale,
    Section,
    Template,
)
from lscp_audit.core.templates.scales import BUILTIN_SCALES
from lscp_audit.core.visibility import AnswerInput, Visibility, evaluate_visibility, raw_values

OVERALL = "overall"
AGENCIES_INPUT = "agencies"  # `JudgementInput.source` of the combined agency judgement


@dataclass(frozen=True)
class JudgementInput:
    """One value a judgement was derived from: a graded answer, a section judgement, or (with
    ``agencies: combined``) the agencies' combined judgement (source ``agencies``)."""

    source: str  # question id, section id, or "agencies"
    agency: str | None
    value: str


@dataclass(frozen=True)
class Judgement:
    """A derived judgement and, when the auditor overrode it, the override.

    `scope` is ``overall`` or a section id; `derived` is the rules' answer (None when there is
    nothing graded yet); `value` is what counts (the override's value if any). `levels` is the
    scale judged on (its scored levels are what an override may choose).
    """

    scope: str
    agency: str | None
    scale: str
    derived: str | None
    rule_text: str
    explanation: str
    inputs: tuple[JudgementInput, ...] = ()
    override: JudgementOverride | None = None
    levels: Scale | None = None
    provisional: bool = False

    @property
    def scale_info(self) -> Scale:
        return self.levels if self.levels is not None else BUILTIN_SCALES[self.scale]

    @property
    def options(self) -> tuple[Option, ...]:
        """The levels this judgement can take, best first (for an override's choice)."""
        return self.scale_info.scored_options

    @property
    def value(self) -> str | None:
        return self.override.value if self.override else self.derived

    @property
    def label(self) -> str:
        """Display label of `value` ('' when there is none)."""
        return self.scale_info.labels.get(self.value or "", "")

    @property
    def derived_label(self) -> str:
        return self.scale_info.labels.get(self.derived or "", "")

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


# -- plain-English rule text ------------------------------------------------------------------


def _score_text(scale: Scale) -> str:
    return ", ".join(f"{scale.labels[code]} {score}" for code, score in scale.scores.items())


def _method_text(method: JudgementMethod, rule: JudgementRule, scale: Scale, noun: str) -> str:
    if method == JudgementMethod.LOWEST:
        return f"the lowest (worst) of the {noun}"
    if method == JudgementMethod.BEST_FIT:
        return (
            f"the best fit of the {noun}: the middle one when they are put in order from worst to best "
            "(with an even number, the lower of the two middle ones), so one outlier neither lifts nor sinks it"
        )
    rounding = "rounded down" if rule.rounding == "down" else "rounded to the nearest (a half rounds down)"
    return f"the average of the {noun} ({_score_text(scale)}), {rounding}"


def describe_rule(
    rule: JudgementRule, scale: Scale | str, inputs_noun: str, agencies_noun: str = "", what: str = "The judgement"
) -> str:
    """The rule in plain English, generated from the rule's fields (never from free text, so
    what the app and the report say is always what the engine does).

    `agencies_noun` names the agency judgements when the rule combines them (overall rule).
    """
    scale = scale if isinstance(scale, Scale) else BUILTIN_SCALES[scale]
    labels = scale.labels
    noun = inputs_noun
    text = ""
    if rule.method == JudgementMethod.LIMITING:
        limit = labels.get(rule.limit_at or scale.worst, rule.limit_at)
        text = (
            f"Limiting judgement: if any of the {noun} is {limit}, {what[0].lower()}{what[1:]} is {limit}; "
            "the auditor may override this only by writing a rationale. "
            f"Otherwise it is {_method_text(rule.otherwise, rule, scale, noun)}."
        )
    else:
        text = f"{what} is {_method_text(rule.method, rule, scale, noun)}."
    if agencies_noun:
        weight = "once" if rule.agency_weight == 1 else f"{rule.agency_weight} times"
        text += (
            f" The {agencies_noun} are first combined into one agencies' judgement "
            f"({_method_text(rule.agency_method, rule, scale, agencies_noun)}), which counts {weight} "
            "beside the multi-agency sections, so the agencies' own grades cannot outvote the shared findings."
        )
    for cap in rule.caps:
        text += (
            f" If any is {labels.get(cap.if_any, cap.if_any)}, "
            f"it can be no better than {labels.get(cap.at_most, cap.at_most)}."
        )
    if scale.levels and any(not level.scored for level in scale.levels):
        unscored = ", ".join(level.label for level in scale.levels if not level.scored)
        text += f" Answers of {unscored} do not count."
    return text


def validate_override(template: Template, override: JudgementOverride) -> None:
    """Raise ValidationError unless the override names a real scope, a scored level of the
    judgement scale and a rationale."""
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
        if override.value not in template.scale(rules.scale).scores:
            problems.append(f"'{override.value}' is not a judgement on the {rules.scale} scale")
    if not override.rationale.strip():
        problems.append("an overridden judgement needs a rationale explaining why")
    if problems:
        raise ValidationError(problems)


def _combine(method: JudgementMethod, rule: JudgementRule, scores: Sequence[int]) -> tuple[int, str]:
    """One score from `scores` by `method` (not limiting), and how (a format string taking the
    resulting label), for the explanation."""
    if method == JudgementMethod.LOWEST:
        return min(scores), f"Lowest of {len(scores)}: {{}}."
    if method == JudgementMethod.BEST_FIT:
        ordered = sorted(scores)
        return ordered[(len(ordered) - 1) // 2], f"Best fit (the middle one) of {len(scores)}: {{}}."
    mean = sum(scores) / len(scores)
    score = math.floor(mean) if rule.rounding == "down" else math.ceil(mean - 0.5)
    return score, f"Average of {len(scores)} is {mean:.2f}, giving {{}}."


def derive(
    rule: JudgementRule, scale: Scale | str, inputs: Sequence[JudgementInput], weights: Sequence[int] = ()
) -> tuple[str | None, str]:
    """Apply `rule` to `inputs`: the resulting code (None without inputs) and an explanation.

    `weights` (one per input, default 1) repeats an input that many times before combining.
    """
    scale = scale if isinstance(scale, Scale) else BUILTIN_SCALES[scale]
    scores = scale.scores
    labels = scale.labels
    counted = [(i, w) for i, w in zip(inputs, weights or [1] * len(inputs), strict=True) if i.value in scores]
    if not counted:
        return None, "Nothing has been graded yet."
    values = [scores[i.value] for i, w in counted for _ in range(w)]
    limit_code = rule.limit_at or scale.worst
    if rule.method == JudgementMethod.LIMITING and any(i.value == limit_code for i, _ in counted):
        score = scores[limit_code]
        limiting = next(i for i, _ in counted if i.value == limit_code)
        where = f"{limiting.source}@{limiting.agency}" if limiting.agency else limiting.source
        explanation = f"Limited to {labels[limit_code]} because '{where}' is {labels[limit_code]}."
    else:
        method = rule.otherwise if rule.method == JudgementMethod.LIMITING else rule.method
        score, how = _combine(method, rule, values)
        explanation = how.format(labels[scale.code_for_score(score)])
        if rule.method == JudgementMethod.LIMITING:
            explanation = f"Nothing is {labels[limit_code]}; " + explanation[0].lower() + explanation[1:]
    for cap in rule.caps:
        limit = scores.get(cap.at_most)
        if limit is not None and score > limit and any(i.value == cap.if_any for i, _ in counted):
            score = limit
            explanation += f" Limited to {labels[cap.at_most]} because one is {labels[cap.if_any]}."
    return scale.code_for_score(score), explanation


def _graded(section: Section, scale: Scale, rule: JudgementRule) -> list[str]:
    return [q.id for q in section.questions if q.scale == scale.id and (not rule.questions or q.id in rule.questions)]


def _inputs(
    question_ids: Iterable[str],
    agency: str | None,
    visibility: Visibility,
    raw: Mapping[tuple[str, str], Any],
    scale: Scale,
) -> tuple[list[JudgementInput], bool]:
    """Answered graded inputs, and whether a visible graded question is still unanswered."""
    found = []
    unanswered = False
    for question_id in question_ids:
        if not visibility.is_visible(question_id, agency):
            continue
        value = raw.get((question_id, agency or ""))
        if value in scale.scores:
            found.append(JudgementInput(question_id, agency, value))
        elif value is None or value == "":
            unanswered = True
    return found, unanswered


def derive_judgements(
    template: Template,
    answers: AnswerInput,
    subject: Mapping[str, Any] | None = None,
    overrides: Iterable[JudgementOverride] = (),
    today: date | None = None,
    visibility: Visibility | None = None,
) -> Judgements:
    """Section and overall judgements for these answers (empty when the template has no rules).

    Pass `visibility` when it is already evaluated for these answers (saves working it out
    again). Raises ValidationError if an override lacks a rationale or names an unknown scope
    or code.
    """
    rules = template.judgement_rules
    if rules is None:
        return Judgements((), None)
    override_map: dict[tuple[str, str | None], JudgementOverride] = {}
    for override in overrides:
        validate_override(template, override)
        override_map[(override.scope, override.agency)] = override
    if visibility is None:
        visibility = evaluate_visibility(template, answers, subject, today)
    raw = raw_values(answers)
    scale = template.scale(rules.scale)
    sections = _section_judgements(template, scale, visibility, raw, override_map)
    overall = _overall(template, scale, sections, visibility, raw, override_map.get((OVERALL, None)))
    return Judgements(tuple(sections), overall)


def _section_judgements(
    template: Template,
    scale: Scale,
    visibility: Visibility,
    raw: Mapping[tuple[str, str], Any],
    override_map: Mapping[tuple[str, str | None], JudgementOverride],
) -> list[Judgement]:
    rules = template.judgement_rules
    assert rules is not None
    sections = []
    for section in template.sections:
        rule = rules.rule_for_section(section.id)
        graded = _graded(section, scale, rule) if rule else []
        if rule is None or not graded:
            continue
        rule_text = describe_rule(rule, scale, "graded answers in this section", what="The section's judgement")
        for agency in visibility.agencies if section.per_agency else (None,):
            if not visibility.section_visible(section.id, agency):
                continue
            inputs, unanswered = _inputs(graded, agency, visibility, raw, scale)
            value, why = derive(rule, scale, inputs)
            changed = override_map.get((section.id, agency))
            sections.append(
                Judgement(
                    section.id, agency, scale.id, value, rule_text, why, tuple(inputs), changed, scale, unanswered
                )
            )
    return sections


def _overall(
    template: Template,
    scale: Scale,
    sections: list[Judgement],
    visibility: Visibility,
    raw: Mapping[tuple[str, str], Any],
    override: JudgementOverride | None,
) -> Judgement | None:
    rules = template.judgement_rules
    if rules is None or rules.overall is None:
        return None
    rule = rules.overall
    weights: list[int] = []
    agencies_noun = ""
    if rules.overall_from == "sections":
        provisional = any(j.provisional for j in sections)
        if rule.agencies == "combined":
            shared = [j for j in sections if j.agency is None]
            agency_judgements = [j for j in sections if j.agency is not None]
            inputs = [JudgementInput(j.scope, None, j.value) for j in shared if j.value is not None]
            weights = [1] * len(inputs)
            agency_inputs = [JudgementInput(j.scope, j.agency, j.value) for j in agency_judgements if j.value]
            agency_rule = JudgementRule(method=rule.agency_method, rounding=rule.rounding)
            combined, _ = derive(agency_rule, scale, agency_inputs)
            if combined is not None:
                inputs.append(JudgementInput(AGENCIES_INPUT, None, combined))
                weights.append(rule.agency_weight)
            noun = "multi-agency section judgements and the agencies' combined judgement"
            agencies_noun = "agencies' own section judgements"
        else:
            inputs = [JudgementInput(j.scope, j.agency, j.value) for j in sections if j.value is not None]
            noun = "section judgements"
            if template.has_per_agency_sections:
                noun += " (each agency's counted)"
    else:
        inputs = []
        provisional = False
        for section in template.sections:
            agencies = visibility.agencies if section.per_agency else (None,)
            for agency in agencies:
                if not visibility.section_visible(section.id, agency):
                    continue
                found, unanswered = _inputs(_graded(section, scale, rule), agency, visibility, raw, scale)
                inputs += found
                provisional = provisional or unanswered
        noun = "graded answers"
    value, why = derive(rule, scale, inputs, weights)
    return Judgement(
        OVERALL,
        None,
        scale.id,
        value,
        describe_rule(rule, scale, noun, agencies_noun, what="The overall judgement"),
        why,
        tuple(inputs),
        override,
        scale,
        provisional,
    )


def judgements_for_record(template: Template, record: AuditRecord, today: date | None = None) -> Judgements:
    """`derive_judgements` for a stored audit, with its overrides applied."""
    return derive_judgements(template, record.answer_map(), record.subject, record.overrides, today)

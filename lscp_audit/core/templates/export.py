"""A template as plain JSON-compatible data (for `templates show --json` and embedding)."""

from __future__ import annotations

from typing import Any

from lscp_audit.core.templates.model import (
    JudgementMethod,
    JudgementRule,
    Option,
    Question,
    Scale,
    Section,
    SelfTest,
    SubjectField,
    Template,
)


def _options(options: tuple[Option, ...]) -> list[dict[str, str]]:
    return [
        {"code": o.code, "label": o.label, **({"description": o.description} if o.description else {})} for o in options
    ]


def _drop_empty(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v not in (None, "", [], {}, ())}


def subject_field_to_dict(field: SubjectField) -> dict[str, Any]:
    return _drop_empty(
        {
            "id": field.id,
            "type": field.type.value,
            "label": field.label,
            "guidance": field.guidance,
            "required": field.required,
            "pattern": field.pattern,
            "pattern_message": field.pattern_message,
            "options": _options(field.options),
        }
    )


def question_to_dict(question: Question) -> dict[str, Any]:
    return _drop_empty(
        {
            "id": question.id,
            "type": question.type.value,
            "label": question.label,
            "guidance": question.guidance,
            "required": question.required,
            "required_if": question.required_if,
            "evidence_prompt": question.evidence_prompt,
            "relevant": question.relevant,
            "constraint": question.constraint,
            "constraint_message": question.constraint_message,
            "warning": question.warning,
            "warning_message": question.warning_message,
            "options": _options(question.options),
            "scale": question.scale,
            "polarity": {code: str(polarity) for code, polarity in question.polarity.items()},
        }
    )


def scale_to_dict(scale: Scale) -> dict[str, Any]:
    """A scale with its levels best first (unscored levels say so)."""
    levels = [
        _drop_empty(
            {
                "code": level.code,
                "label": level.label,
                "descriptor": level.descriptor,
                "colour": level.colour,
                "marker": level.marker,
            }
        )
        | ({} if level.scored else {"scored": False})
        for level in scale.levels
    ]
    return {"id": scale.id, "title": scale.title, "graded": scale.graded, "source": scale.source, "levels": levels}


def section_to_dict(section: Section) -> dict[str, Any]:
    data = _drop_empty(
        {
            "id": section.id,
            "title": section.title,
            "description": section.description,
            "repeat": section.repeat,
            "relevant": section.relevant,
        }
    )
    data["questions"] = [question_to_dict(q) for q in section.questions]
    return data


def _rule(rule: JudgementRule | None) -> dict[str, Any] | None:
    if rule is None:
        return None
    return _drop_empty(
        {
            "method": rule.method.value,
            "rounding": rule.rounding,
            "caps": [{"if_any": c.if_any, "at_most": c.at_most} for c in rule.caps],
            "questions": list(rule.questions),
            "description": rule.description,
            "limit_at": rule.limit_at if rule.method == JudgementMethod.LIMITING else None,
            "otherwise": rule.otherwise.value if rule.method == JudgementMethod.LIMITING else None,
            "agencies": rule.agencies if rule.agencies != "each" else None,
            "agency_method": rule.agency_method.value if rule.agencies == "combined" else None,
            "agency_weight": rule.agency_weight if rule.agencies == "combined" else None,
        }
    )


def self_test_to_dict(test: SelfTest) -> dict[str, Any]:
    return _drop_empty(
        {
            "name": test.name,
            "today": test.today,
            "subject": dict(test.subject),
            "answers": dict(test.answers),
            "expect_visible": list(test.expect_visible),
            "expect_hidden": list(test.expect_hidden),
            "expect_missing": list(test.expect_missing),
            "expect_judgements": dict(test.expect_judgements),
            "expect_warnings": list(test.expect_warnings),
            "expect_no_warnings": list(test.expect_no_warnings),
        }
    )


def template_to_dict(template: Template) -> dict[str, Any]:
    """Every part of the template except its source text, as JSON-compatible data."""
    rules = template.judgement_rules
    return _drop_empty(
        {
            "format": template.format_version,
            "id": template.id,
            "title": template.title,
            "version": template.version,
            "kind": template.kind.value,
            "content_hash": template.content_hash,
            "description": template.description,
            "intended_users": template.intended_users,
            "attribution": template.attribution,
            "licence": template.licence,
            "scales": [scale_to_dict(s) for s in template.scales.values() if s.source != "built-in"],
            "subject": [subject_field_to_dict(f) for f in template.subject_fields],
            "sections": [section_to_dict(s) for s in template.sections],
            "judgement_rules": None
            if rules is None
            else _drop_empty(
                {
                    "scale": rules.scale,
                    "section": _rule(rules.section),
                    "sections": {k: _rule(v) for k, v in rules.section_rules.items()},
                    "overall": _rule(rules.overall),
                    "overall_from": rules.overall_from,
                }
            ),
            "self_tests": [self_test_to_dict(t) for t in template.self_tests],
        }
    )

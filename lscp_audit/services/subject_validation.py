"""Checks on the subject fields of a new audit (what identifies the case or agency audited).

Errors block creation: a missing required field, a value of the wrong type, an unknown option
code, a date that is not ``YYYY-MM-DD``, or a case reference that does not match the template's
pattern. Warnings do not block: a case reference that looks like a person's name (two
capitalised words, or a common first name), because case references must be pseudonymised
partnership references such as ``MACA-2026-03-07``, never names. Messages never repeat the value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from lscp_audit.core.expressions import safe_regex
from lscp_audit.core.templates.model import QuestionType, SubjectField, Template
from lscp_audit.services.audit_types import AnswerRejected, FieldProblem, SubjectCheck

CASE_REFERENCE_FIELD = "case_reference"
_TWO_CAPITALISED = re.compile(r"\b[A-Z][a-z'’-]+\s+[A-Z][a-z'’-]+\b")
_WORDS = re.compile(r"[A-Za-z'’]+")

#: Common first names in England and Wales (ONS baby-name lists, several decades); a match in a
#: case reference is a strong sign someone typed a name. Lower case.
COMMON_FIRST_NAMES = frozenset(
    """
    oliver george harry jack jacob noah charlie muhammad mohammed thomas oscar william james leo
    alfie henry joshua freddie archie ethan isaac alexander joseph edward samuel max daniel arthur
    lucas mason logan theo liam dylan riley adam tyler ryan lewis callum kyle jordan connor ben
    benjamin luke matthew david michael john paul mark peter andrew christopher richard robert
    olivia amelia isla ava emily sophia grace mia poppy ella lily evie isabella sophie ivy freya
    harper willow charlotte jessica chloe ruby florence daisy alice rosie phoebe lucy emma hannah
    sarah laura rebecca amy megan holly leah abigail millie ellie katie lauren jade chelsea
    aisha fatima zara maryam amira layla noor hamza ali omar yusuf ibrahim ayaan
    kayden jayden tommy billy jamie kai ruby-mae lacey demi paige courtney shannon
    """.split()
)


def looks_like_name(text: str) -> bool:
    """True when `text` looks like a person's name rather than a pseudonymised reference."""
    if _TWO_CAPITALISED.search(text):
        return True
    return any(word.lower() in COMMON_FIRST_NAMES for word in _WORDS.findall(text))


def check_subject(template: Template, subject: Mapping[str, Any]) -> SubjectCheck:
    """Check `subject` against the template's subject fields; unknown keys are errors too."""
    errors: list[FieldProblem] = []
    warnings: list[FieldProblem] = []
    known = {f.id for f in template.subject_fields}
    for key in subject:
        if key not in known:
            errors.append(FieldProblem(key, f"is not a subject field of template '{template.id}'"))
    for spec in template.subject_fields:
        problem = _check_field(spec, subject.get(spec.id))
        if problem:
            errors.append(FieldProblem(spec.id, problem))
    reference = subject.get(CASE_REFERENCE_FIELD)
    if isinstance(reference, str) and looks_like_name(reference):
        warnings.append(
            FieldProblem(
                CASE_REFERENCE_FIELD,
                "looks like a person's name: case references must be pseudonymised (use the "
                "partnership's audit reference, never a name or date of birth)",
            )
        )
    return SubjectCheck(tuple(errors), tuple(warnings))


def require_valid_subject(template: Template, subject: Mapping[str, Any]) -> dict[str, Any]:
    """The subject with empty values dropped and text trimmed; `AnswerRejected` on errors."""
    clean = {k: _trim(v) for k, v in subject.items() if not _empty(_trim(v))}
    result = check_subject(template, clean)
    if result.errors:
        raise AnswerRejected(list(result.errors))
    return clean


def _check_field(spec: SubjectField, value: Any) -> str | None:
    if _empty(value):
        return f"{spec.label} is required" if spec.required else None
    checker = _CHECKERS.get(spec.type)
    return checker(spec, value) if checker else None


def _check_text(spec: SubjectField, value: Any) -> str | None:
    if not isinstance(value, str):
        return "must be text"
    if spec.pattern and not safe_regex.fullmatch(spec.pattern, value.strip()):
        return spec.pattern_message or f"does not have the expected format ({spec.pattern})"
    return None


def _check_choice(spec: SubjectField, value: Any) -> str | None:
    codes = {o.code for o in spec.options}
    if not isinstance(value, str) or (codes and value not in codes):
        return f"must be one of: {', '.join(sorted(codes))}"
    return None


def _check_multi(spec: SubjectField, value: Any) -> str | None:
    codes = {o.code for o in spec.options}
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return "must be a list of option codes"
    unknown = [v for v in value if codes and v not in codes]
    return f"has unknown option(s): {', '.join(unknown)}" if unknown else None


def _check_date(_spec: SubjectField, value: Any) -> str | None:
    try:
        date.fromisoformat(str(value))
    except ValueError:
        return "must be a date written YYYY-MM-DD"
    return None if len(str(value)) == 10 else "must be a date written YYYY-MM-DD"


def _check_number(_spec: SubjectField, value: Any) -> str | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    return None if ok else "must be a number"


_CHECKERS = {
    QuestionType.SHORT_TEXT: _check_text,
    QuestionType.LONG_TEXT: _check_text,
    QuestionType.SINGLE_CHOICE: _check_choice,
    QuestionType.MULTI_CHOICE: _check_multi,
    QuestionType.DATE: _check_date,
    QuestionType.NUMBER: _check_number,
}


def _trim(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def subject_from_text(template: Template, pairs: Sequence[str]) -> dict[str, Any]:
    """Subject values from ``key=value`` strings, typed by the template's subject fields:
    multi-choice values are comma-separated lists, numbers become int or float. Unknown keys
    are kept as text so `check_subject` reports them."""
    types = {f.id: f.type for f in template.subject_fields}
    subject: dict[str, Any] = {}
    problems: list[FieldProblem] = []
    for pair in pairs:
        key, sep, text = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            problems.append(FieldProblem(pair.split("=")[0] or "subject", "must be written KEY=VALUE"))
            continue
        subject[key] = _typed(types.get(key), text.strip(), key, problems)
    if problems:
        raise AnswerRejected(problems)
    return subject


def _typed(kind: QuestionType | None, text: str, key: str, problems: list[FieldProblem]) -> Any:
    if kind == QuestionType.MULTI_CHOICE:
        return [part.strip() for part in text.split(",") if part.strip()]
    if kind == QuestionType.NUMBER:
        try:
            return int(text)
        except ValueError:
            try:
                return float(text)
            except ValueError:
                problems.append(FieldProblem(key, "must be a number"))
    return text

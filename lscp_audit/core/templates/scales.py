"""Answer scales: the built-in ones of format-1 templates and the shipped scale library.

The codes match the JSON value encoding in `lscp_audit.core.audit`. ``grade`` (Outstanding ...
Inadequate) and ``rag`` (Red / Amber / Green) are built in: a template written before scales
could be declared (and every audit frozen with one) uses them, and may relabel or describe
their options but never add codes. Newer templates declare their scales, inline or by naming a
scale of the shared library (`scale_library/standard.yaml`, package data), see
`scales_builder`.
"""

from __future__ import annotations

from lscp_audit.core.templates.model import Option, QuestionType, Scale, ScaleLevel

YES_NO_OPTIONS: tuple[Option, ...] = (
    Option("yes", "Yes"),
    Option("no", "No"),
    Option("partly", "Partly"),
    Option("not_known", "Not known"),
    Option("not_applicable", "Not applicable"),
)

GRADE_OPTIONS: tuple[Option, ...] = (
    Option("outstanding", "Outstanding"),
    Option("good", "Good"),
    Option("requires_improvement", "Requires improvement"),
    Option("inadequate", "Inadequate"),
)

RAG_OPTIONS: tuple[Option, ...] = (
    Option("red", "Red"),
    Option("amber", "Amber"),
    Option("green", "Green"),
)

ACTION_STATUS_OPTIONS: tuple[Option, ...] = (
    Option("open", "Open"),
    Option("in_progress", "In progress"),
    Option("complete", "Complete"),
)

#: The fields of a SMART action; ``measure`` (the measure of success) and ``link`` (what the action
#: answers, `core.actions`) came later and are optional, so older actions still load.
ACTION_FIELDS: tuple[str, ...] = ("action", "owner_agency", "owner_role", "due", "status", "measure", "link")
REQUIRED_ACTION_FIELDS: tuple[str, ...] = ("action", "owner_agency", "owner_role")

#: Built-in options for the types whose codes are fixed.
FIXED_OPTIONS: dict[QuestionType, tuple[Option, ...]] = {
    QuestionType.YES_NO: YES_NO_OPTIONS,
    QuestionType.GRADE: GRADE_OPTIONS,
    QuestionType.RAG: RAG_OPTIONS,
}

#: Colours and text-only markers of the built-in scales (the same as the library's ofsted_4
#: and rag_3, so a format-1 audit prints like a new one).
_GRADE_STYLE = {
    "outstanding": ("#1b5e20", "O"),
    "good": ("#2e7d32", "G"),
    "requires_improvement": ("#9a5700", "RI"),
    "inadequate": ("#b71c1c", "I"),
}
_RAG_STYLE = {"green": ("#2e7d32", "G"), "amber": ("#9a5700", "A"), "red": ("#b71c1c", "R")}


def _builtin(scale_id: str, title: str, options: tuple[Option, ...], style: dict[str, tuple[str, str]]) -> Scale:
    levels = tuple(ScaleLevel(o.code, o.label, "", *style[o.code]) for o in options)
    return Scale(scale_id, title, levels, graded=True, source="built-in")


#: The scales every template can use without declaring them, best level first. Their codes,
#: labels and order never change: audits frozen with format-1 templates depend on them.
BUILTIN_SCALES: dict[str, Scale] = {
    "grade": _builtin("grade", "Grade (Outstanding to Inadequate)", GRADE_OPTIONS, _GRADE_STYLE),
    "rag": _builtin("rag", "RAG (Green, Amber, Red)", tuple(reversed(RAG_OPTIONS)), _RAG_STYLE),
}
#: The scale a grade or rag question uses when it names none.
DEFAULT_SCALE_FOR_TYPE: dict[QuestionType, str] = {QuestionType.GRADE: "grade", QuestionType.RAG: "rag"}

#: Score of each code on the judgement scales, best highest. Used by judgement rules.
SCALE_SCORES: dict[str, dict[str, int]] = {
    "grade": {"outstanding": 4, "good": 3, "requires_improvement": 2, "inadequate": 1},
    "rag": {"green": 3, "amber": 2, "red": 1},
}

SCALE_LABELS: dict[str, dict[str, str]] = {
    "grade": {o.code: o.label for o in GRADE_OPTIONS},
    "rag": {o.code: o.label for o in RAG_OPTIONS},
}


def scale_code_for_score(scale: str, score: int) -> str:
    """The code on `scale` ('grade' or 'rag') whose score is `score`."""
    for code, value in SCALE_SCORES[scale].items():
        if value == score:
            return code
    raise ValueError(f"no {scale} code scores {score}")

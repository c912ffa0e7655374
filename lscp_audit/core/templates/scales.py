"""Fixed answer scales: the codes and labels of the built-in question types.

The codes match the JSON value encoding in `lscp_audit.core.audit`. A template may relabel or
describe these options (for example the Section 11 RAG definitions) but never add codes.
"""

from __future__ import annotations

from lscp_audit.core.templates.model import Option, QuestionType

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

ACTION_FIELDS: tuple[str, ...] = ("action", "owner_agency", "owner_role", "due", "status")

#: Built-in options for the types whose codes are fixed.
FIXED_OPTIONS: dict[QuestionType, tuple[Option, ...]] = {
    QuestionType.YES_NO: YES_NO_OPTIONS,
    QuestionType.GRADE: GRADE_OPTIONS,
    QuestionType.RAG: RAG_OPTIONS,
}

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

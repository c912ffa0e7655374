"""Built-in functions of the expression language: signatures (for type checking) and code.

Every function is total: given empty (None) arguments it returns a sensible empty-aware result
and it never raises, so an audit with missing answers can always be evaluated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from lscp_audit.core.expressions import safe_regex
from lscp_audit.core.expressions.types import ExprType

T = ExprType
_ANY = frozenset(ExprType)
_TEXTISH = frozenset({T.TEXT, T.EMPTY})


@dataclass(frozen=True)
class FunctionSpec:
    """`params` lists the allowed types per argument; with `variadic` the last entry repeats
    (at least one argument). `result` None means "the common type of the arguments after the
    first `skip` ones" (used by `if` and `coalesce`)."""

    params: tuple[frozenset[ExprType], ...]
    result: ExprType | None
    impl: Callable[..., Any]
    variadic: bool = False
    skip: int = 0


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _selected(values: Any, code: Any) -> bool:
    if is_empty(values) or code is None:
        return False
    if isinstance(values, list):
        return code in values
    return bool(values == code)


def _count(values: Any) -> int:
    return len(values) if isinstance(values, list) else 0


def _string_length(text: Any) -> int:
    return len(text) if isinstance(text, str) else 0


def _contains(text: Any, part: Any) -> bool:
    return isinstance(text, str) and isinstance(part, str) and part in text


def _starts_with(text: Any, part: Any) -> bool:
    return isinstance(text, str) and isinstance(part, str) and text.startswith(part)


def compiled_regex(pattern: str) -> Any | None:
    """The bounded (RE2) compiled pattern, None when invalid or unsafe (see `safe_regex`)."""
    return safe_regex.compiled(pattern)


def _regex(text: Any, pattern: Any) -> bool:
    if not isinstance(text, str) or not isinstance(pattern, str):
        return False
    return safe_regex.search(pattern, text)


def parse_date(value: Any) -> date | None:
    """An ISO ``YYYY-MM-DD`` string (or a date) as a date; None when empty or invalid."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _coalesce(first: Any, second: Any) -> Any:
    return second if is_empty(first) else first


def _if(condition: Any, then: Any, otherwise: Any) -> Any:
    return then if condition is True else otherwise


def _numbers(values: tuple[Any, ...]) -> list[int | float]:
    return [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]


def _min(*values: Any) -> Any:
    numbers = _numbers(values)
    return min(numbers) if numbers and len(numbers) == len(values) else None


def _max(*values: Any) -> Any:
    numbers = _numbers(values)
    return max(numbers) if numbers and len(numbers) == len(values) else None


def _int(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool) and value == value and abs(value) != float("inf"):
        return int(value)
    return None


FUNCTIONS: dict[str, FunctionSpec] = {
    "selected": FunctionSpec((frozenset({T.LIST, T.TEXT}), _TEXTISH), T.BOOL, _selected),
    "count-selected": FunctionSpec((frozenset({T.LIST}),), T.NUMBER, _count),
    "count": FunctionSpec((frozenset({T.LIST}),), T.NUMBER, _count),
    "not": FunctionSpec((frozenset({T.BOOL}),), T.BOOL, lambda v: v is not True),
    "true": FunctionSpec((), T.BOOL, lambda: True),
    "false": FunctionSpec((), T.BOOL, lambda: False),
    "coalesce": FunctionSpec((_ANY, _ANY), None, _coalesce),
    "if": FunctionSpec((frozenset({T.BOOL}), _ANY, _ANY), None, _if, skip=1),
    "string-length": FunctionSpec((_TEXTISH,), T.NUMBER, _string_length),
    "contains": FunctionSpec((_TEXTISH, _TEXTISH), T.BOOL, _contains),
    "starts-with": FunctionSpec((_TEXTISH, _TEXTISH), T.BOOL, _starts_with),
    "regex": FunctionSpec((_TEXTISH, frozenset({T.TEXT})), T.BOOL, _regex),
    "today": FunctionSpec((), T.DATE, lambda: None),  # replaced by the evaluation context's date
    "date": FunctionSpec((frozenset({T.TEXT}),), T.DATE, parse_date),
    "min": FunctionSpec((frozenset({T.NUMBER}),), T.NUMBER, _min, variadic=True),
    "max": FunctionSpec((frozenset({T.NUMBER}),), T.NUMBER, _max, variadic=True),
    "int": FunctionSpec((frozenset({T.NUMBER}),), T.NUMBER, _int),
}

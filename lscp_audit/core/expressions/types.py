"""Value types of the expression language and what a `${ref}` resolves to."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum


class ExprType(StrEnum):
    """Static type of an expression. The value is the word used in error messages."""

    BOOL = "true/false"
    NUMBER = "number"
    TEXT = "text"
    DATE = "date"
    LIST = "list"
    EMPTY = "empty text"  # the literal '' which compares with anything (is it unanswered?)


@dataclass(frozen=True)
class RefInfo:
    """What a reference points at: its value type, its option codes (choice questions) and a
    short description used in messages, such as ``yes_no`` or ``multi_choice``."""

    type: ExprType
    options: tuple[str, ...] | None = None
    kind: str = ""


#: Looks up a question id; None means there is no such question.
Resolver = Callable[[str], RefInfo | None]

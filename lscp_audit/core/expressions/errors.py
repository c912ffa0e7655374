"""The one exception the expression language raises for bad text, unknown ids and types."""

from __future__ import annotations


class ExpressionError(Exception):
    """An expression cannot be parsed or type-checked.

    `message` is plain English meant to follow the name of the field it came from, for example
    ``refers to unknown question 'q99'`` so callers can write
    ``question 'q7' relevant refers to unknown question 'q99'``. `position` is the 0-based
    character offset in the expression text when known.
    """

    def __init__(self, message: str, position: int | None = None) -> None:
        self.message = message
        self.position = position
        super().__init__(message)

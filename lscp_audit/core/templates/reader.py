"""Typed access to one YAML block, recording a problem (with its line) for every bad field.

A `Block` wraps a `MarkedDict` with a description of what it is (``question 'q7'``), so every
message names the field: ``question 'q7' required must be true or false``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from lscp_audit.core.templates.problems import Problems
from lscp_audit.core.templates.yaml_source import MarkedDict, MarkedList


def yaml_type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a block of fields"
    return "empty"


class Block:
    """One mapping in the template, named `what` in messages (e.g. ``section 'impact'``)."""

    def __init__(self, data: MarkedDict, what: str, problems: Problems) -> None:
        self.data = data
        self.what = what
        self.problems = problems

    @property
    def line(self) -> int | None:
        return self.data.line

    def line_of(self, key: str) -> int | None:
        return self.data.line_of(key)

    def error(self, key: str | None, message: str) -> None:
        line = self.line_of(key) if key else self.line
        self.problems.add(line, f"{self.what} {message}")

    def check_keys(self, allowed: Iterable[str], required: Iterable[str] = ()) -> None:
        """Report unknown keys (with a did-you-mean) and missing required keys."""
        allowed = list(allowed)
        for key in self.data:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                if self.data[key] is None and self.data.flow:
                    # `{label: Red, amber}` splits at the comma: the tail becomes an empty key.
                    hint = "; text that contains a comma inside { } must be put in quotes"
                self.error(key, f"has unknown field '{key}'{hint}")
        for key in required:
            if key not in self.data or self.data[key] is None:
                self.error(None, f"is missing required field '{key}'")

    def text(self, key: str, default: str = "") -> str:
        value = self.data.get(key)
        if value is None:
            return default
        if not isinstance(value, str):
            self.error(key, f"{key} must be text, not {yaml_type_name(value)}")
            return default
        return value.strip("\n") if "\n" in value else value.strip()

    def optional_text(self, key: str) -> str | None:
        return self.text(key) or None if key in self.data else None

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.data.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.error(key, f"{key} must be true or false, not {yaml_type_name(value)}")
            return default
        return value

    def block(self, key: str) -> MarkedDict | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, MarkedDict):
            self.error(key, f"{key} must be a block of fields, not {yaml_type_name(value)}")
            return None
        return value

    def items(self, key: str) -> MarkedList:
        value = self.data.get(key)
        if value is None:
            return _empty_list(self.line_of(key))
        if not isinstance(value, MarkedList):
            self.error(key, f"{key} must be a list, not {yaml_type_name(value)}")
            return _empty_list(self.line_of(key))
        return value

    def text_list(self, key: str) -> tuple[str, ...]:
        values = self.items(key)
        for index, item in enumerate(values):
            if not isinstance(item, str):
                self.problems.add(values.line_of(index), f"{self.what} {key} must list text items")
                return ()
        return tuple(values)


def _empty_list(line: int | None) -> MarkedList:
    result = MarkedList()
    result.line = line
    result.item_lines = []
    return result

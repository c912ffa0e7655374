"""Tokenizer for the expression language: turns text into a list of `Token`s.

Token kinds: ``ref`` (``${id}``, value = id), ``self`` (``.``), ``number``, ``string`` (single or
double quoted, no escapes: XLSForm has none), ``name`` (function names and the keywords ``and``,
``or``, ``div``, ``mod``, which may contain hyphens, e.g. ``count-selected``), ``op`` and ``end``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lscp_audit.core.expressions.errors import ExpressionError

ID_PATTERN = r"[A-Za-z_][A-Za-z0-9_]*"
_TOKEN_RE = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<ref>\$\{\s*(?P<refid>[^}]*?)\s*\})
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<string>'[^']*'|"[^"]*")
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*)
  | (?P<op>!=|<=|>=|=|<|>|\+|-|\*|\(|\)|,|\.)
    """,
    re.VERBOSE,
)
_VALID_ID = re.compile(ID_PATTERN + r"\Z")


@dataclass(frozen=True)
class Token:
    kind: str
    value: str
    position: int


def tokenize(text: str) -> list[Token]:
    """Split `text` into tokens, ending with an ``end`` token; ExpressionError on bad input."""
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN_RE.match(text, position)
        if match is None:
            raise ExpressionError(_unexpected(text, position), position)
        tokens.extend(_token_from(match, position))
        position = match.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


def _token_from(match: re.Match[str], position: int) -> list[Token]:
    kind = match.lastgroup
    if kind == "space":
        return []
    if kind in ("ref", "refid"):
        ref_id = match.group("refid")
        if not _VALID_ID.match(ref_id):
            raise ExpressionError(f"has an invalid question reference '${{{ref_id}}}'", position)
        return [Token("ref", ref_id, position)]
    if kind == "string":
        return [Token("string", match.group()[1:-1], position)]
    if kind == "op" and match.group() == ".":
        return [Token("self", ".", position)]
    assert kind is not None
    return [Token(kind, match.group(), position)]


def _unexpected(text: str, position: int) -> str:
    char = text[position]
    if char in "'\"":
        return f"has a text value with no closing quote at character {position + 1}"
    if text.startswith("${", position):
        return f"has a question reference with no closing '}}' at character {position + 1}"
    return f"has an unexpected character '{char}' at character {position + 1}"

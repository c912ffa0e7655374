"""A small, safe expression language in the XLSForm spirit, for template conditions.

Examples: ``${q1} = 'yes' and ${q2} != 'no'``, ``selected(${agencies}, 'police')``,
``count-selected(${concerns}) >= 2``, ``. <= today()``, ``${review_date} - ${referral_date} <= 28``.
Text is tokenised and parsed by hand into a tree, type-checked against the questions it names,
and turned into closures; nothing is ever passed to `eval`. See docs/templates.md for the
grammar and functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lscp_audit.core.expressions.compiler import Env, Fn, compile_node
from lscp_audit.core.expressions.errors import ExpressionError
from lscp_audit.core.expressions.functions import FUNCTIONS, is_empty
from lscp_audit.core.expressions.nodes import Node, references, to_text, uses_self
from lscp_audit.core.expressions.parser import parse
from lscp_audit.core.expressions.types import ExprType, RefInfo, Resolver

__all__ = [
    "FUNCTIONS",
    "Env",
    "ExprType",
    "Expression",
    "ExpressionError",
    "RefInfo",
    "Resolver",
    "compile_expression",
    "is_empty",
    "parse",
    "references",
    "to_text",
]


@dataclass(frozen=True)
class Expression:
    """A parsed, type-checked expression ready to evaluate many times."""

    text: str
    node: Node = field(repr=False)
    type: ExprType
    refs: frozenset[str]
    uses_self: bool
    fn: Fn = field(repr=False, compare=False)

    def evaluate(self, env: Env) -> Any:
        """The raw value (None when empty)."""
        return self.fn(env)

    def holds(self, env: Env) -> bool:
        """True only when the expression gives true (empty counts as false)."""
        return self.fn(env) is True


def compile_expression(
    text: str,
    resolve: Resolver,
    self_info: RefInfo | None = None,
    expect: ExprType | None = ExprType.BOOL,
) -> Expression:
    """Parse, type-check and compile `text`.

    `resolve` maps a referenced id to its `RefInfo` (None: unknown id). `self_info` describes
    ``.``; leave it None where ``.`` is not allowed. With `expect` set, the result must have
    that type. Raises ExpressionError with a message that reads after the field name.
    """
    node = parse(text)
    kind, fn = compile_node(node, resolve, self_info)
    if expect is not None and kind != expect:
        raise ExpressionError(
            f"must give {expect.value} but gives {'a ' if kind != ExprType.EMPTY else ''}{kind.value}"
        )
    return Expression(text, node, kind, frozenset(references(node)), uses_self(node), fn)

"""Syntax tree of the expression language, and `to_text` which writes a tree back as text."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Literal:
    """A number or text constant."""

    value: int | float | str


@dataclass(frozen=True)
class Ref:
    """``${id}``: the answer to another question (or subject field)."""

    id: str


@dataclass(frozen=True)
class SelfRef:
    """``.``: the answer being checked (constraints and warnings only)."""


@dataclass(frozen=True)
class Negate:
    """Unary minus."""

    operand: Node


@dataclass(frozen=True)
class Binary:
    """``left op right`` with op one of ``or and = != < <= > >= + - * div mod``."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Call:
    """A function call such as ``selected(${agencies}, 'police')``."""

    name: str
    args: tuple[Node, ...]


Node = Literal | Ref | SelfRef | Negate | Binary | Call

#: Binding strength of binary operators (higher binds tighter).
PRECEDENCE: dict[str, int] = {
    "or": 1,
    "and": 2,
    "=": 3,
    "!=": 3,
    "<": 3,
    "<=": 3,
    ">": 3,
    ">=": 3,
    "+": 4,
    "-": 4,
    "*": 5,
    "div": 5,
    "mod": 5,
}


COMPARISON_LEVEL = 3


def references(node: Node) -> set[str]:
    """Ids of every ``${id}`` in the tree."""
    if isinstance(node, Ref):
        return {node.id}
    if isinstance(node, Negate):
        return references(node.operand)
    if isinstance(node, Binary):
        return references(node.left) | references(node.right)
    if isinstance(node, Call):
        found: set[str] = set()
        for arg in node.args:
            found |= references(arg)
        return found
    return set()


def uses_self(node: Node) -> bool:
    """True when the tree contains ``.``."""
    if isinstance(node, SelfRef):
        return True
    if isinstance(node, Negate):
        return uses_self(node.operand)
    if isinstance(node, Binary):
        return uses_self(node.left) or uses_self(node.right)
    if isinstance(node, Call):
        return any(uses_self(a) for a in node.args)
    return False


def to_text(node: Node) -> str:
    """Canonical text of a tree; parsing it gives the same tree back."""
    if isinstance(node, Literal):
        if isinstance(node.value, str):
            quote = '"' if "'" in node.value else "'"
            return f"{quote}{node.value}{quote}"
        return repr(node.value)
    if isinstance(node, Ref):
        return f"${{{node.id}}}"
    if isinstance(node, SelfRef):
        return "."
    if isinstance(node, Negate):
        return f"-{_wrapped(node.operand, 6)}"
    if isinstance(node, Binary):
        level = PRECEDENCE[node.op]
        # Left-associative, and comparisons do not chain: brackets where the parser needs them.
        left_level = level + 1 if level == COMPARISON_LEVEL else level
        return f"{_wrapped(node.left, left_level)} {node.op} {_wrapped(node.right, level + 1)}"
    return f"{node.name}({', '.join(to_text(a) for a in node.args)})"


def _wrapped(node: Node, level: int) -> str:
    text = to_text(node)
    if isinstance(node, Binary) and PRECEDENCE[node.op] < level:
        return f"({text})"
    return text

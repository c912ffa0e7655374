"""Recursive-descent parser: expression text to a syntax tree (never `eval`).

Grammar (lowest precedence first; see docs/templates.md)::

    expr       := and_expr ("or" and_expr)*
    and_expr   := comparison ("and" comparison)*
    comparison := additive (("=" | "!=" | "<" | "<=" | ">" | ">=") additive)?
    additive   := term (("+" | "-") term)*
    term       := unary (("*" | "div" | "mod") unary)*
    unary      := "-" unary | primary
    primary    := NUMBER | STRING | "${" ID "}" | "." | NAME "(" [expr ("," expr)*] ")"
                | "(" expr ")"
"""

from __future__ import annotations

from collections.abc import Callable

from lscp_audit.core.expressions.errors import ExpressionError
from lscp_audit.core.expressions.nodes import Binary, Call, Literal, Negate, Node, Ref, SelfRef
from lscp_audit.core.expressions.tokens import Token, tokenize

MAX_DEPTH = 60  # deeper nesting is refused, so hostile text cannot exhaust the stack
MAX_TOKENS = 400  # longer expressions are refused for the same reason (operator chains nest too)
MAX_NUMBER_DIGITS = 30
_COMPARISONS = frozenset({"=", "!=", "<", "<=", ">", ">="})
_KEYWORDS = frozenset({"and", "or", "div", "mod"})
_Operand = Callable[[], Node]


def parse(text: str) -> Node:
    """Parse `text` into a tree; ExpressionError with a plain-English message on bad syntax."""
    if not text or not text.strip():
        raise ExpressionError("is empty", 0)
    tokens = tokenize(text)
    if len(tokens) > MAX_TOKENS:
        raise ExpressionError(f"is too long ({len(tokens) - 1} parts; at most {MAX_TOKENS - 1})", 0)
    parser = _Parser(tokens)
    node = parser.expression()
    token = parser.peek()
    if token.kind != "end":
        raise ExpressionError(f"has unexpected {_describe(token)} at character {token.position + 1}", token.position)
    return node


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.index = 0
        self.depth = 0

    def peek(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def at(self, kind: str, *values: str) -> bool:
        token = self.peek()
        return token.kind == kind and (not values or token.value in values)

    def expect_op(self, value: str) -> None:
        token = self.peek()
        if not self.at("op", value):
            raise ExpressionError(
                f"expected '{value}' but found {_describe(token)} at character {token.position + 1}", token.position
            )
        self.advance()

    def expression(self) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError("is nested too deeply", self.peek().position)
        node = self.binary_chain(("or",), self.and_expr)
        self.depth -= 1
        return node

    def and_expr(self) -> Node:
        return self.binary_chain(("and",), self.comparison)

    def comparison(self) -> Node:
        left = self.additive()
        if self.at("op", *_COMPARISONS):
            op = self.advance().value
            left = Binary(op, left, self.additive())
            if self.at("op", *_COMPARISONS):
                token = self.peek()
                raise ExpressionError(
                    f"chains comparisons at character {token.position + 1}; join them with 'and'", token.position
                )
        return left

    def additive(self) -> Node:
        return self.binary_chain(("+", "-"), self.term)

    def term(self) -> Node:
        return self.binary_chain(("*", "div", "mod"), self.unary)

    def binary_chain(self, ops: tuple[str, ...], operand: _Operand) -> Node:
        node = operand()
        while self.peek().value in ops and self.peek().kind in ("op", "name"):
            op = self.advance().value
            node = Binary(op, node, operand())
        return node

    def unary(self) -> Node:
        if self.at("op", "-"):
            self.advance()
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise ExpressionError("is nested too deeply", self.peek().position)
            node = Negate(self.unary())
            self.depth -= 1
            return node
        return self.primary()

    def primary(self) -> Node:
        token = self.advance()
        if token.kind == "number":
            if len(token.value) > MAX_NUMBER_DIGITS:
                raise ExpressionError(
                    f"has a number that is too long at character {token.position + 1}", token.position
                )
            return Literal(float(token.value) if "." in token.value else int(token.value))
        if token.kind == "string":
            return Literal(token.value)
        if token.kind == "ref":
            return Ref(token.value)
        if token.kind == "self":
            return SelfRef()
        if token.kind == "op" and token.value == "(":
            node = self.expression()
            self.expect_op(")")
            return node
        if token.kind == "name" and token.value not in _KEYWORDS:
            return self.call(token)
        raise ExpressionError(f"has unexpected {_describe(token)} at character {token.position + 1}", token.position)

    def call(self, name: Token) -> Node:
        if not self.at("op", "("):
            raise ExpressionError(
                f"has '{name.value}' at character {name.position + 1}, which is not a function call; "
                "quote text values, e.g. 'yes'",
                name.position,
            )
        self.advance()
        args: list[Node] = []
        if not self.at("op", ")"):
            args.append(self.expression())
            while self.at("op", ","):
                self.advance()
                args.append(self.expression())
        self.expect_op(")")
        return Call(name.value, tuple(args))


def _describe(token: Token) -> str:
    if token.kind == "end":
        return "end of expression"
    if token.kind == "ref":
        return f"'${{{token.value}}}'"
    if token.kind == "string":
        return f"text '{token.value}'"
    return f"'{token.value}'"

"""Type-check a syntax tree and turn it into a Python closure (no `eval`, no code objects).

`compile_node` walks the tree once: it resolves every `${id}` through a `Resolver`, checks the
operand types of each operator and function, and returns the static type with a function of an
`Env`. Errors are `ExpressionError`s whose text names the offending id or operator.

Runtime semantics follow XLSForm: an unanswered (or hidden) question is empty; ``=`` and ``!=``
treat empty as equal only to empty (``${q} = ''`` asks "unanswered?"); ordering comparisons with
an empty side are false; arithmetic with an empty side is empty; ``and``/``or`` treat empty as
false.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any

from lscp_audit.core.expressions import safe_regex
from lscp_audit.core.expressions.errors import ExpressionError
from lscp_audit.core.expressions.functions import FUNCTIONS, compiled_regex, is_empty, parse_date
from lscp_audit.core.expressions.nodes import Binary, Call, Literal, Negate, Node, Ref, SelfRef
from lscp_audit.core.expressions.types import ExprType, RefInfo, Resolver

T = ExprType


class Env:
    """What an expression sees when evaluated: answer values by id (JSON values as stored),
    the value being checked (for ``.``) and today's date."""

    __slots__ = ("values", "current", "today")

    def __init__(self, values: Mapping[str, Any], current: Any = None, today: date | None = None) -> None:
        self.values = values
        self.current = current
        self.today = today or date.today()


Fn = Callable[[Env], Any]
Compiled = tuple[ExprType, Fn]
_ORDER_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def compile_node(node: Node, resolve: Resolver, self_info: RefInfo | None = None) -> Compiled:
    """Type-check `node` and build its evaluator. `self_info` describes ``.`` (None: not allowed)."""
    return _Compiler(resolve, self_info).visit(node)


def _describe(node: Node, kind: ExprType) -> str:
    if isinstance(node, Ref):
        return f"'{node.id}' ({kind})"
    if isinstance(node, SelfRef):
        return f"the answer ({kind})"
    if isinstance(node, Literal):
        return f"'{node.value}' (text)" if isinstance(node.value, str) else f"{node.value} (number)"
    return f"a {kind} value" if kind != T.EMPTY else "empty text"


def _convert(kind: ExprType) -> Callable[[Any], Any]:
    if kind == T.DATE:
        return parse_date
    if kind == T.NUMBER:
        return lambda v: v if isinstance(v, int | float) and not isinstance(v, bool) else None
    if kind == T.TEXT:
        return lambda v: v if isinstance(v, str) and v != "" else None
    return lambda v: v if isinstance(v, list) and v else None


class _Compiler:
    def __init__(self, resolve: Resolver, self_info: RefInfo | None) -> None:
        self.resolve = resolve
        self.self_info = self_info

    def visit(self, node: Node) -> Compiled:
        if isinstance(node, Literal):
            return self.literal(node)
        if isinstance(node, Ref):
            return self.ref(node)
        if isinstance(node, SelfRef):
            return self.self_ref()
        if isinstance(node, Negate):
            return self.negate(node)
        if isinstance(node, Binary):
            return self.binary(node)
        return self.call(node)

    def literal(self, node: Literal) -> Compiled:
        value = node.value
        if isinstance(value, str):
            return (T.EMPTY if value == "" else T.TEXT), (lambda env: value)
        return T.NUMBER, (lambda env: value)

    def info(self, ref_id: str) -> RefInfo:
        found = self.resolve(ref_id)
        if found is None:
            raise ExpressionError(f"refers to unknown question '{ref_id}'")
        return found

    def ref(self, node: Ref) -> Compiled:
        info = self.info(node.id)
        convert = _convert(info.type)
        ref_id = node.id
        return info.type, (lambda env: convert(env.values.get(ref_id)))

    def self_ref(self) -> Compiled:
        if self.self_info is None:
            raise ExpressionError("uses '.', which only a constraint or warning can use")
        convert = _convert(self.self_info.type)
        return self.self_info.type, (lambda env: convert(env.current))

    def negate(self, node: Negate) -> Compiled:
        kind, fn = self.visit(node.operand)
        if kind != T.NUMBER:
            raise ExpressionError(f"uses '-' on {_describe(node.operand, kind)}; it works only on numbers")
        return T.NUMBER, (lambda env: _negate(fn(env)))

    def binary(self, node: Binary) -> Compiled:
        if node.op in ("and", "or"):
            return self.logical(node)
        left, right = self.visit(node.left), self.visit(node.right)
        if node.op in ("=", "!="):
            return self.equality(node, left, right)
        if node.op in _ORDER_OPS:
            return self.ordering(node, left, right)
        return self.arithmetic(node, left, right)

    def logical(self, node: Binary) -> Compiled:
        (lk, lf), (rk, rf) = self.visit(node.left), self.visit(node.right)
        for side, kind in ((node.left, lk), (node.right, rk)):
            if kind != T.BOOL:
                raise ExpressionError(
                    f"uses '{node.op}' on {_describe(side, kind)}, which is not true/false; "
                    "compare it first, e.g. ${q} = 'yes'"
                )
        if node.op == "and":
            return T.BOOL, (lambda env: lf(env) is True and rf(env) is True)
        return T.BOOL, (lambda env: lf(env) is True or rf(env) is True)

    def equality(self, node: Binary, left: Compiled, right: Compiled) -> Compiled:
        (lk, lf), (rk, rf) = self.coerce_date_literals(node, left, right)
        if T.EMPTY not in (lk, rk) and lk != rk:
            raise ExpressionError(f"compares {_describe(node.left, lk)} with {_describe(node.right, rk)}")
        if T.LIST in (lk, rk) and T.EMPTY not in (lk, rk):
            raise ExpressionError(f"compares two lists with '{node.op}'; use selected() or count-selected()")
        self.check_option(node.left, node.right)
        self.check_option(node.right, node.left)
        if node.op == "=":
            return T.BOOL, (lambda env: _equal(lf(env), rf(env)))
        return T.BOOL, (lambda env: not _equal(lf(env), rf(env)))

    def ordering(self, node: Binary, left: Compiled, right: Compiled) -> Compiled:
        (lk, lf), (rk, rf) = self.coerce_date_literals(node, left, right)
        for side, kind in ((node.left, lk), (node.right, rk)):
            if kind not in (T.NUMBER, T.DATE):
                raise ExpressionError(
                    f"uses '{node.op}' on {_describe(side, kind)}; '{node.op}' works only on numbers and dates"
                )
        if lk != rk:
            raise ExpressionError(f"compares {_describe(node.left, lk)} with {_describe(node.right, rk)}")
        compare = _ORDER_OPS[node.op]
        return T.BOOL, (lambda env: _ordered(compare, lf(env), rf(env)))

    def arithmetic(self, node: Binary, left: Compiled, right: Compiled) -> Compiled:
        (lk, lf), (rk, rf) = left, right
        result = _arithmetic_type(node.op, lk, rk)
        if result is None:
            raise ExpressionError(
                f"uses '{node.op}' on {_describe(node.left, lk)} and {_describe(node.right, rk)}; "
                "arithmetic works on numbers (and a date plus or minus a number of days)"
            )
        op = node.op
        return result, (lambda env: _arith(op, lf(env), rf(env)))

    def coerce_date_literals(self, node: Binary, left: Compiled, right: Compiled) -> tuple[Compiled, Compiled]:
        """A text literal compared with a date must be an ISO date; it becomes a date."""
        return (
            self.date_literal(node.left, left, right[0]),
            self.date_literal(node.right, right, left[0]),
        )

    def date_literal(self, node: Node, compiled: Compiled, other: ExprType) -> Compiled:
        if other != T.DATE or not isinstance(node, Literal) or compiled[0] != T.TEXT:
            return compiled
        value = parse_date(node.value)
        if value is None:
            raise ExpressionError(f"compares a date with '{node.value}', which is not a date in the form YYYY-MM-DD")
        return T.DATE, (lambda env: value)

    def check_option(self, ref: Node, literal: Node) -> None:
        if not isinstance(ref, Ref) or not isinstance(literal, Literal) or not isinstance(literal.value, str):
            return
        info = self.info(ref.id)
        if info.options is not None and literal.value != "" and literal.value not in info.options:
            raise ExpressionError(
                f"compares '{ref.id}' with '{literal.value}', which is not one of its options "
                f"({', '.join(info.options)})"
            )

    def call(self, node: Call) -> Compiled:
        spec = FUNCTIONS.get(node.name)
        if spec is None:
            raise ExpressionError(f"calls unknown function '{node.name}'")
        args = [self.visit(arg) for arg in node.args]
        _check_arity(node, len(spec.params), spec.variadic)
        for index, (arg, (kind, _fn)) in enumerate(zip(node.args, args, strict=True)):
            allowed = spec.params[min(index, len(spec.params) - 1)]
            if kind not in allowed:
                wanted = " or ".join(sorted(k.value for k in allowed))
                raise ExpressionError(
                    f"calls {node.name}() with {_describe(arg, kind)} as argument {index + 1}; it needs {wanted}"
                )
        self.check_call_literals(node)
        result = spec.result or _common_type(node, [k for k, _ in args[spec.skip :]])
        fns = [fn for _, fn in args]
        if node.name == "today":
            return result, (lambda env: env.today)
        impl = spec.impl
        return result, (lambda env: impl(*[fn(env) for fn in fns]))

    def check_call_literals(self, node: Call) -> None:
        if node.name == "selected" and len(node.args) == 2:
            self.check_option(node.args[0], node.args[1])
        pattern = node.args[1] if node.name == "regex" and len(node.args) == 2 else None
        if isinstance(pattern, Literal) and isinstance(pattern.value, str) and compiled_regex(pattern.value) is None:
            problem = safe_regex.pattern_problem(pattern.value)
            raise ExpressionError(f"calls regex() with an invalid pattern '{pattern.value[:80]}' ({problem})")
        arg = node.args[0] if node.name == "date" and node.args else None
        if isinstance(arg, Literal) and parse_date(arg.value) is None:
            raise ExpressionError(f"calls date() with '{arg.value}', which is not a date in the form YYYY-MM-DD")


def _check_arity(node: Call, wanted: int, variadic: bool) -> None:
    count = len(node.args)
    if (variadic and count >= 1) or (not variadic and count == wanted):
        return
    need = "at least 1 argument" if variadic else f"{wanted} argument{'s' if wanted != 1 else ''}"
    given = f"{count} argument{'s' if count != 1 else ''}"
    raise ExpressionError(f"calls {node.name}() with {given}; it needs {need}")


def _common_type(node: Call, kinds: list[ExprType]) -> ExprType:
    real = {k for k in kinds if k != T.EMPTY}
    if len(real) > 1:
        raise ExpressionError(
            f"calls {node.name}() with values of different types ({', '.join(sorted(k.value for k in real))})"
        )
    return real.pop() if real else T.EMPTY


def _arithmetic_type(op: str, left: ExprType, right: ExprType) -> ExprType | None:
    if left == T.NUMBER and right == T.NUMBER:
        return T.NUMBER
    if op in ("+", "-") and left == T.DATE and right == T.NUMBER:
        return T.DATE
    if op == "+" and left == T.NUMBER and right == T.DATE:
        return T.DATE
    if op == "-" and left == T.DATE and right == T.DATE:
        return T.NUMBER
    return None


def _equal(left: Any, right: Any) -> bool:
    if is_empty(left) or is_empty(right):
        return is_empty(left) and is_empty(right)
    return bool(left == right)


def _ordered(compare: Callable[[Any, Any], bool], left: Any, right: Any) -> bool:
    if left is None or right is None:
        return False
    return compare(left, right)


def _negate(value: Any) -> Any:
    return None if value is None else -value


def _arith(op: str, left: Any, right: Any) -> Any:
    if left is None or right is None:
        return None
    try:
        if isinstance(left, date) or isinstance(right, date):
            return _date_arith(op, left, right)
        if op == "+":
            return left + right
        if op == "-":
            return left - right
        if op == "*":
            return left * right
        if op == "div":
            return left / right if right != 0 else None
        return left % right if right != 0 else None
    except (OverflowError, ValueError):
        return None


def _date_arith(op: str, left: Any, right: Any) -> Any:
    if isinstance(left, date) and isinstance(right, date):
        return (left - right).days
    if isinstance(right, date):
        left, right = right, left
    days = timedelta(days=int(right))
    return left + days if op == "+" else left - days

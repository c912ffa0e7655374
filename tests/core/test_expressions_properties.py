"""Property-based tests of the expression language (hypothesis)."""

from __future__ import annotations

import operator
from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from lscp_audit.core.expressions import Env, ExpressionError, ExprType, RefInfo, compile_expression, parse, to_text
from lscp_audit.core.expressions.nodes import PRECEDENCE, Binary, Call, Literal, Negate, Node, Ref

NUMBER_IDS = ("n1", "n2", "n3")
CODES = ("yes", "no", "partly")
INFOS = {
    **{i: RefInfo(ExprType.NUMBER) for i in NUMBER_IDS},
    "c1": RefInfo(ExprType.TEXT, CODES),
    "c2": RefInfo(ExprType.TEXT, CODES),
    "multi": RefInfo(ExprType.LIST, ("a", "b", "c")),
    "when": RefInfo(ExprType.DATE),
}
ids = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,6}", fullmatch=True)
numbers = st.one_of(
    st.integers(min_value=0, max_value=10**6),
    st.floats(min_value=0, max_value=1000, allow_nan=False).map(lambda f: round(f, 3)),
)
texts = st.text(alphabet=st.characters(blacklist_characters="'\"", blacklist_categories=("Cs",)), max_size=8)
literal_nodes = st.one_of(numbers.map(Literal), texts.map(Literal))


def _trees(leaves: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    def extend(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
        return st.one_of(
            st.builds(Binary, st.sampled_from(sorted(PRECEDENCE)), children, children),
            st.builds(Negate, children),
            st.builds(
                Call,
                st.from_regex(r"[a-z][a-z0-9]{0,4}(-[a-z]{1,4})?", fullmatch=True).filter(
                    lambda n: n not in ("and", "or", "div", "mod")
                ),
                st.lists(children, max_size=3).map(tuple),
            ),
        )

    return st.recursive(leaves, extend, max_leaves=12)


any_tree = _trees(st.one_of(literal_nodes, ids.map(Ref)))


@given(any_tree)
def test_to_text_then_parse_gives_the_same_tree(tree: Node) -> None:
    assert parse(to_text(tree)) == tree


@given(st.text(max_size=60))
def test_parser_only_ever_raises_expression_error(text: str) -> None:
    try:
        parse(text)
    except ExpressionError as exc:
        assert exc.message


@given(st.text(alphabet="${}()'. =!<>andorsetc-+*0123456789n1q", max_size=40))
def test_compiler_only_ever_raises_expression_error(text: str) -> None:
    try:
        compile_expression(text, INFOS.get, RefInfo(ExprType.NUMBER), expect=None)
    except ExpressionError as exc:
        assert exc.message


# Arithmetic over number answers, checked against a direct Python evaluation.
arith_leaf = st.one_of(st.integers(min_value=0, max_value=50).map(Literal), st.sampled_from(NUMBER_IDS).map(Ref))
arith_tree = st.recursive(
    arith_leaf,
    lambda children: st.one_of(
        st.builds(Binary, st.sampled_from(["+", "-", "*"]), children, children), st.builds(Negate, children)
    ),
    max_leaves=10,
)
answer_numbers = st.fixed_dictionaries({}, optional={i: st.integers(min_value=-100, max_value=100) for i in NUMBER_IDS})
OPS = {"+": operator.add, "-": operator.sub, "*": operator.mul}


def reference(node: Node, values: dict[str, Any]) -> Any:
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, Ref):
        return values.get(node.id)
    if isinstance(node, Negate):
        inner = reference(node.operand, values)
        return None if inner is None else -inner
    assert isinstance(node, Binary)
    left, right = reference(node.left, values), reference(node.right, values)
    return None if left is None or right is None else OPS[node.op](left, right)


@given(arith_tree, answer_numbers)
def test_arithmetic_matches_python(tree: Node, values: dict[str, Any]) -> None:
    expr = compile_expression(to_text(tree), INFOS.get, expect=ExprType.NUMBER)
    assert expr.evaluate(Env(values)) == reference(tree, values)


@given(arith_tree, arith_tree, answer_numbers, st.sampled_from(["<", "<=", ">", ">=", "=", "!="]))
def test_comparisons_match_python_and_negation_is_consistent(
    left: Node, right: Node, values: dict[str, Any], op: str
) -> None:
    text = f"({to_text(left)}) {op} ({to_text(right)})"
    expr = compile_expression(text, INFOS.get)
    negated = compile_expression(f"not({text})", INFOS.get)
    a, b = reference(left, values), reference(right, values)
    result = expr.evaluate(Env(values))
    if a is None or b is None:
        expected = {"=": a is None and b is None, "!=": not (a is None and b is None)}.get(op, False)
    else:
        expected = {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b, "=": a == b, "!=": a != b}[op]
    assert result is expected
    assert negated.evaluate(Env(values)) is (not expected)


# Well-typed conditions never fail at run time, whatever is stored in the answers.
conditions = st.recursive(
    st.one_of(
        st.builds(lambda i, c: f"${{{i}}} = '{c}'", st.sampled_from(["c1", "c2"]), st.sampled_from(CODES)),
        st.builds(lambda i, c: f"${{{i}}} != '{c}'", st.sampled_from(["c1", "c2"]), st.sampled_from(CODES)),
        st.builds(lambda c: f"selected(${{multi}}, '{c}')", st.sampled_from("abc")),
        st.builds(
            lambda n, k: f"count-selected(${{multi}}) >= {k} or ${{{n}}} div {k} < 2",
            st.sampled_from(NUMBER_IDS),
            st.integers(0, 3),
        ),
        st.builds(lambda k: f"${{when}} + {k} <= today()", st.integers(0, 400)),
        st.just("coalesce(${n1}, 0) mod 3 = 1"),
    ),
    lambda inner: st.one_of(
        st.builds(lambda a, b: f"({a}) and ({b})", inner, inner),
        st.builds(lambda a, b: f"({a}) or ({b})", inner, inner),
        st.builds(lambda a: f"not({a})", inner),
    ),
    max_leaves=6,
)
junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=5),
    st.lists(st.text(max_size=3), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
any_answers = st.fixed_dictionaries({}, optional={k: junk for k in INFOS})


@settings(max_examples=200)
@given(conditions, any_answers, st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1)))
def test_well_typed_conditions_are_total(text: str, values: dict[str, Any], today: date) -> None:
    expr = compile_expression(text, INFOS.get)
    assert isinstance(expr.evaluate(Env(values, today=today)), bool)

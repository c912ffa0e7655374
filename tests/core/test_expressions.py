"""The expression language: parsing, type errors and XLSForm-style evaluation."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from lscp_audit.core.expressions import (
    Env,
    ExpressionError,
    ExprType,
    RefInfo,
    compile_expression,
    parse,
    to_text,
)
from lscp_audit.core.expressions.nodes import Binary, Call, Literal, Ref, SelfRef

YES_NO = ("yes", "no", "partly", "not_known", "not_applicable")
INFOS = {
    "q1": RefInfo(ExprType.TEXT, YES_NO, "yes_no"),
    "q2": RefInfo(ExprType.TEXT, YES_NO, "yes_no"),
    "agencies": RefInfo(ExprType.LIST, ("police", "health", "school"), "multi_choice"),
    "n": RefInfo(ExprType.NUMBER, None, "number"),
    "m": RefInfo(ExprType.NUMBER, None, "number"),
    "d": RefInfo(ExprType.DATE, None, "date"),
    "e": RefInfo(ExprType.DATE, None, "date"),
    "t": RefInfo(ExprType.TEXT, None, "short_text"),
    "acts": RefInfo(ExprType.LIST, None, "actions"),
}
TODAY = date(2026, 11, 28)


def run(text: str, values: dict[str, Any] | None = None, current: Any = None, self_type: ExprType | None = None) -> Any:
    self_info = RefInfo(self_type) if self_type else None
    expr = compile_expression(text, INFOS.get, self_info, expect=None)
    return expr.evaluate(Env(values or {}, current=current, today=TODAY))


def error(text: str, self_type: ExprType | None = None) -> str:
    with pytest.raises(ExpressionError) as caught:
        compile_expression(text, INFOS.get, RefInfo(self_type) if self_type else None)
    return caught.value.message


def test_parse_tree_and_precedence() -> None:
    assert parse("${q1} = 'yes' or ${n} + 1 * 2 > 3") == Binary(
        "or",
        Binary("=", Ref("q1"), Literal("yes")),
        Binary(">", Binary("+", Ref("n"), Binary("*", Literal(1), Literal(2))), Literal(3)),
    )
    assert parse("selected(., 'police')") == Call("selected", (SelfRef(), Literal("police")))
    assert parse("a-b(1)") == Call("a-b", (Literal(1),))
    assert to_text(parse("(1 + 2) * 3")) == "(1 + 2) * 3"
    assert to_text(parse("1 - (2 - 3)")) == "1 - (2 - 3)"


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        ("${q1} = 'yes' and ${q2} != 'no'", {"q1": "yes", "q2": "partly"}, True),
        ("${q1} = 'yes' and ${q2} != 'no'", {"q1": "yes", "q2": "no"}, False),
        ("${q2} != 'no'", {}, True),  # empty is not 'no'
        ("${q1} = ''", {}, True),  # '' asks "unanswered?"
        ("${q1} = ''", {"q1": "yes"}, False),
        ("selected(${agencies}, 'police')", {"agencies": ["police", "school"]}, True),
        ("selected(${agencies}, 'health')", {"agencies": ["police"]}, False),
        ("selected(${agencies}, 'health')", {}, False),
        ("selected(${q1}, 'yes')", {"q1": "yes"}, True),
        ("count-selected(${agencies}) >= 2", {"agencies": ["police", "school"]}, True),
        ("count-selected(${agencies})", {}, 0),
        ("count(${acts})", {"acts": [{"action": "a"}, {"action": "b"}]}, 2),
        ("${n} > 3", {"n": 4}, True),
        ("${n} > 3", {}, False),  # ordering with empty is false
        ("${n} + 1", {}, None),  # arithmetic with empty is empty
        ("coalesce(${n}, 0) + 1", {}, 1),
        ("7 div 2", {}, 3.5),
        ("7 mod 2", {}, 1),
        ("1 div 0", {}, None),
        ("-${n} * 2", {"n": 3}, -6),
        ("${d} > '2026-01-01'", {"d": "2026-02-01"}, True),
        ("${d} <= today()", {"d": "2026-12-01"}, False),
        ("today() - ${d}", {"d": "2026-11-01"}, 27),
        ("${d} + 28 > ${e}", {"d": "2026-01-01", "e": "2026-01-20"}, True),
        ("${d} = date('2026-01-01')", {"d": "2026-01-01"}, True),
        ("${d} > '2026-01-01'", {"d": "not a date"}, False),  # a bad stored value reads as empty
        ("string-length(${t}) >= 3", {"t": "abcd"}, True),
        ("regex(${t}, '^[A-Z]{2}-[0-9]+$')", {"t": "DA-12"}, True),
        ("contains(${t}, 'bc') and starts-with(${t}, 'a')", {"t": "abcd"}, True),
        ("not(${q1} = 'yes')", {}, True),
        ("if(${n} > 1, 'big', 'small')", {"n": 2}, "big"),
        ("min(${n}, ${m}, 5)", {"n": 2, "m": 9}, 2),
        ("max(${n}, ${m})", {"n": 2}, None),
        ("int(${n})", {"n": 2.7}, 2),
        ("true() and not(false())", {}, True),
        ("${n} = 2", {"n": True}, False),  # booleans are not numbers
    ],
)
def test_evaluation(text: str, values: dict[str, Any], expected: Any) -> None:
    assert run(text, values) == expected


def test_self_reference_in_constraints() -> None:
    assert run(". <= 150", current=151, self_type=ExprType.NUMBER) is False
    assert run("count-selected(.) = 1", current=["a"], self_type=ExprType.LIST) is True


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("${q99} = 'x'", "refers to unknown question 'q99'"),
        (
            "${q1} = 'maybe'",
            "compares 'q1' with 'maybe', which is not one of its options (yes, no, partly, not_known, not_applicable)",
        ),
        (
            "selected(${agencies}, 'fire')",
            "compares 'agencies' with 'fire', which is not one of its options (police, health, school)",
        ),
        ("${d} > 5", "compares 'd' (date) with 5 (number)"),
        ("${q1} > 'a'", "uses '>' on 'q1' (text); '>' works only on numbers and dates"),
        (
            "${q1} and ${q2} = 'no'",
            "uses 'and' on 'q1' (text), which is not true/false; compare it first, e.g. ${q} = 'yes'",
        ),
        (
            "${n} + ${t} > 1",
            "uses '+' on 'n' (number) and 't' (text); arithmetic works on numbers (and a date plus or minus a number of days)",
        ),
        ("${agencies} = ${agencies}", "compares two lists with '='; use selected() or count-selected()"),
        ("${d} = 'soon'", "compares a date with 'soon', which is not a date in the form YYYY-MM-DD"),
        ("frob(1) = 1", "calls unknown function 'frob'"),
        ("selected(${agencies})", "calls selected() with 1 argument; it needs 2 arguments"),
        ("count-selected(${n}) > 1", "calls count-selected() with 'n' (number) as argument 1; it needs list"),
        ("regex(${t}, '[')", "calls regex() with an invalid pattern '[' (missing ]: [)"),
        ("if(${n} > 1, 'a', 2) = 'a'", "calls if() with values of different types (number, text)"),
        ("date('31/01/2026') < today()", "calls date() with '31/01/2026', which is not a date in the form YYYY-MM-DD"),
        (". > 1", "uses '.', which only a constraint or warning can use"),
        ("${n} + 1", "must give true/false but gives a number"),
        ("${q1} = 'yes' = 'no'", "chains comparisons at character 15; join them with 'and'"),
        ("${q1} = yes", "has 'yes' at character 9, which is not a function call; quote text values, e.g. 'yes'"),
        ("${q1} = 'yes", "has a text value with no closing quote at character 9"),
        ("${q1 = 'yes'", "has a question reference with no closing '}' at character 1"),
        ("${1q} = 'yes'", "has an invalid question reference '${1q}'"),
        ("${q1} == 'yes'", "has unexpected '=' at character 8"),
        ("(${n} > 1", "expected ')' but found end of expression at character 10"),
        ("${n} > 1 # note", "has an unexpected character '#' at character 10"),
        ("   ", "is empty"),
        ("-" * 100 + "1 > 0", "is nested too deeply"),
    ],
)
def test_errors(text: str, message: str) -> None:
    assert error(text) == message


def test_compiled_expression_metadata() -> None:
    expr = compile_expression("${q1} = 'yes' or selected(${agencies}, 'police')", INFOS.get)
    assert expr.refs == frozenset({"q1", "agencies"})
    assert expr.type is ExprType.BOOL and not expr.uses_self
    assert expr.holds(Env({"agencies": ["police"]}))
    assert not expr.holds(Env({}))


def test_size_limits() -> None:
    assert error(" + ".join(["1"] * 300) + " > 0") == "is too long (601 parts; at most 399)"
    assert error("9" * 31 + " > 0") == "has a number that is too long at character 1"
    assert run(" + ".join(["1"] * 150)) == 150

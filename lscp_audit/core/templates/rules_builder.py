"""Build the `judgement_rules` and `self_tests` parts of a template from the YAML tree."""

from __future__ import annotations

from datetime import date
from typing import Any

from lscp_audit.core.templates.model import (
    METHOD_ALIASES,
    Cap,
    JudgementMethod,
    JudgementRule,
    JudgementRules,
    SelfTest,
)
from lscp_audit.core.templates.reader import Block, yaml_type_name
from lscp_audit.core.templates.yaml_source import MarkedDict, MarkedList

RULES_KEYS = ("scale", "section", "sections", "overall")
RULE_KEYS = ("method", "rounding", "caps", "questions", "description", "limit_at", "otherwise")
OVERALL_KEYS = (*RULE_KEYS, "from", "agencies", "agency_method", "agency_weight")
CAP_KEYS = ("if_any", "at_most")
SELF_TEST_KEYS = (
    "name",
    "today",
    "subject",
    "answers",
    "expect_visible",
    "expect_hidden",
    "expect_missing",
    "expect_judgements",
    "expect_warnings",
    "expect_no_warnings",
)
AGENCY_MODES = ("each", "combined")
METHOD_NAMES = ", ".join([*(m.value for m in JudgementMethod), *METHOD_ALIASES])
ROUNDINGS = ("down", "nearest")
OVERALL_SOURCES = ("sections", "questions")


def build_judgement_rules(top: Block) -> JudgementRules | None:
    data = top.block("judgement_rules")
    if data is None:
        return None
    block = Block(data, "judgement_rules", top.problems)
    block.check_keys(RULES_KEYS, required=("scale",))
    scale = block.text("scale", "grade")  # checked against the template's scales by the validator
    section_rules: dict[str, JudgementRule] = {}
    per_section = block.block("sections")
    if per_section is not None:
        for section_id, rule_data in per_section.items():
            rule = _rule(
                block, rule_data, f"judgement rule for section '{section_id}'", per_section.line_of(section_id)
            )
            if rule is not None:
                section_rules[section_id] = rule
    overall_data = block.block("overall")
    overall_from = "sections"
    if overall_data is not None:
        overall_from = Block(overall_data, "overall judgement rule", top.problems).text("from", "sections")
        if overall_from not in OVERALL_SOURCES:
            top.problems.add(
                overall_data.line_of("from"),
                f"overall judgement rule from '{overall_from}' must be sections or questions",
            )
    return JudgementRules(
        scale=scale,
        section=_rule(block, data.get("section"), "section judgement rule", data.line_of("section")),
        section_rules=section_rules,
        overall=_rule(block, overall_data, "overall judgement rule", data.line_of("overall"), OVERALL_KEYS),
        overall_from=overall_from,
        line=data.line,
    )


def _rule(
    owner: Block, data: Any, what: str, line: int | None, keys: tuple[str, ...] = RULE_KEYS
) -> JudgementRule | None:
    if data is None:
        return None
    if not isinstance(data, MarkedDict):
        owner.problems.add(line, f"{what} must be a block of fields, not {yaml_type_name(data)}")
        return None
    block = Block(data, what, owner.problems)
    block.check_keys(keys, required=("method",))
    method = _method(block, "method", JudgementMethod.LOWEST)
    otherwise = _method(block, "otherwise", JudgementMethod.BEST_FIT)
    if otherwise == JudgementMethod.LIMITING:
        block.error("otherwise", "otherwise must be lowest, average or best_fit, not limiting")
    if method != JudgementMethod.LIMITING:
        for key in ("limit_at", "otherwise"):
            if key in data:
                block.error(key, f"{key} is only used with method: limiting")
    rounding = block.text("rounding", "down")
    if rounding not in ROUNDINGS:
        block.error("rounding", f"rounding '{rounding}' is not known; use down or nearest")
    agencies = block.text("agencies", "each")
    if agencies not in AGENCY_MODES:
        block.error("agencies", f"agencies '{agencies}' is not known; use each or combined")
    if agencies != "combined":
        for key in ("agency_method", "agency_weight"):
            if key in data:
                block.error(key, f"{key} is only used with agencies: combined")
    return JudgementRule(
        method=method,
        rounding=rounding,
        caps=tuple(_caps(block)),
        questions=block.text_list("questions"),
        description=block.text("description"),
        limit_at=block.text("limit_at"),
        otherwise=otherwise,
        agencies=agencies,
        agency_method=_method(block, "agency_method", JudgementMethod.BEST_FIT),
        agency_weight=_weight(block),
        line=data.line,
        field_lines=dict(data.key_lines),
    )


def _method(block: Block, key: str, default: JudgementMethod) -> JudgementMethod:
    text = block.text(key, default.value)
    if text in METHOD_ALIASES:
        return METHOD_ALIASES[text]
    try:
        return JudgementMethod(text)
    except ValueError:
        block.error(key, f"{key} '{text}' is not known; use one of: {METHOD_NAMES}")
        return default


def _weight(block: Block) -> int:
    value = block.data.get("agency_weight", 1)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 20:
        block.error("agency_weight", "agency_weight must be a whole number from 1 to 20")
        return 1
    return value


def _caps(rule: Block) -> list[Cap]:
    caps = []
    items = rule.items("caps")
    for index, item in enumerate(items):
        if not isinstance(item, MarkedDict):
            rule.problems.add(
                items.line_of(index), f"{rule.what} cap {index + 1} must be a block with if_any and at_most"
            )
            continue
        block = Block(item, f"{rule.what} cap {index + 1}", rule.problems)
        block.check_keys(CAP_KEYS, required=CAP_KEYS)
        caps.append(Cap(block.text("if_any"), block.text("at_most")))
    return caps


def build_self_tests(top: Block) -> tuple[SelfTest, ...]:
    tests = []
    items = top.items("self_tests")
    for index, item in enumerate(items):
        if not isinstance(item, MarkedDict):
            top.problems.add(items.line_of(index), f"self-test {index + 1} must be a block of fields")
            continue
        name = item.get("name") if isinstance(item.get("name"), str) else str(index + 1)
        block = Block(item, f"self-test '{name}'", top.problems)
        block.check_keys(SELF_TEST_KEYS, required=("name",))
        tests.append(
            SelfTest(
                name=str(name),
                answers=_mapping(block, "answers"),
                subject=_mapping(block, "subject"),
                expect_visible=block.text_list("expect_visible"),
                expect_hidden=block.text_list("expect_hidden"),
                expect_missing=block.text_list("expect_missing"),
                expect_judgements=_judgement_expectations(block),
                expect_warnings=block.text_list("expect_warnings"),
                expect_no_warnings=block.text_list("expect_no_warnings"),
                today=_today(block),
                line=item.line,
            )
        )
    return tuple(tests)


def _today(block: Block) -> str | None:
    value = block.optional_text("today")
    if value is not None:
        try:
            date.fromisoformat(value)
        except ValueError:
            block.error("today", f"today '{value}' must be a date in the form YYYY-MM-DD")
            return None
    return value


def _mapping(block: Block, key: str) -> dict[str, Any]:
    data = block.block(key)
    return {k: _plain(v) for k, v in data.items()} if data is not None else {}


def _plain(value: Any) -> Any:
    """Marked containers back to plain JSON-like values (answers are stored as plain JSON)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | MarkedList):
        return [_plain(v) for v in value]
    return value


def _judgement_expectations(block: Block) -> dict[str, str | None]:
    data = block.block("expect_judgements")
    if data is None:
        return {}
    result: dict[str, str | None] = {}
    for scope, value in data.items():
        if value is not None and not isinstance(value, str):
            block.problems.add(data.line_of(scope), f"{block.what} expected judgement for '{scope}' must be a code")
            continue
        result[scope] = value
    return result

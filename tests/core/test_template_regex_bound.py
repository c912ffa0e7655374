"""Issue 11: template regular expressions (subject ``pattern`` and ``regex()`` in ``relevant``,
``constraint`` and ``warning``) run in bounded time, and patterns that cannot are refused when the
template is checked."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from lscp_audit.core.errors import TemplateError
from lscp_audit.core.expressions import safe_regex
from lscp_audit.core.templates.loader import check_template_text, load_template_text
from lscp_audit.core.validation import validate_answer, validate_subject

FIXTURE = Path(__file__).parents[1] / "services" / "fixtures" / "mini_audit.yaml"
EVIL = "^(a+)+$"
ATTACK = "a" * 40 + "!"  # 2^40 backtracking steps for Python's re


def _finishes(work: Callable[[], object], seconds: float = 5.0) -> bool:
    """Run `work` in a thread; True when it returned in time (a hang is left running, daemonised)."""
    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    thread.join(seconds)
    return not thread.is_alive()


def _template(**swap: str) -> str:
    text = FIXTURE.read_text(encoding="utf-8")
    for old, new in swap.items():
        assert old in text
        text = text.replace(old, new)
    return text


def test_catastrophic_pattern_in_an_expression_is_matched_in_linear_time() -> None:
    text = _template(**{'constraint: ". >= 0 and . <= 365"': f"constraint: \"regex(., '{EVIL}')\""})
    text = text.replace("type: number\n        label: Working days", "type: short_text\n        label: Working days")
    text = text.replace('warning: ". <= 1"', f"warning: \"regex(., '{EVIL}')\"")
    template = load_template_text(text, run_tests=False)
    started = time.monotonic()
    assert _finishes(lambda: validate_answer(template, "days_to_decision", ATTACK))
    assert time.monotonic() - started < 5


def test_catastrophic_subject_pattern_is_matched_in_linear_time() -> None:
    template = load_template_text(_template(**{'"MACA-[0-9]{4}-[0-9]{2}-[0-9]{2}"': f"'{EVIL}'"}), run_tests=False)
    result: list[object] = []
    assert _finishes(lambda: result.append(validate_subject(template, {"case_reference": ATTACK})))
    assert result and result[0]


@pytest.mark.parametrize("pattern", ["(?=MACA)MACA-[0-9]+", "(MACA)-\\\\1", "x" * 2000])
def test_pattern_that_cannot_run_in_linear_time_is_refused_at_check(pattern: str) -> None:
    text = _template(**{'"MACA-[0-9]{4}-[0-9]{2}-[0-9]{2}"': f'"{pattern}"'})
    _template_obj, problems = check_template_text(text, "shared.yaml")
    assert any("pattern" in p.message for p in problems), problems
    with pytest.raises(TemplateError):
        load_template_text(text, "shared.yaml")


def test_unsafe_regex_call_is_refused_at_check() -> None:
    text = _template(**{'constraint: ". >= 0 and . <= 365"': "constraint: \"regex(., '(a)\\\\1')\""})
    text = text.replace("type: number\n        label: Working days", "type: short_text\n        label: Working days")
    text = text.replace('warning: ". <= 1"', "warning: \"regex(., 'a')\"")
    _template_obj, problems = check_template_text(text, "shared.yaml")
    assert any("not supported" in p.message for p in problems), problems


def test_safe_regex_never_raises_on_odd_text() -> None:
    assert safe_regex.search("a", "\ud800") is False  # a lone surrogate cannot be UTF-8 encoded
    assert safe_regex.fullmatch("a+", "a" * (safe_regex.MAX_TEXT_CHARS + 1)) is False
    assert safe_regex.fullmatch("[A-Z]{2}-\\d+", "AB-12")

"""Bounded regular expressions for templates (``pattern`` of subject fields, and ``regex()`` in
``relevant``, ``constraint`` and ``warning`` expressions).

Templates are shared between partnerships, so their patterns are untrusted input: a pattern with
catastrophic backtracking (``(a+)+$``) would hang Python's `re` for hours on a short answer. Every
template pattern therefore runs on RE2 (``google-re2``), whose matching time is linear in the
text, with a cap on the pattern's length and on the memory its compiled program may use. Patterns
RE2 cannot run in linear time (back-references, look-around) are refused when the template is
checked or imported, with the reason. Matching a text longer than `MAX_TEXT_CHARS` is refused
(counts as no match) rather than attempted.

RE2 syntax is Python's for everything templates use (classes, ``\\d``, ``{m,n}``, anchors, groups,
``(?P<name>…)``). Two differences: ``\\d`` and ``\\w`` mean ASCII digits and word characters, and
``$`` matches only at the very end (Python's also matches before a final newline).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

MAX_PATTERN_CHARS = 1000
MAX_TEXT_CHARS = 100_000
MAX_PROGRAM_BYTES = 4 << 20  # RE2's memory budget for one compiled pattern


class UnsafePattern(ValueError):
    """A pattern that is invalid, too large, or cannot run in linear time; the message says why."""


def _options() -> Any:
    import re2

    options = re2.Options()
    options.log_errors = False  # RE2 would print parse errors to stderr
    options.max_mem = MAX_PROGRAM_BYTES
    return options


@lru_cache(maxsize=256)
def _compile(pattern: str) -> Any:
    import re2

    if len(pattern) > MAX_PATTERN_CHARS:
        raise UnsafePattern(f"the pattern is longer than {MAX_PATTERN_CHARS} characters")
    try:
        return re2.compile(pattern, options=_options())
    except re2.error as exc:
        detail = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        if "perl operator" in detail or "escape sequence" in detail:
            detail += " (look-around and back-references are not supported: they can make matching hang)"
        raise UnsafePattern(detail) from None
    except (TypeError, ValueError, UnicodeError) as exc:
        raise UnsafePattern(f"the pattern cannot be used ({type(exc).__name__})") from None


def pattern_problem(pattern: str) -> str | None:
    """Why `pattern` cannot be used in a template, or None when it can."""
    try:
        _compile(pattern)
    except UnsafePattern as exc:
        return str(exc)
    return None


def compiled(pattern: str) -> Any | None:
    """The compiled RE2 pattern, or None when `pattern_problem` would report one."""
    try:
        return _compile(pattern)
    except UnsafePattern:
        return None


def _run(pattern: str, text: str, whole: bool) -> bool:
    program = compiled(pattern)
    if program is None or len(text) > MAX_TEXT_CHARS:
        return False
    try:
        found = program.fullmatch(text) if whole else program.search(text)
    except (UnicodeError, TypeError, ValueError):  # e.g. a lone surrogate cannot be UTF-8 encoded
        return False
    return found is not None


def search(pattern: str, text: str) -> bool:
    """True when `pattern` matches somewhere in `text` (bounded time; False if unusable)."""
    return _run(pattern, text, whole=False)


def fullmatch(pattern: str, text: str) -> bool:
    """True when `pattern` matches the whole of `text` (bounded time; False if unusable)."""
    return _run(pattern, text, whole=True)

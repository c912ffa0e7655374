"""Terminal-safe text for everything the CLI prints.

Titles, subjects, answers, file names and error messages can come from templates, imported
reports or other people's vaults. Printed raw, an escape sequence in them could rewrite the
terminal (move the cursor, hide text, change the window title, or on some terminals worse).
`sanitise` replaces every control character except newline and tab with a visible ``\\uNNNN``
escape (also valid inside JSON strings), including C1 controls (``\\x9b`` is a one-byte CSI), lone surrogates and the
Unicode bidirectional overrides that can make text read differently from what it is.
`SafeStream` wraps ``sys.stdout`` so every ``print`` of a command goes through it.
"""

from __future__ import annotations

import re
from typing import Any, TextIO

_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group(0)):04x}"


_UNSAFE_KEEP_CR = re.compile(_UNSAFE.pattern.replace("\\x0b-\\x1f", "\\x0b\\x0c\\x0e-\\x1f"))


def sanitise(text: str, *, keep_carriage_return: bool = False) -> str:
    """`text` with terminal control characters made visible (newline and tab kept; carriage
    return too when asked, for a progress line redrawn in place)."""
    return (_UNSAFE_KEEP_CR if keep_carriage_return else _UNSAFE).sub(_escape, text)


class SafeStream:
    """A text stream that sanitises what is written to it (``print(..., file=SafeStream(...))``)."""

    def __init__(self, stream: TextIO, *, keep_carriage_return: bool = False) -> None:
        self._stream = stream
        self._keep_cr = keep_carriage_return

    def write(self, text: str) -> int:
        self._stream.write(sanitise(text, keep_carriage_return=self._keep_cr))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

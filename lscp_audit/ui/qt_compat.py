"""Work-around for a reference-count bug seen with PySide6 6.12 on Python 3.11.

Every call of a Qt method that returns nothing (``setText``, ``setFocus``, ``processEvents``, ...)
drops one reference to ``None`` that it never took, and some paths do the same to ``True`` and
``False``. After some tens of thousands of calls the interpreter aborts with "Fatal Python
error: none_dealloc" (or ``bool_dealloc``), losing the user's session. Python 3.12 and later
make these objects immortal, so nothing is needed there. On 3.11 we give them a very large
reference count once, at start-up, which has the same effect.
"""

from __future__ import annotations

import ctypes
import sys

_PINNED = False
_HUGE = 1 << 40


def pin_singletons() -> None:
    """Make None, True and False effectively immortal on Python < 3.12 (idempotent)."""
    global _PINNED
    if _PINNED or sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    for obj in (None, True, False):
        # ob_refcnt is the first field of every CPython object (a Py_ssize_t).
        ctypes.c_ssize_t.from_address(id(obj)).value += _HUGE
    _PINNED = True

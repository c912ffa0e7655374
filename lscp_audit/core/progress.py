"""Progress reporting and cancellation for long work (export, import, demo), as plain callables.

Long operations take ``progress: Callable[[int, str], None]`` (percent, short step label) and an
optional `CancelToken`. The UI turns these into signals; the CLI ignores them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol

from lscp_audit.core.errors import Cancelled

Progress = Callable[[int, str], None]


class SupportsCancel(Protocol):
    """Anything with `raise_if_cancelled()`: `CancelToken` here or the UI's token in ui/ops.py."""

    def raise_if_cancelled(self) -> None: ...


def no_progress(_percent: int, _step: str) -> None:
    """The default progress callback: does nothing."""


class CancelToken:
    """A thread-safe flag the UI sets and the worker checks between steps."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        """Raise `Cancelled` if `cancel()` was called."""
        if self._event.is_set():
            raise Cancelled("the operation was cancelled")


def check(cancel: SupportsCancel | None) -> None:
    """Raise `Cancelled` when `cancel` is set; a None token never cancels."""
    if cancel is not None:
        cancel.raise_if_cancelled()

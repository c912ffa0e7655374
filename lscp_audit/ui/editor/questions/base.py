"""The contract every question input follows: load a value, report the value, go read-only.

A `QuestionInput` only edits the answer value. The surrounding `QuestionBlock` adds the label,
required marker, evidence box, messages and the warning reason, and turns it all into an
`Answer` (load -> check -> save, style R9).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QWidget

from lscp_audit.core.templates.model import Option, Question
from lscp_audit.core.templates.scales import FIXED_OPTIONS


def options_of(question: Question) -> tuple[Option, ...]:
    """The question's options, falling back to the built-in scale for fixed types."""
    return question.options or FIXED_OPTIONS.get(question.type, ())


class ReadOnlyFilter(QObject):
    """Makes check boxes and radio buttons read-only but readable: they keep their normal
    colours and stay in the Tab order (a screen reader reads them), but clicks and keys that
    would change them are ignored. Disabled grey buttons are hard to read."""

    _BLOCKED = {QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick}
    _ALLOWED_KEYS = {Qt.Key.Key_Tab, Qt.Key.Key_Backtab}

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() in self._BLOCKED:
            return True
        if isinstance(event, QKeyEvent) and event.type() in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            return event.key() not in self._ALLOWED_KEYS
        return False


def set_buttons_read_only(owner: QObject, buttons: list[QWidget], read_only: bool) -> None:
    """Apply or lift `ReadOnlyFilter` on `buttons` (one filter object per `owner`)."""
    guard = owner.findChild(ReadOnlyFilter)
    if guard is None:
        guard = ReadOnlyFilter(owner)
    for button in buttons:
        button.removeEventFilter(guard)
        if read_only:
            button.installEventFilter(guard)
        description = button.accessibleDescription().removesuffix(" (read-only)")
        button.setAccessibleDescription(description + (" (read-only)" if read_only else ""))


class QuestionInput(QWidget):
    """Base class: subclasses build their editor and emit `edited` on every user change."""

    edited = Signal()

    def __init__(
        self, question: Question, context: dict[str, Any] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.question = question
        self.context = context or {}

    def load(self, value: Any) -> None:
        """Show `value` (None: unanswered) without emitting `edited`."""
        raise NotImplementedError

    def value(self) -> Any:
        """The current answer value, or None when unanswered."""
        raise NotImplementedError

    def set_read_only(self, read_only: bool) -> None:
        raise NotImplementedError

    def problem(self) -> str:
        """What stops the input being an answer yet, in plain words ("" when nothing does),
        e.g. text in a date field that is not a date."""
        return ""

    def draft(self) -> Any:
        """Unfinished work that `value()` does not carry (JSON-compatible), e.g. half-written
        action rows; None when there is none. Kept in the vault as a draft until finished."""
        return None

    def load_draft(self, draft: Any) -> None:
        """Show unfinished work kept by `draft()` (after `load`)."""

    def commit_editing(self) -> None:
        """Take in what is being typed in an open cell editor (before a save on lock or quit)."""

    def describe(self, name: str, description: str) -> None:
        """Give the focusable parts an accessible name and description."""
        for child in self.focus_widgets():
            child.setAccessibleName(name if child.accessibleName() == "" else child.accessibleName())
            child.setAccessibleDescription(description)

    def focus_widgets(self) -> list[QWidget]:
        """The widgets that take keyboard focus, in tab order."""
        return [self]

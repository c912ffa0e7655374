"""A date input people can type into: ``15/09/2026``, ``15 Sep 2026``, ``2026-09-15`` or
``today``, with a calendar (Alt+Down, F4 or the button) that opens on the chosen date or today.

- `DateLineEdit`: the text field alone (used as the SMART actions Due cell editor). Empty means
  "Not set" (or "Any" in a filter); there is no sentinel date. Text that is not one clear date is
  kept as typed and reported by `error()`; it is never turned into another date.
- `DateField`: the line edit, a "Calendar" button and an error line under them (forms and
  filters). Tab moves on to the next control like any text field.

Both give the date as `date()` (``datetime.date`` or None) and `iso()` (``2026-09-15`` or
None), show it as ``15 Sep 2026`` once editing finishes (so a screen reader reads the date,
not the digits typed), and emit `edited` on every change the user makes.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QCalendarWidget, QHBoxLayout, QLabel, QLineEdit, QToolButton, QVBoxLayout, QWidget

from lscp_audit.ui.widgets.date_text import HINT, DateReading, parse_iso_date, read_date, show_date

NOT_SET = "Not set"


class CalendarPopup(QCalendarWidget):
    """A month calendar in a pop-up window; Enter or a click picks the date, Esc closes."""

    picked = Signal(object)  # datetime.date

    def __init__(self, parent: QWidget, start: dt.date) -> None:
        super().__init__(parent)
        self.setWindowFlags(Qt.WindowType.Popup)
        self.setGridVisible(True)
        self.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.setAccessibleName(parent.accessibleName() + ": calendar")
        self.setSelectedDate(QDate(start.year, start.month, start.day))
        self.activated.connect(self._pick)
        self.clicked.connect(self._pick)

    def _pick(self, chosen: QDate) -> None:
        self.picked.emit(dt.date(chosen.year(), chosen.month(), chosen.day()))
        self.close()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if event.key() == Qt.Key.Key_Escape:
            self.close()
            return
        super().keyPressEvent(event)


class DateLineEdit(QLineEdit):
    """A one-line date field; see the module docstring."""

    edited = Signal()

    def __init__(self, name: str, empty_text: str = NOT_SET, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.empty_text = empty_text
        self.setPlaceholderText(empty_text)
        self.setAccessibleName(name)
        self.setAccessibleDescription(f"{HINT} Empty means {empty_text}. Alt+Down opens a calendar.")
        self.setToolTip(f"{HINT} Alt+Down opens a calendar.")
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("28 Sept 2026__") + 16)
        self.popup: CalendarPopup | None = None
        self.textEdited.connect(lambda _text: self.edited.emit())
        self.editingFinished.connect(self.tidy)

    # -- value -----------------------------------------------------------------------------

    def reading(self) -> DateReading:
        return read_date(self.text())

    def date(self) -> dt.date | None:
        """The date typed, or None when the field is empty or not a date."""
        return self.reading().value

    def iso(self) -> str | None:
        value = self.date()
        return value.isoformat() if value is not None else None

    def error(self) -> str:
        """What is wrong with the text, in words that say what to type ("" when fine or empty)."""
        return self.reading().error

    def is_set(self) -> bool:
        return self.date() is not None

    def set_date(self, value: dt.date | str | None) -> None:
        """Show `value` (a date, ISO text, or None for "Not set"); does not emit `edited`."""
        chosen = parse_iso_date(value) if isinstance(value, str) else value
        self.setText(show_date(chosen))

    def clear_date(self) -> None:
        """Back to "Not set", as the user would (emits `edited`)."""
        if self.text():
            self.clear()
            self.edited.emit()

    def tidy(self) -> None:
        """Rewrite a valid date as ``15 Sep 2026`` (what a screen reader then reads)."""
        value = self.date()
        if value is not None and self.text() != show_date(value):
            self.setText(show_date(value))

    # -- calendar --------------------------------------------------------------------------

    def open_calendar(self) -> None:
        """Open the calendar on the date typed, or today when there is none."""
        if self.isReadOnly():
            return
        self.popup = CalendarPopup(self, self.date() or dt.date.today())
        self.popup.picked.connect(self._picked)
        self.popup.move(self.mapToGlobal(QPoint(0, self.height())))
        self.popup.show()
        self.popup.setFocus(Qt.FocusReason.PopupFocusReason)

    def _picked(self, chosen: dt.date) -> None:
        self.setText(show_date(chosen))
        self.setFocus(Qt.FocusReason.PopupFocusReason)
        self.edited.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        alt_down = event.key() == Qt.Key.Key_Down and event.modifiers() & Qt.KeyboardModifier.AltModifier
        if alt_down or event.key() == Qt.Key.Key_F4:
            self.open_calendar()
            return
        super().keyPressEvent(event)


class DateField(QWidget):
    """`DateLineEdit` + a Calendar button + an error line (hidden while there is no error).

    The error appears when editing finishes (Enter or leaving the field) and goes as soon as
    the text becomes a date or is cleared. `edited` fires on every user change.
    """

    edited = Signal()

    def __init__(
        self, name: str, empty_text: str = NOT_SET, parent: QWidget | None = None, *, show_errors: bool = True
    ) -> None:
        super().__init__(parent)
        self.line = DateLineEdit(name, empty_text)
        self.calendar_button = QToolButton()
        self.calendar_button.setText(self.tr("Calendar…"))
        self.calendar_button.setAccessibleName(f"{name}: choose from a calendar")
        self.calendar_button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.calendar_button.clicked.connect(self.line.open_calendar)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setVisible(False)
        self.show_errors = show_errors
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.line)
        row.addWidget(self.calendar_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.error_label)
        self.setFocusProxy(self.line)
        self.line.edited.connect(self._edited)
        self.line.editingFinished.connect(self.show_error)
        self.line.installEventFilter(self)

    def _edited(self) -> None:
        if not self.line.error():
            self.error_label.setVisible(False)
        self.edited.emit()

    def show_error(self) -> None:
        """Show what is wrong with the text (or hide the line when nothing is)."""
        error = self.line.error()
        self.error_label.setText("✖ " + error if error else "")
        self.error_label.setAccessibleName(error)
        self.error_label.setVisible(bool(error) and self.show_errors)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.line and event.type() == QEvent.Type.FocusOut:
            self.show_error()
        return False

    # pass-throughs ------------------------------------------------------------------------

    def date(self) -> dt.date | None:
        return self.line.date()

    def iso(self) -> str | None:
        return self.line.iso()

    def error(self) -> str:
        return self.line.error()

    def text(self) -> str:
        return self.line.text()

    def set_text(self, text: str) -> None:
        """Show raw text (a kept draft); does not emit `edited`."""
        self.line.setText(text)
        self.show_error()

    def set_date(self, value: dt.date | str | None) -> None:
        self.line.set_date(value)
        self.show_error()

    def clear_date(self) -> None:
        self.line.clear_date()
        self.show_error()

    def set_read_only(self, read_only: bool) -> None:
        self.line.setReadOnly(read_only)
        self.calendar_button.setVisible(not read_only)

    def focus_widgets(self) -> list[QWidget]:
        return [self.line, self.calendar_button]

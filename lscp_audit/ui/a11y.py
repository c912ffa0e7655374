"""Accessibility helpers: fill in accessible names an embedded page left empty, so screen readers
never meet an unnamed input on our screens; status labels whose accessible name is their message
and whose changes are announced; dialog buttons in the order they are shown."""

from __future__ import annotations

from typing import TypeVar

from PySide6 import QtGui
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent, QTextDocumentFragment
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QComboBox,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

EDITABLE = (QAbstractSpinBox, QComboBox, QLineEdit, QPlainTextEdit)
AreaT = TypeVar("AreaT", bound=QAbstractScrollArea)


def fill_missing_accessibility(root: QWidget, fallback_name: str) -> None:
    """Name unnamed inputs from their placeholder, tooltip or `fallback_name`; describe editable
    inputs that have a name but no description with that name."""
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, (*EDITABLE, QAbstractItemView)) or _inside_compound(widget):
            continue
        if not widget.accessibleName():
            placeholder = widget.placeholderText() if isinstance(widget, QLineEdit | QPlainTextEdit) else ""
            widget.setAccessibleName(placeholder or widget.toolTip() or fallback_name)
        if isinstance(widget, EDITABLE) and not widget.accessibleDescription():
            widget.setAccessibleDescription(widget.accessibleName())


def _inside_compound(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractSpinBox | QComboBox | QAbstractItemView):
            return True
        parent = parent.parentWidget()
    return False


def announce(widget: QWidget, message: str, *, assertive: bool = False) -> None:
    """Ask the screen reader (if one is listening) to read `message` out now (WCAG 4.1.3).
    `assertive` interrupts what it is saying: for problems that stop the user."""
    if not message or not QAccessible.isActive():
        return
    event = QAccessibleAnnouncementEvent(widget, message)
    if assertive:
        event.setPoliteness(QAccessible.AnnouncementPoliteness.Assertive)
    QAccessible.updateAccessibility(event)


class StatusLabel(QLabel):
    """A label showing a status message ("Saved", an unlock problem). Its accessible name is the
    message itself, so a screen reader reading the label says what happened; `role_name` ("Autosave
    status") is its description, and its name while it shows nothing. Setting a new message
    announces it (Qt sends NameChanged as the name changes, plus an announcement event)."""

    def __init__(self, role_name: str, parent: QWidget | None = None, *, assertive: bool = False) -> None:
        super().__init__(parent)
        self.role_name = role_name
        self.assertive = assertive
        self.setAccessibleName(role_name)
        self.setAccessibleDescription(role_name)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt override)
        self.set_status(text)

    def clear(self) -> None:
        self.set_status("")

    def set_status(self, text: str, *, quiet: bool = False) -> None:
        """Show `text` (rich text allowed where the label's format allows it); `quiet` for passing
        states ("Saving…") that would only make a screen reader talk over the user."""
        changed = text != self.text()
        super().setText(text)
        spoken = self.plain_text()
        self.setAccessibleName(spoken or self.role_name)
        if changed and not quiet:
            announce(self, spoken, assertive=self.assertive)

    def plain_text(self) -> str:
        text = self.text()
        rich = self.textFormat() == Qt.TextFormat.RichText or (
            self.textFormat() == Qt.TextFormat.AutoText and QtGui.Qt.mightBeRichText(text)
        )
        return " ".join(QTextDocumentFragment.fromHtml(text).toPlainText().split()) if rich else text


def buttons_in_shown_order(box: QDialogButtonBox) -> None:
    """Make Tab visit `box`'s buttons in the order the platform's button layout shows them (Qt's
    focus chain follows the order the buttons were added, so Cancel could come before the default
    action shown first)."""
    layout = box.layout()
    if layout is None:
        return
    shown: list[QAbstractButton] = []
    for index in range(layout.count()):
        item = layout.itemAt(index)
        widget = item.widget() if item is not None else None
        if isinstance(widget, QAbstractButton) and not widget.isHidden():
            shown.append(widget)
    for first, second in zip(shown, shown[1:], strict=False):
        QWidget.setTabOrder(first, second)


def name_typing_field(combo: QComboBox) -> None:
    """Give an editable combo box's typing field the combo's name and description (a screen
    reader that lands in the field would otherwise meet an unnamed text box)."""
    line = combo.lineEdit()
    if line is not None:
        line.setAccessibleName(combo.accessibleName())
        line.setAccessibleDescription(combo.accessibleDescription())


def not_a_tab_stop(area: AreaT) -> AreaT:
    """A scroll area around controls: Tab goes straight to the controls (the page scrolls to the
    one with the focus) instead of stopping on the area itself, which a screen reader can only
    announce as an empty "filler"."""
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return area


def tab_order(*widgets: QWidget | None) -> None:
    """Tab visits `widgets` one after the other (None is left out)."""
    shown = [w for w in widgets if w is not None]
    for first, second in zip(shown, shown[1:], strict=False):
        QWidget.setTabOrder(first, second)


def after_in_tab_order(container: QWidget, *widgets: QWidget) -> None:
    """Move `widgets` in the Tab order to just after the last control inside `container`: for a
    pane shown to the right of one whose controls are created later (Qt puts a new control at
    the end of the window's Tab order, after a pane made earlier)."""
    last: QWidget | None = None
    node = container.nextInFocusChain()
    while node is not None and node is not container:
        if container.isAncestorOf(node) and node.focusPolicy() & Qt.FocusPolicy.TabFocus:
            last = node
        node = node.nextInFocusChain()
    if last is not None:
        tab_order(last, *widgets)


def name_splitter_handles(splitter: QSplitter, *areas: str) -> None:
    """Name each handle of `splitter` after the two areas it resizes ("Divider between Sections and
    Questions"); call it once every area has been added. `areas` name the splitter's widgets in order."""
    for index in range(1, splitter.count()):
        before = areas[index - 1] if index - 1 < len(areas) else ""
        after = areas[index] if index < len(areas) else ""
        name = QCoreApplication.translate("a11y", "Divider between %1 and %2").replace("%1", before)
        splitter.handle(index).setAccessibleName(name.replace("%2", after) if before and after else name_of_divider())


def name_of_divider() -> str:
    return QCoreApplication.translate("a11y", "Divider")


class _FollowVisibility(QObject):
    """Shows or hides `group` as its only child is shown or hidden."""

    def __init__(self, group: QWidget, child: QWidget) -> None:
        super().__init__(group)
        self.group = group
        child.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.ShowToParent:
            self.group.setVisible(True)
        elif event.type() == QEvent.Type.HideToParent:
            self.group.setVisible(False)
        return False


def named_group(name: str, child: QWidget, description: str = "") -> QGroupBox:
    """An untitled, frameless group around `child` whose accessible name is `name` (and shown or
    hidden with `child`). For a control whose own accessible name Qt takes from its content: a tab
    bar is always named after its selected tab, so a screen reader hears "Agencies" from the group
    as focus enters it, then the tab."""
    group = QGroupBox()
    group.setFlat(True)
    group.setStyleSheet("QGroupBox { border: none; margin: 0; padding: 0; }")
    group.setAccessibleName(name)
    if description:
        group.setAccessibleDescription(description)
    layout = QVBoxLayout(group)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(child)
    group.setVisible(not child.isHidden())
    _FollowVisibility(group, child)
    return group

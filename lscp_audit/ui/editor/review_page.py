"""The Complete step: what is missing (activate to jump there), judgements, amendment reasons,
and the Complete / Amend / Sign and export buttons."""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from lscp_audit.core.judgements import Judgement
from lscp_audit.services.audit_types import AmendedAnswer, MissingAnswer
from lscp_audit.ui.a11y import tab_order
from lscp_audit.ui.display import judgement_value_text, level_html

MissingRole = Qt.ItemDataRole.UserRole + 1


class ReviewPageWidget(QWidget):
    """Review before completing; every control is reachable with Tab."""

    jump_requested = Signal(object)  # MissingAnswer
    override_requested = Signal(object, str)  # Judgement, its title
    reason_edited = Signal(str, str)  # answer key, reason

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel(self.tr("<h2>Review and complete</h2>"))
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.missing = QListWidget()
        self.missing.setAccessibleName(self.tr("Missing answers"))
        self.missing.setAccessibleDescription(self.tr("Press Enter on an item to go to that question"))
        self.missing.itemActivated.connect(self._jump)
        self.missing.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.missing.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.missing.itemClicked.connect(self._jump)
        self.judgements = QGroupBox(self.tr("Judgements"))
        self.judgements_form = QFormLayout(self.judgements)
        self.reasons = QGroupBox(self.tr("Reasons for changed answers"))
        self.reasons_form = QFormLayout(self.reasons)
        self.reason_edits: dict[str, QLineEdit] = {}
        self.complete_button = QPushButton(self.tr("&Complete audit"))
        self.complete_button.setAccessibleDescription(self.tr("Check required answers and make the audit read-only"))
        self.amend_button = QPushButton(self.tr("A&mend…"))
        self.amend_button.setAccessibleDescription(self.tr("Start a new revision; the completed one is kept"))
        self.next_round_button = QPushButton(self.tr("Start the ne&xt round from this return…"))
        self.next_round_button.setAccessibleDescription(
            self.tr("A new draft with this return's answers carried forward, each to confirm (Section 11)")
        )
        self.next_round_button.setVisible(False)
        self.sign_button = QPushButton(self.tr("&Sign and export…"))
        self.sign_button.setAccessibleDescription(self.tr("Sign the completed audit and export it as a PDF report"))
        self._layout()

    def _layout(self) -> None:
        buttons = QHBoxLayout()
        for button in (self.complete_button, self.amend_button, self.next_round_button, self.sign_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.summary)
        self.missing_label = QLabel(self.tr("Missin&g answers:"))
        self.missing_label.setBuddy(self.missing)
        layout.addWidget(self.missing_label)
        layout.addWidget(self.missing)
        layout.addWidget(self.reasons)
        layout.addWidget(self.judgements)
        layout.addLayout(buttons)
        layout.addStretch(1)

    def show_missing(
        self,
        missing: Sequence[MissingAnswer],
        read_only: bool,
        agency_labels: dict[str, str],
        unfinished: Sequence[MissingAnswer] = (),
    ) -> None:
        """`unfinished`: answers with work kept as a draft (they block completing too)."""
        self.missing.clear()
        marked = [(item, "") for item in missing] + [
            (item, self.tr(" (unfinished, kept as a draft)")) for item in unfinished
        ]
        for item, note in marked:
            agency = agency_labels.get(item.agency or "", item.agency or "")
            where = f"{item.section_title} — {agency}" if agency else item.section_title
            row = QListWidgetItem(f"{item.label}{note} — {where}")  # the question first: it is what is cut last
            row.setToolTip(row.text())
            row.setData(MissingRole, item)
            self.missing.addItem(row)
        self.missing.setVisible(bool(marked))
        rows = min(len(marked), 10) + 1
        self.missing.setFixedHeight(
            self.missing.sizeHintForRow(0) * rows + 2 * self.missing.frameWidth() if marked else 0
        )
        self.missing_label.setVisible(bool(marked))
        if read_only:
            self.summary.setText(self.tr("This audit is complete and read-only. Amend it to make changes."))
        elif marked:
            parts = []
            if missing:
                count = len(missing)
                one, many = self.tr("1 required answer is missing."), self.tr("%1 required answers are missing.")
                parts.append((one if count == 1 else many).replace("%1", str(count)))
            if unfinished:
                count = len(unfinished)
                one = self.tr("1 answer is unfinished (kept as a draft).")
                many = self.tr("%1 answers are unfinished (kept as drafts).")
                parts.append((one if count == 1 else many).replace("%1", str(count)))
            self.summary.setText(" ".join(parts) + " " + self.tr("Choose one to go there."))
        else:
            self.summary.setText(self.tr("Every required question is answered. You can complete the audit."))

    def show_judgements(self, views: Sequence[tuple[Judgement, str]], read_only: bool) -> None:
        """`views` pairs each judgement with its title (section title and agency, or Overall).
        While the audit is a draft (not `read_only`), a judgement that still depends on an
        unanswered graded question is shown as Provisional."""
        _clear_form(self.judgements_form)
        for view, title in views:
            label = QLabel(f"<b>{html.escape(title)}</b>")
            label.setWordWrap(True)
            self.judgements_form.addRow(label, self._judgement_row(view, title, read_only))
        self.judgements.setVisible(bool(views))
        self._order_tab_stops()

    def _judgement_row(self, view: Judgement, title: str, read_only: bool) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        plain, rich = judgement_value_text(view, draft=not read_only)
        text = self.tr("Derived: %1. Rule: %2").replace("%1", plain).replace("%2", view.rule_text)
        rich = self.tr("Derived: %1. Rule: %2").replace("%1", rich).replace("%2", html.escape(view.rule_text))
        if view.override is not None:
            level = view.scale_info.level(view.override.value)
            text += self.tr("\nOverridden to %1 because: %2").replace("%1", view.label)
            text = text.replace("%2", view.override.rationale)
            rich += self.tr("<br>Overridden to %1 because: %2").replace("%1", level_html(level, view.label))
            rich = rich.replace("%2", html.escape(view.override.rationale))
        label = QLabel(rich)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setAccessibleName(f"{title}: {text}")
        label.setWordWrap(True)
        layout.addWidget(label)
        if not read_only:
            button = QPushButton(self.tr("Override…") if view.override is None else self.tr("Change override…"))
            button.setAccessibleName(self.tr("Override the judgement: %1").replace("%1", title))
            button.clicked.connect(lambda _checked=False, v=view, t=title: self.override_requested.emit(v, t))
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
        return box

    def show_amended(self, changed: Sequence[AmendedAnswer], read_only: bool) -> None:
        _clear_form(self.reasons_form)
        self.reason_edits.clear()
        for item in changed:
            edit = QLineEdit(item.reason or "")
            edit.setReadOnly(read_only)
            edit.setAccessibleName(self.tr("Reason for changing: %1").replace("%1", item.label))
            edit.setAccessibleDescription(self.tr("Why this answer differs from the previous revision"))
            edit.editingFinished.connect(lambda key=item.key, e=edit: self.reason_edited.emit(key, e.text()))
            label = QLabel(item.label + (f" ({item.agency})" if item.agency else ""))
            label.setWordWrap(True)
            self.reasons_form.addRow(label, edit)
            self.reason_edits[item.key] = edit
        self.reasons.setVisible(bool(changed))
        self._order_tab_stops()

    def _order_tab_stops(self) -> None:
        """Top to bottom as shown: missing answers, reasons, overrides, then the buttons (the rows
        are made after the buttons, so Qt would put them last)."""
        overrides = [
            w
            for row in range(self.judgements_form.rowCount())
            if (item := self.judgements_form.itemAt(row, QFormLayout.ItemRole.FieldRole)) is not None
            and (box := item.widget()) is not None
            for w in box.findChildren(QPushButton)
        ]
        tab_order(
            self.missing,
            *self.reason_edits.values(),
            *overrides,
            self.complete_button,
            self.amend_button,
            self.next_round_button,
            self.sign_button,
        )

    def first_control(self) -> QWidget:
        """Where the focus goes on arriving: Complete on a draft, otherwise the first thing that can be done."""
        for widget in (self.complete_button, self.sign_button, self.amend_button, self.missing):
            if widget.isVisibleTo(self) and widget.isEnabled():
                return widget
        return self

    def set_state(self, read_only: bool, can_amend: bool, sign_available: bool) -> None:
        self.complete_button.setVisible(not read_only)
        self.amend_button.setVisible(can_amend)
        self.sign_button.setEnabled(read_only and sign_available)
        what = self.tr("Sign the completed audit and export it as a PDF report")
        if not sign_available:
            why = self.tr("Signing and export are not available here")
        elif not read_only:
            why = self.tr("Complete the audit first; then you can sign and export it")
        else:
            why = ""
        self.sign_button.setToolTip(why)  # a disabled button says why
        self.sign_button.setAccessibleDescription(why or what)

    def _jump(self, item: QListWidgetItem) -> None:
        self.jump_requested.emit(item.data(MissingRole))


def _clear_form(form: QFormLayout) -> None:
    while form.rowCount():
        form.removeRow(0)

"""Record progress on one action of a signed return: its status, the date the progress is
reported as at, who reported it and a note (docs/analysis.md, "Action progress updates").

The signed return is never changed: `AnalysisService.record_action_update` stores the update as a
record of its own, checking it again (a quarantined return, an unknown status, a date in the
future are refused with the reason). `open_action_update` reads the action's earlier updates and
records the new one off the GUI thread; the dialog itself only collects the choices. Every
control has an accessible name and is reached with Tab; Enter records, Esc cancels.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from lscp_audit.core.action_updates import MAX_NOTE_CHARS, STATUS_LABELS, shown_date
from lscp_audit.ui import ops, screen_fit
from lscp_audit.ui.a11y import StatusLabel, buttons_in_shown_order
from lscp_audit.ui.errors import show_error
from lscp_audit.ui.widgets.date_input import DateField

if TYPE_CHECKING:
    from lscp_audit.core.action_updates import ActionUpdate
    from lscp_audit.core.analysis import ActionEntry
    from lscp_audit.services.analysis_service import AnalysisService


class ActionUpdateDialog(QDialog):
    """The choices for one progress update; read them with `status()`, `as_of()`,
    `reported_by()` and `note()` after `accepted`."""

    def __init__(
        self,
        entry: ActionEntry,
        earlier: list[ActionUpdate],
        today: dt.date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.entry = entry
        self.today = today
        title = self.tr("Record progress on action %1 of %2").replace("%1", str(entry.index + 1))
        title = title.replace("%2", entry.report_id)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        due = shown_date(entry.due) if entry.due else self.tr("no due date")
        late = self.tr(" It is <b>overdue</b>.") if entry.overdue else ""
        self.intro = QLabel(
            self.tr(
                "<b>%1</b><br>Owner: %2. Due: %3. Status now: %4 (from %5).%6<br>The signed return is not "
                "changed: the update is kept as a record of its own."
            )
            .replace("%1", html.escape(entry.action or self.tr("(no action text)")))
            .replace("%2", html.escape(entry.owner or self.tr("not named")))
            .replace("%3", html.escape(due))
            .replace("%4", html.escape(entry.status or self.tr("not set")))
            .replace("%5", html.escape(entry.status_from))
            .replace("%6", late)
        )
        self.intro.setWordWrap(True)
        self.intro.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.intro.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.history = QLabel(self._history_text(earlier))
        self.history.setWordWrap(True)
        self.history.setAccessibleName(self.tr("Earlier progress updates"))

        self.status_combo = QComboBox()
        for code, label in STATUS_LABELS.items():
            self.status_combo.addItem(label, code)
        self.status_combo.setAccessibleName(self.tr("Status"))
        self.status_combo.setAccessibleDescription(
            self.tr("Open, In progress or Complete. Overdue is worked out from the due date.")
        )
        current = self.status_combo.findData(entry.status_code)
        self.status_combo.setCurrentIndex(max(0, current))
        self.date_field = DateField(self.tr("Progress as at"), self.tr("Today"))
        self.date_field.line.setText(shown_date(today.isoformat()))
        self.date_field.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.reported_edit = QLineEdit()
        self.reported_edit.setAccessibleName(self.tr("Reported by"))
        self.reported_edit.setAccessibleDescription(self.tr("Optional: who gave the update"))
        self.reported_edit.setPlaceholderText(self.tr("Who gave the update, e.g. the owning agency's lead"))
        self.note_edit = QPlainTextEdit()
        self.note_edit.setAccessibleName(self.tr("Progress note"))
        self.note_edit.setAccessibleDescription(
            self.tr("Optional, up to %1 characters. Tab moves on.").replace("%1", str(MAX_NOTE_CHARS))
        )
        self.note_edit.setPlaceholderText(self.tr("What has been done, or what is in the way"))
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setMaximumHeight(110)

        form = QFormLayout()
        for label, field in (
            (self.tr("&Status:"), self.status_combo),
            (self.tr("Progress &as at:"), self.date_field),
            (self.tr("Reported &by:"), self.reported_edit),
            (self.tr("&Note:"), self.note_edit),
        ):
            caption = QLabel(label)
            caption.setBuddy(field.line if isinstance(field, DateField) else field)
            form.addRow(caption, field)
        self.problem = StatusLabel(self.tr("What is still needed"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.record_button = self.buttons.addButton(self.tr("&Record update"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.record_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        buttons_in_shown_order(self.buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.history)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.date_field.edited.connect(self._update)
        self.note_edit.textChanged.connect(self._update)
        self.reported_edit.textChanged.connect(self._update)
        screen_fit.fit_to_screen(self, 620, 420)
        self.status_combo.setFocus()
        self._update()

    def _history_text(self, earlier: list[ActionUpdate]) -> str:
        if not earlier:
            return self.tr("No progress has been recorded on this action yet.")
        newest_first = list(reversed(sorted(earlier, key=lambda u: u.sort_key)))
        lines = [self.tr("Earlier updates (newest first):")]
        lines += [f"• {u.describe()}" for u in newest_first[:5]]
        if len(newest_first) > 5:
            lines.append(self.tr("… and %1 older.").replace("%1", str(len(newest_first) - 5)))
        return "\n".join(lines)

    # -- what was chosen ------------------------------------------------------------------------

    def status(self) -> str:
        return str(self.status_combo.currentData())

    def as_of(self) -> str:
        """The date as ISO text ("" when the field is empty: today)."""
        return self.date_field.iso() or ""

    def reported_by(self) -> str:
        return self.reported_edit.text().strip()

    def note(self) -> str:
        return self.note_edit.toPlainText().strip()

    def missing(self) -> str:
        """What must change before the update can be recorded, or ""."""
        if self.date_field.line.text().strip() and self.date_field.iso() is None:
            return self.tr("Write the date like 28/11/2026 or 28 Nov 2026, or leave it empty for today.")
        chosen = self.date_field.date()
        if chosen is not None and chosen > self.today:
            return self.tr("The progress date is in the future.")
        if len(self.note()) > MAX_NOTE_CHARS:
            return self.tr("Keep the note to %1 characters.").replace("%1", str(MAX_NOTE_CHARS))
        return ""

    def _update(self) -> None:
        missing = self.missing()
        self.problem.setText(missing)
        self.record_button.setEnabled(not missing)
        self.record_button.setToolTip(missing or self.tr("Keep this update with the action"))


def open_action_update(
    parent: QWidget,
    service: AnalysisService,
    entry: ActionEntry,
    recorded: Callable[[ActionUpdate], None],
    shown: Callable[[ActionUpdateDialog], None] | None = None,
) -> None:
    """Read the action's earlier updates (off the GUI thread), show the dialog, and record the
    update the user confirms (off the GUI thread); then call `recorded`. Errors are shown with
    their reason; nothing is stored when the service refuses. `shown` receives the dialog once
    it is open (tests and screenshots)."""
    return_id, number = entry.return_id, entry.index + 1

    def load(_ctx: ops.OpContext) -> list[ActionUpdate]:
        return service.action_updates(return_id, number)

    def ask(earlier: list[ActionUpdate]) -> None:
        dialog = ActionUpdateDialog(entry, earlier, service.today(), parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda d=dialog: save(d.status(), d.note(), d.as_of(), d.reported_by()))
        dialog.open()
        if shown is not None:
            shown(dialog)

    def save(status: str, note: str, as_of: str, reported_by: str) -> None:
        def work(_ctx: ops.OpContext) -> ActionUpdate:
            return service.record_action_update(
                return_id, number, status=status, note=note, as_of=as_of, reported_by=reported_by
            )

        ops.BackgroundOp(parent=parent, op=work, success=recorded).failure(failed).run()

    def failed(exc: BaseException) -> None:
        show_error(parent, exc, parent.tr("The progress update was not recorded"))

    ops.BackgroundOp(parent=parent, op=load, success=ask).failure(failed).run()

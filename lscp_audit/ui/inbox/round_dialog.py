"""New round: an audit round's id, title, phase, template, period, deadline, localities and the
returns it expects (agencies for a Section 11 round; case references or a number of cases per
locality for a case-audit round). `PartnershipService.create_round` checks it; every problem
is listed by field and nothing is stored until it passes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from lscp_audit.core.errors import LscpAuditError
from lscp_audit.core.partnership import (
    SUGGESTED_PHASES,
    ExpectedAgency,
    ExpectedCase,
    ExpectedCount,
    PartnershipInvalid,
    Round,
)
from lscp_audit.ui.a11y import StatusLabel, buttons_in_shown_order
from lscp_audit.ui.errors import show_error
from lscp_audit.ui.screen_fit import fit_to_screen
from lscp_audit.ui.widgets.date_input import DateField

if TYPE_CHECKING:
    from lscp_audit.services.partnership_service import PartnershipService

CodeRole = Qt.ItemDataRole.UserRole + 3


def _checklist(name: str, description: str, items: list[tuple[str, str]]) -> QListWidget:
    widget = QListWidget()
    widget.setAccessibleName(name)
    widget.setAccessibleDescription(description + " Space ticks or unticks the current item.")
    for code, label in items:
        item = QListWidgetItem(label)
        item.setData(CodeRole, code)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
        widget.addItem(item)
    widget.setMinimumHeight(widget.fontMetrics().lineSpacing() * 6)
    return widget


def ticked(widget: QListWidget) -> tuple[str, ...]:
    return tuple(
        str(widget.item(i).data(CodeRole))
        for i in range(widget.count())
        if widget.item(i).checkState() == Qt.CheckState.Checked
    )


class NewRoundDialog(QDialog):
    """A new round, or (`existing`) a round to edit. `created` holds the stored round after
    Create round (or Save round) succeeds. An edited round keeps its id: the returns filed under
    it and the audits started for it name that id."""

    def __init__(
        self, service: PartnershipService, parent: QWidget | None = None, existing: Round | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("New audit round") if existing is None else self.tr("Edit audit round"))
        self.service = service
        self.existing = existing
        self.created: Round | None = None
        profile = service.profile()
        form = QFormLayout()
        self.id_edit = self._line(
            self.tr("Round id"), self.tr("Lower-case letters, digits and '-', e.g. da-2026-baseline")
        )
        self.title_edit = self._line(self.tr("Title"), self.tr("For example Domestic abuse multi-agency audit 2026"))
        self.phase = QComboBox()
        self.phase.setEditable(True)
        self.phase.addItems(["", *SUGGESTED_PHASES])
        self.phase.setAccessibleName(self.tr("Phase"))
        self.phase.setAccessibleDescription(self.tr("A label such as baseline or after training; type your own"))
        self.template = QComboBox()
        self.template.setAccessibleName(self.tr("Template"))
        self.template.setAccessibleDescription(self.tr("The template audits and returns of this round use"))
        for choice in self._templates():
            self.template.addItem(f"{choice[1]} ({choice[0]})", choice[0])
        self.period_start = DateField(self.tr("Period reviewed from"))
        self.period_end = DateField(self.tr("Period reviewed to"))
        self.deadline = DateField(self.tr("Deadline for returns"))
        self.localities = _checklist(
            self.tr("Localities of the round"),
            self.tr("Tick the localities the round covers; none ticked means all."),
            [(loc.code, loc.label) for loc in profile.localities],
        )
        self.agencies = _checklist(
            self.tr("Agencies expected to return"),
            self.tr("For a Section 11 round: tick each agency that must send a return."),
            [(a.code, f"{a.label} ({a.sector_label})") for a in profile.agencies],
        )
        self.cases = QPlainTextEdit()
        self.cases.setTabChangesFocus(True)
        self.cases.setAccessibleName(self.tr("Case references expected"))
        self.cases.setAccessibleDescription(
            self.tr("For a case-audit round: one case reference per line; add @locality to tie it to one")
        )
        self.cases.setPlaceholderText(self.tr("One per line, e.g. DA-2026-001 or DA-2026-001@north"))
        self.cases.setMaximumHeight(self.fontMetrics().lineSpacing() * 5)
        self.case_count = QSpinBox()
        self.case_count.setRange(0, 5000)
        self.case_count.setAccessibleName(self.tr("Case audits expected per locality"))
        self.case_count.setAccessibleDescription(
            self.tr(
                "A number of case audits expected in each ticked locality (or in all, when none is ticked); 0 for none"
            )
        )
        rows: list[tuple[str, QWidget]] = [
            (self.tr("Round &id:"), self.id_edit),
            (self.tr("&Title:"), self.title_edit),
            (self.tr("P&hase:"), self.phase),
            (self.tr("Te&mplate:"), self.template),
            (self.tr("Period &from:"), self.period_start),
            (self.tr("Period t&o:"), self.period_end),
            (self.tr("&Deadline:"), self.deadline),
            (self.tr("&Localities:"), self.localities),
            (self.tr("&Agencies expected:"), self.agencies),
            (self.tr("Case r&eferences:"), self.cases),
            (self.tr("Case audits per localit&y:"), self.case_count),
        ]
        for text, field in rows:
            label = QLabel(text)
            label.setBuddy(field.line if isinstance(field, DateField) else field)
            form.addRow(label, field)
        self.problems = StatusLabel(self.tr("Round problems"), assertive=True)
        self.problems.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.create_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.create_button.setText(self.tr("C&reate round"))
        self.buttons.accepted.connect(self.create_round)
        self.buttons.rejected.connect(self.reject)
        buttons_in_shown_order(self.buttons)
        if existing is not None:
            self._fill(existing)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.addLayout(form)
        body_layout.addWidget(self.problems)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.buttons)
        fit_to_screen(self, 720, 760)

    def _fill(self, item: Round) -> None:
        """Show a stored round for editing; its id cannot change."""
        self.id_edit.setText(item.id)
        self.id_edit.setReadOnly(True)
        self.id_edit.setAccessibleDescription(
            self.tr("The round's id cannot change: returns filed under the round and audits started for it name it")
        )
        self.title_edit.setText(item.title)
        self.phase.setCurrentText(item.phase)
        index = self.template.findData(item.template_id)
        if index < 0 and item.template_id:
            self.template.addItem(item.template_id, item.template_id)
            index = self.template.count() - 1
        self.template.setCurrentIndex(max(index, 0))
        for field, value in (
            (self.period_start, item.period_start),
            (self.period_end, item.period_end),
            (self.deadline, item.deadline),
        ):
            if value:
                field.set_date(value)
        for widget, codes in (
            (self.localities, set(item.localities)),
            (self.agencies, {a.agency for a in item.expected_agencies}),
        ):
            for i in range(widget.count()):
                entry = widget.item(i)
                entry.setCheckState(Qt.CheckState.Checked if entry.data(CodeRole) in codes else Qt.CheckState.Unchecked)
        self.cases.setPlainText(
            "\n".join(f"{c.reference}@{c.locality}" if c.locality else c.reference for c in item.expected_cases)
        )
        counts = {c.count for c in item.expected_counts}
        self.case_count.setValue(counts.pop() if len(counts) == 1 else 0)
        self.create_button.setText(self.tr("Sa&ve round"))

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        first = self.id_edit if self.existing is None else self.title_edit
        first.setFocus(Qt.FocusReason.OtherFocusReason)  # the first field, not the first list

    def _line(self, name: str, description: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setAccessibleName(name)
        edit.setAccessibleDescription(description)
        edit.setPlaceholderText(description)
        return edit

    def _templates(self) -> list[tuple[str, str]]:
        try:
            return self.service.template_choices()
        except LscpAuditError as exc:
            show_error(self, exc)
            return []

    def round_entered(self) -> Round:
        """The round as typed (not yet checked)."""
        localities = ticked(self.localities)
        # An agency expected for one locality keeps it (the list shows agencies only).
        places = {a.agency: a.locality for a in (self.existing.expected_agencies if self.existing else ())}
        cases = []
        for line in self.cases.toPlainText().splitlines():
            reference, _sep, locality = line.strip().partition("@")
            if reference.strip():
                cases.append(ExpectedCase(reference.strip(), locality.strip()))
        counts: tuple[ExpectedCount, ...] = ()
        kept = self.existing.expected_counts if self.existing is not None else ()
        if not self.case_count.value() and len({c.count for c in kept}) > 1:
            counts = kept  # counts that differ by locality are kept as they were (the field shows one)
        elif self.case_count.value():
            counts = tuple(ExpectedCount(self.case_count.value(), code) for code in localities) or (
                ExpectedCount(self.case_count.value()),
            )
        return Round(
            id=self.id_edit.text().strip(),
            title=self.title_edit.text().strip(),
            phase=self.phase.currentText().strip(),
            period_start=self.period_start.iso() or "",
            period_end=self.period_end.iso() or "",
            template_id=str(self.template.currentData() or ""),
            deadline=self.deadline.iso() or "",
            localities=localities,
            expected_agencies=tuple(ExpectedAgency(code, places.get(code, "")) for code in ticked(self.agencies)),
            expected_cases=tuple(cases),
            expected_counts=counts,
        )

    def _date_problems(self) -> list[str]:
        problems = []
        for name, field in (
            (self.tr("Period from"), self.period_start),
            (self.tr("Period to"), self.period_end),
            (self.tr("Deadline"), self.deadline),
        ):
            if field.error():
                problems.append(f"{name}: {field.error()}")
        return problems

    def create_round(self) -> None:
        problems = self._date_problems()
        if problems:
            self.problems.setText("\n".join(problems))
            return
        try:
            if self.existing is None:
                self.created = self.service.create_round(self.round_entered())
            else:
                self.created = self.service.upsert_round(self.round_entered())
        except PartnershipInvalid as exc:
            lines = [f"{p.field}: {p.message}" if p.field else p.message for p in exc.problems]
            failed = (
                self.tr("The round was not created:") if self.existing is None else self.tr("The round was not saved:")
            )
            self.problems.setText(failed + "\n" + "\n".join(lines))
            return
        except LscpAuditError as exc:
            show_error(self, exc)
            return
        self.accept()

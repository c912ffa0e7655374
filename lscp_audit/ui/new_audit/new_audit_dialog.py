"""New audit: choose a template (title, description, version), then the subject fields with
checks (case reference format; a warning when it looks like a person's name).

Messages appear for a field once the auditor leaves it, and for all fields after the first
attempt to create the audit. The auditor's name, role and agency come filled in from the
user's settings. Tab goes through the form in reading order and reaches Create audit and
Cancel last; Esc asks before throwing away anything typed."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from lscp_audit.core.audit import Auditor
from lscp_audit.core.errors import LscpAuditError
from lscp_audit.core.templates.model import Template
from lscp_audit.services.audit_types import AnswerRejected, SubjectCheck
from lscp_audit.ui.a11y import name_splitter_handles
from lscp_audit.ui.errors import show_error
from lscp_audit.ui.new_audit.subject_form import SubjectFormWidget
from lscp_audit.ui.screen_fit import fit_to_screen
from lscp_audit.ui.timers import single_shot_timer

if TYPE_CHECKING:
    from lscp_audit.services.audit_service import AuditService

ChoiceRole = Qt.ItemDataRole.UserRole + 1
CHECK_DELAY_MS = 250


class NewAuditDialog(QDialog):
    """Creates the audit through `AuditService.new_audit`; `created_id` holds its id."""

    def __init__(
        self,
        service: AuditService,
        template_lookup: Callable[[str], Template],
        auditor: Auditor | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("New audit"))
        self.service = service
        self.template_lookup = template_lookup
        self.auditor = auditor or Auditor()
        self.created_id: str | None = None
        self.submitted = False
        self.form: SubjectFormWidget | None = None
        self._check: SubjectCheck | None = None
        self._timer = single_shot_timer(self, CHECK_DELAY_MS)
        self._timer.timeout.connect(self.run_check)
        self._build()
        self._fill_templates()
        self.templates.setFocus()
        fit_to_screen(self, 980, 720)

    def _build(self) -> None:
        self.templates = QListWidget()
        self.templates.setAccessibleName(self.tr("Templates"))
        self.templates.setAccessibleDescription(self.tr("Choose the template the audit follows"))
        self.templates.currentItemChanged.connect(lambda item, _old: self._template_chosen(item))
        self.templates.setWordWrap(True)
        self.templates.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.about = QLabel()
        self.about.setWordWrap(True)
        self.about.setTextFormat(Qt.TextFormat.RichText)
        self.title_edit = QLineEdit()
        self.title_edit.setAccessibleName(self.tr("Audit title"))
        self.title_edit.setAccessibleDescription(self.tr("Optional short title; never a child's name"))
        self.auditor_name = self._line(self.auditor.name, self.tr("Your name"), self.tr("Recorded as the auditor"))
        self.auditor_role = self._line(self.auditor.role, self.tr("Your role"), self.tr("For example designated nurse"))
        self.auditor_agency = self._line(
            self.auditor.agency, self.tr("Your agency"), self.tr("The agency you audit for")
        )
        self.fields = QScrollArea()
        self.fields.setWidgetResizable(True)
        self.fields.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # its inputs take focus, not the frame
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.create_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.create_button.setText(self.tr("&Create audit"))
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.create_audit)
        self.buttons.rejected.connect(self.reject)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        template_label = QLabel(self.tr("&Template:"))
        template_label.setBuddy(self.templates)
        left_layout.addWidget(template_label)
        left_layout.addWidget(self.templates)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        about_scroll = QScrollArea()
        about_scroll.setWidgetResizable(True)
        about_scroll.setWidget(self.about)
        about_scroll.setMaximumHeight(self.fontMetrics().lineSpacing() * 9)
        about_scroll.setMinimumHeight(self.fontMetrics().lineSpacing() * 6)
        about_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        about_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.about.setAccessibleName(self.tr("About the template"))
        right_layout.addWidget(about_scroll)
        title_row = QFormLayout()
        title_row.addRow(self.tr("T&itle (optional):"), self.title_edit)
        who = QHBoxLayout()
        for edit in (self.auditor_name, self.auditor_role, self.auditor_agency):
            who.addWidget(edit)
        who_label = QLabel(self.tr("Au&ditor:"))
        who_label.setBuddy(self.auditor_name)
        title_row.addRow(who_label, who)
        right_layout.addLayout(title_row)
        right_layout.addWidget(self.fields, 1)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([280, 600])
        name_splitter_handles(splitter, self.tr("Templates"), self.tr("the new audit's details"))
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.buttons)

    def _line(self, text: str, name: str, description: str) -> QLineEdit:
        edit = QLineEdit(text)
        edit.setCursorPosition(0)  # a long prefilled name shows its start
        edit.setPlaceholderText(name)
        edit.setAccessibleName(name)
        edit.setAccessibleDescription(description)
        return edit

    def auditor_entered(self) -> Auditor:
        return Auditor(
            self.auditor_name.text().strip(), self.auditor_role.text().strip(), self.auditor_agency.text().strip()
        )

    def _fill_templates(self) -> None:
        try:
            choices = self.service.template_choices()
        except LscpAuditError as exc:
            show_error(self, exc)
            choices = ()
        for choice in choices:
            item = QListWidgetItem(f"{choice.title}\nversion {choice.version}")
            item.setData(ChoiceRole, choice)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{choice.title}, version {choice.version}")
            self.templates.addItem(item)
        if self.templates.count():
            self.templates.setCurrentRow(0)

    def _template_chosen(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        choice = item.data(ChoiceRole)
        self.about.setText(
            f"<h3>{html.escape(choice.title)}</h3><p>{html.escape(choice.description)}</p>"
            f"<p><small>{self.tr('Version')} {html.escape(choice.version)}</small></p>"
        )
        try:
            template = self.template_lookup(choice.id)
        except LscpAuditError as exc:
            show_error(self, exc)
            return
        self.form = SubjectFormWidget(template)
        self.form.changed.connect(self._timer.start)
        self.form.left_field.connect(lambda _key: self.run_check())
        self.fields.setWidget(self.form)
        self._check = None
        if self.submitted:
            self.form.reveal_all()
        self._order_focus()

    def focus_chain(self) -> list[QWidget]:
        """Reading order: template, title, auditor, subject fields, then Create audit, Cancel."""
        chain: list[QWidget] = [self.templates, self.title_edit, self.auditor_name, self.auditor_role]
        chain += [self.auditor_agency, *(self.form.focus_chain() if self.form else [])]
        return [*chain, self.create_button, self.cancel_button]

    def _order_focus(self) -> None:
        chain = self.focus_chain()
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def focusNextPrevChild(self, forward: bool) -> bool:  # noqa: N802 - Qt override
        """Wrap from Cancel back to the template list (and the other way with Shift+Tab)."""
        chain = self.focus_chain()
        focus = QApplication.focusWidget()
        if forward and focus is chain[-1]:
            chain[0].setFocus(Qt.FocusReason.TabFocusReason)
            return True
        if not forward and focus is chain[0]:
            chain[-1].setFocus(Qt.FocusReason.BacktabFocusReason)
            return True
        return super().focusNextPrevChild(forward)

    @property
    def template_id(self) -> str | None:
        item = self.templates.currentItem()
        return item.data(ChoiceRole).id if item is not None else None

    def run_check(self) -> SubjectCheck | None:
        if self.form is None or self.template_id is None:
            return None
        try:
            for field_id, value in self.service.round_defaults(self.template_id, self.form.values()).items():
                self.form.set_value(field_id, value)  # the round's only locality
            self._check = self.service.check_subject(self.template_id, self.form.values())
        except LscpAuditError as exc:
            show_error(self, exc)
            return None
        errors = {p.field_id: p.message for p in self._check.errors}
        warnings = {p.field_id: p.message for p in self._check.warnings}
        self.form.show_problems(errors, warnings)
        return self._check

    def create_audit(self) -> None:
        self.submitted = True
        if self.form is not None:
            self.form.reveal_all()
        check = self.run_check()
        if check is None or self.form is None or self.template_id is None:
            return
        if not check.ok:
            self._focus_problem(check.errors[0].field_id)
            return
        if check.warnings and not self._confirm_warnings(check):
            self._focus_problem(check.warnings[0].field_id)
            return
        try:
            record = self.service.new_audit(
                self.template_id,
                self.form.values(),
                auditor=self.auditor_entered(),
                title=self.title_edit.text().strip(),
            )
        except AnswerRejected as exc:
            self.form.show_problems({p.field_id: p.message for p in exc.fields}, {})
            return
        except LscpAuditError as exc:
            show_error(self, exc)
            return
        self.created_id = record.id
        self.accept()

    def _confirm_warnings(self, check: SubjectCheck) -> bool:
        text = "\n".join(p.message for p in check.warnings)
        answer = QMessageBox.warning(
            self,
            self.tr("Check the subject"),
            text + "\n\n" + self.tr("Case references must be pseudonymised. Create the audit anyway?"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def has_typed(self) -> bool:
        """Anything typed that closing would throw away (prefilled auditor details do not count)."""
        typed_auditor = self.auditor_entered() != Auditor(
            self.auditor.name.strip(), self.auditor.role.strip(), self.auditor.agency.strip()
        )
        form_typed = self.form is not None and self.form.has_input()
        return bool(self.title_edit.text().strip()) or typed_auditor or form_typed

    def reject(self) -> None:
        """Esc, Cancel or the close button: ask first when something was typed."""
        if self.created_id is None and self.has_typed() and not self._confirm_discard():
            return
        super().reject()

    def _confirm_discard(self) -> bool:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Discard this new audit?"),
            self.tr("The audit has not been created yet. What you typed in this form will be lost."),
            parent=self,
        )
        discard = box.addButton(self.tr("&Discard"), QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton(self.tr("&Keep editing"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.exec()
        return box.clickedButton() is discard

    def _focus_problem(self, field_id: str) -> None:
        if self.form is not None and field_id in self.form.inputs:
            self.form.inputs[field_id].focus_widgets()[0].setFocus()

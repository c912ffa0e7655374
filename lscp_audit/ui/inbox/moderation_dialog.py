"""Record a moderation outcome for one return: agree, or moderated ratings per section or
Section 11 standard (levels of the return's own scale), each with a rationale.

The dialog only collects the choices; `ImportedReturnsWidget` signs and stores them off the GUI
thread with `ModerationService.record`, which checks them again (and refuses a signing
certificate not trusted as a QA moderator). Every control is named for screen readers and
reachable with Tab; the table's rows are ordered as the return's judgements are.
"""

from __future__ import annotations

import html

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from lscp_audit.core.moderation import AGREE, MODERATED
from lscp_audit.services.moderation_service import JudgementInput, ModerationForm
from lscp_audit.ui import screen_fit
from lscp_audit.ui.a11y import StatusLabel, buttons_in_shown_order

NO_CHANGE = ""


class ModerationDialog(QDialog):
    """Choices for one return's moderation; read them with `outcome()`, `rationale()` and
    `judgements()` after `accepted`."""

    def __init__(self, form: ModerationForm, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = form
        self.setWindowTitle(self.tr("Moderate return %s") % form.report_id)
        self.setAccessibleName(self.tr("Moderate return %s") % form.report_id)
        intro = QLabel(
            self.tr(
                "Record the moderation of <b>%s</b>. It is signed with your signing identity, which this vault "
                "must trust as a QA moderator. The return's own ratings are not changed; the moderation is shown "
                "beside them. Ratings use the return's scale: %s."
            )
            % (html.escape(form.report_id), html.escape(", ".join(level.label for level in form.levels)))
        )
        intro.setWordWrap(True)
        self.agree = QRadioButton(self.tr("&Agree with the return's ratings"))
        self.moderated = QRadioButton(self.tr("Give &moderated ratings"))
        self.agree.setChecked(True)
        group = QButtonGroup(self)
        for button in (self.agree, self.moderated):
            group.addButton(button)
            button.toggled.connect(lambda _on: self._update())
        outcome = QGroupBox(self.tr("Outcome"))
        outcome_layout = QVBoxLayout(outcome)
        outcome_layout.addWidget(self.agree)
        outcome_layout.addWidget(self.moderated)
        self.rationale_edit = QPlainTextEdit()
        self.rationale_edit.setAccessibleName(self.tr("Rationale for the outcome"))
        self.rationale_edit.setPlaceholderText(self.tr("Why you agree, or what the moderation found"))
        self.rationale_edit.setTabChangesFocus(True)
        self.rationale_edit.setMaximumHeight(90)
        rationale_label = QLabel(self.tr("&Rationale (required):"))
        rationale_label.setBuddy(self.rationale_edit)
        self.ratings: list[tuple[QComboBox, QLineEdit]] = []
        self.ratings_box = QGroupBox(self.tr("Moderated ratings (leave “No change” where you agree)"))
        grid = QGridLayout(self.ratings_box)
        for column, text in enumerate(
            (self.tr("Judgement"), self.tr("Self-rating"), self.tr("Moderated"), self.tr("Why"))
        ):
            grid.addWidget(QLabel(f"<b>{text}</b>"), 0, column)
        for row, scope in enumerate(form.scopes, start=1):
            title = QLabel(scope.title)
            title.setWordWrap(True)
            own = QLabel(scope.self_label or self.tr("Not derived"))
            choice = QComboBox()
            choice.addItem(self.tr("No change"), NO_CHANGE)
            for level in form.levels:
                choice.addItem(level.label, level.code)
            choice.setAccessibleName(self.tr("Moderated rating for %s") % scope.title)
            choice.setAccessibleDescription(self.tr("Self-rating: %s") % (scope.self_label or self.tr("Not derived")))
            why = QLineEdit()
            why.setAccessibleName(self.tr("Rationale for %s") % scope.title)
            why.setPlaceholderText(self.tr("Rationale for this rating"))
            choice.currentIndexChanged.connect(lambda _i: self._update())
            why.textChanged.connect(lambda _t: self._update())
            for column, widget in enumerate((title, own, choice, why)):
                grid.addWidget(widget, row, column)
            self.ratings.append((choice, why))
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(3, 3)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.ratings_box)
        self.problem = StatusLabel(self.tr("What is still needed"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.sign_button = self.buttons.addButton(self.tr("&Sign and record"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        buttons_in_shown_order(self.buttons)
        self.rationale_edit.textChanged.connect(self._update)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(outcome)
        layout.addWidget(rationale_label)
        layout.addWidget(self.rationale_edit)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        screen_fit.fit_to_screen(self, 820, 640)
        self._update()

    def outcome(self) -> str:
        return MODERATED if self.moderated.isChecked() else AGREE

    def rationale(self) -> str:
        return self.rationale_edit.toPlainText().strip()

    def judgements(self) -> list[JudgementInput]:
        if self.outcome() == AGREE:
            return []
        chosen = []
        for scope, (choice, why) in zip(self.form.scopes, self.ratings, strict=True):
            code = choice.currentData()
            if code:
                chosen.append(JudgementInput(scope.scope, str(code), why.text().strip(), scope.agency))
        return chosen

    def missing(self) -> str:
        """What must still be filled in before signing, or ""."""
        if not self.rationale():
            return self.tr("Give a rationale for the outcome.")
        if self.outcome() == AGREE:
            return ""
        chosen = self.judgements()
        if not chosen:
            return self.tr("Choose at least one moderated rating, or agree.")
        without = [j for j in chosen if not j.rationale]
        if without:
            return self.tr("Give a rationale for each moderated rating.")
        return ""

    def _update(self) -> None:
        moderated = self.outcome() == MODERATED
        self.ratings_box.setEnabled(moderated)
        missing = self.missing()
        self.problem.setText(missing)
        self.sign_button.setEnabled(not missing)
        self.sign_button.setToolTip(missing or self.tr("Sign the moderation record and store it in the vault"))

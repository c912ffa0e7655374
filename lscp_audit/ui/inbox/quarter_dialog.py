"""The choices before saving the quarterly action report: which quarter, and whether the case
references go in (left out unless chosen, as `lscp-audit actions export --case-references`)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from lscp_audit.ui import screen_fit
from lscp_audit.ui.a11y import buttons_in_shown_order


@dataclass(frozen=True)
class QuarterChoice:
    quarter: str  # "2026-Q3"
    case_references: bool


class QuarterDialog(QDialog):
    """`quarters` are described quarters ("2026-Q4 (1 Oct to 31 Dec 2026)"), newest first; the
    first is chosen. Read the choice with `choice()` after `accepted`."""

    def __init__(self, quarters: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = self.tr("Quarterly action report")
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.quarter_combo = QComboBox()
        self.quarter_combo.addItems(quarters)
        self.quarter_combo.setAccessibleName(self.tr("Quarter"))
        self.quarter_combo.setAccessibleDescription(self.tr("The current quarter runs to today"))
        self.case_references = QCheckBox(self.tr("Include case &references"))
        self.case_references.setAccessibleDescription(
            self.tr("Adds each action's case reference. Left out unless you choose it.")
        )
        self.warning = QLabel(
            self.tr(
                "Without case references the report can go to the partnership board and agencies. With "
                "them it points to individual children's cases: keep it within the QA subgroup."
            )
        )
        self.warning.setWordWrap(True)
        self.warning.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.warning.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        form = QFormLayout()
        caption = QLabel(self.tr("&Quarter (the current one runs to today):"))
        caption.setBuddy(self.quarter_combo)
        form.addRow(caption, self.quarter_combo)
        form.addRow(self.case_references)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.next_button = self.buttons.addButton(
            self.tr("&Choose where to save…"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.next_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        buttons_in_shown_order(self.buttons)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.warning)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        screen_fit.fit_to_screen(self, 520, 170)
        self.quarter_combo.setFocus()

    def choice(self) -> QuarterChoice:
        quarter = self.quarter_combo.currentText().split(" ", 1)[0]
        return QuarterChoice(quarter, self.case_references.isChecked())

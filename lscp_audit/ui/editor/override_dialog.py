"""Replace a derived judgement: choose the judgement and give the rationale (required)."""

from __future__ import annotations

import html

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from lscp_audit.core.judgements import Judgement


class OverrideDialog(QDialog):
    """OK stays disabled until a rationale is written."""

    def __init__(self, view: Judgement, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Override judgement"))
        self.clear_requested = False
        derived = view.derived_label or self.tr("none yet")
        intro = QLabel(
            self.tr("<b>%1</b><br>Derived judgement: %2<br>Rule: %3")
            .replace("%1", html.escape(title))
            .replace("%2", derived)
            .replace("%3", html.escape(view.rule_text))
        )
        intro.setWordWrap(True)
        self.choice = QComboBox()
        for option in view.options:  # the levels of the scale the template judges on
            self.choice.addItem(option.label, option.code)
        start = view.override.value if view.override is not None else view.derived
        self.choice.setCurrentIndex(max(0, self.choice.findData(start)))  # the derived one when not overridden
        self.choice.setAccessibleName(self.tr("Judgement"))
        self.choice.setAccessibleDescription(self.tr("The judgement that replaces the derived one"))
        self.reason = QPlainTextEdit(view.override.rationale if view.override else "")
        self.reason.setTabChangesFocus(True)
        self.reason.setAccessibleName(self.tr("Rationale"))
        self.reason.setAccessibleDescription(self.tr("Why the derived judgement does not fit (required)"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        if view.override is not None:
            clear = QPushButton(self.tr("Use the derived judgement"))
            clear.clicked.connect(self._clear)
            self.buttons.addButton(clear, QDialogButtonBox.ButtonRole.ResetRole)
        form = QFormLayout(self)
        form.addRow(intro)
        form.addRow(self.tr("&Judgement:"), self.choice)
        form.addRow(self.tr("&Rationale (required):"), self.reason)
        form.addRow(self.buttons)
        self.reason.textChanged.connect(self._update_ok)
        self._update_ok()
        self.resize(520, 320)

    def _update_ok(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.rationale()))
        why = "" if ok.isEnabled() else self.tr("Write the rationale first")
        ok.setToolTip(why)  # a disabled button says why
        ok.setAccessibleDescription(why or self.tr("Override the derived judgement"))

    def _clear(self) -> None:
        self.clear_requested = True
        self.accept()

    def value(self) -> str:
        return str(self.choice.currentData())

    def rationale(self) -> str:
        return self.reason.toPlainText().strip()

"""A new-passphrase entry with confirmation and a strength meter."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QProgressBar, QWidget

from lscp_audit.services.passphrase import passphrase_problems, passphrase_strength


class PassphraseField(QWidget):
    """Passphrase + repeat, with live strength feedback. `changed` fires on every edit."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.first = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.first.setAccessibleName(self.tr("New passphrase"))
        self.second = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.second.setAccessibleName(self.tr("Repeat the passphrase"))
        self.meter = QProgressBar(minimum=0, maximum=4, textVisible=False)
        self.meter.setAccessibleName(self.tr("Passphrase strength"))
        self.feedback = QLabel(wordWrap=True)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.tr("&Passphrase:"), self.first)
        form.addRow(self.tr("&Repeat:"), self.second)
        form.addRow(self.tr("Strength:"), self.meter)
        form.addRow("", self.feedback)
        self.first.textChanged.connect(self._update)
        self.second.textChanged.connect(self._update)
        self._update()

    def passphrase(self) -> str:
        return self.first.text()

    def problems(self) -> list[str]:
        problems = passphrase_problems(self.first.text())
        if not problems and self.first.text() != self.second.text():
            problems.append(self.tr("The two passphrases do not match."))
        return problems

    def is_acceptable(self) -> bool:
        return not self.problems()

    def clear(self) -> None:
        self.first.clear()
        self.second.clear()

    def _update(self) -> None:
        strength = passphrase_strength(self.first.text())
        self.meter.setValue(strength.score)
        problems = self.problems() if self.first.text() else []
        text = (
            " ".join(part for part in (f"{strength.label}.", strength.hint) if part)
            if self.first.text()
            else self.tr(
                "Choose a passphrase of several unrelated words. It cannot be recovered without your recovery key."
            )
        )
        if problems and self.second.text():
            text += " " + problems[0]
        self.feedback.setText(text)
        self.changed.emit()

"""What an XLSForm conversion gave: its size, and every construct it could not carry (with
sheet and row), before the user imports the template or saves it to review first."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListWidget, QPushButton, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from lscp_audit.services.xlsform_import import XlsformConversion

IMPORT, SAVE = "import", "save"


class XlsformResultDialog(QDialog):
    """Import (the default button), Save as… or Cancel; `choice` says which was chosen."""

    def __init__(self, conversion: XlsformConversion, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.conversion = conversion
        self.choice = ""
        self.setWindowTitle(self.tr("XLSForm converted"))
        template = conversion.template
        sections = len(template.sections)
        summary = (
            self.tr("%1 became the template “%2”: %3 questions in %4 sections. It passes the template check.")
            .replace("%1", conversion.source.name)
            .replace("%2", template.title)
            .replace("%3", str(conversion.question_count))
            .replace("%4", str(sections))
        )
        self.summary = QLabel(f"<p>{html.escape(summary)}</p>")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        count = len(conversion.unmapped)
        if count:
            heading = self.tr("Not converted, or converted differently (%1):").replace("%1", str(count))
        else:
            heading = self.tr("Everything in the form was converted.")
        self.heading = QLabel(heading)
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        # One row per construct (alternating shades), so wrapped lines never run together.
        self.unmapped = QListWidget()
        self.unmapped.setWordWrap(True)
        self.unmapped.setAlternatingRowColors(True)
        self.unmapped.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.unmapped.addItems([str(u) for u in conversion.unmapped])
        if count:
            self.unmapped.setCurrentRow(0)
        self.unmapped.setAccessibleName(heading)
        self.unmapped.setAccessibleDescription(self.tr("Each line gives the sheet and row of the XLSForm"))
        self.unmapped.setVisible(bool(count))
        self.heading.setBuddy(self.unmapped)
        layout.addWidget(self.unmapped, 1)
        note = QLabel(
            self.tr(
                "The list is also written at the top of the template file. Save the template to add guidance, "
                "scales or judgement rules before importing it, or import it now."
            )
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        buttons = QDialogButtonBox()
        self.import_button = QPushButton(self.tr("&Import into my templates"))
        self.save_button = QPushButton(self.tr("&Save template as…"))
        buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(lambda: self._choose(IMPORT))
        self.save_button.clicked.connect(lambda: self._choose(SAVE))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 460)

    def listed(self) -> list[str]:
        """The constructs listed as not converted, one a line."""
        return [self.unmapped.item(row).text() for row in range(self.unmapped.count())]

    def _choose(self, choice: str) -> None:
        self.choice = choice
        self.accept()

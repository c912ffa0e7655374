"""The questions of one section (for one agency when the section repeats), built in code."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from lscp_audit.core.audit import Answer
from lscp_audit.core.templates.model import Section
from lscp_audit.ui.editor.question_block import QuestionBlock, answer_key


class SectionPageWidget(QWidget):
    """A heading, the section description and one `QuestionBlock` per question."""

    block_changed = Signal(object)  # QuestionBlock

    def __init__(
        self,
        section: Section,
        agency: str | None,
        context: dict[str, Any],
        answers: Mapping[str, Answer],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.section = section
        self.agency = agency
        self.blocks: dict[str, QuestionBlock] = {}
        layout = QVBoxLayout(self)
        heading = QLabel(f"<h2>{html.escape(section.title)}</h2>")
        heading.setTextFormat(Qt.TextFormat.RichText)
        heading.setWordWrap(True)
        layout.addWidget(heading)
        if agency:
            name = context.get("agency_labels", {}).get(agency, agency)
            layout.addWidget(QLabel(self.tr("Answers for: <b>%1</b>").replace("%1", html.escape(name))))
        if section.description:
            description = QLabel(section.description)
            description.setWordWrap(True)
            layout.addWidget(description)
        for question in section.questions:
            block = QuestionBlock(question, agency, context)
            block.load(answers.get(answer_key(question.id, agency)))
            block.changed.connect(self.block_changed)
            layout.addWidget(block)
            self.blocks[block.key] = block
        self.judgement = QLabel()
        self.judgement.setWordWrap(True)
        self.judgement.setVisible(False)
        layout.addWidget(self.judgement)
        layout.addStretch(1)

    def show_judgement(self, text: str, rich: str = "") -> None:
        """The section's derived judgement and the rule behind it (empty: hide). `rich` shows the
        same with the level's coloured marker; `text` is what a screen reader reads."""
        self.judgement.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
        self.judgement.setText(rich or text)
        self.judgement.setAccessibleName(text)
        self.judgement.setVisible(bool(text))

    def apply_visibility(self, visible: set[str], required: set[str]) -> None:
        """Show only the visible questions; mark the ones required now."""
        for key, block in self.blocks.items():
            block.setVisible(key in visible)
            block.set_required(key in required)

    def set_read_only(self, read_only: bool) -> None:
        for block in self.blocks.values():
            block.set_read_only(read_only)

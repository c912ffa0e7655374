"""Side panel with guidance for the focused question; partnership terms link to the glossary."""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QObject, Qt, QUrl, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QTextBrowser, QVBoxLayout, QWidget

from lscp_audit.core.glossary import find_terms, lookup
from lscp_audit.core.templates.model import Question, Section


def link_terms(text: str) -> str:
    """HTML of `text` with each glossary term linked (``term:<headword>``)."""
    parts: list[str] = []
    position = 0
    for match in find_terms(text):
        parts.append(html.escape(text[position : match.start]))
        parts.append(f'<a href="term:{html.escape(match.entry.term)}">{html.escape(match.matched)}</a>')
        position = match.end
    parts.append(html.escape(text[position:]))
    return "".join(parts).replace("\n", "<br>")


class GuidancePanel(QWidget):
    """Shows the focused question's guidance (F1 moves focus here, Esc goes back); links
    explain terms."""

    back_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel(self.tr("<b>Guidance</b>"))
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.setAccessibleName(self.tr("Guidance"))
        self.browser.setAccessibleDescription(self.tr("Guidance for the question you are answering"))
        self.browser.anchorClicked.connect(self._show_term)
        self.term = QTextBrowser()
        self.term.setAccessibleName(self.tr("Glossary"))
        self.term.setAccessibleDescription(self.tr("The meaning of a partnership term"))
        self.term.setVisible(False)
        self.term.setMaximumHeight(self.fontMetrics().lineSpacing() * 8)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.browser, 3)
        layout.addWidget(self.term, 1)
        # No focus proxy: Tab would stop on the panel where it was created (before the questions)
        # and jump to the browser, wherever the editor puts the browser in the Tab order.
        self.browser.installEventFilter(self)
        self.term.installEventFilter(self)
        self.show_intro()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Escape:
            self.back_requested.emit()
            return True
        return False

    def show_intro(self) -> None:
        self.browser.setHtml(
            self.tr(
                "<p>Guidance for the question you are on appears here.</p>"
                "<p>Press <b>F1</b> to move here and <b>Esc</b> to go back to the question. "
                "Underlined terms explain partnership jargon.</p>"
            )
        )

    def show_section(self, section: Section) -> None:
        """A new section: its title and description until a question is focused."""
        description = f"<p>{link_terms(section.description)}</p>" if section.description else ""
        self.browser.setHtml(
            f"<h3>{html.escape(section.title)}</h3>{description}"
            + self.tr("<p>Move to a question to see its guidance.</p>")
        )
        self.term.setVisible(False)

    def show_question(self, question: Question) -> None:
        body = link_terms(question.guidance) if question.guidance else self.tr("No guidance for this question.")
        extra = ""
        if question.evidence_prompt:
            extra = f"<p><b>{self.tr('Evidence')}:</b> {link_terms(question.evidence_prompt)}</p>"
        label = html.escape(question.label)
        self.browser.setHtml(f"<h3>{label}</h3><p>{body}</p>{extra}")
        self.term.setVisible(False)

    def _show_term(self, url: QUrl) -> None:
        entry = lookup(url.toString().removeprefix("term:"))
        if entry is None:
            return
        self.term.setHtml(f"<p><b>{html.escape(entry.title)}</b></p><p>{html.escape(entry.definition)}</p>")
        self.term.setVisible(True)

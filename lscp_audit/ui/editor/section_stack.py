"""A stack of section pages built on first visit (so large templates open fast), each scrollable,
with a tab bar of agencies above sections that repeat per agency."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from PySide6.QtCore import QPoint, Signal
from PySide6.QtWidgets import QFrame, QScrollArea, QStackedWidget, QTabBar, QVBoxLayout, QWidget

from lscp_audit.core.audit import Answer
from lscp_audit.core.templates.model import Template
from lscp_audit.ui.a11y import named_group, not_a_tab_stop
from lscp_audit.ui.editor.question_block import QuestionBlock
from lscp_audit.ui.editor.section_list_model import section_key
from lscp_audit.ui.editor.section_page import SectionPageWidget
from lscp_audit.ui.editor.visibility import VisibleState

MARGIN = 24  # room kept above and below a question scrolled into view


class SectionStackWidget(QWidget):
    """Shows one section page at a time; `agency_tabs` switches agency within a repeated section."""

    block_changed = Signal(object)  # QuestionBlock
    agency_chosen = Signal(str, str)  # section id, agency
    page_created = Signal(object)  # SectionPageWidget, on its first visit

    def __init__(
        self, template: Template, context: dict[str, Any], answers: dict[str, Answer], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.template = template
        self.context = context
        self.answers = answers
        self.read_only = False
        self.state = VisibleState()
        self.pages: dict[str, SectionPageWidget] = {}
        self._scrolls: dict[str, QScrollArea] = {}
        self.agency_tabs = QTabBar()
        self.agency_tabs.setAccessibleName(self.tr("Agencies"))
        self.agency_tabs.setAccessibleDescription(self.tr("Each agency answers this section separately"))
        self.agency_tabs.setVisible(False)
        self.agency_tabs.currentChanged.connect(self._tab_changed)
        self.stack = QStackedWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(named_group(self.tr("Agencies"), self.agency_tabs, self.agency_tabs.accessibleDescription()))
        layout.addWidget(self.stack)
        self.current: tuple[str, str | None] | None = None
        self._switching_tabs = False

    def add_extra_page(self, widget: QWidget) -> None:
        self.stack.addWidget(self._wrap(widget))

    def show_extra_page(self, widget: QWidget) -> None:
        for index in range(self.stack.count()):
            scroll = self.stack.widget(index)
            if isinstance(scroll, QScrollArea) and scroll.widget() is widget:
                self.stack.setCurrentIndex(index)
        self.agency_tabs.setVisible(False)
        self.current = None

    def page(self, section_id: str, agency: str | None) -> SectionPageWidget:
        key = section_key(section_id, agency)
        if key not in self.pages:
            section = self.template.section(section_id)
            page = SectionPageWidget(section, agency, self.context, self.answers)
            page.block_changed.connect(self.block_changed)
            page.apply_visibility(self.state.questions, self.state.required)
            page.set_read_only(self.read_only)
            self.pages[key] = page
            self._scrolls[key] = self._wrap(page)
            self._scrolls[key].setAccessibleName(self.tr("Questions: %1").replace("%1", section.title))
            self.stack.addWidget(self._scrolls[key])
            self.page_created.emit(page)
        return self.pages[key]

    def _wrap(self, widget: QWidget) -> QScrollArea:
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(widget)
        return not_a_tab_stop(scroll)

    def show_section(self, section_id: str, agency: str | None) -> SectionPageWidget:
        page = self.page(section_id, agency)
        self.stack.setCurrentWidget(self._scrolls[section_key(section_id, agency)])
        self.current = (section_id, agency)
        self._update_tabs(section_id, agency)
        return page

    def _update_tabs(self, section_id: str, agency: str | None) -> None:
        agencies: list[str] = list(self.context.get("agencies", [])) if agency else []
        self._switching_tabs = True
        while self.agency_tabs.count():
            self.agency_tabs.removeTab(0)
        labels = self.context.get("agency_labels", {})
        for code in agencies:
            self.agency_tabs.addTab(labels.get(code, code))
        if agency in agencies:
            self.agency_tabs.setCurrentIndex(agencies.index(agency))
        self._switching_tabs = False
        self.agency_tabs.setVisible(bool(agencies))

    def _tab_changed(self, index: int) -> None:
        if self._switching_tabs or self.current is None or index < 0:
            return
        agencies = list(self.context.get("agencies", []))
        self.agency_chosen.emit(self.current[0], agencies[index])

    def apply_visibility(self, state: VisibleState) -> None:
        self.state = state
        for page in self.pages.values():
            page.apply_visibility(state.questions, state.required)

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        for page in self.pages.values():
            page.set_read_only(read_only)

    def blocks(self) -> Iterator[QuestionBlock]:
        for page in self.pages.values():
            yield from page.blocks.values()

    def scroll_to(self, block: QWidget) -> None:
        """Scroll the current section up or down (never sideways) so that `block` (or any
        widget in it) is in view with a little room around it."""
        if self.current is None:
            return
        scroll = self._scrolls[section_key(*self.current)]
        content = scroll.widget()
        if content is None or not content.isAncestorOf(block):
            return
        top = block.mapTo(content, QPoint(0, 0)).y() - MARGIN
        bottom = top + block.height() + 2 * MARGIN
        bar = scroll.verticalScrollBar()
        visible = scroll.viewport().height()
        if top < bar.value():
            bar.setValue(top)
        elif bottom > bar.value() + visible:
            bar.setValue(min(top, bottom - visible))

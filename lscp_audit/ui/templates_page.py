"""Templates: browse the shipped and imported templates, preview one read-only, import a
template file (its problems are listed as ``file:line: message``) or convert an XLSForm into one
(off the GUI thread; what it cannot convert is listed with sheet and row)."""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from lscp_audit.core.errors import LscpAuditError, TemplateError
from lscp_audit.core.templates.licences import licence_display
from lscp_audit.core.templates.model import Template
from lscp_audit.ui.a11y import StatusLabel, name_splitter_handles
from lscp_audit.ui.errors import show_error
from lscp_audit.ui.ops import BackgroundOp
from lscp_audit.ui.xlsform_dialog import IMPORT, SAVE, XlsformResultDialog

if TYPE_CHECKING:
    from lscp_audit.services.template_service import TemplateService
    from lscp_audit.services.xlsform_import import XlsformConversion

InfoRole = Qt.ItemDataRole.UserRole + 1
TYPE_LABELS = {
    "yes_no": "Yes / no",
    "single_choice": "One choice",
    "multi_choice": "Several choices",
    "grade": "Grade",
    "rag": "RAG rating",
    "short_text": "Short text",
    "long_text": "Long text",
    "date": "Date",
    "number": "Number",
    "actions": "SMART actions",
}


def outline_model(template: Template) -> QStandardItemModel:
    """Sections and their questions as a read-only tree (question, type, required)."""
    model = QStandardItemModel()
    model.setHorizontalHeaderLabels(["Section / question", "Type", "Required"])
    for section in template.sections:
        title = section.title + (" (per agency)" if section.per_agency else "")
        parent = QStandardItem(title)
        for question in section.questions:
            required = "Yes" if question.required else ("When it applies" if question.required_if else "")
            label = question.label + (" — shown when it applies" if question.relevant else "")
            parent.appendRow(
                [QStandardItem(label), QStandardItem(TYPE_LABELS.get(question.type.value, "")), QStandardItem(required)]
            )
        model.appendRow([parent, QStandardItem(""), QStandardItem("")])
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            item = model.item(row, column)
            if item is not None:
                item.setEditable(False)
    return model


class TemplatesPage(QWidget):
    """List on the left, preview on the right, Import below."""

    def __init__(self, templates: TemplateService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.templates = templates
        self.list = QListWidget()
        self.list.setAccessibleName(self.tr("Templates"))
        self.list.setAccessibleDescription(self.tr("Shipped and imported audit templates"))
        self.list.currentItemChanged.connect(lambda item, _old: self._preview(item))
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.about = QLabel()
        self.about.setWordWrap(True)
        self.about.setTextFormat(Qt.TextFormat.RichText)
        self.outline = QTreeView()
        self.outline.setAccessibleName(self.tr("Template outline"))
        self.outline.setAccessibleDescription(self.tr("Sections and questions of the selected template (read-only)"))
        self.outline.setWordWrap(True)
        self.outline.setAlternatingRowColors(True)
        self.problems = QPlainTextEdit()
        self.problems.setReadOnly(True)
        self.problems.setAccessibleName(self.tr("Import problems"))
        self.problems.setAccessibleDescription(self.tr("What is wrong with the template file, as file:line: message"))
        self.problems.setVisible(False)
        self.import_button = QPushButton(self.tr("&Import template…"))
        self.import_button.setAccessibleDescription(self.tr("Check a template file and add it to your templates"))
        self.import_button.clicked.connect(self.choose_file)
        self.xlsform_button = QPushButton(self.tr("Import from &XLSForm…"))
        self.xlsform_button.setAccessibleDescription(
            self.tr("Convert an ODK or Kobo XLSForm (.xlsx) into a template, listing what cannot be converted")
        )
        self.xlsform_button.clicked.connect(self.choose_xlsform)
        self.status = StatusLabel(self.tr("Templates status"))
        self.status.setWordWrap(True)
        self._layout()
        self.reload()

    def _layout(self) -> None:
        # The description scrolls in its own pane above the outline, so a long description or
        # large text never squeezes the outline away; the divider between them can be moved.
        self.about_scroll = QScrollArea()
        self.about_scroll.setWidgetResizable(True)
        self.about_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.about_scroll.setWidget(self.about)
        self.about_scroll.setAccessibleName(self.tr("About the template"))
        self.about_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.about_scroll)
        right.addWidget(self.outline)
        right.setChildrenCollapsible(False)
        right.setStretchFactor(0, 1)
        right.setStretchFactor(1, 2)
        right.setSizes([200, 400])  # a third for the description at first
        splitter = QSplitter()
        splitter.addWidget(self.list)
        splitter.addWidget(right)
        splitter.setSizes([300, 700])
        name_splitter_handles(splitter, self.tr("Templates"), self.tr("the outline"))
        splitter.setChildrenCollapsible(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.xlsform_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("<h2>Templates</h2>")))
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(self.problems)

    def reload(self) -> None:
        self.list.clear()
        try:
            infos = self.templates.list_templates()
        except LscpAuditError as exc:
            show_error(self, exc)
            return
        for info in infos:
            where = self.tr("shipped") if info.source == "shipped" else self.tr("imported")
            item = QListWidgetItem(f"{info.title}\nversion {info.version} · {where}")
            item.setData(InfoRole, info)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)

    def _preview(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        info = item.data(InfoRole)
        try:
            template = self.templates.get(info.id)
        except LscpAuditError as exc:
            show_error(self, exc)
            return
        self.show_template(template)

    def show_template(self, template: Template) -> None:
        extra = f"<p><small>{html.escape(template.intended_users)}</small></p>" if template.intended_users else ""
        if template.licence:
            extra += f"<p><small>{html.escape(self.licence_text(template))}</small></p>"
        self.about.setText(
            f"<h3>{html.escape(template.title)}</h3><p>{html.escape(template.description)}</p>{extra}"
            f"<p><small>Version {html.escape(template.version)} · {sum(1 for _ in template.all_questions())} questions</small></p>"
        )
        self.outline.setModel(outline_model(template))
        self.outline.expandAll()
        header = self.outline.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # questions wrap, never sideways
        for column in range(1, header.count()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

    def licence_text(self, template: Template) -> str:
        """``Template text licence: CC BY 4.0 (Creative Commons Attribution 4.0 International)``."""
        return self.tr("Template text licence: %1").replace("%1", licence_display(template.licence))

    def choose_file(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Import template"), "", self.tr("Templates (*.yaml *.yml)")
        )
        if name:
            self.import_file(Path(name))

    def import_file(self, path: Path) -> bool:
        """Import `path`; on failure list its problems (file:line: message) and return False."""
        try:
            info = self.templates.import_template(path)
        except TemplateError as exc:
            self.show_problems(exc)
            return False
        except LscpAuditError as exc:
            show_error(self, exc)
            return False
        self._imported(info.id)
        return True

    def _imported(self, template_id: str) -> None:
        self.problems.setVisible(False)
        self.reload()
        for row in range(self.list.count()):
            if self.list.item(row).data(InfoRole).id == template_id:
                self.list.setCurrentRow(row)

    # -- XLSForm import ---------------------------------------------------------------------

    def choose_xlsform(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Import from XLSForm"), "", self.tr("XLSForms (*.xlsx *.xls)")
        )
        if name:
            self.convert_xlsform_file(Path(name))

    def convert_xlsform_file(self, path: Path) -> None:
        """Convert `path` on a worker thread (a large form takes a moment); then show what came
        of it (`XlsformResultDialog`) or why it could not be converted."""
        self.xlsform_button.setEnabled(False)
        self.status.set_status(self.tr("Converting %1…").replace("%1", path.name), quiet=True)
        templates = self.templates
        BackgroundOp(
            parent=self,
            op=lambda _context: templates.convert_xlsform(path),
            success=self._xlsform_converted,
            serial=False,  # no vault work: keep the vault's worker free
        ).failure(self._xlsform_failed).with_progress(self.tr("Converting the XLSForm…"), cancellable=False).run()

    def _xlsform_converted(self, conversion: XlsformConversion) -> None:
        self.xlsform_button.setEnabled(True)
        self.status.clear()
        dialog = XlsformResultDialog(conversion, self)
        dialog.exec()
        if dialog.choice == IMPORT:
            self.import_conversion(conversion)
        elif dialog.choice == SAVE:
            self.save_conversion(conversion)

    def _xlsform_failed(self, exc: BaseException) -> None:
        self.xlsform_button.setEnabled(True)
        self.status.clear()
        problems = getattr(exc, "problems", None)
        if not isinstance(exc, LscpAuditError) or not problems:
            show_error(self, exc)
            return
        self._list_problems(self.tr("The XLSForm was not converted:"), [str(p) for p in problems], self.tr("converted"))

    def import_conversion(self, conversion: XlsformConversion) -> bool:
        """Add the converted template to the user's templates (as ``<id>.yaml``)."""
        try:
            info = self.templates.import_template_text(conversion.text, conversion.source.with_suffix(".yaml"))
        except TemplateError as exc:
            self.show_problems(exc)
            return False
        self._imported(info.id)
        self.status.set_status(
            self.tr("Imported “%1” from %2.").replace("%1", info.title).replace("%2", conversion.source.name)
        )
        return True

    def save_conversion(self, conversion: XlsformConversion) -> Path | None:
        """Ask where to save the converted template file, and save it there."""
        suggested = str(conversion.source.with_suffix(".yaml"))
        name, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Save the converted template"), suggested, self.tr("Templates (*.yaml *.yml)")
        )
        if not name:
            return None
        try:  # the save dialog has already asked before replacing a file
            target = self.templates.save_conversion(conversion, Path(name), overwrite=True)
        except (LscpAuditError, OSError) as exc:
            show_error(self, exc)
            return None
        self.status.set_status(
            self.tr("Saved the template to %1. Review it, then use Import template… to add it.").replace(
                "%1", str(target)
            )
        )
        return target

    def show_problems(self, exc: TemplateError) -> None:
        problems = getattr(exc, "problems", None)
        lines = [str(p) for p in problems] if problems else [str(exc)]
        self._list_problems(self.tr("The template was not imported:"), lines, self.tr("imported"))

    def _list_problems(self, heading: str, lines: list[str], verb: str) -> None:
        self.problems.setPlainText(heading + "\n" + "\n".join(lines))
        count = len(lines)
        noun = self.tr("problem") if count == 1 else self.tr("problems")
        summary = self.tr("Import problems: the template was not %3, %1 %2").replace("%1", str(count))
        summary = summary.replace("%2", noun).replace("%3", verb)
        self.problems.setAccessibleName(summary)  # a screen reader says what happened, not a fixed name
        self.problems.setVisible(True)
        self.problems.setFocus()
        if QAccessible.isActive():
            QAccessible.updateAccessibility(QAccessibleAnnouncementEvent(self.problems, summary + ". " + lines[0]))

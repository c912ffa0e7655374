"""The read-only view of one imported return: its answers, findings, judgements and actions (as
the return's signed data records them), who signed it, whether the vault keeps its PDF, its
moderation, and a banner when the template version it names is not known here.

Everything is shown from a `ReturnDocument` the inbox loaded off the GUI thread; saving a copy
of the signed PDF runs there too. Every control is named and reachable with Tab; Esc closes.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QLabel,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from lscp_audit.core.errors import LscpAuditError
from lscp_audit.services.moderation_service import (
    FILE_SUFFIX,
    Moderation,
    ModerationService,
    record_file_name,
    shown_date,
)
from lscp_audit.services.returns_service import ReturnDocument, ReturnsService
from lscp_audit.ui import screen_fit
from lscp_audit.ui.a11y import StatusLabel, buttons_in_shown_order, name_splitter_handles
from lscp_audit.ui.errors import show_error
from lscp_audit.ui.inbox.returns_model import details_html, template_text
from lscp_audit.ui.ops import BackgroundOp, OpContext

BANNER_STYLE = "background:#fff5d9; color:#5c3b00; border:1px solid #a86b00; padding:6px;"


def suggested_pdf_name(document: ReturnDocument) -> str:
    """``lscp-audit-report-R-XXXX-XXXX.pdf``: the report id only, never the case reference."""
    return f"lscp-audit-report-{document.entry.report_id}.pdf"


def moderation_html(moderations: tuple[Moderation, ...]) -> str:
    """Every moderation record of a return, newest first: the outcome, who and when, whether the
    signed record verifies now, the rationale, and a table of the moderated ratings beside the
    return's own."""
    e = html.escape
    parts = []
    for m in moderations:
        colour = "#1b6b35" if m.verified else "#a11d1d"
        parts.append(
            f"<p><b>{e(m.outcome_words)}</b> by {e(m.moderator_text)} on {e(shown_date(m.moderated_at))}: "
            f"{e(m.rationale)}<br>"
            f'<span style="color:{colour}">{e(m.verified_words)}.</span></p>'
        )
        if m.judgements:
            rows = "".join(
                f"<tr><td>{e(j.title)}</td><td>{e(j.self_label)}</td><td><b>{e(j.moderated_label)}</b></td>"
                f"<td>{e(j.rationale)}</td></tr>"
                for j in m.judgements
            )
            parts.append(
                '<table border="1" cellpadding="3"><tr><th>Judgement</th><th>Self-rated</th>'
                f"<th>Moderated</th><th>Rationale</th></tr>{rows}</table>"
            )
    return "".join(parts)


def _browser(name: str, description: str) -> QTextBrowser:
    browser = QTextBrowser()
    browser.setOpenLinks(False)
    browser.setAccessibleName(name)
    browser.setAccessibleDescription(description)
    browser.setTabChangesFocus(True)  # Tab moves on to the next control instead of staying in the text
    # Read with the keyboard: arrows move a cursor through the text, Shift+arrows select.
    browser.setTextInteractionFlags(
        Qt.TextInteractionFlag.TextBrowserInteraction | Qt.TextInteractionFlag.TextSelectableByKeyboard
    )
    return browser


class ReturnViewDialog(QDialog):
    """One return, read-only. `returns` saves the copy of the PDF; `moderation` saves the newest
    moderation record as its signed file (the button is left out without it)."""

    def __init__(
        self,
        document: ReturnDocument,
        returns: ReturnsService,
        parent: QWidget | None = None,
        *,
        moderation: ModerationService | None = None,
    ) -> None:
        super().__init__(parent)
        self.document = document
        self._returns = returns
        self._moderation = moderation
        entry = document.entry
        self.setWindowTitle(self.tr("Return %s") % entry.report_id)
        self.setAccessibleName(self.tr("Return %s, read-only") % entry.report_id)
        self.heading = QLabel(
            f"<h2>{html.escape(entry.report_id)}</h2><p>{html.escape(template_text(entry))}"
            + (self.tr(", revision %d") % entry.revision if entry.revision > 1 else "")
            + "</p>"
        )
        self.heading.setWordWrap(True)
        self.banner = self._banner(document.template.banner, self.tr("Template warning"))
        self.pdf_note = self._banner(document.pdf_note, self.tr("Signed PDF not kept"))
        self.signers = _browser(self.tr("Signers and checks"), self.tr("Who signed the return and what was checked"))
        self.signers.setHtml(details_html(entry))
        self.moderation = self._moderation_box(document.moderation, document.moderations)
        self.content = _browser(
            self.tr("Return content"),
            self.tr("The return's answers, findings, judgements and actions, as its signed data records them"),
        )
        self.content.setHtml(document.html)
        self.save_button = QPushButton(self.tr("Save a cop&y of the signed PDF…"))
        self.save_button.setEnabled(entry.has_pdf)
        why = (
            self.tr("Save the signed PDF exactly as it was received")
            if entry.has_pdf
            else self.tr("The vault does not keep this return's PDF (imported by an earlier version)")
        )
        self.save_button.setToolTip(why)
        self.save_button.setAccessibleDescription(why)
        self.save_button.clicked.connect(lambda _checked=False: self.save_copy())
        self.save_record_button = self._save_record_button(document.moderations)
        self.status = StatusLabel(self.tr("Save status"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        if self._moderation is not None:
            self.buttons.addButton(self.save_record_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons_in_shown_order(self.buttons)
        self._lay_out()
        screen_fit.fit_to_screen(self, 900, 700)
        self.content.setFocus()

    def _save_record_button(self, moderations: tuple[Moderation, ...]) -> QPushButton:
        button = QPushButton(self.tr("Save the &moderation record…"))
        if moderations:
            newest = moderations[0]
            why = self.tr(
                "Save the newest moderation record (%s, %s) as its signed file, to send to another QA vault "
                "or to the agency; it holds no case reference"
            ) % (newest.outcome_words, shown_date(newest.moderated_at))
        else:
            why = self.tr("No moderation is recorded for this return")
        button.setEnabled(bool(moderations))
        button.setToolTip(why)
        button.setAccessibleDescription(why)
        button.clicked.connect(lambda _checked=False: self.save_moderation_record())
        return button

    def _banner(self, text: str, name: str) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        label.setStyleSheet(BANNER_STYLE)
        label.setAccessibleName(name)
        label.setAccessibleDescription(text)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # reached with Tab, so it is read out
        label.setVisible(bool(text))
        return label

    def _moderation_box(self, lines: tuple[str, ...], moderations: tuple[Moderation, ...] = ()) -> QGroupBox:
        """The return's moderation records (fed by the moderation service): as a table of the
        moderated ratings when the records are given, else one line each; the plain lines are
        the accessible description either way."""
        box = QGroupBox(self.tr("Moderation"))
        layout = QVBoxLayout(box)
        text = "\n".join(lines) if lines else self.tr("No moderation is recorded for this return.")
        self.moderation_label = QLabel(moderation_html(moderations) if moderations else text)
        self.moderation_label.setTextFormat(Qt.TextFormat.RichText if moderations else Qt.TextFormat.PlainText)
        self.moderation_label.setWordWrap(True)
        self.moderation_label.setAccessibleName(self.tr("Moderation"))
        self.moderation_label.setAccessibleDescription(text)
        layout.addWidget(self.moderation_label)
        return box

    def _lay_out(self) -> None:
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.signers, 1)
        top_layout.addWidget(self.moderation)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(self.content)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        name_splitter_handles(splitter, self.tr("Signers"), self.tr("Return content"))
        layout = QVBoxLayout(self)
        for widget in (self.heading, self.banner, self.pdf_note):
            layout.addWidget(widget)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)

    def save_copy(self) -> None:
        """Ask where, then write the kept PDF there (byte for byte, atomically) off the GUI thread."""
        name, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Save a copy of the signed PDF"),
            suggested_pdf_name(self.document),
            self.tr("PDF files (*.pdf)"),
        )
        if not name:
            return
        return_id = self.document.entry.id

        def work(_ctx: OpContext) -> Path:
            return self._returns.save_pdf_copy(return_id, name)

        saved = self.tr("Saved a copy of the signed PDF as %s.")
        BackgroundOp(parent=self, op=work, success=lambda path: self.status.setText(saved % path.name)).failure(
            lambda exc: self._failed(exc, self.tr("The copy was not saved: %s"))
        ).run()

    def save_moderation_record(self) -> None:
        """Ask where, then write the newest moderation record's signed file there (as signed,
        atomically, recorded in the export log) off the GUI thread."""
        moderation, records = self._moderation, self.document.moderations
        if moderation is None or not records:
            return
        newest = records[0]
        name, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Save the moderation record"),
            record_file_name(newest.report_id, newest.id),
            self.tr("Moderation records (*%s)") % FILE_SUFFIX,
        )
        if not name:
            return
        target = Path(name) if Path(name).suffix else Path(name + FILE_SUFFIX)

        def work(_ctx: OpContext) -> Path:
            return moderation.export(newest.id, target)

        saved = self.tr("Saved the moderation record as %s.")
        BackgroundOp(parent=self, op=work, success=lambda path: self.status.setText(saved % path.name)).failure(
            lambda exc: self._failed(exc, self.tr("The moderation record was not saved: %s"))
        ).run()

    def _failed(self, exc: BaseException, explained: str) -> None:
        if isinstance(exc, LscpAuditError):
            self.status.setText(explained % exc)
        else:
            show_error(self, exc)

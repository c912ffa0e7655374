"""The QA inbox: check a signed audit report (drag and drop a PDF) with the reports feature's
verify widget when it is installed."""

from __future__ import annotations

import importlib
import logging
from typing import Any

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from lscp_audit.ui.a11y import fill_missing_accessibility
from lscp_audit.ui.empty_state import EmptyStateWidget

log = logging.getLogger(__name__)
VERIFY_WIDGETS = (
    ("lscp_audit.ui.reports.verify_page", "VerifyPage"),
    ("lscp_audit.ui.reports.verify_widget", "VerifyWidget"),
    ("lscp_audit.ui.reports.verify_dialog", "VerifyWidget"),
    ("lscp_audit.ui.reports.verify_dialog", "VerifyPdfWidget"),
)


def find_verify_widget() -> type[QWidget] | None:
    """The reports engineer's "Verify a PDF" widget class, if it is there."""
    for module_name, class_name in VERIFY_WIDGETS:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        found = getattr(module, class_name, None)
        if isinstance(found, type) and issubclass(found, QWidget):
            return found
    return None


class InboxPage(QWidget):
    """Heading, a short explanation and the verify widget (or an explanation of its absence)."""

    def __init__(self, session: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("<h2>QA inbox</h2>")))
        intro = QLabel(
            self.tr(
                "Check a signed audit report received from an auditor or agency: drop the PDF here to "
                "see who signed it, whether it was changed after signing, and which template it used."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        widget_class = find_verify_widget()
        self.verify: QWidget
        if widget_class is not None:
            self.verify = self._build(widget_class, session)
        else:
            self.verify = EmptyStateWidget(
                self.tr("Verify a PDF"), self.tr("Verifying signed reports arrives with the reports feature.")
            )
        layout.addWidget(self.verify, 1)

    def _build(self, widget_class: type[QWidget], _session: Any) -> QWidget:
        try:
            widget = widget_class()
        except TypeError:
            log.warning("the verify widget could not be built")
        else:
            fill_missing_accessibility(widget, self.tr("Verification results"))
            return widget
        return EmptyStateWidget(self.tr("Verify a PDF"), self.tr("The verify tool could not start."))

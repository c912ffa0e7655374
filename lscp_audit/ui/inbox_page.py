"""The QA inbox area: import signed returns into the vault and list them, track each audit
round's returns (Rounds), and check any signed PDF without importing it ("Verify a PDF")."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from lscp_audit.ui.a11y import fill_missing_accessibility
from lscp_audit.ui.empty_state import EmptyStateWidget
from lscp_audit.ui.reports.verify_page import VerifyPage

if TYPE_CHECKING:
    from lscp_audit.services.analysis_service import AnalysisService
    from lscp_audit.services.inbox_service import InboxService
    from lscp_audit.services.partnership_service import PartnershipService
    from lscp_audit.services.returns_service import ReturnsService
    from lscp_audit.ui.inbox.rounds_widget import RoundsWidget
    from lscp_audit.ui.session import AppSession


class InboxPage(QWidget):
    """Heading, a short explanation, and tabs: "Imported returns" and "Rounds" (when a vault is
    open), "Verify a PDF" and, with an `analysis` service, "Analysis".

    `session` is the open vault's `AppSession`; `inbox` (an `InboxService`, with `returns` for
    opening returns with the installed templates) may be given instead. Without either, only the
    Verify tab works. `sign_off(path)` opens the senior lead's sign-off of a verified Section 11
    return (the Verify tab then offers it).
    """

    def __init__(
        self,
        session: AppSession | None = None,
        parent: QWidget | None = None,
        *,
        inbox: InboxService | None = None,
        returns: ReturnsService | None = None,
        analysis: AnalysisService | None = None,
        partnership: PartnershipService | None = None,
        sign_off: Callable[[Path], object] | None = None,
    ) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("<h2>QA inbox</h2>")))
        intro = QLabel(
            self.tr(
                "Signed reports from auditors and agencies are checked (who signed, nothing changed since) "
                "before they are kept. Verify a PDF checks a file without importing it."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(self.tr("QA inbox views"))
        inbox = self._inbox_service(session, inbox)
        if returns is None and session is not None:
            returns = session.returns()
        self.returns: QWidget = self._returns_widget(inbox, returns)
        self.tabs.addTab(self.returns, self.tr("Imported returns"))
        if partnership is None and session is not None:
            partnership = session.partnership()
        self.rounds: RoundsWidget | None = None
        if partnership is not None:
            from lscp_audit.ui.inbox.rounds_widget import RoundsWidget

            self.rounds = RoundsWidget(partnership)
            self.tabs.addTab(self.rounds, self.tr("Rounds"))
            refresh = getattr(self.returns, "refresh", None)
            if refresh is not None:  # the returns table shows round titles
                self.rounds.rounds_changed.connect(refresh)
            self.tabs.currentChanged.connect(self._tab_changed)
        if inbox is None:
            self.verify = VerifyPage()
        else:  # with a vault open, Verify also trusts the certificates the vault trusts
            self.verify = VerifyPage(
                verify=inbox.verify,
                trust_note=self.tr("The certificates trusted in this vault are used."),
                sign_off=sign_off,
            )
        fill_missing_accessibility(self.verify, self.tr("Verification results"))
        self.tabs.addTab(self.verify, self.tr("Verify a PDF"))
        if analysis is None and session is not None:
            analysis = session.analysis()
        self.analysis: QWidget | None = None
        if analysis is not None:  # the partnership analysis of the trusted returns
            from lscp_audit.ui.inbox.analysis_widget import AnalysisWidget

            self.analysis = AnalysisWidget(analysis)
            self.tabs.addTab(self.analysis, self.tr("Analysis"))
        layout.addWidget(self.tabs, 1)

    def _tab_changed(self, index: int) -> None:
        """Opening the Rounds tab counts the returns again (new imports, trusted signers)."""
        if self.rounds is not None and self.tabs.widget(index) is self.rounds:
            self.rounds.load()

    @staticmethod
    def _inbox_service(session: AppSession | None, inbox: InboxService | None) -> InboxService | None:
        if inbox is None and session is not None:
            return session.inbox()
        return inbox

    def _returns_widget(self, inbox: InboxService | None, returns: ReturnsService | None) -> QWidget:
        if inbox is None:
            return EmptyStateWidget(
                self.tr("Imported returns"), self.tr("Open the vault to import and list signed returns.")
            )
        from lscp_audit.ui.inbox.returns_widget import ImportedReturnsWidget

        return ImportedReturnsWidget(inbox, returns=returns)

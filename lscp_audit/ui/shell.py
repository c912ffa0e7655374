"""Assembles the main window from the area pages."""

from __future__ import annotations

from lscp_audit.ui.empty_state import EmptyStateWidget
from lscp_audit.ui.main_window import MainWindow


def build_main_window(vault_path: str | None = None) -> MainWindow:
    window = MainWindow()
    window.add_area(
        "audits",
        window.tr("&Audits"),
        EmptyStateWidget(
            window.tr("Audits"),
            window.tr("Your case audits and self-assessments appear here once a vault is open."),
        ),
    )
    window.add_area(
        "inbox",
        window.tr("&QA inbox"),
        EmptyStateWidget(
            window.tr("QA inbox"),
            window.tr("Signed audit reports received from auditors and agencies are checked and collected here."),
        ),
    )
    window.add_area(
        "templates",
        window.tr("&Templates"),
        EmptyStateWidget(window.tr("Templates"), window.tr("The audit templates available to you.")),
    )
    window.add_area(
        "settings",
        window.tr("&Settings"),
        EmptyStateWidget(window.tr("Settings"), window.tr("Vault, auto-lock, reports and backups.")),
    )
    return window

"""Start-up of the desktop app: QApplication, identity, icon, crash hook, main window."""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from lscp_audit import APP_NAME, ORG_DOMAIN, ORG_NAME, __version__, paths
from lscp_audit.ui.errors import ExceptionHook
from lscp_audit.ui.gui_thread_gc import collect_on_gui_thread
from lscp_audit.ui.main_window import MainWindow
from lscp_audit.ui.qt_start import new_application
from lscp_audit.ui.shell import build_main_window

log = logging.getLogger(__name__)


def create_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        app = existing
    else:
        app = new_application(argv if argv is not None else sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName(ORG_NAME)
    app.setOrganizationDomain(ORG_DOMAIN)
    app.setApplicationVersion(__version__)
    app.setWindowIcon(QIcon(str(paths.resource("lscp-audit.svg"))))
    return app


def run(vault: str | None = None, quit_after: float | None = None) -> int:
    """Run the app until the main window closes; return the exit code."""
    app = create_application()
    collect_on_gui_thread(app)  # Qt objects in reference cycles are destroyed on the GUI thread only
    hook = ExceptionHook()
    window: MainWindow = build_main_window(vault_path=vault)
    window.show()
    log.info("main window shown")
    if quit_after is not None:
        QTimer.singleShot(int(quit_after * 1000), window.close)
    # The vault opens after the window is on screen, so start-up never waits for SQLCipher.
    QTimer.singleShot(0, window.shell.start)
    app.aboutToQuit.connect(window.shell.shutdown)
    code = app.exec()
    del hook
    return int(code)

"""The app shell: areas, menus with standard shortcuts, About, remembered geometry."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QTextBrowser
from pytestqt.qtbot import QtBot

from lscp_audit import APP_NAME, __version__
from lscp_audit.ui.about_dialog import AboutDialog
from lscp_audit.ui.app import create_application
from lscp_audit.ui.shell import build_main_window


def test_application_identity(qapp: QApplication) -> None:
    app = create_application()
    assert app.applicationName() == APP_NAME
    assert app.applicationVersion() == __version__
    assert not app.windowIcon().isNull()


def test_main_window_has_the_four_areas_and_keyboard_navigation(qtbot: QtBot) -> None:
    window = build_main_window()
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    titles = [window.navigation.item(i).text() for i in range(window.navigation.count())]
    assert titles[:4] == ["Audits", "QA inbox", "Templates", "Settings"]
    qtbot.keyClick(window.navigation, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.current_area() == "templates"
    assert window.pages.currentWidget() is window.area_page("templates")
    assert window.quit_action.shortcut().toString() == "Ctrl+Q"


def test_about_dialog_shows_version_and_licences(qtbot: QtBot) -> None:
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    labels = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert __version__ in labels
    licences = dialog.findChild(QTextBrowser)
    assert licences is not None and "SQLCipher" in licences.toPlainText()
    assert isinstance(dialog, QDialog)


def test_window_geometry_is_remembered(qtbot: QtBot) -> None:
    first = build_main_window()
    qtbot.addWidget(first)
    first.show()
    first.resize(777, 555)
    first.close()
    QSettings().sync()
    second = build_main_window()
    qtbot.addWidget(second)
    assert (second.width(), second.height()) == (777, 555)

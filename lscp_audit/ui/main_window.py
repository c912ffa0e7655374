"""The main window: a navigation list of areas beside a stack of pages, plus menus.

This module only assembles; each area's page lives in its own module and is added with
`add_area`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from lscp_audit import APP_NAME
from lscp_audit.ui import prefs, screen_fit
from lscp_audit.ui.a11y import name_splitter_handles
from lscp_audit.ui.about_dialog import AboutDialog

FALLBACK_SHORTCUTS: dict[QKeySequence.StandardKey, str] = {
    QKeySequence.StandardKey.Quit: "Ctrl+Q",
    QKeySequence.StandardKey.New: "Ctrl+N",
    QKeySequence.StandardKey.Find: "Ctrl+F",
    QKeySequence.StandardKey.HelpContents: "F1",
    QKeySequence.StandardKey.Open: "Ctrl+O",
    QKeySequence.StandardKey.Preferences: "Ctrl+,",
}


class MainWindow(QMainWindow):
    """Top-level window with the Audits, QA inbox, Templates and Settings areas."""

    area_changed = Signal(str)
    # Set by `shell.build_main_window`: the session controller and the app's commands.
    shell: Any
    new_action: QAction
    lock_action: QAction
    import_pack_action: QAction
    sign_off_action: QAction
    find_action: QAction
    guidance_action: QAction

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(APP_NAME)
        self.setMinimumSize(QSize(720, 480))
        self._area_keys: list[str] = []
        self.navigation = QListWidget()
        self.navigation.setAccessibleName(self.tr("Areas"))
        self.navigation.setMaximumWidth(200)
        self.navigation.setIconSize(QSize(20, 20))
        self.pages = QStackedWidget()
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.navigation)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([self.navigation.maximumWidth(), 1000])
        name_splitter_handles(splitter, self.tr("Areas"), self.tr("the page"))
        splitter.setChildrenCollapsible(False)
        self.setCentralWidget(splitter)
        self.navigation.currentRowChanged.connect(self._show_row)
        self.menuBar().setAccessibleName(self.tr("Menu bar"))
        self.file_menu = self.menuBar().addMenu(self.tr("&File"))
        self.edit_menu = self.menuBar().addMenu(self.tr("&Edit"))
        self.view_menu = self.menuBar().addMenu(self.tr("&View"))
        self.help_menu = self.menuBar().addMenu(self.tr("&Help"))
        self._build_standard_actions()
        self.statusBar().showMessage(self.tr("Ready"))
        if prefs.restore_geometry(self):
            screen_fit.fit_minimum(self)
            screen_fit.keep_on_screen(self)
        else:
            screen_fit.fit_to_screen(self, 1200, 800)

    def _build_standard_actions(self) -> None:
        self.quit_action = self.add_action(self.file_menu, self.tr("&Quit"), self.close, QKeySequence.StandardKey.Quit)
        self.about_action = self.add_action(self.help_menu, self.tr("&About LSCP Audit"), self.show_about)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)

    def add_action(
        self,
        menu: QMenu,
        text: str,
        slot: Callable[[], object],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        *,
        before: QAction | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if isinstance(shortcut, QKeySequence.StandardKey):
            bindings = QKeySequence.keyBindings(shortcut)
            # Some platforms (and the offscreen one) define no binding for a standard key.
            action.setShortcuts(bindings or [QKeySequence(FALLBACK_SHORTCUTS.get(shortcut, ""))])
        elif shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        if before is not None:
            menu.insertAction(before, action)
        else:
            menu.addAction(action)
        self.addAction(action)  # shortcuts work even when the menu bar is hidden or native
        return action

    def add_area(self, key: str, title: str, page: QWidget) -> None:
        """Add a navigation entry and its page; Ctrl+<n> jumps to the n-th area."""
        self._area_keys.append(key)
        QListWidgetItem(title.replace("&", ""), self.navigation)
        # Room for the longest title at any text size (fonts scale with the user's settings).
        needed = self.navigation.fontMetrics().horizontalAdvance(title.replace("&", "")) + 48
        if needed > self.navigation.minimumWidth():
            self.navigation.setMinimumWidth(needed)
        # No wider than that: on a small screen or with large text every pixel goes to the page.
        self.navigation.setMaximumWidth(self.navigation.minimumWidth() + 40)
        splitter = self.centralWidget()
        if isinstance(splitter, QSplitter):
            splitter.setSizes([self.navigation.maximumWidth(), max(splitter.width(), 1000)])
        self.pages.addWidget(page)
        number = len(self._area_keys)
        self.add_action(self.view_menu, title, lambda: self.show_area(key), f"Ctrl+{number}")
        if self.navigation.currentRow() < 0:
            self.navigation.setCurrentRow(0)

    def show_area(self, key: str) -> None:
        self.navigation.setCurrentRow(self._area_keys.index(key))

    def current_area(self) -> str:
        row = self.navigation.currentRow()
        return self._area_keys[row] if row >= 0 else ""

    def area_page(self, key: str) -> QWidget:
        page = self.pages.widget(self._area_keys.index(key))
        assert page is not None
        return page

    def set_area_page(self, key: str, page: QWidget) -> None:
        """Replace an area's page (e.g. the locked placeholder by the real page after unlock)."""
        index = self._area_keys.index(key)
        old = self.pages.widget(index)
        current = self.pages.currentIndex()
        self.pages.insertWidget(index, page)
        if old is not None:
            self.pages.removeWidget(old)
            old.deleteLater()
        self.pages.setCurrentIndex(current)

    def _show_row(self, row: int) -> None:
        if row >= 0:
            self.pages.setCurrentIndex(row)
            self.area_changed.emit(self._area_keys[row])

    def show_about(self) -> None:
        AboutDialog(self).exec()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        shell = getattr(self, "shell", None)
        if shell is not None and not shell.can_close():  # an answer could not be saved: stay
            event.ignore()
            return
        prefs.save_geometry(self)
        super().closeEvent(event)

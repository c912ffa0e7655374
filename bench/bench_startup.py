"""Start-up: process start to main window shown (offscreen), against a bare PySide6 QMainWindow."""

from __future__ import annotations

import os

from bench.harness import Row, median, time_process

BARE = (
    "import sys; from PySide6.QtWidgets import QApplication, QMainWindow; from PySide6.QtCore import QTimer;"
    "app = QApplication(sys.argv); w = QMainWindow(); w.show(); QTimer.singleShot(0, app.quit); app.exec()"
)


def run() -> list[Row]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    bare = median(time_process(["-c", BARE], repeats=7, env=env))
    app = median(time_process(["-m", "lscp_audit", "gui", "--quit-after", "0"], repeats=7, env=env))
    cli = median(time_process(["-m", "lscp_audit", "--version"], repeats=7, env=env))
    python = median(time_process(["-c", "pass"], repeats=7, env=env))
    return [
        Row("start-up: bare PySide6 QMainWindow (baseline)", bare),
        Row("start-up: LSCP Audit main window shown", app, "bare QMainWindow", app / bare, "<= 3x"),
        Row("start-up: lscp-audit --version (CLI)", cli, "python -c pass", cli / python),
    ]

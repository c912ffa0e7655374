"""Small timer helpers (explicit setters: property keyword arguments on Qt constructors are
avoided because bool keywords have triggered reference-count crashes at interpreter exit)."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer


def single_shot_timer(parent: QObject | None, interval_ms: int = 0) -> QTimer:
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(interval_ms)
    return timer

"""Window and view state in QSettings (never anything sensitive: that lives in the vault)."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, qVersion
from PySide6.QtWidgets import QWidget


def _state_key(widget: QWidget, what: str) -> str:
    # The Qt version is part of the key because saved state is not portable across Qt versions.
    return f"{what}/{type(widget).__name__}/qt{qVersion()}"


def restore_geometry(widget: QWidget) -> bool:
    value = QSettings().value(_state_key(widget, "geometry"))
    if isinstance(value, QByteArray) and not value.isEmpty():
        return bool(widget.restoreGeometry(value))
    return False


def save_geometry(widget: QWidget) -> None:
    QSettings().setValue(_state_key(widget, "geometry"), widget.saveGeometry())


def recent_vault() -> str | None:
    value = QSettings().value("vault/recent")
    return str(value) if value else None


def set_recent_vault(path: str) -> None:
    QSettings().setValue("vault/recent", path)

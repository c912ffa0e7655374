"""Settings: auto-lock, personal defaults, report marking, backups and retention, through
`SettingsService` (each setting is declared once there, with its label and limits)."""

from __future__ import annotations

import importlib
import logging
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QLineEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget

from lscp_audit.core.errors import LscpAuditError
from lscp_audit.ui.a11y import fill_missing_accessibility
from lscp_audit.ui.errors import show_error

log = logging.getLogger(__name__)
BACKUPS_WIDGET = ("lscp_audit.ui.vault.backups_page", "BackupsPage")


class SettingsPage(QWidget):
    """One field per declared setting; changes are saved when a field is left or Enter pressed."""

    setting_saved = Signal(str)  # key

    def __init__(self, settings: Any, vault_service: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.fields: dict[str, QSpinBox | QLineEdit] = {}
        self.status = QLabel()
        self.status.setAccessibleName(self.tr("Settings status"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("<h2>Settings</h2>")))
        box = QGroupBox(self.tr("Vault, audits and reports"))
        form = QFormLayout(box)
        for spec in settings.specs():
            field = self._field(spec)
            label = QLabel(spec.label + ":")
            label.setBuddy(field)
            form.addRow(label, field)
            if spec.description:
                hint = QLabel(spec.description)
                hint.setWordWrap(True)
                form.addRow("", hint)
        layout.addWidget(box)
        reset = QPushButton(self.tr("Reset to &defaults"))
        reset.setAccessibleDescription(self.tr("Put every setting back to its default"))
        reset.clicked.connect(self.reset_all)
        layout.addWidget(reset)
        layout.addWidget(self.status)
        self._add_backups(layout, vault_service)
        layout.addStretch(1)
        self.load()

    def _field(self, spec: Any) -> QSpinBox | QLineEdit:
        field: QSpinBox | QLineEdit
        if spec.type is int:
            field = QSpinBox()
            field.setRange(spec.minimum or 0, spec.maximum or 100_000)
            field.setMaximumWidth(field.fontMetrics().horizontalAdvance("0" * 8) + 40)
            field.editingFinished.connect(lambda key=spec.key: self.save(key))
        else:
            field = QLineEdit()
            field.setMaxLength(spec.max_length)
            field.editingFinished.connect(lambda key=spec.key: self.save(key))
        field.setAccessibleName(spec.label)
        field.setAccessibleDescription(spec.description or spec.label)
        self.fields[spec.key] = field
        return field

    def _add_backups(self, layout: QVBoxLayout, vault_service: Any) -> None:
        module_name, class_name = BACKUPS_WIDGET
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            return
        try:
            widget = getattr(module, class_name)(vault_service)
        except Exception:  # noqa: BLE001 - a missing backups page must not break Settings
            log.exception("backups page could not be built")
            return
        fill_missing_accessibility(widget, self.tr("Backups"))
        box = QGroupBox(self.tr("Backups"))
        QVBoxLayout(box).addWidget(widget)
        layout.addWidget(box)

    def load(self) -> None:
        for key, field in self.fields.items():
            value = self.settings.get(key)
            if isinstance(field, QSpinBox):
                field.setValue(int(value))
            else:
                field.setText(str(value))

    def save(self, key: str) -> None:
        field = self.fields[key]
        value: Any = field.value() if isinstance(field, QSpinBox) else field.text()
        try:
            stored = self.settings.set(key, value)
        except LscpAuditError as exc:
            show_error(self, exc)
            self.load()
            return
        if isinstance(field, QLineEdit) and stored != field.text():
            field.setText(str(stored))
        self.status.setText(self.tr("Saved."))
        self.setting_saved.emit(key)

    def reset_all(self) -> None:
        for key in self.fields:
            try:
                self.settings.reset(key)
            except LscpAuditError as exc:
                show_error(self, exc)
        self.load()
        self.status.setText(self.tr("Settings reset to their defaults."))

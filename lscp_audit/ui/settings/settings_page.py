"""Settings in tabs: Identity (who you are and your signing identity), General (auto-lock,
report marking, retention, timestamp server, through `SettingsService`, where each setting is
declared once with its label and limits), Partnership (the partnership profile's name,
localities and agencies register) and Backups (the vault's backups page, which owns
"Backups to keep" because changing it prunes backups at once)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from lscp_audit.core.errors import LscpAuditError
from lscp_audit.ui.a11y import StatusLabel, fill_missing_accessibility, not_a_tab_stop
from lscp_audit.ui.errors import show_error
from lscp_audit.ui.identity.identity_page import IdentityPage
from lscp_audit.ui.records.records_page import RecordsPage
from lscp_audit.ui.settings.partnership_tab import PartnershipTab
from lscp_audit.ui.vault.backups_page import BackupsPage

if TYPE_CHECKING:
    from lscp_audit.services.identity_service import IdentityService
    from lscp_audit.services.partnership_service import PartnershipService
    from lscp_audit.services.records_service import RecordsService
    from lscp_audit.services.settings_service import SettingSpec, SettingsService
    from lscp_audit.services.vault_service import VaultService

#: Settings edited elsewhere: your details on the Identity tab, the backup count beside the backups.
SHOWN_ELSEWHERE = frozenset({"user.name", "audit.default_role", "audit.default_agency", "vault.backup_count"})
RETENTION_KEY = "vault.retention_months"
PERSONAL_SAVED = "user.personal"  # `setting_saved` key when the Identity tab saved your details
PARTNERSHIP_SAVED = "partnership.profile"  # `setting_saved` key when the Partnership tab saved the profile


class ListEdit(QPlainTextEdit):
    """A one-entry-a-line setting: saved when focus leaves it (Tab moves on, as in a form; Enter
    starts a new line)."""

    editing_finished = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        lines = self.fontMetrics().lineSpacing()
        self.setMinimumHeight(lines * 5)
        self.setMaximumHeight(lines * 10)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 (Qt override)
        super().focusOutEvent(event)
        self.editing_finished.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if (
            event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.editing_finished.emit()  # Ctrl+Enter saves without leaving
            return
        super().keyPressEvent(event)


SettingField = QSpinBox | QLineEdit | ListEdit


class SettingsPage(QWidget):
    """General settings save when a field is left or Enter is pressed; tabs for Identity and Backups."""

    setting_saved = Signal(str)  # key

    def __init__(
        self,
        settings: SettingsService,
        vault_service: VaultService | None = None,
        parent: QWidget | None = None,
        *,
        identities: IdentityService | None = None,
        records: RecordsService | None = None,
        partnership: PartnershipService | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        # with a Records tab, the audits' retention is set there (in days, beside the other types)
        self._elsewhere = SHOWN_ELSEWHERE | ({RETENTION_KEY} if records is not None else set())
        self.fields: dict[str, SettingField] = {}
        self.status = StatusLabel(self.tr("Settings status"))  # its accessible name is the message
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("<h2>Settings</h2>")))
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(self.tr("Settings sections"))
        layout.addWidget(self.tabs, 1)
        self.identity: IdentityPage | None = None
        if identities is not None:
            self.identity = IdentityPage(identities, settings)
            self.identity.personal_saved.connect(lambda: self.setting_saved.emit(PERSONAL_SAVED))
            self.tabs.addTab(_scrolling(self.identity), self.tr("&Identity"))
        self.tabs.addTab(_scrolling(self._general()), self.tr("&General"))
        self.partnership: PartnershipTab | None = None
        if partnership is not None:
            self.partnership = PartnershipTab(partnership)
            self.partnership.saved.connect(lambda: self.setting_saved.emit(PARTNERSHIP_SAVED))
            self.tabs.addTab(_scrolling(self.partnership), self.tr("Par&tnership"))
        self.backups: BackupsPage | None = None
        if vault_service is not None:
            self.backups = BackupsPage(vault_service)
            fill_missing_accessibility(self.backups, self.tr("Backups"))
            self.tabs.addTab(_scrolling(self.backups), self.tr("&Backups"))
        self.records: RecordsPage | None = None
        if records is not None:
            self.records = RecordsPage(records)
            self.tabs.addTab(_scrolling(self.records), self.tr("&Records"))
            self.tabs.currentChanged.connect(self._tab_changed)
        self.load()

    def _tab_changed(self, _index: int) -> None:
        """Show the Records tab's plan as of now (returns may have been imported meanwhile)."""
        if self.records is not None:
            self.records.refresh()

    def show_identity(self) -> None:
        if self.identity is not None:
            self.tabs.setCurrentIndex(0)

    def _general(self) -> QWidget:
        box = QWidget()
        form = QFormLayout(box)
        for spec in self.settings.specs():
            if spec.key in self._elsewhere:
                continue
            field = self._field(spec)
            label = QLabel(spec.label + ":")
            label.setBuddy(field)
            form.addRow(label, field)
            if spec.description:
                hint = QLabel(spec.description)
                hint.setWordWrap(True)
                form.addRow("", hint)
        reset = QPushButton(self.tr("Reset to &defaults"))
        reset.setAccessibleDescription(self.tr("Put every setting on this tab back to its default"))
        reset.clicked.connect(self.reset_all)
        form.addRow("", reset)
        form.addRow("", self.status)
        return box

    def _field(self, spec: SettingSpec) -> SettingField:
        field: SettingField
        if spec.multiline:
            field = ListEdit()
            field.editing_finished.connect(lambda key=spec.key: self.save(key))
        elif spec.type is int:
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

    def load(self) -> None:
        for key, field in self.fields.items():
            value = self.settings.get(key)
            if isinstance(field, QSpinBox):
                field.setValue(int(value))
            elif isinstance(field, ListEdit):
                if field.toPlainText() != str(value):
                    field.setPlainText(str(value))
            else:
                field.setText(str(value))

    def save(self, key: str) -> None:
        field = self.fields[key]
        value: Any = _value(field)
        if isinstance(field, ListEdit) and value == str(self.settings.get(key)):
            return  # focus left without a change
        try:
            stored = self.settings.set(key, value)
        except LscpAuditError as exc:
            show_error(self, exc)
            self.load()
            return
        if isinstance(field, QLineEdit) and stored != field.text():
            field.setText(str(stored))
        elif isinstance(field, ListEdit) and stored != field.toPlainText():
            field.setPlainText(str(stored))
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


def _value(field: SettingField) -> Any:
    if isinstance(field, QSpinBox):
        return field.value()
    return field.toPlainText() if isinstance(field, ListEdit) else field.text()


def _scrolling(page: QWidget) -> QScrollArea:
    """A tab's page in a scroll area, so large text and small screens never cut it off."""
    area = QScrollArea()
    area.setWidget(page)
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    return not_a_tab_stop(area)

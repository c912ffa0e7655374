"""Settings → Records: retention per record type and what will be deleted when, the purge, legal
holds, the export log and subject access disclosure packs.

Every destructive step asks first and lists what goes; held records are shown as kept and why.
Tables are read-only, have named headers and say their state in words (never colour alone).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from lscp_audit.core.records import (
    EXPORT_KIND_LABELS,
    HOLD_TARGET_LABELS,
    MIN_RETENTION_DAYS,
    RECORD_TYPE_LABELS,
    HoldTarget,
    LegalHold,
    PurgePlan,
    RecordType,
    RetentionPolicy,
)
from lscp_audit.services.records_service import PurgeOutcome, RecordsService
from lscp_audit.ui import ops
from lscp_audit.ui.a11y import StatusLabel
from lscp_audit.ui.display import format_date
from lscp_audit.ui.errors import show_error

MAX_DAYS = 36_600  # 100 years
DETAIL_LINES = 30


def _table(name: str, headers: Sequence[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.setAccessibleName(name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside it
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    table.setMinimumHeight(140)
    return table


def _fill(table: QTableWidget, rows: Sequence[Sequence[str]], keys: Sequence[str] | None = None) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem(value)
            if keys is not None and c == 0:
                item.setData(Qt.ItemDataRole.UserRole, keys[r])
            table.setItem(r, c, item)


class HoldDialog(QDialog):
    """Place a legal hold: on what (kind and target) and why."""

    def __init__(self, parent: QWidget | None = None, target: str = "", kind: HoldTarget = HoldTarget.CASE_REFERENCE):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Place a legal hold"))
        form = QFormLayout(self)
        self.kind = QComboBox()
        for value, label in HOLD_TARGET_LABELS.items():
            self.kind.addItem(label, value)
        self.kind.setCurrentIndex(list(HOLD_TARGET_LABELS).index(kind))
        self.kind.setAccessibleName(self.tr("Hold on"))
        self.target = QLineEdit(target)
        self.target.setAccessibleName(self.tr("Audit id, return id, round or case reference"))
        self.target.setPlaceholderText(self.tr("for example DA-2026-014"))
        self.reason = QPlainTextEdit()
        self.reason.setAccessibleName(self.tr("Reason for the hold"))
        self.reason.setTabChangesFocus(True)
        self.reason.setPlaceholderText(
            self.tr("for example: records relevant to the Independent Inquiry into Child Sexual Abuse")
        )
        form.addRow(self.tr("Hold &on:"), self.kind)
        form.addRow(self.tr("&Which:"), self.target)
        form.addRow(self.tr("&Reason:"), self.reason)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("&Place hold"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.target.setFocus()

    def values(self) -> tuple[HoldTarget, str, str]:
        return HoldTarget(self.kind.currentData()), self.target.text().strip(), self.reason.toPlainText().strip()


class RecordsPage(QWidget):
    """Retention, purge, legal holds, export log and subject access for the open vault."""

    def __init__(self, records: RecordsService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.records = records
        self.status = StatusLabel(self.tr("Records status"))
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self._retention_box())
        layout.addWidget(self._holds_box())
        layout.addWidget(self._export_log_box())
        layout.addWidget(self._subject_access_box())
        layout.addWidget(self.status)
        layout.addStretch(1)
        self.refresh()

    # --- building -----------------------------------------------------------------------------
    def _days_box(self, name: str) -> QSpinBox:
        box = QSpinBox()
        box.setRange(MIN_RETENTION_DAYS, MAX_DAYS)
        box.setSuffix(self.tr(" days"))
        box.setAccessibleName(name)
        return box

    def _retention_box(self) -> QGroupBox:
        group = QGroupBox(self.tr("Retention: what will be deleted and when"))
        layout = QVBoxLayout(group)
        intro = QLabel(
            self.tr(
                "Each record type may be purged this long after its date. Check your partnership's retention "
                "schedule and any hold (for example the IICSA instruction on child protection records) first."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.day_boxes: dict[RecordType, QSpinBox] = {}
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        labels = {
            RecordType.AUDITS: self.tr("Completed audits, from completion"),
            RecordType.RETURNS: self.tr("Imported returns, from import"),
            RecordType.EXPORT_LOG: self.tr("Export log entries, from the export"),
            RecordType.BACKUPS: self.tr("Backups holding purged records, from the backup"),
        }
        for record_type in RecordType:
            label = labels[record_type]
            box = self._days_box(label)
            self.day_boxes[record_type] = box
            if record_type == RecordType.EXPORT_LOG:
                row = QHBoxLayout()
                row.addWidget(box)
                self.keep_log = QCheckBox(self.tr("&Keep until deleted by hand"))
                self.keep_log.setAccessibleName(self.tr("Keep export log entries until deleted by hand"))
                self.keep_log.toggled.connect(lambda on, days=box: days.setEnabled(not on))
                row.addWidget(self.keep_log)
                row.addStretch(1)
                form.addRow(label + ":", row)
            else:
                form.addRow(label + ":", box)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        self.save_policy_button = QPushButton(self.tr("&Save retention periods"))
        self.save_policy_button.clicked.connect(self.save_policy)
        self.purge_button = QPushButton(self.tr("&Purge records past retention…"))
        self.purge_button.setAccessibleDescription(
            self.tr("Permanently delete every record past its retention period that no hold covers, after confirmation")
        )
        self.purge_button.clicked.connect(self.purge)
        buttons.addWidget(self.save_policy_button)
        buttons.addWidget(self.purge_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.plan_table = _table(
            self.tr("What will be deleted and when"),
            [self.tr("Record type"), self.tr("Record"), self.tr("Dated"), self.tr("Deleted from"), self.tr("State")],
        )
        layout.addWidget(self.plan_table)
        return group

    def _holds_box(self) -> QGroupBox:
        group = QGroupBox(self.tr("Legal holds"))
        layout = QVBoxLayout(group)
        note = QLabel(
            self.tr("A held record is never purged or removed, whatever its age. Holds are released, never deleted.")
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        self.holds_table = _table(
            self.tr("Legal holds"),
            [self.tr("On"), self.tr("Which"), self.tr("Reason"), self.tr("Placed"), self.tr("State")],
        )
        layout.addWidget(self.holds_table)
        row = QHBoxLayout()
        self.place_hold_button = QPushButton(self.tr("Place &a hold…"))  # Alt+H is the Help menu
        self.place_hold_button.clicked.connect(self.place_hold)
        self.release_hold_button = QPushButton(self.tr("Re&lease the selected hold…"))
        self.release_hold_button.clicked.connect(self.release_hold)
        self.show_released = QCheckBox(self.tr("Sho&w released holds"))
        self.show_released.toggled.connect(lambda _on: self.refresh_holds())
        row.addWidget(self.place_hold_button)
        row.addWidget(self.release_hold_button)
        row.addWidget(self.show_released)
        row.addStretch(1)
        layout.addLayout(row)
        self.holds_table.itemSelectionChanged.connect(self._hold_selection_changed)
        return group

    def _export_log_box(self) -> QGroupBox:
        group = QGroupBox(self.tr("Export log: where copies went"))
        layout = QVBoxLayout(group)
        self.export_table = _table(
            self.tr("Export log"),
            [self.tr("When"), self.tr("What"), self.tr("File"), self.tr("Protection"), self.tr("By")],
        )
        layout.addWidget(self.export_table)
        return group

    def _subject_access_box(self) -> QGroupBox:
        group = QGroupBox(self.tr("Subject access: everything held about one case"))
        form = QFormLayout(group)
        self.case_field = QLineEdit()
        self.case_field.setAccessibleName(self.tr("Case reference to search for"))
        self.case_field.setPlaceholderText(self.tr("for example WNB-2026-007"))
        self.terms_field = QLineEdit()
        self.terms_field.setAccessibleName(self.tr("Also find text mentioning (separate with commas)"))
        self.terms_field.setPlaceholderText(self.tr("optional: an agency's own record number"))
        self.disclosure_button = QPushButton(self.tr("Create &disclosure pack…"))
        self.disclosure_button.setAccessibleDescription(
            self.tr("Writes a JSON file and a PDF of every record about the case, with items to review marked")
        )
        self.disclosure_button.clicked.connect(self.create_disclosure_pack)
        self.case_field.returnPressed.connect(self.disclosure_button.click)
        form.addRow(self.tr("&Case reference:"), self.case_field)
        form.addRow(self.tr("Also find te&xt:"), self.terms_field)
        row = QHBoxLayout()
        row.addWidget(self.disclosure_button)
        row.addStretch(1)
        form.addRow("", row)
        return group

    # --- refreshing ---------------------------------------------------------------------------
    def refresh(self) -> None:
        policy = self.records.policy()
        for record_type, box in self.day_boxes.items():
            days = policy.days(record_type)
            box.setValue(days if days is not None else box.value())
        self.keep_log.setChecked(policy.export_log_days is None)
        self.refresh_plan()
        self.refresh_holds()
        self.refresh_export_log()

    def refresh_plan(self) -> PurgePlan:
        plan = self.records.plan()
        rows = [
            [
                RECORD_TYPE_LABELS[i.record_type],
                i.description,
                format_date(i.dated),
                format_date(i.due),
                self.tr("Due now"),
            ]
            for i in plan.due
        ]
        rows += [
            [RECORD_TYPE_LABELS[i.record_type], i.description, format_date(i.dated), format_date(i.due),
             self.tr("Kept: legal hold ({0})").format(i.held_by.reason if i.held_by else "")]
            for i in plan.held
        ]  # fmt: skip
        rows += [
            [
                RECORD_TYPE_LABELS[i.record_type],
                i.description,
                format_date(i.dated),
                format_date(i.due),
                self.tr("Not yet due"),
            ]
            for i in plan.upcoming
        ]
        _fill(self.plan_table, rows)
        self.purge_button.setEnabled(bool(plan.due))
        self.purge_button.setToolTip("" if plan.due else self.tr("Nothing is past its retention period."))
        return plan

    def refresh_holds(self) -> None:
        holds = self.records.holds(active_only=not self.show_released.isChecked())
        rows = [
            [HOLD_TARGET_LABELS[h.target_kind], h.target, h.reason,
             self.tr("{0} by {1}").format(format_date(h.placed_at), h.placed_by),
             self.tr("Active") if h.active else self.tr("Released {0}: {1}").format(format_date(h.released_at), h.release_reason or "")]
            for h in holds
        ]  # fmt: skip
        _fill(self.holds_table, rows, [h.id for h in holds])
        self._holds = {h.id: h for h in holds}
        self._hold_selection_changed()

    def refresh_export_log(self) -> None:
        entries = self.records.export_log()
        _fill(
            self.export_table,
            [
                [format_date(e.exported_at), EXPORT_KIND_LABELS[e.kind], e.file_name, e.protection, e.actor]
                for e in entries
            ],
        )

    def _hold_selection_changed(self) -> None:
        hold = self.selected_hold()
        self.release_hold_button.setEnabled(hold is not None and hold.active)
        self.release_hold_button.setToolTip(
            "" if hold is not None and hold.active else self.tr("Select an active hold in the table first.")
        )

    def selected_hold(self) -> LegalHold | None:
        row = self.holds_table.currentRow()
        item = self.holds_table.item(row, 0) if row >= 0 else None
        return self._holds.get(str(item.data(Qt.ItemDataRole.UserRole))) if item is not None else None

    # --- actions ------------------------------------------------------------------------------
    def _run(self, op: Callable[[], Any], done: Callable[[Any], str]) -> None:
        ops.BackgroundOp(
            parent=self, op=lambda _ctx: op(), success=lambda result: self._finished(done(result))
        ).failure(self._failed).run()

    def _finished(self, message: str) -> None:
        self.refresh()
        self.status.setText(message)

    def _failed(self, exc: BaseException) -> None:
        show_error(self, exc)
        self.refresh()

    def policy_from_fields(self) -> RetentionPolicy:
        days = {t: box.value() for t, box in self.day_boxes.items()}
        return RetentionPolicy(
            audits_days=days[RecordType.AUDITS],
            returns_days=days[RecordType.RETURNS],
            export_log_days=None if self.keep_log.isChecked() else days[RecordType.EXPORT_LOG],
            backups_days=days[RecordType.BACKUPS],
        )

    def save_policy(self) -> None:
        policy = self.policy_from_fields()
        self._run(lambda: self.records.set_policy(policy), lambda _r: self.tr("Retention periods saved."))

    def purge(self) -> None:
        plan = self.refresh_plan()
        confirmed = confirm_purge(self, plan)
        if confirmed is None:
            return
        self._run(
            lambda: self.records.purge(plan, confirm=True, remake_backups=confirmed),
            lambda outcome: outcome.summary() if isinstance(outcome, PurgeOutcome) else self.tr("Purge finished."),
        )

    def place_hold(self) -> None:
        dialog = HoldDialog(self)
        if not dialog.exec():
            return
        kind, target, reason = dialog.values()
        self._run(
            lambda: self.records.place_hold(kind, target, reason),
            lambda hold: self.tr("Legal hold placed on {0} {1}.").format(HOLD_TARGET_LABELS[kind].lower(), target),
        )

    def release_hold(self) -> None:
        hold = self.selected_hold()
        if hold is None or not hold.active:
            return
        reason, ok = QInputDialog.getMultiLineText(
            self,
            self.tr("Release legal hold"),
            self.tr("Why is the hold on {0} {1} no longer needed? (recorded in the change history)").format(
                HOLD_TARGET_LABELS[hold.target_kind].lower(), hold.target
            ),
        )
        if not ok:
            return
        self._run(lambda: self.records.release_hold(hold.id, reason), lambda _h: self.tr("Legal hold released."))

    def create_disclosure_pack(self) -> None:
        case_reference = self.case_field.text().strip()
        if not case_reference:
            self.status.setText(self.tr("Type the case reference to search for first."))
            self.case_field.setFocus()
            return
        terms = [t for t in self.terms_field.text().split(",") if t.strip()]
        folder = QFileDialog.getExistingDirectory(self, self.tr("Folder for the disclosure pack"))
        if not folder:
            return

        def work(ctx: ops.OpContext) -> Any:
            ctx.progress(10, "Searching the vault")
            pack = self.records.subject_access(case_reference, terms)
            ctx.progress(60, "Writing the JSON file and the PDF")
            return self.records.write_disclosure_pack(pack, folder)

        ops.BackgroundOp(
            parent=self,
            op=work,
            success=lambda files: self._finished(
                self.tr(
                    "Disclosure pack {0} written: {1} and {2}. Review the marked items before disclosing anything."
                ).format(files.pack_id, files.json_path.name, files.pdf_path.name)
            ),
        ).failure(self._failed).with_progress(self.tr("Creating the disclosure pack…"), cancellable=False).run()


def confirm_purge(parent: QWidget, plan: PurgePlan) -> bool | None:
    """Ask before a purge, listing what goes (and what a hold keeps). None: cancelled; otherwise
    whether to replace every backup with one fresh backup."""
    if not plan.due:
        QMessageBox.information(parent, parent.tr("Purge"), parent.tr("Nothing is past its retention period."))
        return None
    counts = ", ".join(
        f"{plan.count(t)} {RECORD_TYPE_LABELS[t].lower()}"
        for t in RecordType
        if t != RecordType.BACKUPS and plan.count(t)
    )
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        parent.tr("Purge records past retention"),
        parent.tr(
            "Past the retention period: {0}. Deleting them cannot be undone: they are removed from the vault and "
            "overwritten.{1}\n\nOlder backups still hold these records. They are deleted {2} days after they were "
            "made, or now if you tick the box below (one fresh backup replaces them)."
        ).format(
            counts,
            parent.tr(" {0} record(s) past retention are kept because of a legal hold.").format(len(plan.held))
            if plan.held
            else "",
            plan.backups_after_purge_days,
        ),
        QMessageBox.StandardButton.Cancel,
        parent,
    )
    lines = [f"• {RECORD_TYPE_LABELS[i.record_type]}: {i.description}" for i in plan.due[:DETAIL_LINES]]
    if len(plan.due) > DETAIL_LINES:
        lines.append(parent.tr("… and {0} more").format(len(plan.due) - DETAIL_LINES))
    lines += [f"• {parent.tr('Kept (hold)')}: {i.description}" for i in plan.held[:DETAIL_LINES]]
    box.setDetailedText("\n".join(lines))
    remake = QCheckBox(parent.tr("Replace every &backup with one fresh backup now"))
    box.setCheckBox(remake)
    delete = box.addButton(parent.tr("&Delete permanently"), QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    if box.clickedButton() is not delete:
        return None
    return remake.isChecked()

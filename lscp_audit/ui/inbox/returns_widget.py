"""The "Imported returns" part of the QA inbox: import signed PDFs (button or drag and drop) off
the GUI thread with progress, show each file's outcome, and list trusted returns and, apart,
the quarantine (returns from signers the vault does not trust), with every signer's fingerprint.
A quarantined return leaves the quarantine when its signer is trusted (after the fingerprint is
shown and confirmed) and the kept PDF is checked again."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractItemModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from lscp_audit.core.case_view import CaseView
from lscp_audit.core.errors import LscpAuditError
from lscp_audit.services.inbox_service import (
    COUNTERSIGNER,
    ImportStatus,
    InboxEntry,
    InboxImportResult,
    InboxListing,
    InboxService,
    RecheckResult,
    fingerprint_text,
)
from lscp_audit.services.incoming import import_incoming
from lscp_audit.services.moderation_service import FILE_SUFFIX as MODERATION_SUFFIX
from lscp_audit.services.moderation_service import Moderation, ModerationForm, ModerationService
from lscp_audit.services.returns_service import ReturnDocument, ReturnsService
from lscp_audit.services.watch_folder import WATCHED_SUFFIXES, FileVersion
from lscp_audit.ui.a11y import StatusLabel, name_splitter_handles, not_a_tab_stop
from lscp_audit.ui.errors import show_error
from lscp_audit.ui.inbox.import_results_model import ImportResultsModel
from lscp_audit.ui.inbox.moderation_dialog import ModerationDialog
from lscp_audit.ui.inbox.returns_model import (
    COL_IMPORTED,
    COL_TEMPLATE,
    EntryRole,
    ReturnsSortProxyModel,
    ReturnsTableModel,
    details_html,
)
from lscp_audit.ui.inbox.watch_folder import SETTLE_MS, FolderWatcher
from lscp_audit.ui.ops import BackgroundOp, OpContext
from lscp_audit.ui.pdf_drop import PdfDropMixin
from lscp_audit.ui.row_table_model import RowTableModel
from lscp_audit.ui.widgets.fitted_columns import FittedColumns


def summary_text(results: Sequence[InboxImportResult]) -> str:
    """``2 imported, 1 into quarantine, 1 already in the inbox, 1 not imported.`` (only the outcomes that occurred)."""
    quarantined = sum(1 for r in results if r.quarantined)
    counts = (
        (sum(1 for r in results if r.status == ImportStatus.IMPORTED) - quarantined, "imported"),
        (quarantined, "into quarantine (signer not trusted)"),
        (sum(1 for r in results if r.status == ImportStatus.DUPLICATE), "already in the inbox"),
        (sum(1 for r in results if r.status == ImportStatus.REJECTED), "not imported"),
        (sum(1 for r in results if r.status == ImportStatus.SKIPPED), "skipped (cancelled)"),
    )
    parts = [f"{n} {word}" for n, word in counts if n]
    return (", ".join(parts) or "No files") + "."


def recheck_text(outcome: RecheckResult) -> str:
    parts = []
    if outcome.now_trusted:
        parts.append(f"{len(outcome.now_trusted)} return(s) left the quarantine")
    if outcome.now_quarantined:
        parts.append(f"{len(outcome.now_quarantined)} return(s) moved into quarantine")
    if outcome.not_checked:
        parts.append(f"{len(outcome.not_checked)} could not be checked again ({outcome.not_checked[0][1]})")
    return ("; ".join(parts) or "No return changed") + "."


#: What `refresh` loads off the GUI thread: the listing, the trusted signer and moderator counts,
#: each return's moderation outcome and each round's title.
_Loaded = tuple[InboxListing, int, int, dict[str, str], dict[str, str]]


def _table(
    name: str, description: str, model: RowTableModel[Any], shown: QAbstractItemModel | None = None
) -> QTableView:
    """A read-only table of `model`'s rows (through `shown`, a sort and filter proxy, if given)
    whose columns fit their texts when the rows change."""
    table = QTableView()
    table.setModel(shown if shown is not None else model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    FittedColumns(table, model)
    table.horizontalHeader().setStretchLastSection(True)
    table.verticalHeader().hide()
    table.setTabKeyNavigation(False)  # Tab leaves the table; arrow keys move between its cells
    table.setAccessibleName(name)
    table.setAccessibleDescription(description)
    return table


class _FillLayout(QVBoxLayout):
    """The layout of a scroll area's content: it fills the visible height when it fits and
    scrolls only below its minimum (a wrapped label would otherwise make the scroll area size
    the content to its preferred height)."""

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt API)
        return False


WAITING_FOR_RETURN = "; it is tried again when a return arrives in the watch folder"


class ImportedReturnsWidget(PdfDropMixin, QWidget):
    """Import signed PDFs into the vault's inbox and list trusted returns and the quarantine.

    `inbox` is the open vault's `InboxService`. Vault work runs on the serial worker through `ui.ops`; signals
    ``files_imported(list)`` carries the per-file results, ``return_removed(str)`` the removed
    return's id and ``trust_changed()`` fires after a certificate was trusted and the kept
    returns were checked again.
    """

    files_imported = Signal(list)
    return_removed = Signal(str)
    dropped_suffixes = WATCHED_SUFFIXES  # returns and moderation records, as the watch folder takes
    trust_changed = Signal()

    def __init__(
        self,
        inbox: InboxService,
        parent: QWidget | None = None,
        *,
        returns: ReturnsService | None = None,
        moderation: ModerationService | None = None,
    ) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self._inbox = inbox
        self._returns = returns if returns is not None else ReturnsService.for_inbox(inbox)
        self._moderation = moderation if moderation is not None else ModerationService.for_inbox(inbox)
        self.moderation_dialog: ModerationDialog | None = None  # the last one opened (tests)
        self.return_view: QWidget | None = None  # the last return or case view opened (tests, screenshots)
        self._current: InboxEntry | None = None
        self.watcher: FolderWatcher | None = None  # the watch folder, when the setting is on
        self._watch_queue: list[tuple[Path, FileVersion]] = []
        self._watch_importing = False
        #: Moderation records from the watch folder whose return is not in the inbox yet: tried
        #: again after a watched import stores a return.
        self._watch_waiting: dict[Path, FileVersion] = {}
        self.model = ReturnsTableModel(self)
        self.proxy = ReturnsSortProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.quarantine_model = ReturnsTableModel(self)
        self.quarantine_proxy = ReturnsSortProxyModel(self)
        self.quarantine_proxy.setSourceModel(self.quarantine_model)
        self.results_model = ImportResultsModel(self)
        self._build_widgets()
        self._lay_out()
        self.refresh()

    def _build_widgets(self) -> None:
        self.import_button = QPushButton(self.tr("&Import signed PDFs…"))
        self.import_button.clicked.connect(self._choose_pdfs)
        self.trust_button = QPushButton(self.tr("Trust a &certificate…"))
        self.trust_button.setToolTip(self.tr("An auditor's certificate or the partnership root"))
        self.trust_button.clicked.connect(lambda _checked=False: self._choose_certificate(moderator=False))
        self.moderator_button = QPushButton(self.tr("Trust a &moderator…"))
        self.moderator_button.setToolTip(self.tr("A QA moderator's certificate: only these may countersign returns"))
        self.moderator_button.clicked.connect(lambda _checked=False: self._choose_certificate(moderator=True))
        self.remove_button = QPushButton(self.tr("&Remove from inbox…"))
        self.remove_button.clicked.connect(lambda _checked=False: self.remove_selected())
        self.trust_signer_button = QPushButton(self.tr("Trust the &signer…"))
        self.trust_signer_button.clicked.connect(lambda _checked=False: self.trust_selected_signer())
        self.recheck_button = QPushButton(self.tr("Re-chec&k trust"))
        self.recheck_button.setAccessibleDescription(
            self.tr("Check every kept signed PDF again against the certificates trusted now")
        )
        self.recheck_button.clicked.connect(lambda _checked=False: self.recheck_trust())
        self.open_button = QPushButton(self.tr("Ope&n return…"))
        self.open_button.clicked.connect(lambda _checked=False: self.open_selected())
        self.case_button = QPushButton(self.tr("Case vie&w…"))
        self.case_button.clicked.connect(lambda _checked=False: self.open_case_view())
        self.save_pdf_button = QPushButton(self.tr("Save a cop&y of the PDF…"))
        self.save_pdf_button.clicked.connect(lambda _checked=False: self.save_selected_pdf())
        self.moderate_button = QPushButton(self.tr("Mo&derate…"))
        self.moderate_button.clicked.connect(lambda _checked=False: self.moderate_selected())
        self.trust_label = QLabel()
        self.password = QLineEdit(
            echoMode=QLineEdit.EchoMode.Password,
            placeholderText=self.tr("Password for protected PDFs (never stored)"),
        )
        self.password.setAccessibleName(self.tr("Password for encrypted PDFs"))
        self.password.setAccessibleDescription(
            self.tr("Opens password-protected returns when importing or checking them again; never stored")
        )
        self.filter = QLineEdit(placeholderText=self.tr("Filter by report id, template, case, signer…"))
        self.filter.setClearButtonEnabled(True)
        self.filter.setAccessibleName(self.tr("Filter returns"))
        self.filter.setAccessibleDescription(self.tr("Shows only the returns whose columns contain this text"))
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.filter.textChanged.connect(self.quarantine_proxy.setFilterFixedString)
        self.show_older = QCheckBox(self.tr("Show &older revisions"))
        self.show_older.setToolTip(self.tr("Also list revisions that a newer revision in the inbox supersedes"))
        self.show_older.toggled.connect(lambda _on: self.refresh())
        self.table = self._returns_table(
            self.model,
            self.proxy,
            self.tr("Trusted returns"),
            self.tr("Signed returns whose signers this vault trusts: report id, template, case, signer and dates"),
        )
        self.quarantine_table = self._returns_table(
            self.quarantine_model,
            self.quarantine_proxy,
            self.tr("Quarantine"),
            self.tr("Returns whose signer this vault does not trust; they are not counted with trusted returns"),
        )
        self.returns_heading = QLabel()
        self.quarantine_heading = QLabel()
        self.quarantine_heading.setWordWrap(True)
        self.details = QTextBrowser()
        self.details.setAccessibleName(self.tr("Return details"))
        self.details.setAccessibleDescription(self.tr("Every signer of the selected return with their fingerprint"))
        self.details.setPlaceholderText(self.tr("Select a return to see every signer and their fingerprint."))
        self.results = _table(
            self.tr("Import results"),
            self.tr("Each file of the last import: imported, already there, or why not"),
            self.results_model,
        )
        self.results.setMaximumHeight(170)  # about six files; the returns tables get the rest
        self.results.hide()
        self.summary = StatusLabel(self.tr("Import status"))  # its accessible name is the message
        self.summary.setWordWrap(True)
        self._update_buttons()

    def _returns_table(
        self, model: ReturnsTableModel, proxy: ReturnsSortProxyModel, name: str, description: str
    ) -> QTableView:
        table = _table(name, description, model, proxy)
        # Long template titles take the spare width and elide, so the other columns stay in view.
        table.horizontalHeader().setSectionResizeMode(COL_TEMPLATE, QHeaderView.ResizeMode.Stretch)
        table.horizontalHeader().setStretchLastSection(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        table.setSortingEnabled(True)
        table.sortByColumn(COL_IMPORTED, Qt.SortOrder.DescendingOrder)  # most recently imported first
        table.selectionModel().selectionChanged.connect(lambda *_a, t=table: self._selected_in(t))
        table.activated.connect(lambda index: self.open_return(index.data(EntryRole)))  # Enter or double-click
        return table

    def _lay_out(self) -> None:
        hint = QLabel(
            self.tr(
                "Drop signed report PDFs here, or choose them (moderation records too). Files that fail the "
                "signature checks are not imported; returns from signers this vault does not trust are held in "
                "quarantine."
            )
        )
        hint.setWordWrap(True)
        buttons = QHBoxLayout()
        for button in (
            self.import_button,
            self.trust_button,
            self.moderator_button,
            self.recheck_button,
            self.remove_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        selected = QHBoxLayout()
        for button in (self.open_button, self.case_button, self.save_pdf_button, self.moderate_button):
            selected.addWidget(button)
        selected.addStretch(1)
        filters = QHBoxLayout()
        filters.addWidget(self.filter, 3)
        filters.addWidget(self.password, 2)
        filters.addWidget(self.show_older)
        trusted = QWidget()
        trusted_layout = QVBoxLayout(trusted)
        trusted_layout.setContentsMargins(0, 0, 0, 0)
        trusted_layout.addWidget(self.returns_heading)
        trusted_layout.addWidget(self.table, 1)
        self.quarantine_box = QWidget()
        quarantine_layout = QVBoxLayout(self.quarantine_box)
        quarantine_layout.setContentsMargins(0, 0, 0, 0)
        heading_row = QHBoxLayout()
        heading_row.addWidget(self.quarantine_heading, 1)
        heading_row.addWidget(self.trust_signer_button)
        quarantine_layout.addLayout(heading_row)
        quarantine_layout.addWidget(self.quarantine_table, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        # Each table keeps a couple of rows in view; on a small screen or with large text the
        # whole tab scrolls instead (see below), so the window never has to be taller than the screen.
        for view in (self.table, self.quarantine_table, self.details):
            view.setMinimumHeight(96)
        self.results.setMinimumHeight(72)
        for part in (trusted, self.quarantine_box, self.details):
            splitter.addWidget(part)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setStretchFactor(2, 2)
        name_splitter_handles(splitter, self.tr("Returns"), self.tr("Quarantine"), self.tr("Details"))
        body = QWidget()
        layout = _FillLayout(body)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        # Sideways scrolling only when the buttons and columns cannot fit (large text on a small
        # screen); never clipped out of reach.
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        scroll.setWidget(body)
        not_a_tab_stop(scroll)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        layout.addWidget(hint)
        layout.addLayout(buttons)
        layout.addWidget(self.trust_label)  # its own line: the button row is wide enough with large text
        layout.addWidget(self.summary)
        layout.addWidget(self.results)
        layout.addLayout(filters)
        layout.addLayout(selected)
        layout.addWidget(splitter, 1)

    # --- the lists ---------------------------------------------------------------------------
    def refresh(self) -> None:
        """Reload the returns, the quarantine and the trust-list counts from the vault."""
        include_older = self.show_older.isChecked()

        def load(_ctx: OpContext) -> _Loaded:
            listing = self._inbox.listing(include_superseded=include_older)
            outcomes = self._moderation.outcomes()
            rounds = self._returns.round_labels()
            return listing, self._inbox.trusted_count(), self._inbox.moderator_count(), outcomes, rounds

        BackgroundOp(parent=self, op=load, success=self._show_list).failure(self._failed).run()

    def _show_list(self, loaded: _Loaded) -> None:
        listing, signers, moderators, outcomes, rounds = loaded
        current = self._current.id if self._current else None
        for model in (self.model, self.quarantine_model):
            model.set_moderation(outcomes)
            model.set_rounds(rounds)
        self.model.set_rows(listing.returns)
        self.quarantine_model.set_rows(listing.quarantine)
        self.trust_label.setText(self.tr("Trusted: %d signer(s), %d moderator(s)") % (signers, moderators))
        self.returns_heading.setText(self.tr("<b>Trusted returns (%d)</b>") % len(listing.returns))
        older = self.tr("Show &older revisions")
        self.show_older.setText(older + (f" ({listing.superseded})" if listing.superseded else ""))
        self.quarantine_heading.setText(
            self.tr(
                "<b>Quarantine (%d)</b>: a signer is not trusted; not counted until you trust the signer "
                "or remove the return."
            )
            % len(listing.quarantine)
        )
        self.quarantine_box.setVisible(bool(listing.quarantine))
        empty_text = self.tr("No returns imported yet.")
        anything = bool(listing.returns or listing.quarantine)
        if not anything and not self.summary.text():
            self.summary.setText(empty_text)
        elif anything and self.summary.text() == empty_text:
            self.summary.clear()
        self._current = None
        if current is not None:
            self._reselect(current)
        self._show_details()

    def _reselect(self, return_id: str) -> None:
        for table in (self.table, self.quarantine_table):
            proxy = table.model()
            for row in range(proxy.rowCount()):
                if proxy.index(row, 0).data(EntryRole).id == return_id:
                    table.selectRow(row)
                    return

    def _selected_in(self, table: QTableView) -> None:
        rows = table.selectionModel().selectedRows()
        if rows:
            self._current = rows[0].data(EntryRole)
            other = self.quarantine_table if table is self.table else self.table
            other.clearSelection()
        elif self._current is not None and not self.selected_entries():
            self._current = None
        self._show_details()

    def selected_entries(self) -> list[InboxEntry]:
        """The selected return (trusted or quarantined), if any."""
        found: list[InboxEntry] = []
        for table in (self.table, self.quarantine_table):
            found += [index.data(EntryRole) for index in table.selectionModel().selectedRows()]
        return found[:1]

    def _show_details(self) -> None:
        entry = self._current
        text = details_html(entry) if entry is not None else ""
        if entry is not None and entry.id in self.model.moderation:
            text += (
                self.tr("<p><b>Moderation:</b> %s (Open return… shows the record).</p>")
                % (self.model.moderation[entry.id])
            )
        self.details.setHtml(text)
        self._update_buttons()

    def _update_buttons(self, *_args: Any) -> None:
        entry = self._current
        self.remove_button.setEnabled(entry is not None)
        why = self.tr("Select a return in a table first") if entry is None else self.tr("Remove the selected return")
        self.remove_button.setToolTip(why)  # a disabled button says why
        self.remove_button.setAccessibleDescription(why)
        can_trust = entry is not None and entry.quarantined and bool(entry.signatures)
        self._explain(
            self.trust_signer_button,
            can_trust,
            self.tr("Shows the signer's fingerprint to check before trusting it")
            if can_trust or entry is None
            else self.tr("Only a return in the quarantine has a signer to trust"),
        )
        self._explain(self.open_button, entry is not None, self.tr("Show the selected return's answers (Enter)"))
        is_case = entry is not None and entry.kind == "case_audit" and entry.trusted and bool(entry.subject)
        self._explain(
            self.case_button,
            is_case,
            self.tr("The trusted returns for the selected return's case, side by side")
            if is_case or entry is None
            else self.tr("Only a trusted case audit return has a multi-agency case view"),
        )
        has_pdf = entry is not None and entry.has_pdf
        self._explain(
            self.save_pdf_button,
            has_pdf,
            self.tr("Save the selected return's signed PDF exactly as it was received")
            if has_pdf or entry is None
            else self.tr("The vault does not keep this return's PDF: it was imported by an earlier version"),
        )

        can_moderate = entry is not None and entry.trusted
        self._explain(
            self.moderate_button,
            can_moderate,
            self.tr("Record a signed moderation outcome for the selected return")
            if can_moderate or entry is None
            else self.tr("A return in quarantine cannot be moderated until its signer is trusted"),
        )

    def _explain(self, button: QPushButton, enabled: bool, why: str) -> None:
        """Enable `button` when a suitable return is selected; a disabled button says why."""
        if self._current is None:
            why = self.tr("Select a return in a table first")
        button.setEnabled(enabled)
        button.setToolTip(why)
        button.setAccessibleDescription(why)

    # --- import ------------------------------------------------------------------------------
    def _choose_pdfs(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self,
            self.tr("Import signed PDFs"),
            "",
            self.tr("Signed returns and moderation records (*.pdf *%s);;PDF files (*.pdf);;Moderation records (*%s)")
            % (MODERATION_SUFFIX, MODERATION_SUFFIX),
        )
        if names:
            self.import_files([Path(n) for n in names])

    def pdfs_dropped(self, files: list[Path]) -> None:
        self.import_files(files)

    def import_files(self, files: Sequence[Path]) -> None:
        """Verify and import `files` off the GUI thread, with progress and Cancel: signed PDFs
        into the inbox, then moderation record files (`.lscpmod`), which need their return."""
        paths = list(files)
        password = self.password.text() or None
        self.import_button.setEnabled(False)
        self.summary.setText(self.tr("Importing %d file(s)…") % len(files))

        def work(ctx: OpContext) -> list[InboxImportResult]:
            return self._import_paths(paths, password, ctx)[0]

        BackgroundOp(parent=self, op=work, success=self._imported).failure(self._failed).with_progress(
            self.tr("Importing signed PDFs…")
        ).run()

    def _import_paths(
        self, files: Sequence[Path], password: str | None, ctx: OpContext
    ) -> tuple[list[InboxImportResult], set[Path]]:
        """Run on the worker: `import_incoming` (signed PDFs, then moderation records). Also
        gives the records refused only because their return is not in the inbox yet."""
        results: list[InboxImportResult] = []
        awaiting: set[Path] = set()
        for incoming in import_incoming(
            self._inbox,
            self._moderation,
            files,
            password=password,
            progress=ctx.progress,
            cancel=ctx.cancel,
            yield_cpu=True,
        ):
            results.append(incoming.result)
            if incoming.awaiting_return:
                awaiting.add(incoming.result.path)
        return results, awaiting

    def _imported(self, results: list[InboxImportResult]) -> None:
        self.import_button.setEnabled(True)
        self.results_model.set_rows(results)
        self.results.setVisible(bool(results))
        self.summary.setText(summary_text(results))
        self.refresh()
        self.files_imported.emit(results)

    # --- the watch folder --------------------------------------------------------------------
    def watch_folder(self, folder: Path | None, *, settle_ms: int = SETTLE_MS) -> None:
        """Import returns saved into `folder` while the app is open (None stops watching). Each
        file is imported once it has settled (not while it is still being written), with the
        same checks as any import; what happened is shown here, in the window's status bar and
        announced to screen readers. Files are never moved or deleted."""
        self._watch_waiting.clear()
        if self.watcher is not None:
            self.watcher.stop()
            self.watcher.deleteLater()
            self.watcher = None
        if folder is None:
            return
        self.watcher = FolderWatcher(folder, self, settle_ms=settle_ms)
        self.watcher.ready.connect(self._watched_files)

    def _watched_files(self, found: list[tuple[Path, FileVersion]]) -> None:
        self._watch_queue += found
        if not self._watch_importing:
            self._import_watched()

    def _import_watched(self) -> None:
        batch, self._watch_queue = self._watch_queue, []
        if not batch:
            return
        self._watch_importing = True
        watcher = self.watcher
        versions = dict(batch)

        def work(ctx: OpContext) -> tuple[list[InboxImportResult], set[Path]]:
            return self._import_paths(list(versions), None, ctx)

        def done(imported: tuple[list[InboxImportResult], set[Path]]) -> None:
            results, awaiting = imported
            self._watch_importing = False
            if any(r.status == ImportStatus.IMPORTED and r.entry is not None for r in results):
                self._watch_queue += list(self._watch_waiting.items())  # their return may have come
                self._watch_waiting.clear()
            standing = []
            for result in results:
                if watcher is not None and not watcher.finished(result.path, versions[result.path]):
                    continue
                if result.path in awaiting:
                    self._watch_waiting[result.path] = versions[result.path]
                    result = dataclasses.replace(result, reason=result.reason + WAITING_FOR_RETURN)
                standing.append(result)
            if standing:
                self._watch_imported(standing)
            self._import_watched()  # what arrived meanwhile, and records whose return may be in now

        def failed(exc: BaseException) -> None:
            self._watch_importing = False
            self._announce(self.tr("Watch folder: the returns could not be imported (%s).") % exc)

        BackgroundOp(parent=self, op=work, success=done).failure(failed).run()

    def _watch_imported(self, results: list[InboxImportResult]) -> None:
        self.results_model.set_rows(results)
        self.results.setVisible(True)
        self._announce(self.tr("Watch folder: %s") % summary_text(results))
        self.refresh()
        self.files_imported.emit(results)

    def _announce(self, text: str) -> None:
        """Show `text` in the summary line (a status label: screen readers are told) and in the
        window's status bar."""
        self.summary.setText(text)
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, 30_000)

    def _failed(self, exc: BaseException) -> None:
        """Expected failures are explained in the summary line; anything else gets the error dialog."""
        self.import_button.setEnabled(True)
        if isinstance(exc, LscpAuditError):
            self.summary.setText(self.tr("That did not work: %s") % exc)
        else:
            show_error(self, exc)

    # --- remove and trust --------------------------------------------------------------------
    def remove_selected(self, *, confirm: bool = True) -> None:
        """Remove the selected return after asking (the PDF file itself is not touched)."""
        entry = self._current
        if entry is None:
            return
        if confirm and not self._confirm_remove(entry):
            return

        def work(_ctx: OpContext) -> str:
            self._inbox.remove(entry.id)
            return str(entry.id)

        BackgroundOp(parent=self, op=work, success=self._removed).failure(self._failed).run()

    def _confirm_remove(self, entry: InboxEntry) -> bool:
        answer = QMessageBox.question(
            self,
            self.tr("Remove from inbox"),
            self.tr(
                "Remove report %s from the inbox? Its data and the copy of the signed PDF kept in the vault are "
                "deleted. The PDF file itself is not changed; you can import it again."
            )
            % entry.report_id,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _removed(self, return_id: str) -> None:
        self.summary.setText(self.tr("Removed from the inbox."))
        self._current = None
        self.refresh()
        self.return_removed.emit(return_id)

    def _choose_certificate(self, *, moderator: bool) -> None:
        title = self.tr("Trust a QA moderator's certificate") if moderator else self.tr("Trust a certificate")
        name, _ = QFileDialog.getOpenFileName(self, title, "", self.tr("Certificates (*.pem *.crt)"))
        if not name:
            return
        try:
            pem = Path(name).read_text(encoding="ascii", errors="replace")
        except OSError as exc:
            self.summary.setText(
                self.tr("Cannot read %s (%s).") % (Path(name).name, exc.strerror or self.tr("no reason given"))
            )
            return
        self.trust_certificate(pem, moderator=moderator)

    def trust_certificate(self, pem: str, *, moderator: bool = False) -> None:
        """Trust the certificate(s) in `pem` (as signers, or as QA moderators), then check the
        kept returns again so quarantined ones signed by them are released."""

        password = self.password.text() or None

        def work(_ctx: OpContext) -> tuple[int, RecheckResult]:
            added = len(self._inbox.trust_certificate(pem, moderator=moderator))
            return added, self._inbox.recheck(password=password, quarantine_only=True, yield_cpu=True)

        BackgroundOp(parent=self, op=work, success=self._trusted).failure(self._failed).run()

    def _trusted(self, outcome: tuple[int, RecheckResult]) -> None:
        count, recheck = outcome
        self.summary.setText(self.tr("%d certificate(s) trusted. %s") % (count, recheck_text(recheck)))
        self.refresh()
        self.trust_changed.emit()

    def trust_selected_signer(self, *, confirm: bool = True) -> None:
        """Trust the first untrusted signer of the selected quarantined return, after showing the
        fingerprint of their certificate and asking; a countersigner is trusted as a QA moderator."""
        entry = self._current
        if entry is None or not entry.signatures:
            return
        position = next(
            (
                n
                for n, s in enumerate(entry.signatures)
                if not s.trusted or (s.role == COUNTERSIGNER and not s.moderator)
            ),
            0,
        )
        signer = entry.signatures[position]
        moderator = signer.role == COUNTERSIGNER
        if confirm and not self._confirm_trust(entry, position, moderator):
            return

        password = self.password.text() or None

        def work(_ctx: OpContext) -> tuple[int, RecheckResult]:
            recheck = self._inbox.trust_signer(
                entry.id, signer.fingerprint, position=position, moderator=moderator, password=password, yield_cpu=True
            )
            return 1, recheck

        BackgroundOp(parent=self, op=work, success=self._trusted).failure(self._failed).run()

    def _confirm_trust(self, entry: InboxEntry, position: int, moderator: bool) -> bool:
        signer = entry.signatures[position]
        who = signer.name + (f" ({signer.organisation})" if signer.organisation else "")
        what = self.tr("as a QA moderator") if moderator else self.tr("as a signer")
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Trust this signer?"))
        box.setText(self.tr("Trust %s %s?") % (who, what))
        box.setInformativeText(
            self.tr(
                "SHA-256 fingerprint of their certificate:\n%s\n\nCheck this fingerprint with the signer by "
                "phone or in person before you trust it. Every return they signed will then be trusted."
            )
            % fingerprint_text(signer.fingerprint)
        )
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return box.exec() == QMessageBox.StandardButton.Yes

    # --- moderation ----------------------------------------------------------------------------
    def moderate_selected(self) -> None:
        """Load the selected return's scale and judgements off the GUI thread, then ask."""
        entry = self._current
        if entry is None or not entry.trusted:
            return
        return_id = entry.id

        def load(_ctx: OpContext) -> ModerationForm:
            return self._moderation.form(return_id)

        BackgroundOp(parent=self, op=load, success=self._ask_moderation).failure(self._failed).run()

    def _ask_moderation(self, form: ModerationForm) -> None:
        dialog = ModerationDialog(form, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda d=dialog, f=form: self._record_moderation(f, d))
        self.moderation_dialog = dialog
        dialog.open()

    def _record_moderation(self, form: ModerationForm, dialog: ModerationDialog) -> None:
        outcome, rationale, judgements = dialog.outcome(), dialog.rationale(), dialog.judgements()
        return_id = form.return_id

        def work(_ctx: OpContext) -> Moderation:
            return self._moderation.record(return_id, outcome=outcome, rationale=rationale, judgements=judgements)

        BackgroundOp(parent=self, op=work, success=self._moderated).failure(self._failed).run()

    def _moderated(self, moderation: Moderation) -> None:
        self.summary.setText(
            self.tr("Moderation of %s recorded and signed by %s: %s.")
            % (moderation.report_id, moderation.moderator, moderation.summary)
        )
        self.refresh()

    # --- open, case view, save a copy, re-check ----------------------------------------------
    def open_selected(self) -> None:
        if self._current is not None:
            self.open_return(self._current)

    def open_return(self, entry: InboxEntry | None) -> None:
        """Load the return off the GUI thread, then show it read-only."""
        if entry is None:
            return
        return_id = entry.id

        def load(_ctx: OpContext) -> ReturnDocument:
            return self._returns.open(return_id)

        BackgroundOp(parent=self, op=load, success=self._show_return).failure(self._failed).run()

    def _show_return(self, document: ReturnDocument) -> None:
        from lscp_audit.ui.inbox.return_view import ReturnViewDialog

        dialog = ReturnViewDialog(document, self._returns, self, moderation=self._moderation)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.return_view = dialog
        dialog.open()

    def open_case_view(self) -> None:
        """The multi-agency case view of the selected return's case and round."""
        entry = self._current
        if entry is None:
            return
        return_id = entry.id

        def load(_ctx: OpContext) -> CaseView:
            return self._returns.case_view_for(return_id)

        BackgroundOp(parent=self, op=load, success=self._show_case).failure(self._failed).run()

    def _show_case(self, view: CaseView) -> None:
        from lscp_audit.ui.inbox.case_view import CaseViewDialog

        dialog = CaseViewDialog(view, self._returns, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.return_view = dialog
        dialog.open()

    def save_selected_pdf(self, path: str | None = None) -> None:
        """Save the selected return's kept signed PDF (asks where unless `path` is given)."""
        entry = self._current
        if entry is None:
            return
        if path is None:
            path, _ = QFileDialog.getSaveFileName(
                self,
                self.tr("Save a copy of the signed PDF"),
                f"lscp-audit-report-{entry.report_id}.pdf",
                self.tr("PDF files (*.pdf)"),
            )
        if not path:
            return
        destination, return_id = path, entry.id

        def work(_ctx: OpContext) -> Path:
            return self._returns.save_pdf_copy(return_id, destination)

        BackgroundOp(parent=self, op=work, success=self._pdf_saved).failure(self._failed).run()

    def _pdf_saved(self, path: Path) -> None:
        self.summary.setText(self.tr("Saved a copy of the signed PDF as %s.") % path.name)

    def recheck_trust(self) -> None:
        """Check every kept PDF again against the trust lists (after trusting someone elsewhere,
        or to confirm), off the GUI thread with progress and Cancel."""
        password = self.password.text() or None
        self.recheck_button.setEnabled(False)

        def work(ctx: OpContext) -> RecheckResult:
            return self._inbox.recheck(password=password, progress=ctx.progress, cancel=ctx.cancel, yield_cpu=True)

        BackgroundOp(parent=self, op=work, success=self._rechecked).failure(self._recheck_failed).with_progress(
            self.tr("Checking the returns again…")
        ).run()

    def _rechecked(self, outcome: RecheckResult) -> None:
        self.recheck_button.setEnabled(True)
        text = self.tr("Checked %d return(s) again. %s") % (outcome.checked, recheck_text(outcome))
        without = sum(1 for e in [*self.model.rows(), *self.quarantine_model.rows()] if not e.has_pdf)
        if without:
            text += (
                " "
                + self.tr(
                    "%d return(s) imported by an earlier version have no kept PDF and cannot be checked again; "
                    "import their PDF files again."
                )
                % without
            )
        self.summary.setText(text)
        self.refresh()
        self.trust_changed.emit()

    def _recheck_failed(self, exc: BaseException) -> None:
        self.recheck_button.setEnabled(True)
        self._failed(exc)

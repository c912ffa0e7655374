"""Take the screenshots in docs/screenshots/ from the demo vault (fictitious data only).

Run through ``make screenshots``: it starts Xvfb (1280x720) with the openbox window manager and
runs this twice, at normal size into ``docs/screenshots/`` and at ``QT_SCALE_FACTOR=1.5`` into
``docs/screenshots/large-text/``. Each image is the whole screen, so a window that does not
fit shows as cut off. Needs ``import`` (ImageMagick) on the PATH.

    python tools/screenshots.py OUTPUT_DIR [--only NAME ...]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

WORK = Path(tempfile.mkdtemp(prefix="lscp-screens-"))
os.environ["LSCP_AUDIT_HOME"] = str(WORK / "home")  # never the user's own vault or settings
os.environ["HOME"] = str(WORK / "home")
os.environ.setdefault("XDG_CONFIG_HOME", str(WORK / "home" / ".config"))

from PySide6.QtCore import Qt, QTimer  # noqa: E402 (after the environment is set)
from PySide6.QtWidgets import QApplication, QDialog, QWidget  # noqa: E402

from lscp_audit.services import demo_data  # noqa: E402
from lscp_audit.services.vault_service import VaultService  # noqa: E402
from lscp_audit.ui.app import create_application  # noqa: E402
from lscp_audit.ui.inbox.returns_model import EntryRole  # noqa: E402
from lscp_audit.ui.main_window import MainWindow  # noqa: E402
from lscp_audit.ui.shell import build_main_window  # noqa: E402

SETTLE_S = 0.6


def settle(seconds: float = SETTLE_S) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.02)


def grab(out: Path, name: str) -> None:
    """The whole X screen (window manager frame included) as OUTPUT/name.png."""
    settle()
    target = out / f"{name}.png"
    subprocess.run(["import", "-window", "root", str(target)], check=True)
    print(f"  {target}")


class Tour:
    """Opens each screen of the app in the demo vault and photographs it."""

    def __init__(self, out: Path, only: set[str]) -> None:
        self.out = out
        self.only = only
        self.window: MainWindow | None = None

    def wanted(self, name: str) -> bool:
        return not self.only or name in self.only

    def shot(self, name: str, show: Callable[[], QWidget | None] | None = None) -> None:
        if not self.wanted(name):
            return
        widget = show() if show is not None else None
        grab(self.out, name)
        if isinstance(widget, QDialog):
            widget.done(QDialog.DialogCode.Rejected)
            widget.deleteLater()
            settle(0.2)

    def run(self) -> None:
        vault_path = WORK / "demo.lscp"
        print("building the demo vault…", flush=True)
        demo_data.build_demo_vault(vault_path)
        service = VaultService(vault_path, use_keychain=False)
        service.unlock(passphrase=demo_data.DEMO_PASSPHRASE)
        window = build_main_window(str(vault_path))
        self.window = window
        window.show()
        window.activateWindow()
        if self.wanted("audits-empty"):
            empty = VaultService(WORK / "empty.lscp", use_keychain=False)
            empty.create("a fresh vault for the empty screenshot", use_keychain=False)
            window.shell.install(empty)
            window.show_area("audits")
            self.shot("audits-empty")
            window.shell.lock()
        window.shell.install(service, demo=True)
        settle(1.0)
        self.audits(window)
        self.editor(window)
        self.other_areas(window)
        window.hide()
        self.vault_dialogs()

    # -- screens -----------------------------------------------------------------------------
    def audits(self, window: MainWindow) -> None:
        window.show_area("audits")
        self.shot("audits-list")
        area = window.shell.audits_area
        self.shot("new-audit", lambda: self._modeless(area.new_audit_dialog()))
        self.shot("new-audit-problems", lambda: self._new_audit_with_problems(area))

    def editor(self, window: MainWindow) -> None:
        area = window.shell.audits_area
        session = window.shell.session
        pages = session.audits.list_audits().items
        case = next(s for s in pages if s.template_id != "section-11-self-assessment" and s.status == "draft")
        editor = area.open_audit(case.id)
        if editor is None:
            return
        self._focus_question(editor)
        self.shot("editor")
        editor.focus_guidance()
        self.shot("editor-guidance")
        editor.show_review()
        self.shot("editor-review")
        area.close_editor()
        amended = next((s for s in pages if s.revision > 1), None)
        if amended is not None and area.open_audit(amended.id) is not None:
            from lscp_audit.ui.editor.history_dialog import HistoryDialog

            history = session.audits.change_history(amended.id)
            self.shot("change-history", lambda: self._modeless(HistoryDialog(history, window)))
            self.shot("change-history-every-change", lambda: self._every_change(HistoryDialog(history, window)))
            area.close_editor()
        signed = next((s for s in pages if s.status in ("complete", "signed")), None)
        if signed is not None and self.wanted("sign-export"):
            from lscp_audit.ui.reports.sign_export_dialog import SignExportDialog

            self.shot("sign-export", lambda: self._modeless(SignExportDialog(session.reports(), signed.id, window)))
        self.actions_and_identifiers(window, pages)
        s11 = next((s for s in pages if s.template_id == "section-11-self-assessment" and s.status == "draft"), None)
        if s11 is not None:
            editor = area.open_audit(s11.id)
            if editor is not None:
                editor.navigator.setCurrentIndex(editor.sections.index(min(1, editor.sections.rowCount() - 1)))
                settle(0.3)
                self._focus_question(editor, "s1_rating")  # the RAG rating at the end of standard 1
                self.shot("editor-section11")
                area.close_editor()

    def actions_and_identifiers(self, window: MainWindow, pages: list[object]) -> None:
        """The SMART actions table of a domestic abuse draft, and Check for identifiers on a
        fictitious summary that holds a date of birth, a mobile number and a postcode."""
        if not (self.wanted("editor-actions") or self.wanted("identifier-check")):
            return
        from lscp_audit.ui.checks.identifier_dialog import IdentifierDialog

        area, audits = window.shell.audits_area, window.shell.session.audits
        draft = next((s for s in pages if s.template_id == "domestic-abuse-maca" and s.status == "draft"), None)
        if draft is None:
            return
        audits.save_answer(draft.id, "actions_needed", "yes")
        summary = "Mother (DOB 22/10/1994) on 07700 900321 lives at LS6 2QT; the strategy meeting on 12/03/2025 agreed a s.47."
        audits.save_answer(draft.id, "ctx_summary", summary)
        editor = area.open_audit(draft.id)
        if editor is None:
            return
        editor.jump_to_answer("action_plan")
        self.shot("editor-actions")
        check = audits.identifier_check(draft.id)
        self.shot(
            "identifier-check",
            lambda: self._modeless(
                IdentifierDialog(check, lambda _r, _ids: check, window, doing="completed", can_correct=True)
            ),
        )
        area.close_editor()

    def other_areas(self, window: MainWindow) -> None:
        self.import_demo_reports(window)
        for key, name in (("inbox", "qa-inbox"), ("templates", "templates"), ("settings", "settings")):
            if self.wanted(name):
                window.show_area(key)
                self.shot(name)
        if self.wanted("qa-verify"):
            window.show_area("inbox")
            inbox = window.area_page("inbox")
            tabs = getattr(inbox, "tabs", None)
            if tabs is not None:
                verify = [i for i in range(tabs.count()) if "Verify" in tabs.tabText(i)]
                tabs.setCurrentIndex(verify[0] if verify else tabs.count() - 1)
                self.shot("qa-verify")
                tabs.setCurrentIndex(0)
        self.rounds(window)
        self.analysis(window)
        self.return_views(window)
        self.sign_off(window)
        if self.wanted("settings-general"):
            window.show_area("settings")
            tabs = getattr(window.area_page("settings"), "tabs", None)
            if tabs is not None and tabs.count() > 1:
                tabs.setCurrentIndex(1)
                self.shot("settings-general")
                tabs.setCurrentIndex(tabs.count() - 1)
                self.shot("settings-backups")
                tabs.setCurrentIndex(0)
        window.show_area("audits")

    def rounds(self, window: MainWindow) -> None:
        """The QA inbox's Rounds tab: the demo's rounds, the first selected with its expected,
        received and outstanding returns."""
        if not self.wanted("qa-rounds"):
            return
        shown = _inbox_tab(window, "rounds")
        if shown is None:
            return
        widget, tabs = shown
        settle(2.0)
        widget.table.selectRow(0)
        settle(1.0)
        self.shot("qa-rounds")
        tabs.setCurrentIndex(0)

    def analysis(self, window: MainWindow) -> None:
        """The QA inbox's Analysis tab on the demo vault's returns (tools/analysis_report_pages.py
        takes it on 1,000 returns, with the Section 11 matrix and a comparison)."""
        names = ("analysis-charts", "analysis-section11", "analysis-actions")
        if not any(self.wanted(n) for n in names):
            return
        from lscp_audit.core.analysis_tables import ACTIONS, S11

        shown = _inbox_tab(window, "analysis")
        if shown is None:
            return
        widget, tabs = shown
        widget.reload()  # the returns imported for the tour
        settle(3.0)
        widget.tabs.setCurrentWidget(widget.charts)
        self.shot("analysis-charts")
        # The demo's Section 11 returns: two rounds, the same organisations, one agreed by the
        # moderator, one signed off by its senior lead; then the action register with progress.
        for name, table in (("analysis-section11", S11), ("analysis-actions", ACTIONS)):
            view = widget.views.get(table)
            if view is not None:
                widget.tabs.setCurrentWidget(view)
                view.resizeColumnsToContents()
                settle(0.5)
                self.shot(name)
        widget.tabs.setCurrentWidget(widget.charts)
        tabs.setCurrentIndex(0)

    def return_views(self, window: MainWindow) -> None:
        """A return opened read-only, and the case view of its case (a quarantined return's
        signer is trusted first when the inbox holds no trusted return)."""
        returns = getattr(window.area_page("inbox"), "returns", None)
        if returns is None or not hasattr(returns, "open_selected"):
            return
        window.show_area("inbox")
        if returns.proxy.rowCount() == 0 and returns.quarantine_proxy.rowCount():
            returns.quarantine_table.selectRow(0)
            returns.trust_selected_signer(confirm=False)
            for _ in range(300):
                settle(0.1)
                if returns.proxy.rowCount():
                    break
        if returns.proxy.rowCount() == 0:
            return
        returns.table.selectRow(self._moderated_row(returns))
        self._view_shot(returns, "qa-return-view", returns.open_selected)
        self._view_shot(returns, "qa-case-view", returns.open_case_view)

    @staticmethod
    def _moderated_row(returns: object) -> int:
        """The row of the demo's moderated domestic abuse return (its case has three agencies'
        returns), else the first row."""
        proxy = returns.proxy  # type: ignore[attr-defined]
        for row in range(proxy.rowCount()):
            entry = proxy.index(row, 0).data(EntryRole)
            if entry is not None and entry.id in returns.model.moderation and entry.kind == "case_audit":  # type: ignore[attr-defined]
                return row
        return 0

    def sign_off(self, window: MainWindow) -> None:
        """The senior lead's sign-off of a demo Section 11 return: before and after signing."""
        from lscp_audit.services.identity_service import IdentityService
        from lscp_audit.services.sign_off_service import SignOffService
        from lscp_audit.ui.reports.sign_off_dialog import SignOffDialog

        wanted = [n for n in ("sign-off", "sign-off-done") if self.wanted(n)]
        session = window.shell.session
        source = WORK / "demo-demo-reports" / "returns" / "s11-2026-riverside-hospitals-nhs-trust.pdf"
        if not wanted or session is None or not source.exists():
            return
        vault = session.vault_service.vault
        IdentityService(vault).create("Demo Chief Nurse", "Chief Nurse", "Riverside Hospitals NHS Trust (demo)")
        dialog = SignOffDialog(SignOffService(vault), source, window)
        self._modeless(dialog)
        for _ in range(100):
            settle(0.1)
            if dialog.preview is not None:
                break
        dialog.identity.setCurrentIndex(dialog.identity.findText("Demo Chief Nurse", Qt.MatchFlag.MatchStartsWith))
        dialog.location.setText("Riverside Hospital (demo)")
        dialog.destination.setText(str(WORK / "s11-2026-hospital-signed-off.pdf"))
        dialog.identity.setFocus()
        settle(0.3)
        if self.wanted("sign-off"):
            grab(self.out, "sign-off")
        dialog.sign_off()
        for _ in range(200):
            settle(0.1)
            if dialog.result_ is not None:
                break
        self.shot("sign-off-done", lambda: dialog)
        dialog.done(QDialog.DialogCode.Rejected)

    def _view_shot(self, returns: object, name: str, opener: Callable[[], None]) -> None:
        if not self.wanted(name):
            return
        returns.return_view = None  # type: ignore[attr-defined]
        opener()
        for _ in range(100):
            settle(0.1)
            if returns.return_view is not None:  # type: ignore[attr-defined]
                break
        self.shot(name, lambda: returns.return_view)  # type: ignore[attr-defined]

    def import_demo_reports(self, window: MainWindow) -> None:
        """Fill the QA inbox with the demo vault's own signed reports (what a QA subgroup receives)."""
        returns = getattr(window.area_page("inbox"), "returns", None)
        reports = sorted((WORK / "demo-demo-reports").glob("*.pdf"))
        if returns is None or not reports or not hasattr(returns, "import_files"):
            return
        window.show_area("inbox")
        returns.import_files(reports)
        for _ in range(600):  # up to a minute: each file is verified
            settle(0.1)
            if returns.import_button.isEnabled():
                break
        settle(0.5)

    def vault_dialogs(self) -> None:
        """The first-run wizard and the unlock dialog, on their own (no vault open)."""
        from lscp_audit.ui.vault.first_run_wizard import FirstRunWizard
        from lscp_audit.ui.vault.unlock_dialog import UnlockDialog

        fresh = VaultService(WORK / "first-run.lscp", use_keychain=False)
        self.shot("first-run", lambda: self._modeless(FirstRunWizard(fresh)))
        if self.wanted("first-run-passphrase"):
            wizard = FirstRunWizard(fresh)
            self._modeless(wizard)
            wizard.next()
            field = wizard.passphrase_page.passphrase_field
            field.first.setText("violet tractor quietly 83 umbrella harbour")
            field.second.setText("violet tractor quietly 83 umbrella harbour")
            self.shot("first-run-passphrase", lambda: wizard)
        demo = VaultService(WORK / "demo.lscp", use_keychain=False)
        self.shot("unlock", lambda: self._modeless(UnlockDialog(demo)))

    def _new_audit_with_problems(self, area: object) -> QDialog:
        dialog = area.new_audit_dialog()  # type: ignore[attr-defined]
        self._modeless(dialog)
        if dialog.form is not None:
            first = dialog.form.first_input()
            if first is not None and hasattr(first, "setText"):
                first.setText("Jo Bloggs")
        dialog.create_audit()
        return dialog

    @staticmethod
    def _focus_question(editor: object, key: str | None = None) -> None:
        """Put the focus in a question of the open section (the first, or `key`)."""
        for block in editor.stack.blocks():  # type: ignore[attr-defined]
            if block.isVisible() and (key is None or block.key == key):
                block.input.focus_widgets()[0].setFocus()
                return

    def _every_change(self, dialog: QDialog) -> QDialog:
        tabs = getattr(dialog, "tabs", None)
        if tabs is not None:
            tabs.setCurrentIndex(1)
        return self._modeless(dialog)

    @staticmethod
    def _modeless(dialog: QDialog) -> QDialog:
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog


def _inbox_tab(window: MainWindow, name: str) -> tuple[Any, Any] | None:
    """Show the QA inbox's tab held in the inbox page's attribute `name`: (that tab's widget, the
    tab widget), or None when this build has no such tab."""
    window.show_area("inbox")
    inbox = window.area_page("inbox")
    widget, tabs = getattr(inbox, name, None), getattr(inbox, "tabs", None)
    if widget is None or tabs is None:
        return None
    tabs.setCurrentWidget(widget)
    return widget, tabs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("--only", nargs="*", default=[], help="screenshot names to take (default: all)")
    args = parser.parse_args()
    args.output.mkdir(parents=True, exist_ok=True)
    app = create_application()
    tour = Tour(args.output, set(args.only))
    QTimer.singleShot(0, lambda: (tour.run(), app.quit()))
    try:
        app.exec()
    finally:
        if tour.window is not None:
            tour.window.shell.shutdown()  # lock the demo vault before its folder goes
        shutil.rmtree(WORK, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

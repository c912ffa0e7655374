"""Desktop benchmarks: open the largest template's editor (to shown), switch section, and the
Audits page loading and filtering 10,000 audits (SQL filter + Qt model), each against a
baseline measured in the same run (an empty QWidget shown; the model without SQL)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from bench.harness import Row, median, time_call

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
AUDITS = 10_000


def _app() -> Any:
    from lscp_audit.ui.app import create_application

    return create_application([])


def _pump(app: Any) -> None:
    for _ in range(3):
        app.processEvents()


def _demo_service(folder: Path) -> Any:
    from lscp_audit.services.audit_service import AuditService
    from lscp_audit.services.demo_data import DEMO_PASSPHRASE, build_demo_vault
    from lscp_audit.services.vault_service import VaultService
    from lscp_audit.storage.keyfile import TEST_POLICY

    path = folder / "demo.lscp"
    build_demo_vault(path, kdf_policy=TEST_POLICY)
    vault = VaultService(path, use_keychain=False, kdf_policy=TEST_POLICY)
    vault.unlock(passphrase=DEMO_PASSPHRASE)
    return vault, AuditService.for_vault(vault.vault)


def _largest_draft(service: Any) -> tuple[str, int]:
    from lscp_audit.core.audit import AuditStatus
    from lscp_audit.core.audit_query import AuditFilter

    best = ("", -1)
    for row in service.list_audits(AuditFilter(statuses=(AuditStatus.DRAFT,), limit=None)).items:
        size = sum(1 for _ in service.open_audit(row.id).template.all_questions())
        if size > best[1]:
            best = (row.id, size)
    return best


def _editor_rows(app: Any, service: Any) -> list[Row]:
    from PySide6.QtWidgets import QWidget

    from lscp_audit.ui.editor.editor_page import EditorPage

    audit_id, questions = _largest_draft(service)

    def baseline() -> None:
        widget = QWidget()
        widget.resize(1300, 850)
        widget.show()
        _pump(app)
        widget.deleteLater()

    def open_editor() -> None:
        page = EditorPage(service, audit_id)
        page.resize(1300, 850)
        page.show()
        _pump(app)
        page.deleteLater()

    base = median(time_call(baseline, repeats=9))
    shown = median(time_call(open_editor, repeats=9))
    page = EditorPage(service, audit_id)
    page.resize(1300, 850)
    page.show()
    rows = page.sections.rowCount()
    state = {"row": 0}

    def switch() -> None:
        state["row"] = (state["row"] + 1) % rows
        page.navigator.setCurrentIndex(page.sections.index(state["row"]))
        _pump(app)

    first_visits = time_call(switch, repeats=rows - 1, warmup=0)
    cached = time_call(switch, repeats=rows, warmup=0)
    page.deleteLater()
    return [
        Row("editor: empty QWidget shown (baseline)", base),
        Row(
            f"editor: open largest template ({questions} questions) to shown",
            shown,
            "empty QWidget",
            shown / base,
            "<= 200 ms",
        ),
        Row(
            "editor: switch section, first visit (builds it)",
            median(first_visits),
            "",
            None,
            "",
            f"max {max(first_visits):.1f} ms",
        ),
        Row("editor: switch section, visited before", median(cached)),
    ]


def _big_vault(folder: Path) -> Any:
    from bench.bench_vault import _insert_audits
    from lscp_audit.services.audit_service import AuditService
    from lscp_audit.services.vault_service import VaultService
    from lscp_audit.storage.keyfile import TEST_POLICY

    vault = VaultService(folder / "big.lscp", use_keychain=False, kdf_policy=TEST_POLICY)
    vault.create("benchmark passphrase words here")
    with vault.vault.engine.connect() as conn:
        _insert_audits(conn.connection.dbapi_connection, AUDITS)
    return vault, AuditService.for_vault(vault.vault)


def _table_rows(app: Any, service: Any) -> list[Row]:
    from PySide6.QtWidgets import QTableView

    from lscp_audit.core.audit_query import AuditFilter
    from lscp_audit.ui.audits.audits_page import AuditsPage
    from lscp_audit.ui.audits.table_model import AuditSortProxyModel, AuditTableModel

    everything = service.list_audits(AuditFilter(limit=None)).items
    model = AuditTableModel()
    proxy = AuditSortProxyModel()
    proxy.setSourceModel(model)
    view = QTableView()
    view.setModel(proxy)
    view.resize(1300, 800)
    view.show()

    def model_only() -> None:
        model.set_rows(everything)
        _pump(app)

    page = AuditsPage(service)
    page.resize(1300, 800)
    page.show()
    _pump(app)
    searches = iter(f"case-{n:03d}" for n in range(10_000))

    def reload_all() -> None:
        page.filters.clear()  # emits changed -> reload in SQL
        _pump(app)

    def text_filter() -> None:
        page.filters.search.setText(next(searches))
        page.reload()
        _pump(app)

    def status_filter() -> None:
        status = page.filters.status
        status.setCurrentIndex(1 + (status.currentIndex() % (status.count() - 1)))
        _pump(app)

    model_ms = median(time_call(model_only, repeats=7))
    load_ms = median(time_call(reload_all, repeats=7))
    text_ms = median(time_call(text_filter, repeats=7))
    status_ms = median(time_call(status_filter, repeats=7))
    page.deleteLater()
    view.deleteLater()
    return [
        Row(f"audits: {AUDITS:,} DTOs into the model, view shown (baseline)", model_ms),
        Row(
            f"audits page: load {AUDITS:,} (SQL, first 2,000 shown)",
            load_ms,
            "model only",
            load_ms / model_ms,
            "<= 100 ms",
        ),
        Row(f"audits page: text search over {AUDITS:,} (SQL)", text_ms, "model only", text_ms / model_ms, "<= 100 ms"),
        Row(
            f"audits page: status filter over {AUDITS:,} (SQL)",
            status_ms,
            "model only",
            status_ms / model_ms,
            "<= 100 ms",
        ),
    ]


def run() -> list[Row]:
    app = _app()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ.setdefault("LSCP_AUDIT_HOME", str(folder / "home"))
        demo_vault, demo_service = _demo_service(folder)
        rows = _editor_rows(app, demo_service)
        demo_vault.lock()
        big_vault, big_service = _big_vault(folder)
        rows += _table_rows(app, big_service)
        big_vault.lock()
    return rows

"""The editor marks each answer carried forward from the previous Section 11 return
("Carried forward — confirm", with a Confirm button) until the user confirms or changes it;
Complete is refused while any is unconfirmed, naming them and focusing the first Confirm button."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from bench.bench_reports import completed_audit
from lscp_audit import paths
from lscp_audit.services.audit_service import AuditService
from lscp_audit.services.template_service import TemplateService
from lscp_audit.services.vault_service import VaultService
from lscp_audit.ui.editor.editor_page import EditorPage
from tests.ui.test_accessibility import mnemonic_clashes, unnamed_inputs
from tests.ui.test_editor_drafts import block


@pytest.fixture
def s11_service(vault_service: VaultService, tmp_path: Path) -> AuditService:
    templates = TemplateService(shipped_dir=paths.forms_dir(), user_dir=tmp_path / "user")
    return AuditService.for_vault(vault_service.vault, templates, actor="Ann Completer")


def test_carried_forward_answers_are_marked_until_confirmed(
    qtbot: QtBot, s11_service: AuditService, vault_service: VaultService, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = s11_service.template("section-11-self-assessment")
    vault_service.vault.audits.create(replace(completed_audit(template), id="s11-2024"), "t", template_title="S11")
    record, _left = s11_service.start_from_previous("s11-2024")
    page = EditorPage(s11_service, record.id)
    qtbot.addWidget(page)
    page.show()
    first = block(page, "sc_services")
    assert first.carried_label.isVisibleTo(page) and first.confirm_button.isVisibleTo(page)
    assert first.carried_label.text() == "Carried forward — confirm" and unnamed_inputs(page) == []
    qtbot.mouseClick(first.confirm_button, Qt.MouseButton.LeftButton)
    assert not first.carried_label.isVisibleTo(page) and not first.confirm_button.isVisibleTo(page)
    assert "sc_services" not in s11_service.get_audit(record.id).unconfirmed
    # Changing an answer confirms it too.
    second = block(page, "sc_previous")
    assert second.carried_forward
    second.evidence.setFocus()
    qtbot.keyClicks(second.evidence, " Checked in 2026.")
    assert page.flush()
    assert not second.carried_label.isVisibleTo(page)
    assert "sc_previous" not in s11_service.get_audit(record.id).unconfirmed
    # Complete is refused while any carried-forward answer is unconfirmed, and says so.
    messages: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda *args: messages.append(str(args[2])))
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.Yes)
    page.show_review()
    page.review.complete_button.click()
    assert messages and "carried forward from your previous return and are not confirmed yet" in messages[-1]
    assert s11_service.get_audit(record.id).status == "draft"


def test_a_completed_return_starts_the_next_round_from_the_editor(
    qtbot: QtBot, s11_service: AuditService, vault_service: VaultService, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = s11_service.template("section-11-self-assessment")
    vault_service.vault.audits.create(replace(completed_audit(template), id="s11-2024"), "t", template_title="S11")
    page = EditorPage(s11_service, "s11-2024")
    qtbot.addWidget(page)
    page.show()
    page.show_review()
    assert page.review.next_round_button.isVisibleTo(page) and mnemonic_clashes(page.review) == []
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(page.open_requested) as opened:
        page.review.next_round_button.click()
    new_id = opened.args[0]
    record = s11_service.get_audit(new_id)
    assert record.carried_forward is not None and record.carried_forward.from_audit_id == "s11-2024"
    assert s11_service.get_audit("s11-2024").status == "complete"  # the previous return is kept as it was

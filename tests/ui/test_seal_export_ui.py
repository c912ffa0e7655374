"""The Sign-and-export dialog's "Encrypt for: [the QA subgroup] [me]": the QA subgroup's
certificates come from the vault's recipients (a partnership pack's), "me" is always included
with them, a password and sealing exclude each other, and the sealed PDF opens in the QA
member's vault (real vaults, real signing, nothing replaced)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from lscp_audit.services.identity_service import IdentityService
from lscp_audit.services.report_service import ReportService
from lscp_audit.ui.reports.sign_export_dialog import SignExportDialog
from tests.reports.sample_audit import make_vault, stored_audit, yaml_template


@pytest.fixture()
def vaults(tmp_path: Path) -> Iterator[tuple[Any, Any]]:
    auditor = make_vault(tmp_path / "auditor.lscp")
    auditor.audits.create(stored_audit(yaml_template()), "test")
    IdentityService(auditor).create("Ama Mensah", "Designated nurse", "NHS Trust")
    qa = make_vault(tmp_path / "qa.lscp")
    qa_identity = IdentityService(qa)
    qa_identity.create("Testshire QA subgroup", "QA subgroup", "Testshire LSCP")
    yield auditor, qa
    auditor.close()
    qa.close()


def test_seal_for_the_qa_subgroup_from_the_dialog(qtbot: QtBot, vaults: tuple[Any, Any], tmp_path: Path) -> None:
    auditor, qa = vaults
    without = SignExportDialog(ReportService(auditor), "a-0001", directory=tmp_path)
    qtbot.addWidget(without)
    assert not without.seal_qa.isEnabled() and "no partnership pack" in without.seal_qa.text()

    qa_pem = IdentityService(qa).export_certificate_pem()
    IdentityService(auditor).trust_certificate(qa_pem, purpose="recipient")  # as a partnership pack does
    dialog = SignExportDialog(ReportService(auditor), "a-0001", directory=tmp_path)
    qtbot.addWidget(dialog)
    assert dialog.seal_qa.isEnabled() and "Testshire QA subgroup" in dialog.seal_qa.text()
    dialog.encrypt.setChecked(True)
    qtbot.keyClick(dialog.seal_qa, Qt.Key.Key_Space)
    assert dialog.seal_qa.isChecked() and dialog.seal_me.isChecked() and not dialog.seal_me.isEnabled()
    assert not dialog.encrypt.isChecked()  # a password and sealing exclude each other
    dialog.start_export()
    result = dialog.export_result
    assert result is not None and result.sealed_for == ("Ama Mensah", "Testshire QA subgroup")
    assert "sealed for Ama Mensah, Testshire QA subgroup" in dialog.status.text()
    [opened] = ReportService(qa).verify([result.path])
    assert opened.sealed and opened.signed and opened.intact and opened.whole_file

"""The QA inbox's watch folder (pytest-qt, real vault, real signed PDFs written into a temporary
folder): a return is imported once it has settled (never half-written), with the same checks and
a notification in the status bar; a copy is found to be a duplicate, not imported twice; a file
that fails is reported and left where it is; the setting is off by default and must name a
folder. The settling rules themselves are tested with a clock the test moves."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMainWindow
from pytestqt.qtbot import QtBot

from lscp_audit.core.errors import ValidationError
from lscp_audit.services.identity_service import IdentityService
from lscp_audit.services.inbox_service import ImportStatus, InboxImportResult, InboxService
from lscp_audit.services.moderation_service import ModerationService
from lscp_audit.services.settings_service import SettingsService
from lscp_audit.services.watch_folder import SettleTracker
from lscp_audit.ui.inbox import ImportedReturnsWidget
from tests.reports.sample_audit import make_vault
from tests.services.signed_returns import SignedReturns, make_signed_returns

SETTLE_MS = 300


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> SignedReturns:
    return make_signed_returns(tmp_path_factory.mktemp("watched-returns"), 2)


@pytest.fixture()
def app(qtbot: QtBot, tmp_path: Path, made: SignedReturns) -> Iterator[tuple[QMainWindow, ImportedReturnsWidget, Path]]:
    vault = make_vault(tmp_path / "qa.lscp")
    inbox = InboxService(vault)
    inbox.trust_certificate(made.pem)
    window = QMainWindow()
    widget = ImportedReturnsWidget(inbox)
    window.setCentralWidget(widget)
    qtbot.addWidget(window)
    folder = tmp_path / "OneDrive - Testshire LSCP" / "Returns"
    folder.mkdir(parents=True)
    widget.watch_folder(folder, settle_ms=SETTLE_MS)
    yield window, widget, folder
    widget.watch_folder(None)
    vault.close()


def _next_import(qtbot: QtBot, widget: ImportedReturnsWidget, timeout: int = 20_000) -> list[InboxImportResult]:
    with qtbot.waitSignal(widget.files_imported, timeout=timeout) as blocker:
        pass
    results: list[InboxImportResult] = blocker.args[0]
    return results


def test_a_return_is_imported_once_written_and_a_copy_is_a_duplicate(
    qtbot: QtBot, app: tuple[QMainWindow, ImportedReturnsWidget, Path], made: SignedReturns
) -> None:
    window, widget, folder = app
    imported: list[list[InboxImportResult]] = []
    widget.files_imported.connect(imported.append)
    data = made.files[0].read_bytes()
    target = folder / "Return from Health.pdf"
    with target.open("wb") as out:  # a sync client writing the file in two goes
        out.write(data[: len(data) // 2])
        out.flush()
        qtbot.wait(SETTLE_MS // 3)
        assert imported == []  # still being written: not looked at yet
        out.write(data[len(data) // 2 :])
    qtbot.waitUntil(lambda: len(imported) == 1, timeout=20_000)
    [result] = imported[0]
    assert result.path == target and result.status == ImportStatus.IMPORTED and result.entry is not None
    assert result.entry.trusted
    assert widget.summary.text() == "Watch folder: 1 imported."
    assert window.statusBar().currentMessage() == "Watch folder: 1 imported."
    qtbot.waitUntil(lambda: widget.model.rowCount() == 1)
    # The same return saved again under another name is found to be in the inbox already.
    shutil.copyfile(made.files[0], folder / "Return from Health (1).pdf")
    qtbot.waitUntil(lambda: len(imported) == 2, timeout=20_000)
    [again] = imported[1]
    assert again.status == ImportStatus.DUPLICATE and widget.summary.text() == "Watch folder: 1 already in the inbox."
    # Each file is handled once: nothing is imported again while the files stay as they are.
    qtbot.wait(SETTLE_MS * 4)
    assert len(imported) == 2 and widget.model.rowCount() == 1
    assert sorted(p.name for p in folder.iterdir()) == ["Return from Health (1).pdf", "Return from Health.pdf"]


def test_a_file_that_fails_is_reported_and_left_in_place(
    qtbot: QtBot, app: tuple[QMainWindow, ImportedReturnsWidget, Path], made: SignedReturns
) -> None:
    window, widget, folder = app
    (folder / "notes.txt").write_text("not a return", encoding="utf-8")
    (folder / "~$lock.pdf").write_bytes(b"office lock file")
    junk = folder / "scan.pdf"
    junk.write_bytes(b"%PDF-1.7 a scanned letter, not signed")
    shutil.copyfile(made.other_signer, folder / "from another signer.pdf")
    results = _next_import(qtbot, widget)
    by_name = {r.path.name: r for r in results}
    assert sorted(by_name) == ["from another signer.pdf", "scan.pdf"]  # text and lock files are ignored
    assert by_name["scan.pdf"].status == ImportStatus.REJECTED and by_name["scan.pdf"].reason
    assert by_name["from another signer.pdf"].quarantined
    expected = "Watch folder: 1 into quarantine (signer not trusted), 1 not imported."
    assert widget.summary.text() == expected and window.statusBar().currentMessage() == expected
    assert junk.read_bytes() == b"%PDF-1.7 a scanned letter, not signed"  # reported, never deleted
    assert widget.results_model.rowCount() == 2


def _moderation_record(made: SignedReturns, folder: Path) -> tuple[Path, str]:
    """A moderator's vault imports `made.files[1]` and agrees with it: (the signed record file
    saved into `folder`, the moderator's certificate)."""
    moderators_vault = make_vault(folder / "moderator.lscp")
    try:
        inbox = InboxService(moderators_vault)
        inbox.trust_certificate(made.pem)
        [stored] = inbox.import_files([made.files[1]])
        assert stored.entry is not None
        identities = IdentityService(moderators_vault)
        me = identities.create("Aisha Rahman", "QA moderator", "Testshire LSCP")
        pem = identities.export_certificate_pem(me.id)
        inbox.trust_certificate(pem, moderator=True)
        moderation = ModerationService(moderators_vault)
        record = moderation.record(stored.entry.id, outcome="agree", rationale="Agreed at panel.")
        return moderation.export(record.id, folder / "a-moderation.lscpmod"), pem
    finally:
        moderators_vault.close()


def _trust_moderator(qtbot: QtBot, widget: ImportedReturnsWidget, pem: str) -> None:
    widget.trust_certificate(pem, moderator=True)
    qtbot.waitUntil(lambda: "1 moderator" in widget.trust_label.text(), timeout=20_000)


def test_a_return_and_its_moderation_record_synced_together_are_both_imported(
    qtbot: QtBot, app: tuple[QMainWindow, ImportedReturnsWidget, Path], made: SignedReturns, tmp_path: Path
) -> None:
    """A moderator's vault shares the return and its signed moderation record into the folder;
    the record is imported after the return of the same batch, so it finds it, and the return
    shows as moderated. The record file comes first by name, and is seen first."""
    _window, widget, folder = app
    shared, pem = _moderation_record(made, tmp_path)
    _trust_moderator(qtbot, widget, pem)
    widget.watch_folder(None)  # both files are there when watching starts (the app opened after a sync)
    shutil.copyfile(shared, folder / shared.name)
    shutil.copyfile(made.files[1], folder / "z-return.pdf")
    widget.watch_folder(folder, settle_ms=SETTLE_MS)
    results = _next_import(qtbot, widget)
    assert [(r.path.name, r.status) for r in results] == [
        ("z-return.pdf", ImportStatus.IMPORTED),
        ("a-moderation.lscpmod", ImportStatus.IMPORTED),
    ]
    assert widget.summary.text() == "Watch folder: 2 imported."
    qtbot.waitUntil(lambda: list(widget.model.moderation.values()) == ["Agreed"], timeout=20_000)


def test_a_moderation_record_synced_before_its_return_is_imported_when_the_return_comes(
    qtbot: QtBot, app: tuple[QMainWindow, ImportedReturnsWidget, Path], made: SignedReturns, tmp_path: Path
) -> None:
    """Sync clients bring files one at a time: the record settles first and cannot be stored
    yet (it says why, and that it will be tried again); once the return arrives and is stored,
    the record is imported without anyone touching it."""
    _window, widget, folder = app
    shared, pem = _moderation_record(made, tmp_path)
    _trust_moderator(qtbot, widget, pem)
    imported: list[list[InboxImportResult]] = []
    widget.files_imported.connect(imported.append)
    shutil.copyfile(shared, folder / shared.name)
    qtbot.waitUntil(lambda: len(imported) == 1, timeout=20_000)
    [waiting] = imported[0]
    assert waiting.status == ImportStatus.REJECTED and "import the return first" in waiting.reason
    assert "tried again when a return arrives" in waiting.reason and widget.model.moderation == {}
    shutil.copyfile(made.files[1], folder / "z-return.pdf")
    qtbot.waitUntil(lambda: len(imported) == 3, timeout=20_000)
    [returned], [record] = imported[1:]
    assert returned.path.name == "z-return.pdf" and returned.status == ImportStatus.IMPORTED
    assert record.path.name == shared.name and record.status == ImportStatus.IMPORTED
    assert widget.summary.text() == "Watch folder: 1 imported."
    qtbot.waitUntil(lambda: list(widget.model.moderation.values()) == ["Agreed"], timeout=20_000)


def test_watching_stops(
    qtbot: QtBot, app: tuple[QMainWindow, ImportedReturnsWidget, Path], made: SignedReturns
) -> None:
    _window, widget, folder = app
    widget.watch_folder(None)
    imported: list[Any] = []
    widget.files_imported.connect(imported.append)
    shutil.copyfile(made.files[1], folder / "late.pdf")
    qtbot.wait(SETTLE_MS * 4)
    assert imported == [] and widget.watcher is None


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_settling_and_a_file_that_changes_while_it_is_imported(tmp_path: Path) -> None:
    clock = Clock()
    tracker = SettleTracker(tmp_path, settle_seconds=2.0, clock=clock)
    growing = tmp_path / "return.pdf"
    growing.write_bytes(b"%PDF-1.7 part")
    (tmp_path / "empty.pdf").write_bytes(b"")
    assert tracker.scan() == [] and tracker.waiting()
    clock.now += 1.0
    with growing.open("ab") as out:
        out.write(b" and more")
    assert tracker.scan() == []  # it changed: the clock starts again
    clock.now += 1.5
    assert tracker.scan() == []  # not settled for 2 s yet
    clock.now += 0.6
    [(path, version)] = tracker.scan()  # the empty file never counts as settled
    assert path == growing and version.size == len(b"%PDF-1.7 part and more")
    assert tracker.scan() == []  # handed over once
    # The file changed again while it was being imported: its outcome does not stand, and it is
    # handed over again once it has settled.
    with growing.open("ab") as out:
        out.write(b" - the rest")
    assert not tracker.finished(growing, version)
    assert tracker.scan() == []
    clock.now += 2.5
    [(path, later)] = tracker.scan()
    assert later != version and tracker.finished(growing, later)
    clock.now += 10
    assert tracker.scan() == []


def test_the_setting_is_off_by_default_and_names_a_folder(tmp_path: Path) -> None:
    vault = make_vault(tmp_path / "settings.lscp")
    try:
        settings = SettingsService(vault, config_path=tmp_path / "settings.json")
        assert settings.get("inbox.watch_folder") == "" and settings.values().watch_folder == ""
        for wrong in ("Returns", str(tmp_path / "missing")):
            with pytest.raises(ValidationError):
                settings.set("inbox.watch_folder", wrong)
        spaced = tmp_path / "OneDrive - LSCP  QA"
        spaced.mkdir()
        assert settings.set("inbox.watch_folder", f" {spaced} ") == str(spaced)  # spaces inside are kept
        assert settings.set("inbox.watch_folder", "") == ""
    finally:
        vault.close()

"""Watch a folder for returns while the app is open (the optional "Watch folder" setting).

`QFileSystemWatcher` says when the folder changes; since network shares and some sync clients
never say so, the folder is also looked at every `POLL_MS`. Each look (off the GUI thread: a
share can be slow) asks `services.watch_folder.SettleTracker` which PDFs have settled (same
size and time for `settle_ms`) and were not handed over before; those are emitted with
`ready`. While a file is still changing it is looked at again shortly.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from lscp_audit.services.watch_folder import FileVersion, SettleTracker
from lscp_audit.ui.ops import BackgroundOp, OpContext

SETTLE_MS = 2000
CHANGE_DELAY_MS = 300  # a burst of changes (a copy in progress) leads to one look
POLL_MS = 10_000


class FolderWatcher(QObject):
    """Hands over settled PDFs of one folder: ``ready(list[tuple[Path, FileVersion]])``."""

    ready = Signal(list)

    def __init__(self, folder: Path, parent: QObject | None = None, *, settle_ms: int = SETTLE_MS) -> None:
        super().__init__(parent)
        self.folder = folder
        self.settle_ms = settle_ms
        self.tracker = SettleTracker(folder, settle_seconds=settle_ms / 1000)
        self._scanning = False
        self._again = False
        self.watcher = QFileSystemWatcher([str(folder)], self)
        self.watcher.directoryChanged.connect(lambda _path: self._soon(CHANGE_DELAY_MS))
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._look)
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._look)
        self._poll.start()
        self._soon(0)  # files already there are looked at too

    def stop(self) -> None:
        self._timer.stop()
        self._poll.stop()
        if self.watcher.directories():
            self.watcher.removePaths(self.watcher.directories())

    def finished(self, path: Path, handed_over: FileVersion) -> bool:
        """See `SettleTracker.finished`: False when the file changed while it was imported."""
        stands = self.tracker.finished(path, handed_over)
        if not stands:
            self._soon(self.settle_ms)
        return stands

    def _soon(self, delay_ms: int) -> None:
        if not self._timer.isActive() or self._timer.remainingTime() > delay_ms:
            self._timer.start(delay_ms)

    def _look(self) -> None:
        if self._scanning:  # one look at a time; look again when this one is done
            self._again = True
            return
        self._scanning = True
        tracker = self.tracker

        def scan(_ctx: OpContext) -> list[tuple[Path, FileVersion]]:
            return tracker.scan()

        BackgroundOp(parent=None, op=scan, success=self._looked, serial=False).failure(self._failed).run()

    def _failed(self, _exc: BaseException) -> None:
        self._scanning = False

    def _looked(self, found: list[tuple[Path, FileVersion]]) -> None:
        self._scanning = False
        if found:
            self.ready.emit(found)
        if self._again or self.tracker.waiting():
            self._again = False
            self._soon(max(50, self.settle_ms // 2))

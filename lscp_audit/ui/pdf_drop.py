"""Accepting PDF files dragged onto a widget (the Verify page and the QA inbox)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtGui import QDragEnterEvent, QDropEvent


def pdf_paths(urls: Sequence[Any]) -> list[Path]:
    """Local .pdf files among dropped URLs."""
    paths = [Path(u.toLocalFile()) for u in urls if u.isLocalFile()]
    return [p for p in paths if p.suffix.lower() == ".pdf"]


class PdfDropMixin:
    """Mix into a QWidget (listed before it) that calls `setAcceptDrops(True)`: drags that carry
    local PDF files are accepted and the files go to `pdfs_dropped`; anything else is refused."""

    def pdfs_dropped(self, files: list[Path]) -> None:
        raise NotImplementedError

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt override)
        if event.mimeData().hasUrls() and pdf_paths(event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt override)
        files = pdf_paths(event.mimeData().urls())
        if files:
            event.acceptProposedAction()
            self.pdfs_dropped(files)

"""Accepting PDF files dragged onto a widget (the Verify page and the QA inbox)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtGui import QDragEnterEvent, QDropEvent


def pdf_paths(urls: Sequence[Any], suffixes: Sequence[str] = (".pdf",)) -> list[Path]:
    """Local files among dropped URLs whose names end in one of `suffixes` (.pdf by default)."""
    paths = [Path(u.toLocalFile()) for u in urls if u.isLocalFile()]
    return [p for p in paths if p.suffix.lower() in suffixes]


class PdfDropMixin:
    """Mix into a QWidget (listed before it) that calls `setAcceptDrops(True)`: drags that carry
    local PDF files (or files with another of `dropped_suffixes`) are accepted and the files go
    to `pdfs_dropped`; anything else is refused."""

    dropped_suffixes: tuple[str, ...] = (".pdf",)

    def pdfs_dropped(self, files: list[Path]) -> None:
        raise NotImplementedError

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt override)
        if event.mimeData().hasUrls() and pdf_paths(event.mimeData().urls(), self.dropped_suffixes):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt override)
        files = pdf_paths(event.mimeData().urls(), self.dropped_suffixes)
        if files:
            event.acceptProposedAction()
            self.pdfs_dropped(files)

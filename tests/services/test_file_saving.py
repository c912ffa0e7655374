"""Saving a file the user asked for: a failure names the file and the reason and leaves what was
there; a success replaces it whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from lscp_audit.core.errors import LscpAuditError
from lscp_audit.services.file_saving import save_file


def test_a_missing_folder_is_named_and_nothing_is_written(tmp_path: Path) -> None:
    target = tmp_path / "no-such-folder" / "report.pdf"
    with pytest.raises(LscpAuditError, match=r"the report could not be saved to report\.pdf \(.+\); any previous"):
        save_file(target, b"%PDF-1.7", "the report")
    assert not target.parent.exists()


def test_an_earlier_file_is_kept_when_the_write_fails_and_replaced_when_it_works(tmp_path: Path) -> None:
    target = tmp_path / "report.pdf"
    target.write_bytes(b"earlier")
    blocked = tmp_path / "folder.pdf"
    blocked.mkdir()  # a folder where the file should go: the rename fails
    with pytest.raises(LscpAuditError, match="folder.pdf"):
        save_file(blocked, b"new", "the report")
    assert blocked.is_dir() and target.read_bytes() == b"earlier"
    assert save_file(target, b"new", "the report") == target and target.read_bytes() == b"new"
    assert not [p for p in tmp_path.iterdir() if p.name not in {"report.pdf", "folder.pdf"}]  # no temp file left

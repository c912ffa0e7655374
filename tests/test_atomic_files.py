"""Atomic export writes: no partial file at the destination, previous file kept on failure,
temporary file removed, owner-only permissions (security.md §4.4, style R13)."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from lscp_audit import atomic_files as atomic_write
from lscp_audit.atomic_files import atomic_write_bytes


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(".lscp-write-")]


def test_writes_and_replaces(tmp_path: Path) -> None:
    dest = tmp_path / "report.pdf"
    atomic_write_bytes(dest, b"first")
    atomic_write_bytes(dest, b"second")
    assert dest.read_bytes() == b"second" and _leftovers(tmp_path) == []


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_owner_only_permissions(tmp_path: Path) -> None:
    dest = atomic_write_bytes(tmp_path / "report.pdf", b"x")
    assert stat.S_IMODE(dest.stat().st_mode) == 0o600


def test_failed_rename_keeps_previous_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dest = tmp_path / "report.pdf"
    dest.write_bytes(b"previous signed report")

    def fail(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic_write.os, "replace", fail)
    with pytest.raises(OSError):
        atomic_write_bytes(dest, b"new report")
    assert dest.read_bytes() == b"previous signed report"
    assert _leftovers(tmp_path) == []


def test_failed_write_keeps_previous_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dest = tmp_path / "report.pdf"
    dest.write_bytes(b"previous")
    real_fsync = os.fsync
    calls = []

    def failing_fsync(fd: int) -> None:
        calls.append(fd)
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(atomic_write.os, "fsync", failing_fsync)
    with pytest.raises(OSError):
        atomic_write_bytes(dest, b"partial")
    monkeypatch.setattr(atomic_write.os, "fsync", real_fsync)
    assert calls and dest.read_bytes() == b"previous" and _leftovers(tmp_path) == []


def test_missing_folder_raises(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        atomic_write_bytes(tmp_path / "nope" / "report.pdf", b"x")


def test_temp_name_has_no_content(tmp_path: Path) -> None:
    name = atomic_write.temp_path_for(tmp_path / "lscp-audit-report-R-AAAA-BBBB.pdf").name
    assert name.startswith(".lscp-write-") and "R-AAAA" not in name

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


_KILLED_WRITER = """
import os, signal, sys
from pathlib import Path
from lscp_audit import atomic_files
if sys.argv[2] == "named":
    atomic_files._open_unnamed = lambda folder, mode: None
os.fsync = lambda fd: os.kill(os.getpid(), signal.SIGKILL)  # die with the data written, before the rename
atomic_files.atomic_write_bytes(Path(sys.argv[1]), b"PLAINTEXT-REPORT-CANARY" * 1000)
"""


def _killed_write(dest: Path, mode: str) -> None:
    import subprocess

    proc = subprocess.run([sys.executable, "-c", _KILLED_WRITER, str(dest), mode], cwd=Path(__file__).parents[1])
    assert proc.returncode == -9


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="O_TMPFILE is Linux-only")
def test_killed_export_leaves_no_plaintext_temp_file(tmp_path: Path) -> None:
    """Issue 11: a kill mid-export left the whole plaintext report as .lscp-write-*.tmp."""
    _killed_write(tmp_path / "report.pdf", "unnamed")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_stale_temp_from_a_killed_write_is_removed_by_the_next_write(tmp_path: Path) -> None:
    """Where there is no O_TMPFILE, the next write into the folder sweeps what a kill left."""
    _killed_write(tmp_path / "report.pdf", "named")
    left = _leftovers(tmp_path)
    assert len(left) == 1
    atomic_write_bytes(tmp_path / "other.pdf", b"x")
    assert _leftovers(tmp_path) == left  # too recent: it could be another process's write in progress
    old = os.stat(tmp_path / left[0]).st_mtime - 3600
    os.utime(tmp_path / left[0], (old, old))
    atomic_write_bytes(tmp_path / "other.pdf", b"y")
    assert _leftovers(tmp_path) == []

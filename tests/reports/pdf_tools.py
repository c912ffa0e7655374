"""Independent checks with poppler-utils and qpdf (tests skip when a tool is missing)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} is not installed")
    return path


def run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([need(argv[0]), *argv[1:]], capture_output=True, text=True, timeout=60)


def pdftotext(path: Path, *extra: str) -> str:
    result = run("pdftotext", "-enc", "UTF-8", *extra, str(path), "-")
    assert result.returncode == 0, result.stderr
    return result.stdout


def pdfsig(path: Path, *extra: str) -> str:
    """pdfsig's text. Its exit code is 0 even on a digest mismatch, so callers parse the text."""
    result = run("pdfsig", *extra, str(path))
    return result.stdout + result.stderr


def qpdf_check(path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run("qpdf", *extra, "--check", str(path))


def pdfinfo(path: Path) -> str:
    return run("pdfinfo", str(path)).stdout

"""First-page preview of a report PDF.

PySide6-Essentials has no QtPdf, so the page is rasterised by poppler's ``pdftoppm`` when it is
installed: the PDF goes in on stdin and the PNG comes back on stdout, so no report content is
ever written to a temporary file. Without pdftoppm the preview returns None and the dialog shows
a text summary instead.
"""

from __future__ import annotations

import shutil
import subprocess

TIMEOUT_SECONDS = 20


def pdftoppm_available() -> bool:
    return shutil.which("pdftoppm") is not None


def render_first_page(pdf: bytes, dpi: int = 50) -> bytes | None:
    """PNG bytes of page 1 of `pdf`, or None when it cannot be rendered here."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        return None
    try:
        result = subprocess.run(
            [tool, "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", "-"],
            input=pdf,
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if result.returncode != 0 or not result.stdout.startswith(b"\x89PNG"):
        return None
    return result.stdout

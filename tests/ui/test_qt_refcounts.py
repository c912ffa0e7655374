"""Guards against a PySide6 release that over-releases None (6.12.0 on Python 3.11 did, and a
long session then aborted with "Fatal Python error: none_dealloc"). Run in a child process
because a bad release kills the interpreter rather than failing an assertion."""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
import sys
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
label = QLabel()
before = sys.getrefcount(None)
for _ in range(50_000):
    label.setText("x")
    label.setVisible(False)
print(sys.getrefcount(None) - before)
"""


def test_many_qt_calls_keep_none_reference_count_stable() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, f"Qt binding corrupted reference counts: {result.stderr[-400:]}"
    assert abs(int(result.stdout.strip())) < 100

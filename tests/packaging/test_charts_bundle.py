"""The Analysis tab's charts in a real process: painted by the app, they load no plotting or
array library and nothing the lean bundle leaves out (packaging/lscp_audit.spec `excludes`), so
the frozen app draws them as the installed one does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.packaging.test_bundle_excludes import _excludes

DRAW = """
import json, sys
from PySide6.QtWidgets import QApplication
app = QApplication([])
from lscp_audit.core.analysis_charts import Bar, BarGroup, Chart
from lscp_audit.ui.inbox.analysis_charts import ChartView
chart = Chart("Good practice", "Shares", (BarGroup("Recorded? (n = 30)", (Bar("Good practice", 40.0, "12 of 30 (40.0%)"),)),))
view = ChartView(chart)
view.resize(600, 200)
image = view.grab()
assert not image.isNull() and view.values == ["12 of 30 (40.0%)"]
print(json.dumps(sorted(sys.modules)))
"""


def test_charts_import_nothing_the_bundle_leaves_out(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", LSCP_AUDIT_HOME=str(tmp_path))
    done = subprocess.run([sys.executable, "-c", DRAW], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    imported = json.loads(done.stdout.strip().splitlines()[-1])
    excludes = _excludes()
    assert {"numpy", "pyqtgraph", "PySide6.QtOpenGL"} <= set(excludes)
    hits = [m for m in imported if any(m == e or m.startswith(e + ".") for e in excludes)]
    assert not hits, f"the charts import modules the bundle excludes: {hits}"

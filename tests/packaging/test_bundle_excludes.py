"""The lean bundle leaves modules out (packaging/lscp_audit.spec, `excludes`). A change that
starts importing one of them would break only the frozen app, so this runs the app's main
journeys in a real process (demo vault with signed reports, export, verify, the GUI offscreen)
and checks that none of the excluded modules was imported."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO_ROOT

SPEC = REPO_ROOT / "packaging" / "lscp_audit.spec"

JOURNEYS = """
import glob, json, os, sys
from lscp_audit.cli import main
home = os.environ["LSCP_AUDIT_HOME"]
vault = os.path.join(home, "demo.lscp")
assert main(["demo", "--vault", vault, "--quiet"]) == 0
pdfs = glob.glob(os.path.join(home, "*reports", "*.pdf"))
assert pdfs and main(["verify", *pdfs]) == 0
assert main(["gui", "--quit-after", "0"]) == 0
print(json.dumps(sorted(sys.modules)))
"""


def _excludes() -> list[str]:
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "excludes" for t in node.targets):
            return [ast.literal_eval(element) for element in node.value.elts]  # type: ignore[attr-defined]
    raise AssertionError("no excludes list in the spec")


def test_the_app_never_imports_what_the_bundle_leaves_out(tmp_path: Path) -> None:
    excludes = _excludes()
    assert "PySide6.QtNetwork" in excludes and "sqlite3" in excludes
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        LSCP_AUDIT_HOME=str(tmp_path),
        LSCP_AUDIT_PASSPHRASE="bundle excludes test 2026",
    )
    result = subprocess.run(
        [sys.executable, "-c", JOURNEYS], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300
    )
    assert result.returncode == 0, result.stderr
    imported = json.loads(result.stdout.strip().splitlines()[-1])
    hits = [m for m in imported if any(m == e or m.startswith(e + ".") for e in excludes)]
    assert not hits, f"the app imports modules the bundle excludes: {hits}"

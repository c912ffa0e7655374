"""Issue 11: core dumps are off from the first line of start-up (security.md E6)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

CHILD = """
import resource
from lscp_audit import hardening
from lscp_audit.__main__ import main
try:
    main(["--version"])
except SystemExit:
    pass
print(resource.getrlimit(resource.RLIMIT_CORE), hardening.is_dumpable())
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX resource limits")
def test_entry_point_disables_core_dumps_before_anything_else() -> None:
    out = subprocess.run(
        [sys.executable, "-c", CHILD], cwd=Path(__file__).parents[2], capture_output=True, text=True, check=True
    ).stdout.splitlines()[-1]
    limits, dumpable = out.rsplit(" ", 1)
    assert limits == "(0, 0)"
    if sys.platform.startswith("linux"):
        assert dumpable == "False"

"""The desktop app explains a display it cannot reach or a missing Qt system library, with exit
code 3, instead of Qt's abort (exit code 134). Real processes, real Qt platform plugin."""

from __future__ import annotations

import ctypes.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the xcb platform is Linux only")


def _gui_env(tmp_path: Path, display: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env.update(DISPLAY=display, LSCP_AUDIT_HOME=str(tmp_path / "home"))
    return env


def _free_display() -> str:
    number = 900
    while Path(f"/tmp/.X11-unix/X{number}").exists() or Path(f"/tmp/.X{number}-lock").exists():
        number += 1
    return f":{number}"


def _gui(argv: list[str], env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)


def test_unreachable_display_is_explained(tmp_path: Path) -> None:
    display = _free_display()
    result = _gui(
        [sys.executable, "-m", "lscp_audit", "gui", "--quit-after", "1"], _gui_env(tmp_path, display), tmp_path
    )
    assert result.returncode == 3, (result.returncode, result.stderr)
    assert f"cannot connect to the display '{display}' (DISPLAY)" in result.stderr
    assert "QT_QPA_PLATFORM=offscreen" in result.stderr
    assert f"could not connect to display {display}" in result.stderr  # Qt's own words are kept
    assert "Traceback" not in result.stderr


def _xcb_cursor_library() -> str | None:
    name = ctypes.util.find_library("xcb-cursor")
    if not name:
        return None
    for folder in ("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/usr/lib"):
        if Path(folder, name).exists():
            return str(Path(folder, name))
    return None


def test_missing_xcb_library_names_it_and_the_packages(tmp_path: Path) -> None:
    library = _xcb_cursor_library()
    unshare = shutil.which("unshare")
    if library is None or unshare is None or os.geteuid() != 0:
        pytest.skip("hiding a system library needs root, unshare and libxcb-cursor0")
    # In a private mount namespace the library is replaced by an empty file: as good as missing.
    script = f'mount --bind /dev/null "{library}" && exec "$@"'
    argv = [unshare, "-m", "sh", "-c", script, "sh", sys.executable, "-m", "lscp_audit", "gui", "--quit-after", "1"]
    probe = subprocess.run([unshare, "-m", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"unshare -m is not permitted here: {probe.stderr.decode(errors='replace').strip()}")
    result = _gui(argv, _gui_env(tmp_path, _free_display()), tmp_path)
    assert result.returncode == 3, (result.returncode, result.stderr)
    assert "Qt's 'xcb' platform plugin needs a system library that is missing or broken" in result.stderr
    assert Path(library).name in result.stderr
    assert "sudo apt install libxcb-cursor0" in result.stderr
    assert "Traceback" not in result.stderr

"""The app as a screen reader sees it, on the real AT-SPI accessibility bus (issue 19).

`bus_walker.py` runs with the system python3 and pyatspi inside its own D-Bus session, starts the
app with accessibility on and reads the unlock dialog (before and after a wrong passphrase) and
the Audits page and the New audit dialog. Fails on: an interactive node with no name, a radio button whose name does not
include its group, a Tab sequence that misses an interactive node or comes back to an earlier
one before the end, and an unlock problem label whose name does not follow its message.

Needs an X display with a window manager (`make test-atspi` runs it under Xvfb and openbox),
dbus-run-session, xdotool, and /usr/bin/python3 with pyatspi; skipped, saying which is missing,
otherwise.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lscp_audit.services.vault_service import VaultService

SYSTEM_PYTHON = "/usr/bin/python3"
WALKER = Path(__file__).with_name("bus_walker.py")
PASSPHRASE = "quiet harbour 2031 meadow lamp"


def _missing() -> str:
    if os.environ.get("QT_QPA_PLATFORM") != "xcb" or not os.environ.get("DISPLAY"):
        return "needs a real X display (run `make test-atspi`, which uses Xvfb and openbox)"
    for tool in ("dbus-run-session", "xdotool"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    probe = [SYSTEM_PYTHON, "-c", "import pyatspi"]
    if not Path(SYSTEM_PYTHON).exists() or subprocess.run(probe, capture_output=True).returncode != 0:
        return f"{SYSTEM_PYTHON} cannot import pyatspi (Debian: apt-get install python3-pyatspi at-spi2-core)"
    return ""


pytestmark = pytest.mark.skipif(bool(_missing()), reason=_missing() or "ready")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    home = tmp_path_factory.mktemp("atspi")
    vault = home / "vault.lscp"
    service = VaultService(vault, use_keychain=False)
    service.create(PASSPHRASE)
    service.lock()
    out = home / "report.json"
    env = dict(os.environ, LSCP_AUDIT_HOME=str(home))
    command = ["dbus-run-session", "--", SYSTEM_PYTHON, str(WALKER), sys.executable, str(vault), PASSPHRASE, str(out)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert out.exists() and done.returncode == 0, done.stderr[-3000:]
    if os.environ.get("ATSPI_KEEP"):  # a path: keep the walker's report there to look at
        Path(os.environ["ATSPI_KEEP"]).write_text(out.read_text())
    result: dict[str, Any] = json.loads(out.read_text())
    return result


def unnamed(screen: dict[str, Any]) -> list[dict[str, Any]]:
    return [n for n in screen["nodes"] if (n["interactive"] or n["focusable"]) and not n["name"].strip()]


def tab_problems(screen: dict[str, Any]) -> list[str]:
    """Every Tab stop is reached, each once, before the sequence starts again."""
    nodes = {tuple(n["path"]): n for n in screen["nodes"]}
    stops = {tuple(n["path"]) for n in screen["nodes"] if n["interactive"] and n["focusable"]}
    radios = [p for p in stops if nodes[p]["role"] == "radio button"]
    sequence = [tuple(p) for p in screen["tabs"] if p is not None]
    # Focus on a list item or a cell counts for its list or table.
    stops_hit = [next((p[:i] for i in range(len(p), 0, -1) if p[:i] in stops), p) for p in sequence]
    problems = [f"Tab found no focus {screen['tabs'].count(None)} times"] if None in screen["tabs"] else []
    first = stops_hit[0] if stops_hit else None
    cycle = stops_hit[: stops_hit.index(first, 1)] if first is not None and first in stops_hit[1:] else stops_hit
    if len(set(cycle)) != len(cycle):
        problems.append(f"Tab comes back to an earlier control before the end: {cycle}")
    groups = {p[:-1] for p in radios}  # one Tab stop per group of radio buttons (arrows move inside)
    for path in sorted(stops - set(radios)):
        if path not in cycle:
            problems.append(f"Tab never reaches {nodes[path]['role']} {nodes[path]['name']!r}")
    for group in groups:
        if not any(p[:-1] == group for p in cycle if nodes.get(p, {}).get("role") == "radio button"):
            problems.append(f"Tab never reaches the radio buttons under {group}")
    return problems


@pytest.mark.parametrize("screen", ["unlock", "audits", "new_audit"])
def test_every_control_is_named_and_reached_by_tab(report: dict[str, Any], screen: str) -> None:
    assert unnamed(report[screen]) == []
    assert tab_problems(report[screen]) == []


def test_unlock_radio_buttons_say_their_group(report: dict[str, Any]) -> None:
    radios = [n["name"] for n in report["unlock"]["nodes"] if n["role"] == "radio button"]
    assert radios == ["Unlock with: Passphrase", "Unlock with: Recovery key"]


def test_unlock_buttons_follow_the_shown_order(report: dict[str, Any]) -> None:
    nodes = {tuple(n["path"]): n for n in report["unlock"]["nodes"]}
    buttons = [
        nodes[tuple(p)]["name"] for p in report["unlock"]["tabs"] if p and nodes[tuple(p)]["role"] == "push button"
    ]
    in_row = [n for n in report["unlock"]["nodes"] if n["role"] == "push button" and n["focusable"]]
    shown = [n["name"] for n in sorted(in_row, key=lambda n: (n["y"], n["x"]))]
    assert buttons[: len(shown)] == shown


def test_unlock_problem_is_read_out(report: dict[str, Any]) -> None:
    def problem(screen: str) -> str:
        [label] = [n for n in report[screen]["nodes"] if n["description"] == "Unlock problem"]
        return str(label["name"])

    assert problem("unlock") == "Unlock problem"
    assert "does not unlock this vault" in problem("unlock_wrong")

"""Drive LSCP Audit as a screen reader sees it, on the real AT-SPI accessibility bus.

Run with the system python3 and pyatspi (Debian: python3-pyatspi, at-spi2-core), inside
`dbus-run-session`, on an X display with a window manager (xdotool presses the keys):

    bus_walker.py APP_PYTHON VAULT PASSPHRASE REPORT_JSON

It starts the app with accessibility on, and for each screen writes what a screen reader gets:
every showing node (role, name, description, focusable) and the node focused after each Tab.
The unlock dialog is read before and after a wrong passphrase (its problem label), then the
right passphrase is typed and the Audits page and the New audit dialog (Ctrl+N) are read. The checks live in test_atspi_bus.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pyatspi

INTERACTIVE = {
    "push button", "radio button", "check box", "text", "password text", "combo box", "spin button",
    "page tab list", "table", "tree table", "list", "tree", "slider", "toggle button", "entry",
}  # fmt: skip
# Their children (list items, cells, tabs, the combo's list) are reached with arrow keys, not Tab.
COMPOSITE = {"list", "table", "tree table", "tree", "page tab list", "combo box", "spin button"}


def path_of(node: Any) -> list[int]:
    steps: list[int] = []
    while node is not None and node.getRoleName() != "application":
        steps.append(node.getIndexInParent())
        node = node.parent
    return list(reversed(steps))


def walk(node: Any, out: list[dict[str, Any]], inside: bool = False) -> None:
    try:
        role, state = node.getRoleName(), node.getState()
        name, description = node.name or "", node.description or ""
    except Exception:  # a node that went away while walking
        return
    if not state.contains(pyatspi.STATE_SHOWING):
        return
    try:
        extents = node.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
        x, y = extents.x, extents.y
    except Exception:  # a node without a position
        x = y = -1
    out.append(
        {
            "role": role,
            "name": name,
            "description": description,
            "path": path_of(node),
            "x": x,
            "y": y,
            "focusable": state.contains(pyatspi.STATE_FOCUSABLE) and state.contains(pyatspi.STATE_ENABLED),
            "interactive": role in INTERACTIVE and not inside,
        }
    )
    for child in node:
        if child is not None:
            walk(child, out, inside or role in COMPOSITE)


def focused(node: Any) -> Any:
    """The deepest focused node under `node`. Qt also marks a field's wrapper focused (focus proxy)
    and keeps a list's current item marked focused after the list lost the focus, so the items
    of a list or table count only while the list itself has the focus."""
    try:
        state, role = node.getState(), node.getRoleName()
    except Exception:
        return None
    if not state.contains(pyatspi.STATE_SHOWING):
        return None
    has_focus = state.contains(pyatspi.STATE_FOCUSED)
    if role in COMPOSITE and not has_focus:
        return None
    for child in node:
        hit = focused(child) if child is not None else None
        if hit is not None:
            return hit
    return node if has_focus else None


def find_app(timeout: float = 30.0) -> Any:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        for app in pyatspi.Registry.getDesktop(0):
            if app is not None and app.name == "LSCP Audit":
                return app
        time.sleep(0.2)
    raise SystemExit("LSCP Audit did not appear on the accessibility bus")


def active_window(app: Any, role: str, title: str = "", timeout: float = 30.0) -> Any:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        for window in app:
            if window is None:
                continue
            state = window.getState()
            if state.contains(pyatspi.STATE_ACTIVE) and window.getRoleName() == role and title in (window.name or ""):
                return window
        time.sleep(0.2)
    raise SystemExit(f"no active {role} {title!r}; windows: {[w.name for w in app if w is not None]}")


def key(*keys: str) -> None:
    subprocess.run(["xdotool", "key", "--clearmodifiers", *keys], check=True)
    time.sleep(0.25)


def type_text(text: str) -> None:
    subprocess.run(["xdotool", "type", "--delay", "15", text], check=True)
    time.sleep(0.2)


def read_screen(window: Any) -> dict[str, Any]:
    nodes: list[dict[str, Any]] = []
    walk(window, nodes)
    stops = [n for n in nodes if n["interactive"] and n["focusable"]]
    tabs: list[list[int] | None] = []
    before: list[int] | None = None
    for _ in range(len(stops) + 2):
        now = settled_focus(window, before)
        tabs.append(now)
        before = now
        key("Tab")
    return {"title": window.name, "nodes": nodes, "tabs": tabs}


def settled_focus(window: Any, before: list[int] | None, timeout: float = 3.0) -> list[int] | None:
    """The focused node's path once it differs from `before` (a busy machine can be slow to move
    the focus), or whatever has the focus after `timeout`."""
    end = time.monotonic() + timeout
    while True:
        node = focused(window)
        now = path_of(node) if node is not None else None
        if (now is not None and now != before) or time.monotonic() > end:
            return now
        time.sleep(0.1)


def problem_after(window: Any, old: str, timeout: float = 30.0) -> None:
    """Wait until the unlock problem label has a new name (unlocking takes a few seconds)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        nodes: list[dict[str, Any]] = []
        walk(window, nodes)
        if any(n["description"] == "Unlock problem" and n["name"] != old for n in nodes):
            return
        time.sleep(0.2)


def tab_to(window: Any, role: str) -> None:
    for _ in range(12):
        node = focused(window)
        if node is not None and node.getRoleName() == role:
            return
        key("Tab")
    raise SystemExit(f"Tab never reached a {role}")


def main() -> None:
    python, vault, passphrase, out = sys.argv[1:5]
    env = dict(os.environ, QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1", QT_QPA_PLATFORM="xcb")
    command = [python, "-m", "lscp_audit", "gui", "--vault", vault, "--no-keychain", "--quit-after", "120"]
    app_process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    report: dict[str, Any] = {}
    try:
        app = find_app()
        unlock = active_window(app, "dialog", "Unlock")
        time.sleep(0.5)
        report["unlock"] = read_screen(unlock)
        tab_to(unlock, "password text")
        type_text("not the passphrase")
        key("Return")
        problem_after(unlock, "Unlock problem")
        report["unlock_wrong"] = {"nodes": [], "tabs": []}
        walk(active_window(app, "dialog", "Unlock"), report["unlock_wrong"]["nodes"])
        key("ctrl+a")
        type_text(passphrase)
        key("Return")
        time.sleep(1.0)
        report["audits"] = read_screen(active_window(app, "frame"))
        key("ctrl+n")
        report["new_audit"] = read_screen(active_window(app, "dialog", "New audit"))
        key("Escape")
    finally:
        app_process.terminate()
        try:
            app_process.wait(10)
        except subprocess.TimeoutExpired:
            app_process.kill()
        Path(out).write_text(json.dumps(report))


if __name__ == "__main__":
    main()

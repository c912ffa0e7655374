"""Drive LSCP Audit as a screen reader sees it, on the real AT-SPI accessibility bus.

Run with the system python3 and pyatspi (Debian: python3-pyatspi, at-spi2-core), inside
`dbus-run-session`, on an X display with a window manager (xdotool presses the keys):

    bus_walker.py APP_PYTHON VAULT PASSPHRASE REPORT_JSON RETURN_PDF PACK

It starts the app with accessibility on, and for each screen writes what a screen reader gets:
every showing node (role, name, description, focusable) and the node focused after each Tab.
The unlock dialog is read before and after a wrong passphrase (its problem label), then the
right passphrase is typed, and the Audits page, the New audit dialog, the editor (a section with
every question type, a per-agency section, its change history), Review and complete (and the
override dialog), the identifier check that Complete shows, Sign and export, Templates, a partnership pack checked for import, every
Settings tab, the QA inbox (after importing RETURN_PDF through the file dialog), a return and its case view,
and the inbox's Rounds, Verify and Analysis tabs are read. Each tab is chosen by name and checked
selected before it is read. The checks live in test_atspi_bus.py.
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
from gi.repository import GLib

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


def walk(node: Any, out: list[dict[str, Any]], inside: bool = False, path: list[int] | None = None) -> None:
    """Append every showing node under `node` (itself included) to `out`. Only the first rows of
    a table or list are read: they show how its items are named, and reading thousands of cells
    one D-Bus call at a time would take most of the test's minute."""
    try:
        role, state = node.getRoleName(), node.getState()
        name, description = node.name or "", node.description or ""
        path = path_of(node) if path is None else path
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
            "path": path,
            "x": x,
            "y": y,
            "focusable": state.contains(pyatspi.STATE_FOCUSABLE) and state.contains(pyatspi.STATE_ENABLED),
            "enabled": state.contains(pyatspi.STATE_ENABLED),
            "checked": state.contains(pyatspi.STATE_CHECKED),
            "interactive": role in INTERACTIVE and not inside,
        }
    )
    limit = 40 if role in ("table", "tree table", "list", "tree") else None
    for index, child in enumerate(node):
        if limit is not None and index >= limit:
            break
        if child is not None:
            walk(child, out, inside or role in COMPOSITE, [*path, index])


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
            if has_focus and not hit.name and hit.getRoleName() in ("filler", "viewport", "panel"):
                return node  # a text browser's viewport shares its focus: the browser is what is read
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
        check_app()
        for window in app:
            if window is None:
                continue
            state = window.getState()
            if state.contains(pyatspi.STATE_ACTIVE) and window.getRoleName() == role and title in (window.name or ""):
                return window
        time.sleep(0.2)
    raise SystemExit(f"no active {role} {title!r}; windows: {[w.name for w in app if w is not None]}")


class FocusWatch:
    """The node that last gained the focus, from the bus's focus events (quicker and surer than
    searching the whole tree after every key press)."""

    def __init__(self) -> None:
        self.node: Any = None
        self.count = 0
        pyatspi.Registry.registerEventListener(self._event, "object:state-changed:focused")

    def _event(self, event: Any) -> None:
        if event.detail1:
            self.node = event.source
            self.count += 1

    @staticmethod
    def pump(seconds: float) -> None:
        context = GLib.MainContext.default()
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            while context.pending():
                context.iteration(False)
            time.sleep(0.01)

    def after(self, count: int, timeout: float = 2.0, settle: float = 0.04) -> Any:
        """The focused node once a focus event newer than `count` has come and no other follows
        within `settle` seconds (Qt may move the focus on to a field's inner part); after
        `timeout` without one, the node focused before."""
        end = time.monotonic() + timeout
        while self.count == count and time.monotonic() < end:
            self.pump(0.02)
        seen = -1
        while seen != self.count:
            seen = self.count
            self.pump(settle)
        return self.node


WATCH: FocusWatch | None = None
SLOW: list[str] = []  # keys after which the focus did not move (each cost a full timeout)
APP: subprocess.Popen[bytes] | None = None


def check_app() -> None:
    if APP is not None and APP.poll() is not None:
        raise SystemExit(f"LSCP Audit exited (code {APP.returncode}) in the middle of the walk")


def closed(app: Any, role: str, title: str, timeout: float = 30.0) -> None:
    """Wait until no showing `role` window of `app` has `title` in its name."""

    def gone() -> bool:
        for window in app:
            try:
                if (
                    window is not None
                    and window.getRoleName() == role
                    and title in (window.name or "")
                    and window.getState().contains(pyatspi.STATE_SHOWING)
                ):
                    return False
            except Exception:  # a window that went away
                continue
        return True

    wait_for(f"the {title!r} {role} to close", gone, timeout)


def close_dialog(app: Any, title: str) -> Any:
    """Press Esc in the dialog titled `title`, wait until it has gone and the main window has the
    keyboard again; returns the main window."""
    assert WATCH is not None
    count = WATCH.count
    key("Escape", wait=0.1)
    closed(app, "dialog", title)
    frame = active_window(app, "frame", timeout=10)
    WATCH.after(count, timeout=3)  # the control that opened the dialog has the focus again
    return frame


def key(*keys: str, wait: float = 0.25) -> None:
    subprocess.run(["xdotool", "key", *keys], check=True)
    if WATCH is not None:
        WATCH.pump(wait)
    else:
        time.sleep(wait)


def press(*keys: str, timeout: float = 3.0) -> None:
    """Press `keys` and wait until the focus has moved because of them (a page or dialog opening
    puts the focus in it), or `timeout` seconds."""
    assert WATCH is not None
    count, started = WATCH.count, time.monotonic()
    subprocess.run(["xdotool", "key", *keys], check=True)
    WATCH.after(count, timeout=timeout)
    if WATCH.count == count:
        SLOW.append(f"{'+'.join(keys)}: no focus change in {time.monotonic() - started:.1f} s")


def type_text(text: str) -> None:
    subprocess.run(["xdotool", "type", "--delay", "8", text], check=True)
    pause(0.2)


def pause(seconds: float) -> None:
    if WATCH is not None:
        WATCH.pump(seconds)
    else:
        time.sleep(seconds)


def focus_path(node: Any) -> list[int] | None:
    try:
        return path_of(node) if node is not None else None
    except Exception:  # gone
        return None


def same_stop(a: list[int] | None, b: list[int] | None) -> bool:
    """The same control, or a list and its item (the focus event may name either)."""
    if a is None or b is None:
        return False
    shorter, longer = sorted((a, b), key=len)
    return longer[: len(shorter)] == shorter and len(longer) - len(shorter) <= 1


def read_screen(window: Any) -> dict[str, Any]:
    """Every showing node of `window`, then the focused node after each press of Tab, until the
    focus is back where it started (or Tab was pressed once more than there are controls)."""
    assert WATCH is not None
    started = time.monotonic()
    nodes: list[dict[str, Any]] = []
    walk(window, nodes)
    stops = [n for n in nodes if n["interactive"] and n["focusable"]]
    node = focused(window)
    tabs: list[list[int] | None] = [focus_path(node)]
    WATCH.node = node
    for _ in range(len(stops) + 1):
        count = WATCH.count
        subprocess.run(["xdotool", "key", "Tab"], check=True)
        tabs.append(focus_path(WATCH.after(count)))
        if same_stop(tabs[-1], tabs[0]):
            break  # round to where it started: the whole Tab sequence has been seen
    return {"title": window.name, "nodes": nodes, "tabs": tabs, "seconds": round(time.monotonic() - started, 1)}


def wait_for(what: str, probe: Any, timeout: float = 30.0) -> Any:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        check_app()
        found = probe()
        if found:
            return found
        pause(0.1)
    raise SystemExit(f"waited {timeout:.0f} s for {what}")


def status_labels(window: Any, description: str) -> list[Any]:
    """The status labels described as `description` ("Autosave status"): a StatusLabel's
    description says what it is for, its name is the message."""
    found: list[Any] = []

    def search(node: Any) -> None:
        try:
            role, showing = node.getRoleName(), node.getState().contains(pyatspi.STATE_SHOWING)
        except Exception:
            return
        if not showing or role in COMPOSITE:
            return
        if role == "label" and node.description == description:
            found.append(node)
        for child in node:
            if child is not None:
                search(child)

    search(window)
    return found


def status_after(window: Any, description: str, old: str, final: Any = None, timeout: float = 30.0) -> str:
    """The name of the status label described as `description` once it is no longer `old` (and,
    with `final`, once `final(name)` is true: "Saved" after "Saving…")."""
    labels = wait_for(f"a {description} label", lambda: status_labels(window, description), 10)

    def changed() -> str:
        names = [label.name or "" for label in labels]
        return next((n for n in names if n != old and (final is None or final(n))), "")

    return str(wait_for(f"the {description} label to change from {old!r}", changed, timeout))


def pack_dialog(app: Any) -> Any:
    """The partnership pack dialog once its pack has been checked (the fingerprint box shows)."""
    for window in app:
        try:
            if window is None or "Import partnership pack" not in (window.name or ""):
                continue
            for child in window:
                if child is not None and (child.name or "").startswith("I have checked this fingerprint"):
                    if child.getState().contains(pyatspi.STATE_SHOWING):
                        return window
        except Exception:  # a window that went away
            continue
    return None


def sign_off_ready(dialog: Any) -> bool:
    """The sign-off dialog has read its return and found it can be signed off (Sign off enabled)."""
    nodes: list[dict[str, Any]] = []
    walk(dialog, nodes)
    return any(n["role"] == "push button" and n["name"] == "Sign off" and n["enabled"] for n in nodes)


def in_focus(role: str, name: str = "") -> Any:
    """The focused node (or the node around it: a table around its cell) with `role` and a name
    containing `name`, or None."""
    assert WATCH is not None
    node = WATCH.node
    try:
        while node is not None and node.getRoleName() not in ("frame", "dialog", "application"):
            if node.getRoleName() == role and name in (node.name or ""):
                return node
            node = node.parent
    except Exception:  # gone
        return None
    return None


def tab_to(window: Any, role: str, name: str = "", limit: int = 60) -> Any:
    """Press Tab until a `role` node whose name contains `name` has the focus (or a node inside
    it: a table's cell)."""
    assert WATCH is not None
    if WATCH.node is None:
        WATCH.node = focused(window)
    for _ in range(limit):
        hit = in_focus(role, name)
        if hit is not None:
            return hit
        count = WATCH.count
        subprocess.run(["xdotool", "key", "Tab"], check=True)
        WATCH.after(count)
    raise SystemExit(f"Tab never reached a {role} {name!r}")


def selected_tab(strip: Any) -> str:
    """The name of the selected page tab of a page tab list ("" when none is)."""
    for child in strip:
        try:
            if child is not None and child.getState().contains(pyatspi.STATE_SELECTED):
                return str(child.name or "")
        except Exception:  # gone
            continue
    return ""


def tab_names(strip: Any) -> list[str]:
    names = []
    for child in strip:
        try:
            names.append(str(child.name or "").replace("&", ""))
        except Exception:  # gone
            continue
    return names


def choose_tab(window: Any, tab: str, limit: int = 60) -> None:
    """Tab to the page tab list that has a tab named `tab` (mnemonic ampersands aside; a nested
    tab list on the way is passed by) and press Right until that tab is selected, so each screen
    read is the one it is named for."""
    assert WATCH is not None
    if WATCH.node is None:
        WATCH.node = focused(window)
    for _ in range(limit):
        strip = in_focus("page tab list")
        if strip is not None and tab in tab_names(strip):
            break
        count = WATCH.count
        subprocess.run(["xdotool", "key", "Tab"], check=True)
        WATCH.after(count)
    else:
        raise SystemExit(f"Tab never reached the tab list holding {tab!r}")
    for _ in range(12):
        if selected_tab(strip).replace("&", "") == tab:
            pause(0.3)
            return
        key("Right", wait=0.3)
    raise SystemExit(f"the tabs {tab_names(strip)} never showed {tab!r} (selected: {selected_tab(strip)!r})")


def open_audit(app: Any, reference: str) -> Any:
    """Search the Audits page for `reference` and open it with Enter from the table."""
    assert WATCH is not None
    frame = active_window(app, "frame")
    key("ctrl+f", wait=0.1)
    type_text(reference)
    pause(0.6)  # the list filters in SQL after a short pause
    tab_to(frame, "table", "Audits")
    count = WATCH.count
    key("Return", wait=0.1)
    WATCH.after(count, timeout=15)  # the editor puts the focus in the audit
    wait_for(f"the editor of {reference}", lambda: status_labels(frame, "Autosave status"), 15)
    return frame


def main() -> None:
    global WATCH, APP
    python, vault, passphrase, out, returns_pdf, pack, s11_pdf = sys.argv[1:8]
    env = dict(os.environ, QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1", QT_QPA_PLATFORM="xcb")
    command = [python, "-m", "lscp_audit", "gui", "--vault", vault, "--no-keychain", "--quit-after", "150"]
    app_log = Path(out).with_suffix(".app.log")
    with app_log.open("wb") as log:
        app_process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    APP = app_process
    report: dict[str, Any] = {}
    steps: dict[str, float] = {}
    started = time.monotonic()

    def step(name: str) -> None:
        steps[name] = round(time.monotonic() - started, 1)

    try:
        WATCH = FocusWatch()
        app = find_app()
        unlock = active_window(app, "dialog", "Unlock")
        pause(0.3)
        step("started")
        report["unlock"] = read_screen(unlock)
        tab_to(unlock, "password text")
        type_text("not the passphrase")
        key("Return")
        status_after(unlock, "Unlock problem", "Unlock problem")
        report["unlock_wrong"] = {"nodes": [], "tabs": []}
        walk(active_window(app, "dialog", "Unlock"), report["unlock_wrong"]["nodes"])
        key("ctrl+a")
        type_text(passphrase)
        key("Return", wait=0.1)
        closed(app, "dialog", "Unlock")
        frame = active_window(app, "frame")
        press("Tab")  # the focus starts in the window's first control
        step("unlock")
        report["audits"] = read_screen(frame)
        press("ctrl+n")
        report["new_audit"] = read_screen(active_window(app, "dialog", "New audit"))
        close_dialog(app, "New audit")
        step("audits and new audit")

        # The editor: the first section holds every question type, the second is per agency.
        frame = open_audit(app, "CS-0412")
        step("editor opened")
        report["editor"] = read_screen(frame)
        before = [label.name for label in status_labels(frame, "Autosave status")]
        tab_to(frame, "text", "Lead professional")
        type_text("Team manager")
        saved = status_after(frame, "Autosave status", before[0], final=lambda name: name.startswith("Saved"))
        report["autosave"] = {"before": before, "after": saved}
        step("autosave")
        tab_to(frame, "list", "Sections")
        press("Down")
        report["editor_agency"] = read_screen(frame)
        press("alt+y", timeout=6)
        report["history"] = read_screen(active_window(app, "dialog", "Change history"))
        frame = close_dialog(app, "Change history")
        press("alt+r")
        report["review"] = read_screen(frame)
        tab_to(frame, "push button", "Override the judgement: The case")
        press("space", timeout=6)
        report["override"] = read_screen(active_window(app, "dialog", "Override judgement"))
        frame = close_dialog(app, "Override judgement")
        press("alt+b")
        step("editor and review")

        # A finished draft whose text holds a telephone number: Complete shows the identifier check.
        frame = open_audit(app, "CS-0303")
        press("alt+r")
        press("alt+c", timeout=6)
        active_window(app, "alert", "Complete audit")  # a message box is an alert
        press("alt+y", timeout=6)
        report["identifiers"] = read_screen(active_window(app, "dialog", "Check for identifiers"))
        frame = close_dialog(app, "Check for identifiers")
        press("alt+b")
        step("identifier check")

        # A completed audit: Review and complete, then Sign and export.
        frame = open_audit(app, "CS-0101")
        press("alt+r")
        report["review_complete"] = read_screen(frame)
        press("alt+s", timeout=6)
        report["sign_export"] = read_screen(active_window(app, "dialog", "Sign"))
        frame = close_dialog(app, "Sign")
        press("alt+b")
        step("sign and export")

        press("ctrl+3")
        report["templates"] = read_screen(frame)
        press("ctrl+shift+p", timeout=6)  # File → Import partnership pack…: the file dialog first
        active_window(app, "dialog", "Import partnership pack")
        type_text(pack)
        key("Return", wait=0.1)
        report["pack_import"] = read_screen(wait_for("the pack checked", lambda: pack_dialog(app), 30))
        frame = close_dialog(app, "Import partnership pack")

        # Settings: every tab (Identity is the identity page).
        press("ctrl+4")
        choose_tab(frame, "Identity")
        report["settings_identity"] = read_screen(frame)  # starts and ends on the tab strip
        for tab in ("General", "Partnership", "Backups", "Records"):
            choose_tab(frame, tab)
            report[f"settings_{tab.lower()}"] = read_screen(frame)
        step("settings")

        # The QA inbox: import a signed return through the file dialog, then read the list.
        press("ctrl+2")
        before = [label.name for label in status_labels(frame, "Import status")]
        press("alt+i")
        active_window(app, "dialog", "Import signed PDFs")
        type_text(returns_pdf)
        key("Return", wait=0.1)
        closed(app, "dialog", "Import signed PDFs")
        done = status_after(frame, "Import status", before[0], final=lambda name: "Importing" not in name)
        report["inbox_import"] = {"before": before, "after": done}
        pause(0.3)
        report["inbox"] = read_screen(frame)
        step("inbox")

        # The imported return, read-only, and its multi-agency case view.
        tab_to(frame, "table", "Trusted returns")
        key("space", wait=0.3)  # selects the return the table arrived on
        press("Return", timeout=6)  # opens it
        report["return_view"] = read_screen(active_window(app, "dialog", "Return"))
        frame = close_dialog(app, "Return")
        press("alt+w", timeout=6)
        report["case_view"] = read_screen(active_window(app, "dialog", "Case view"))
        frame = close_dialog(app, "Case view")
        step("return and case views")
        for tab, screen in (("Rounds", "rounds"), ("Verify a PDF", "verify"), ("Analysis", "analysis")):
            choose_tab(frame, tab)
            report[screen] = read_screen(frame)
        step("rounds, verify, analysis")

        # File → Sign off a Section 11 return…: the file dialog, then the sign-off dialog once the
        # return has been read and checked.
        press("ctrl+shift+o", timeout=6)
        active_window(app, "dialog", "Choose the Section 11 return")
        type_text(s11_pdf)
        key("Return", wait=0.1)
        closed(app, "dialog", "Choose the Section 11 return")
        dialog = active_window(app, "dialog", "Sign off a Section 11 return")
        wait_for("the return read", lambda: sign_off_ready(dialog), 30)
        report["sign_off"] = read_screen(dialog)
        frame = close_dialog(app, "Sign off a Section 11 return")
        step("sign off")
    except BaseException as exc:
        report["error"] = f"{type(exc).__name__}: {exc}"
        print(app_log.read_text(errors="replace")[-3000:], file=sys.stderr)  # what the app said
        raise
    finally:
        report["steps"] = steps
        report["slow"] = SLOW
        app_process.terminate()
        try:
            app_process.wait(10)
        except subprocess.TimeoutExpired:
            app_process.kill()
        Path(out).write_text(json.dumps(report))


if __name__ == "__main__":
    main()

"""Create the QApplication, turning Qt's start-up abort into a message that says what to do.

When Qt cannot open a platform plugin (a system library such as ``libxcb-cursor0`` is missing,
or ``DISPLAY`` names an X server that cannot be reached) it calls qFatal, which aborts the
process with exit code 134 after messages few users can act on. While the QApplication is being
created a message handler watches for that: on the fatal message it prints what went wrong and
how to fix it, with Qt's own messages after it, and exits with code 3. Once the application
exists the previous handler is back and Qt's warnings are passed on as Qt would print them.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable

from PySide6.QtCore import QLibraryInfo, QMessageLogContext, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication

EXIT_NO_PLATFORM = 3
README_HINT = "See 'System libraries' in the README for the packages Qt needs."
# The Debian/Ubuntu packages Qt's xcb platform plugin needs (also in the README and .ci/run).
XCB_PACKAGES = (
    "libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0 "
    "libxcb-randr0 libxcb-xkb1 libxkbcommon-x11-0 libegl1 libfontconfig1 libdbus-1-3"
)


def _missing_library(platform: str) -> str | None:
    """Why the platform plugin's shared library cannot be loaded (the dynamic loader's own words)."""
    if not sys.platform.startswith("linux"):
        return None
    plugin = os.path.join(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath), "platforms", f"libq{platform}.so")
    if not os.path.exists(plugin):
        return None
    try:
        ctypes.CDLL(plugin)
    except OSError as exc:
        return str(exc)
    return None


def explain_platform_failure(messages: list[str], platform: str) -> str:
    """The message for a platform plugin that failed, from the messages Qt logged before giving up."""
    display = os.environ.get("DISPLAY", "")
    if any("could not connect to display" in m for m in messages):
        return (
            f"the desktop app cannot open: it cannot connect to the display '{display}' (DISPLAY). "
            "Check that the desktop session is running and that this user may use it (for SSH: "
            "ssh -X), or run headless with QT_QPA_PLATFORM=offscreen."
        )
    missing = _missing_library(platform)
    if missing:
        return (
            f"the desktop app cannot open: Qt's '{platform}' platform plugin needs a system library "
            f"that is missing or broken ({missing}). On Debian or Ubuntu: sudo apt install {XCB_PACKAGES}. "
            + README_HINT
        )
    return (
        f"the desktop app cannot open: Qt could not start its '{platform}' platform plugin. "
        "Qt's messages are below. " + README_HINT
    )


def new_application(argv: list[str], exit_process: Callable[[int], object] = os._exit) -> QApplication:
    """QApplication(argv), exiting with a clear message instead of Qt's abort if no platform starts."""
    messages: list[str] = []
    platform = os.environ.get("QT_QPA_PLATFORM") or ("xcb" if sys.platform.startswith("linux") else "")

    def handler(kind: QtMsgType, context: QMessageLogContext, text: str) -> None:
        line = f"{context.category}: {text}" if context.category and context.category != "default" else text
        messages.append(line)
        if kind == QtMsgType.QtFatalMsg:
            sys.stderr.write(f"lscp-audit: error: {explain_platform_failure(messages, platform)}\n\n")
            sys.stderr.write("".join(f"  {m}\n" for m in messages))
            sys.stderr.flush()
            exit_process(EXIT_NO_PLATFORM)  # returning would let Qt abort the process

    previous = qInstallMessageHandler(handler)
    try:
        app = QApplication(argv)
    finally:
        qInstallMessageHandler(previous)
    for line in messages:  # warnings Qt gave while starting: passed on, nothing lost
        sys.stderr.write(line + "\n")
    return app

"""Debian's Chromium, headless, driven over the DevTools protocol on a pipe (no network port,
no extra Python package): one browser for a test module, a page per document, axe-core run in it.

`Chromium.launch()` starts the browser with ``--remote-debugging-pipe`` (it reads commands on
file descriptor 3 and answers on 4, each message JSON ending in a NUL byte); `axe(path, tags)`
opens the file in a new tab, injects axe-core (npm ``axe-core``, pinned in tests/a11y, installed
by ``npm ci``) and returns its violations for the tags asked for.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

A11Y = Path(__file__).resolve().parents[1] / "a11y"
AXE = A11Y / "node_modules" / "axe-core" / "axe.min.js"
NAMES = ("chromium", "chromium-browser", "google-chrome")
TIMEOUT = 60.0


def find_chromium() -> str | None:
    """The browser to use: $LSCP_CHROMIUM, else the first of Debian's names on the PATH."""
    given = os.environ.get("LSCP_CHROMIUM")
    if given:
        return given if Path(given).exists() else None
    return next((found for name in NAMES if (found := shutil.which(name))), None)


def axe_source() -> str:
    """axe.min.js from the pinned npm package, installed with `npm ci` when it is not there yet."""
    if not AXE.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError(f"axe-core is not installed in {A11Y} and npm is not available to install it")
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--prefix", str(A11Y)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if done.returncode != 0 or not AXE.exists():
            raise RuntimeError(f"npm ci in {A11Y} failed: {done.stderr.strip()[-500:]}")
    return AXE.read_text("utf-8")


def _high(fd: int) -> int:
    import fcntl

    moved = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
    os.close(fd)
    return moved


class Chromium:
    def __init__(self, process: subprocess.Popen[bytes], send: int, receive: int, profile: str) -> None:
        self._process = process
        self._send = send
        self._receive = receive
        self._profile = profile
        self._buffer = b""
        self._next = 0

    @classmethod
    def launch(cls, executable: str) -> Chromium:
        to_browser_r, to_browser_w = os.pipe()
        from_browser_r, from_browser_w = os.pipe()
        # Above 9 (bash takes any number), so the shell's redirections onto 3 and 4 cannot overwrite one of them first.
        to_browser_r, from_browser_w = (_high(fd) for fd in (to_browser_r, from_browser_w))
        profile = tempfile.mkdtemp(prefix="lscp-chromium-")
        argv = [
            executable,
            "--headless",
            "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--remote-debugging-pipe",
            f"--user-data-dir={profile}",
            "about:blank",
        ]
        # The browser reads commands on fd 3 and writes answers on fd 4.
        shell = f'exec "$@" 3<&{to_browser_r} 4>&{from_browser_w}'
        process = subprocess.Popen(
            [shutil.which("bash") or "/bin/bash", "-c", shell, "bash", *argv],
            pass_fds=(to_browser_r, from_browser_w),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        return cls(process, to_browser_w, from_browser_r, profile)

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except (OSError, RuntimeError, TimeoutError):
            pass
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=10)
        os.close(self._send)
        os.close(self._receive)
        shutil.rmtree(self._profile, ignore_errors=True)

    # -- the protocol ------------------------------------------------------------------------

    def _message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("Chromium did not answer in time")
            ready, _, _ = select.select([self._receive], [], [], left)
            if ready:
                chunk = os.read(self._receive, 1 << 20)
                if not chunk:
                    raise RuntimeError("Chromium closed the DevTools pipe (did it start?)")
                self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        found: dict[str, Any] = json.loads(raw)
        return found

    def call(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict[str, Any]:
        self._next += 1
        ident = self._next
        message: dict[str, Any] = {"id": ident, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._send, json.dumps(message).encode("utf-8") + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while True:
            answer = self._message(deadline)
            if answer.get("id") == ident:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                result: dict[str, Any] = answer.get("result", {})
                return result

    def _wait_for(self, event: str, session: str) -> None:
        deadline = time.monotonic() + TIMEOUT
        while True:
            message = self._message(deadline)
            if message.get("method") == event and message.get("sessionId") == session:
                return

    def _evaluate(self, session: str, expression: str) -> Any:
        found = self.call(
            "Runtime.evaluate",
            {"expression": expression, "awaitPromise": True, "returnByValue": True},
            session,
        )
        if "exceptionDetails" in found:
            raise RuntimeError(f"script failed: {found['exceptionDetails'].get('text')}")
        return found.get("result", {}).get("value")

    # -- axe ---------------------------------------------------------------------------------

    def axe(self, path: Path, tags: tuple[str, ...], source: str) -> dict[str, Any]:
        """axe-core's results for the document at `path`: violations (id, impact, help, the
        failing nodes' selectors and summaries) and how many rules passed."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        try:
            self.call("Page.enable", session=session)
            self.call("Page.navigate", {"url": path.resolve().as_uri()}, session)
            self._wait_for("Page.loadEventFired", session)
            self._evaluate(session, source)
            options = json.dumps({"runOnly": {"type": "tag", "values": list(tags)}, "resultTypes": ["violations"]})
            script = (
                f"axe.run(document, {options}).then(r => ({{passes: r.passes.length, violations: r.violations.map("
                "v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => ({target: n.target, "
                "summary: n.failureSummary}))}))}))"
            )
            result: dict[str, Any] = self._evaluate(session, script)
            return result
        finally:
            self.call("Target.closeTarget", {"targetId": target})

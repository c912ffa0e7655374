"""Shared test set-up: every test gets its own app home so nothing touches the real user's data,
keychain or settings."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("LSCP_AUDIT_HOME", str(home / "app"))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local/share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.delenv("LSCP_AUDIT_PASSPHRASE", raising=False)
    yield home


@pytest.fixture(autouse=True)
def cycles_collected_on_gui_thread(request: pytest.FixtureRequest) -> Iterator[None]:
    """In Qt tests, as in the app, Python's cycle collector runs on the GUI thread only
    (`lscp_audit.ui.gui_thread_gc`); other tests keep Python's own."""
    if "qapp" not in request.fixturenames:
        yield
        return
    from lscp_audit.ui.gui_thread_gc import GuiThreadCollector

    request.getfixturevalue("qapp")
    collector = GuiThreadCollector()
    collector.start()
    yield
    collector.stop()

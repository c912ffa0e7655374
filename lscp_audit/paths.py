"""Where the app finds its resources and forms, and where it keeps user data.

Works from a source checkout, an installed wheel and a frozen (PyInstaller) bundle. Tests and
portable use can redirect the data directories with ``LSCP_AUDIT_HOME``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_DIR_NAME = "lscp-audit"


def _bundle_root() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    return Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    return _bundle_root() / "resources"


def resource(name: str) -> Path:
    """Path of a shipped resource; raises FileNotFoundError with the name if it is missing."""
    path = resources_dir() / name
    if not path.exists():
        raise FileNotFoundError(f"missing resource: {name}")
    return path


def forms_dir() -> Path:
    return _bundle_root() / "forms"


def _home_override() -> Path | None:
    value = os.environ.get("LSCP_AUDIT_HOME")
    return Path(value) if value else None


def data_dir() -> Path:
    home = _home_override()
    if home:
        return home / "data"
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False))


def config_dir() -> Path:
    home = _home_override()
    if home:
        return home / "config"
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_DIR_NAME, appauthor=False))


def log_dir() -> Path:
    home = _home_override()
    if home:
        return home / "logs"
    import platformdirs

    return Path(platformdirs.user_log_dir(APP_DIR_NAME, appauthor=False))


def user_templates_dir() -> Path:
    return data_dir() / "templates"


def default_vault_path() -> Path:
    return data_dir() / "vault.lscp"


def ensure_private_dir(path: Path) -> Path:
    """Create a directory readable only by the user (0700 where the OS supports it)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path

"""Where the app finds its resources and forms, and where it keeps user data.

Shipped files are found through ``importlib.resources`` whether the app runs from an editable
install of a checkout, an installed wheel or a frozen (PyInstaller) bundle. Tests and
portable use can redirect the data directories with ``LSCP_AUDIT_HOME``.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from lscp_audit.core.errors import LscpAuditError

APP_DIR_NAME = "lscp-audit"

# The shipped data packages. In the repository they are the top-level folders forms/ and
# resources/; pyproject.toml installs them inside the package, and the PyInstaller spec bundles
# them at the same place, so this one lookup serves a wheel, an editable install and a bundle.
FORMS_PACKAGE = "lscp_audit.forms"
RESOURCES_PACKAGE = "lscp_audit.resources"


class MissingResource(LscpAuditError):
    """A file the app ships with is not where the installation should have put it."""

    def __init__(self, what: str, path: Path | str, remedy: str = "reinstall LSCP Audit") -> None:
        self.path = str(path)
        super().__init__(f"missing shipped {what}: {path} (the installation is incomplete; {remedy})")


def _package_dir(package: str) -> Path:
    try:
        root = resources.files(package)
    except ModuleNotFoundError:
        # A checkout whose editable install was made before forms/ and resources/ became data
        # packages: say how to refresh it (the files are not looked for anywhere else).
        checkout = (Path(__file__).resolve().parent.parent / "pyproject.toml").is_file()
        remedy = "in this checkout run: pip install -e . (or make)" if checkout else "reinstall LSCP Audit"
        raise MissingResource("data package", package, remedy) from None
    if not isinstance(root, Path):  # a zip import: the app needs real files (fonts, icons)
        raise MissingResource("data folder", str(root))
    return root


def resources_dir() -> Path:
    return _package_dir(RESOURCES_PACKAGE)


def resource(name: str) -> Path:
    """Path of a shipped resource, e.g. ``fonts/DejaVuSans.ttf``; MissingResource names it if absent."""
    path = resources_dir() / name
    if not path.is_file():
        raise MissingResource("resource", path)
    return path


def forms_dir() -> Path:
    """The folder of shipped templates; MissingResource if it is absent or holds no template."""
    folder = _package_dir(FORMS_PACKAGE)
    if not any(folder.glob("*.yaml")):
        raise MissingResource("templates (no .yaml file)", folder)
    return folder


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

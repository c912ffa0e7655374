"""Shipped forms and resources are found through importlib.resources, and a missing one is an
error that names it (never an empty template list with exit 0)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from lscp_audit import paths
from lscp_audit.reports import fonts
from lscp_audit.services.template_service import SHIPPED, TemplateService
from tests.conftest import REPO_ROOT

SOURCE_FORMS = sorted(p.name for p in (REPO_ROOT / "forms").glob("*.yaml"))


def test_shipped_folders_come_from_the_data_packages() -> None:
    assert paths.forms_dir() == resources.files("lscp_audit.forms")
    assert paths.resources_dir() == resources.files("lscp_audit.resources")
    # In a checkout (editable install) they are the repository's top-level folders.
    assert paths.forms_dir() == REPO_ROOT / "forms"
    assert paths.resources_dir() == REPO_ROOT / "resources"


def test_every_shipped_template_is_listed() -> None:
    assert len(SOURCE_FORMS) >= 4
    shipped = [row for row in TemplateService().list_templates() if row.source == SHIPPED]
    assert sorted(row.path.name for row in shipped) == SOURCE_FORMS


def test_icon_fonts_and_font_licence_are_shipped() -> None:
    assert paths.resource("lscp-audit.svg").read_text(encoding="utf-8").lstrip().startswith("<svg")
    for face in (fonts.REGULAR, fonts.BOLD, fonts.ITALIC, fonts.BOLD_ITALIC):
        assert fonts.font_path(face).stat().st_size > 100_000
    assert "Bitstream Vera" in paths.resource("fonts/LICENSE").read_text(encoding="utf-8")


def test_a_missing_resource_is_named() -> None:
    with pytest.raises(paths.MissingResource) as caught:
        paths.resource("fonts/NoSuchFace.ttf")
    assert "fonts/NoSuchFace.ttf" in str(caught.value)
    assert caught.value.exit_code != 0


# A stripped installation: a copy of the package whose data packages are empty, as a wheel built
# without package data used to be. It shadows the checkout because it comes first on the path.
def _stripped_install(tmp_path: Path, *, keep_forms: bool) -> Path:
    site = tmp_path / "site"
    shutil.copytree(REPO_ROOT / "lscp_audit", site / "lscp_audit", ignore=shutil.ignore_patterns("__pycache__"))
    for package, source in (("forms", "forms"), ("resources", "resources")):
        target = site / "lscp_audit" / package
        target.mkdir()
        shutil.copy(REPO_ROOT / source / "__init__.py", target / "__init__.py")
    if keep_forms:
        for name in SOURCE_FORMS:
            shutil.copy(REPO_ROOT / "forms" / name, site / "lscp_audit" / "forms" / name)
    return site


def _run(site: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(site), LSCP_AUDIT_PASSPHRASE="stripped install 2026")
    return subprocess.run(
        [sys.executable, "-m", "lscp_audit", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )


def test_templates_list_fails_naming_the_missing_forms(tmp_path: Path) -> None:
    site = _stripped_install(tmp_path, keep_forms=False)
    result = _run(site, tmp_path, "templates", "list")
    assert result.returncode == 1
    assert "No templates found" not in result.stdout
    assert "missing shipped templates" in result.stderr
    assert str(site / "lscp_audit" / "forms") in result.stderr
    assert "Traceback" not in result.stderr


PROFILE_FILES = ("partnership-profile.yaml", "partnership-profile.schema.json")


def test_demo_fails_naming_the_missing_partnership_profile(tmp_path: Path) -> None:
    site = _stripped_install(tmp_path, keep_forms=True)
    result = _run(site, tmp_path, "demo", "--vault", str(tmp_path / "demo.lscp"))
    assert result.returncode == 1, result.stderr
    assert "missing shipped resource" in result.stderr
    assert "partnership-profile" in result.stderr
    assert "Traceback" not in result.stderr


def test_demo_fails_naming_the_missing_font(tmp_path: Path) -> None:
    site = _stripped_install(tmp_path, keep_forms=True)
    for name in PROFILE_FILES:
        shutil.copy(REPO_ROOT / "resources" / name, site / "lscp_audit" / "resources" / name)
    result = _run(site, tmp_path, "demo", "--vault", str(tmp_path / "demo.lscp"))
    assert result.returncode == 1, result.stderr
    assert "missing shipped resource" in result.stderr
    assert "fonts/DejaVuSans.ttf" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_stale_editable_install_is_told_how_to_refresh(tmp_path: Path) -> None:
    """Without the install's import hook (python -S) the checkout's package has no data packages:
    the error says to reinstall it in this checkout, and nothing falls back to the folders."""
    script = (
        "from lscp_audit import paths\ntry:\n    paths.forms_dir()\nexcept paths.MissingResource as e:\n    print(e)"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    result = subprocess.run(
        [sys.executable, "-S", "-c", script], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "missing shipped data package: lscp_audit.forms" in result.stdout
    assert "in this checkout run: pip install -e ." in result.stdout

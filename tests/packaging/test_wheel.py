"""The wheel carries everything the app needs: every shipped template, the icon, the fonts with
their licence, and the GPL as its licence file; building it raises no setuptools warning."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", str(out), str(REPO_ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (path,) = out.glob("lscp_audit-*.whl")
    return path, result.stdout + result.stderr


def _data_files(folder: Path, prefix: str) -> list[str]:
    return [
        f"{prefix}{path.relative_to(folder).as_posix()}"
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.suffix not in (".py", ".pyc", ".pyi") and "__pycache__" not in path.parts
    ]


def _shipped_files() -> list[str]:
    """What must be in the wheel: forms/ and resources/, and every data file inside lscp_audit/."""
    return (
        _data_files(REPO_ROOT / "forms", "lscp_audit/forms/")
        + _data_files(REPO_ROOT / "resources", "lscp_audit/resources/")
        + _data_files(REPO_ROOT / "lscp_audit", "lscp_audit/")
    )


def test_wheel_holds_every_shipped_file(wheel: tuple[Path, str]) -> None:
    names = set(zipfile.ZipFile(wheel[0]).namelist())
    shipped = _shipped_files()
    assert any(name.endswith("/fonts/LICENSE") for name in shipped)
    assert sum(name.endswith(".yaml") for name in shipped) >= 4
    missing = [name for name in shipped if name not in names]
    assert not missing, f"not in the wheel: {missing}"
    assert "lscp_audit/forms/__init__.py" in names and "lscp_audit/resources/__init__.py" in names


def test_wheel_metadata_names_the_licence(wheel: tuple[Path, str]) -> None:
    archive = zipfile.ZipFile(wheel[0])
    (metadata,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
    text = archive.read(metadata).decode()
    assert "License-Expression: GPL-3.0-or-later" in text
    licence = [n for n in archive.namelist() if n.endswith(".dist-info/licenses/LICENSE")]
    assert licence and b"GNU GENERAL PUBLIC LICENSE" in archive.read(licence[0])
    assert "License-Expression: GPL-3.0-or-later AND CC-BY-4.0" in text  # the templates' text
    assert "lscp_audit/forms/LICENCE" in archive.namelist()
    forms_licence = [n for n in archive.namelist() if n.endswith(".dist-info/licenses/forms/LICENCE")]
    assert forms_licence and b"CC BY 4.0" in archive.read(forms_licence[0])


def test_building_raises_no_setuptools_warning(wheel: tuple[Path, str]) -> None:
    output = wheel[1]
    assert "BuildBackendWarning" not in output and "SetuptoolsDeprecationWarning" not in output, output

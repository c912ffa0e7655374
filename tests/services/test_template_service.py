"""TemplateService: listing shipped and user templates, importing with validation, frozen copies."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lscp_audit import paths
from lscp_audit.core.errors import NotFound, TemplateError
from lscp_audit.core.templates import TemplateInvalid
from lscp_audit.services.template_service import TemplateService

FIXTURES = Path(__file__).resolve().parent.parent / "core" / "fixtures" / "templates"
VALID = FIXTURES / "valid_minimal.yaml"


@pytest.fixture
def service(tmp_path: Path) -> TemplateService:
    return TemplateService(user_dir=tmp_path / "user")


def test_lists_the_four_shipped_templates(service: TemplateService) -> None:
    rows = service.list_templates()
    assert {(r.id, r.source) for r in rows} == {
        ("domestic-abuse-maca", "shipped"),
        ("was-not-brought", "shipped"),
        ("voice-of-the-child", "shipped"),
        ("section-11-self-assessment", "shipped"),
    }
    assert {r.id: r.version for r in rows} == {
        "domestic-abuse-maca": "2026.4",
        "was-not-brought": "2026.4",
        "voice-of-the-child": "2026.4",
        "section-11-self-assessment": "2026.4",
    }
    assert all(r.content_hash.startswith("sha256:") for r in rows)
    assert service.last_problems == []


def test_default_folders_come_from_paths() -> None:
    service = TemplateService()
    assert service.shipped_dir == paths.forms_dir()
    assert service.user_dir == paths.user_templates_dir()


def test_get_and_info(service: TemplateService) -> None:
    template = service.get("voice-of-the-child")
    assert template.title.startswith("Voice of the child")
    assert service.info("voice-of-the-child").path.name == "voice-of-the-child.yaml"
    with pytest.raises(NotFound, match="there is no template with id 'nope'"):
        service.get("nope")


def test_import_validates_and_copies(service: TemplateService, tmp_path: Path) -> None:
    info = service.import_template(VALID)
    assert info.source == "user" and info.path == tmp_path / "user" / "fixture-audit.yaml"
    assert info.path.read_text() == VALID.read_text()
    assert ("fixture-audit", "user") in {(r.id, r.source) for r in service.list_templates()}
    assert service.get("fixture-audit").content_hash == info.content_hash
    assert service.import_template(VALID) == info  # the same file again is harmless


def test_import_refuses_invalid_file(service: TemplateService, tmp_path: Path) -> None:
    with pytest.raises(TemplateInvalid) as caught:
        service.import_template(FIXTURES / "cycle.yaml")
    assert "relevant is part of a cycle" in str(caught.value)
    assert not (tmp_path / "user").exists() or not list((tmp_path / "user").iterdir())


def test_import_refuses_a_shipped_id(service: TemplateService, tmp_path: Path) -> None:
    copy = tmp_path / "copy.yaml"
    shutil.copy(paths.forms_dir() / "was-not-brought.yaml", copy)
    with pytest.raises(TemplateError, match="id 'was-not-brought' is used by a shipped template"):
        service.import_template(copy)


def test_changed_content_needs_a_new_version(service: TemplateService, tmp_path: Path) -> None:
    service.import_template(VALID)
    changed = tmp_path / "changed.yaml"
    changed.write_text(VALID.read_text().replace("title: Fixture audit", "title: Fixture audit, edited"))
    with pytest.raises(
        TemplateError, match="version '1' is already imported with different content; raise the version"
    ):
        service.import_template(changed)
    changed.write_text(changed.read_text().replace('version: "1"', 'version: "2"'))
    assert service.import_template(changed).version == "2"
    assert service.get("fixture-audit").version == "2"


def test_broken_user_file_is_skipped_and_reported(service: TemplateService, tmp_path: Path) -> None:
    (tmp_path / "user").mkdir()
    shutil.copy(FIXTURES / "bad_yaml.yaml", tmp_path / "user" / "bad.yaml")
    rows = service.list_templates()
    assert len(rows) == 4
    assert [p.message for p in service.last_problems] == [
        "is not valid YAML: expected <block end>, but found '<block sequence start>'"
    ]


def test_check_files_and_preview(service: TemplateService) -> None:
    assert service.check_files([VALID]) == []
    assert [p.line for p in service.check_files([FIXTURES / "cycle.yaml", FIXTURES / "no_guidance.yaml"])] == [21, 21]
    assert service.preview(VALID).id == "fixture-audit"


def test_load_frozen_rebuilds_the_same_template(service: TemplateService) -> None:
    shipped = service.get("domestic-abuse-maca")
    frozen = service.load_frozen(shipped.source_text)
    assert frozen == shipped and frozen.content_hash == shipped.content_hash
    assert service.load_frozen(shipped.source_text) is frozen  # cached


def test_service_and_core_load_no_qt_or_heavy_libraries() -> None:
    code = (
        "import sys, lscp_audit.services.template_service, lscp_audit.core.judgements;"
        "bad = [m for m in ('PySide6', 'sqlalchemy', 'reportlab', 'pyhanko', 'keyring') if m in sys.modules];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr

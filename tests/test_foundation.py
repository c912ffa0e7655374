"""Start-up contract: version, help, no Qt in the CLI path, lazy heavy imports, clear no-display error."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from lscp_audit import __version__, paths

from .conftest import REPO_ROOT


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lscp_audit", *args],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env=env or dict(os.environ),
        timeout=60,
    )


def test_version_is_printed() -> None:
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"lscp-audit {__version__}"


def test_help_lists_command_groups() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    assert "open the desktop app" in result.stdout
    for group in ("gui", "templates", "vault", "identity", "audit", "demo", "export", "verify", "inbox"):
        assert f"    {group} " in result.stdout, group


def _run_python(script: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)], capture_output=True, text=True, cwd=REPO_ROOT, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_services_and_cli_import_without_pyside6_and_load_pdf_libraries_lazily() -> None:
    out = _run_python(
        """
        import importlib, pkgutil, sys
        sys.modules["PySide6"] = None  # any import of PySide6 now raises ImportError
        import lscp_audit.cli, lscp_audit.services
        for pkg in (lscp_audit.cli, lscp_audit.services):
            for info in pkgutil.iter_modules(pkg.__path__):
                importlib.import_module(f"{pkg.__name__}.{info.name}")
        print("loaded:", sorted({m.split(".")[0] for m in sys.modules} & {"reportlab", "pyhanko", "shiboken6"}))
        """
    )
    assert "loaded: []" in out


def test_cli_start_up_loads_no_heavy_library() -> None:
    out = _run_python(
        """
        import sys
        import lscp_audit.cli
        lscp_audit.cli.build_parser()
        heavy = {"reportlab", "pyhanko", "PySide6", "sqlalchemy", "sqlcipher3", "yaml", "cryptography", "keyring"}
        print("loaded:", sorted({m.split(".")[0] for m in sys.modules} & heavy))
        """
    )
    assert "loaded: []" in out


def test_gui_without_display_exits_with_a_clear_message() -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}}
    result = run_cli(env=env)
    assert result.returncode != 0
    assert "no display is available" in result.stderr
    assert "Traceback" not in result.stderr


def test_gui_runs_offscreen_and_exits_when_asked() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = run_cli("gui", "--quit-after", "0.2", env=env)
    assert result.returncode == 0, result.stderr


def test_shipped_resources_exist() -> None:
    assert paths.resource("lscp-audit.svg").is_file()
    assert paths.forms_dir().is_dir()


def test_data_dirs_follow_the_home_override(isolated_home: object) -> None:
    home = os.environ["LSCP_AUDIT_HOME"]
    assert str(paths.data_dir()).startswith(home)
    assert str(paths.log_dir()).startswith(home)
    assert paths.default_vault_path().parent == paths.data_dir()


def test_log_file_redacts_raw_keys(tmp_path: object) -> None:
    import logging

    from lscp_audit.applog import configure_logging

    log_path = configure_logging(directory=paths.log_dir())
    logging.getLogger("lscp_audit.test").info("key was %s", "ab" * 32)
    for handler in logging.getLogger("lscp_audit").handlers:
        handler.flush()
    text = log_path.read_text()
    assert "ab" * 32 not in text
    assert "[redacted]" in text

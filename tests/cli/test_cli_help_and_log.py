"""Issue 11: every command group has a description and lists the environment variables it reads;
`demo` and `gui` accept --no-keychain like the vault commands; the log keeps audit ids (so a line
can be traced) while still redacting anything shaped like a key."""

from __future__ import annotations

import logging
import secrets
import uuid
from pathlib import Path

import pytest

from lscp_audit.applog import configure_logging
from lscp_audit.cli import COMMAND_MODULES, ENVIRONMENT, build_parser
from lscp_audit.services import vault_service


def _help(*argv: str) -> str:
    parser = build_parser()
    for name in argv:
        parser = next(
            action.choices[name]
            for action in parser._actions  # noqa: SLF001 - walking argparse's own tree
            if getattr(action, "choices", None) and name in action.choices
        )
    return parser.format_help()


@pytest.mark.parametrize("group", COMMAND_MODULES)
def test_every_group_has_a_description(group: str) -> None:
    parser = build_parser()
    group = group.replace("_", "-")  # a module name's underscore is a hyphen in its command (sign_off: sign-off)
    sub = next(a for a in parser._actions if getattr(a, "choices", None) and group in a.choices)  # noqa: SLF001
    assert sub.choices[group].description


def test_environment_variables_are_in_help() -> None:
    top = _help()
    for name in ENVIRONMENT:
        assert name in top
    assert "LSCP_AUDIT_NEW_PASSPHRASE" in _help("vault") and "LSCP_AUDIT_RECOVERY_KEY" in _help("vault")
    assert "LSCP_AUDIT_CA_PASSWORD" in _help("identity") and "LSCP_AUDIT_P12_PASSWORD" in _help("identity")
    assert "LSCP_AUDIT_PDF_PASSWORD" in _help("export")


def test_demo_and_gui_accept_no_keychain(monkeypatch: pytest.MonkeyPatch) -> None:
    parser = build_parser()
    assert parser.parse_args(["demo", "--no-keychain"]).no_keychain
    args = parser.parse_args(["gui", "--no-keychain"])
    assert args.no_keychain
    monkeypatch.setattr(vault_service, "_KEYCHAIN_SWITCHED_OFF", False)
    from lscp_audit.cli import gui

    monkeypatch.setattr(gui, "display_problem", lambda: None)
    monkeypatch.setattr(gui.importlib, "import_module", lambda name: type("App", (), {"run": lambda **kw: 0}))
    assert gui.run_gui(args) == 0
    assert not vault_service.VaultService(Path("x.lscp")).routes.use_keychain


def test_log_keeps_audit_ids_and_redacts_keys(tmp_path: Path) -> None:
    log_file = configure_logging(logging.INFO, tmp_path)
    audit_id, key = uuid.uuid4().hex, secrets.token_hex(32)
    logging.getLogger("lscp_audit.test").info("audit %s completed; key x'%s'", audit_id, key)
    text = log_file.read_text()
    assert audit_id in text and key not in text and "[redacted]" in text

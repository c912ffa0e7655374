"""SettingsService: declared settings, defaults, validation, and the two stores."""

from __future__ import annotations

import json
import stat
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest

from lscp_audit import paths
from lscp_audit.core.errors import ValidationError, VaultLocked
from lscp_audit.services.settings_service import (
    CONFIG,
    DEMO_FLAG_KEY,
    SETTINGS,
    VAULT,
    AppSettings,
    SettingsService,
)


def test_every_setting_is_declared_once_with_an_attribute() -> None:
    keys = [s.key for s in SETTINGS]
    assert len(keys) == len(set(keys))
    assert len(fields(AppSettings)) == len(SETTINGS)
    assert all(isinstance(s.default, s.type) for s in SETTINGS)


def test_defaults_match_the_vault_services() -> None:
    from lscp_audit.services.vault_backups import DEFAULT_RETENTION_DAYS
    from lscp_audit.storage.backups import DEFAULT_BACKUP_COUNT

    values = AppSettings.defaults()
    assert values.backup_count == DEFAULT_BACKUP_COUNT
    assert values.retention_months == 84 and abs(values.retention_months * 30.44 - DEFAULT_RETENTION_DAYS) < 31


def test_defaults_without_a_vault() -> None:
    values = SettingsService().values()
    assert values == AppSettings.defaults()
    assert values.auto_lock_minutes == 10
    assert values.protective_marking == "OFFICIAL-SENSITIVE"


def test_sensitive_settings_live_in_the_vault(vault: Any) -> None:
    service = SettingsService(vault)
    service.set("report.protective_marking", "  OFFICIAL ")
    service.set("vault.autolock_minutes", "15")
    service.set("vault.retention_months", 12)
    assert vault.settings.get("report.protective_marking") == "OFFICIAL"
    assert vault.settings.get("vault.autolock_minutes") == 15
    assert vault.settings.get("vault.retention_days") == 365  # stored in the vault's own key, in days
    assert vault.settings.get("vault.retention_months") is None
    assert service.get("vault.retention_months") == 12
    vault.settings.set("vault.retention_days", 400)  # set elsewhere (Backups page) in days
    assert service.get("vault.retention_months") == 13
    assert not (paths.config_dir() / "settings.json").exists()
    assert SettingsService(vault).values().protective_marking == "OFFICIAL"
    assert {s.store for s in SETTINGS if s.key.startswith(("vault.", "report."))} == {VAULT}


def test_personal_preferences_go_to_a_private_config_file(vault: Any) -> None:
    SettingsService(vault).set("audit.default_agency", "Police")
    SettingsService().set("audit.default_role", "Detective Sergeant")
    path = paths.config_dir() / "settings.json"
    assert json.loads(path.read_text()) == {
        "audit.default_agency": "Police",
        "audit.default_role": "Detective Sergeant",
    }
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert SettingsService().values().default_agency == "Police"
    assert vault.settings.get("audit.default_agency") is None
    assert {s.store for s in SETTINGS if s.key.startswith("audit.")} == {CONFIG}


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("vault.autolock_minutes", 0),
        ("vault.autolock_minutes", "ten"),
        ("vault.autolock_minutes", True),
        ("vault.backup_count", 1000),
        ("report.protective_marking", "   "),
        ("report.protective_marking", 5),
        ("no.such.setting", 1),
    ],
)
def test_invalid_values_are_refused(vault: Any, key: str, value: Any) -> None:
    with pytest.raises(ValidationError):
        SettingsService(vault).set(key, value)


def test_vault_settings_need_an_unlocked_vault() -> None:
    with pytest.raises(VaultLocked):
        SettingsService().set("vault.backup_count", 3)


def test_corrupt_config_file_falls_back_to_defaults(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{not json")
    assert SettingsService(config_path=path).get("audit.default_role") == ""
    path.write_text(json.dumps({"audit.default_role": 7}))
    assert SettingsService(config_path=path).get("audit.default_role") == ""


def test_reset_and_demo_flag(vault: Any) -> None:
    service = SettingsService(vault)
    service.set("vault.backup_count", 3)
    assert service.reset("vault.backup_count") == 7
    assert not service.is_demo
    vault.settings.set(DEMO_FLAG_KEY, True)
    assert service.is_demo


def test_timestamp_server_is_optional_and_must_be_a_web_address(vault: Any) -> None:
    service = SettingsService(vault)
    assert service.get("report.timestamp_url") == ""  # signing stays offline by default
    with pytest.raises(ValidationError, match="http:// or https://"):
        service.set("report.timestamp_url", "ftp://tsa.example.org")
    service.set("report.timestamp_url", " https://tsa.example.org/tsr ")
    assert vault.settings.get("report.timestamp_url") == "https://tsa.example.org/tsr"
    assert service.values().timestamp_url == "https://tsa.example.org/tsr"

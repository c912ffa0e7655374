"""Typed app settings, each declared once (key, type, default, label, store), and where they live.

Two stores (style R11; window geometry and other view state stay in ``ui/prefs.py``):

- ``vault``: policy that protects data, kept in the encrypted vault's settings table so it cannot
  be changed by editing a plain file and travels with the vault's backups: auto-lock minutes,
  protective marking text, backup count, retention period. The vault itself reads
  ``vault.autolock_minutes``, ``vault.backup_count`` and ``vault.retention_days``, so these
  settings are stored under those keys (retention is shown in months, stored in days) and
  share their defaults with `services.vault_backups`.
- ``config``: personal, non-sensitive preferences needed before any vault is unlocked, in
  ``settings.json`` in `paths.config_dir()` (written atomically, mode 0600): the user's own
  name, role and agency, used as defaults (new audits, the change history, signing identities).

`SettingsService.values()` returns an `AppSettings` snapshot and `personal()` the user's
`PersonalDetails`; `set(key, value)` validates and stores one setting. Without an unlocked vault, vault settings read as their defaults and
cannot be set.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from lscp_audit import paths
from lscp_audit.atomic_files import atomic_write_text
from lscp_audit.core.errors import ValidationError, VaultLocked
from lscp_audit.services.vault_backups import DEFAULT_RETENTION_DAYS
from lscp_audit.storage.backups import DEFAULT_BACKUP_COUNT

log = logging.getLogger(__name__)
CONFIG_FILE = "settings.json"
VAULT = "vault"
CONFIG = "config"
DEMO_FLAG_KEY = "app.demo"
DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True)
class SettingSpec:
    """One declared setting. `minimum`/`maximum` bound integers; `max_length` bounds text."""

    key: str
    type: type
    default: Any
    label: str
    store: str
    description: str = ""
    minimum: int | None = None
    maximum: int | None = None
    max_length: int = 200
    stored_key: str = ""  # the vault's own key when it differs from `key`
    stored_per_unit: float = 1.0  # stored value = round(value * stored_per_unit)
    multiline: bool = False  # a list of lines (one entry a line), not one line of text

    @property
    def storage_key(self) -> str:
        return self.stored_key or self.key


SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec(
        "vault.autolock_minutes", int, 10, "Auto-lock after (minutes)", VAULT,
        "Lock the vault after this many minutes without activity.", minimum=1, maximum=240,
    ),
    SettingSpec(
        "user.name", str, "", "Your name", CONFIG,
        "Recorded in the change history and filled in for you on new audits and signing identities.",
        max_length=120,
    ),
    SettingSpec(
        "audit.default_agency", str, "", "Your agency", CONFIG,
        "The agency you audit for, filled in for you on new audits.", max_length=120,
    ),
    SettingSpec(
        "audit.default_role", str, "", "Your role", CONFIG,
        "Your role, filled in for you on new audits.", max_length=120,
    ),
    SettingSpec(
        "report.protective_marking", str, "OFFICIAL-SENSITIVE", "Protective marking", VAULT,
        "Printed at the top and bottom of every report page.", max_length=80,
    ),
    SettingSpec(
        "vault.backup_count", int, DEFAULT_BACKUP_COUNT, "Backups to keep", VAULT,
        "How many automatic encrypted backups of the vault are kept.", minimum=1, maximum=100,
    ),
    SettingSpec(
        "vault.retention_months", int, round(DEFAULT_RETENTION_DAYS / DAYS_PER_MONTH), "Retention period (months)",
        VAULT, "Completed audits older than this can be purged (check any IICSA hold first).",
        minimum=1, maximum=1200, stored_key="vault.retention_days", stored_per_unit=DAYS_PER_MONTH,
    ),
    SettingSpec(
        "report.timestamp_url", str, "", "Timestamp server (RFC 3161, optional)", VAULT,
        "Leave empty to sign fully offline. When set, signing asks this server for a trusted timestamp.",
        max_length=300,
    ),
    SettingSpec(
        "privacy.do_not_use_names", str, "", "Do-not-use names (identifier check)", VAULT,
        "One name a line: children, family members and others who must never be named in an audit. "
        "Before an audit is completed or exported its text is checked for these names (any case), "
        "as well as for NHS numbers, dates of birth, postcodes, phone numbers and e-mail addresses.",
        max_length=20_000, multiline=True,
    ),
    SettingSpec(
        "inbox.watch_folder", str, "", "Watch folder for returns (optional)", VAULT,
        "Signed returns saved into this folder (for example a synced OneDrive or SharePoint folder, or a "
        "network share) are checked and imported while the app is open; files are never moved or deleted. "
        "Leave empty to switch it off.",
        max_length=1000,
    ),
)  # fmt: skip
SPECS: dict[str, SettingSpec] = {s.key: s for s in SETTINGS}


@dataclass(frozen=True)
class AppSettings:
    """A snapshot of every setting's current value; defaults are declared in `SETTINGS` only."""

    auto_lock_minutes: int
    user_name: str
    default_agency: str
    default_role: str
    protective_marking: str
    backup_count: int
    retention_months: int
    timestamp_url: str
    do_not_use_names: str
    watch_folder: str

    @classmethod
    def defaults(cls) -> AppSettings:
        """Every setting at its declared default."""
        return cls(**{ATTRIBUTES[s.key]: s.default for s in SETTINGS})


@dataclass(frozen=True)
class PersonalDetails:
    """The user's own name, role and agency (the ``config`` store); empty text when not given."""

    name: str
    role: str
    agency: str


PERSONAL_KEYS = ("user.name", "audit.default_role", "audit.default_agency")

#: `AppSettings` attribute for each setting key (fields are in the order of `SETTINGS`).
ATTRIBUTES: dict[str, str] = dict(zip(SPECS, (f.name for f in fields(AppSettings)), strict=True))


def coerce(spec: SettingSpec, value: Any) -> Any:
    """`value` checked and converted for `spec`; `ValidationError` naming the setting."""
    if spec.type is int:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValidationError([f"{spec.label} must be a whole number"])
        try:
            number = int(value)
        except ValueError:
            raise ValidationError([f"{spec.label} must be a whole number"]) from None
        if (spec.minimum is not None and number < spec.minimum) or (spec.maximum is not None and number > spec.maximum):
            raise ValidationError([f"{spec.label} must be between {spec.minimum} and {spec.maximum}"])
        return number
    if not isinstance(value, str):
        raise ValidationError([f"{spec.label} must be text"])
    if spec.key == WATCH_FOLDER_KEY:
        return _folder(spec, value.strip())
    text = "\n".join(names_from_text(value)) if spec.multiline else " ".join(value.split())
    if len(text) > spec.max_length:
        raise ValidationError([f"{spec.label} must be at most {spec.max_length} characters"])
    if spec.key == "report.protective_marking" and not text:
        raise ValidationError([f"{spec.label} cannot be empty"])
    if spec.key == "report.timestamp_url" and text and not text.lower().startswith(("https://", "http://")):
        raise ValidationError([f"{spec.label} must be an http:// or https:// address, or empty"])
    return text


def names_from_text(text: str) -> list[str]:
    """The entries of a one-entry-a-line setting: spaces collapsed, blank lines and repeats
    (any case) left out, in order."""
    seen: set[str] = set()
    names = []
    for line in text.splitlines():
        name = " ".join(line.split())
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names


WATCH_FOLDER_KEY = "inbox.watch_folder"


def _folder(spec: SettingSpec, text: str) -> str:
    """A folder path kept as typed (spaces inside it matter); empty switches the feature off."""
    if not text:
        return ""
    if len(text) > spec.max_length:
        raise ValidationError([f"{spec.label} must be at most {spec.max_length} characters"])
    folder = Path(text).expanduser()
    if not folder.is_absolute():
        raise ValidationError([f"{spec.label} must be a full path (for example /home/you/Returns or C:\\Returns)"])
    if not folder.is_dir():
        raise ValidationError([f"{spec.label}: there is no folder at {text}"])
    return str(folder)


class SettingsService:
    """Read and change settings. `vault` is an unlocked ``lscp_audit.storage`` vault or None."""

    def __init__(self, vault: Any | None = None, config_path: Path | None = None) -> None:
        self._vault = vault
        self._config_path = config_path or paths.config_dir() / CONFIG_FILE

    @staticmethod
    def specs() -> tuple[SettingSpec, ...]:
        """Every declared setting, in display order."""
        return SETTINGS

    def get(self, key: str) -> Any:
        """The current value of setting `key` (its default when unset or unreadable)."""
        spec = _spec(key)
        raw = self._read_vault(spec) if spec.store == VAULT else self._read_config().get(key)
        if raw is None:
            return spec.default
        try:
            return coerce(spec, raw)
        except ValidationError:
            log.warning("setting %s has an invalid stored value; using the default", key)
            return spec.default

    def values(self) -> AppSettings:
        """Every setting as a typed snapshot."""
        return AppSettings(**{ATTRIBUTES[s.key]: self.get(s.key) for s in SETTINGS})

    def personal(self) -> PersonalDetails:
        """The user's own details, the defaults for new audits, the change history and identities."""
        name, role, agency = (str(self.get(key)) for key in PERSONAL_KEYS)
        return PersonalDetails(name=name, role=role, agency=agency)

    def set_personal(self, details: PersonalDetails) -> PersonalDetails:
        """Validate and store all three personal details at once (one write)."""
        clean = [
            coerce(_spec(key), value)
            for key, value in zip(PERSONAL_KEYS, (details.name, details.role, details.agency), strict=True)
        ]
        self._write_config({**self._read_config(), **dict(zip(PERSONAL_KEYS, clean, strict=True))})
        log.info("personal details changed")
        return PersonalDetails(*clean)

    def set(self, key: str, value: Any) -> Any:
        """Validate and store one setting; returns the stored (normalised) value."""
        spec = _spec(key)
        clean = coerce(spec, value)
        if spec.store == VAULT:
            stored = round(clean * spec.stored_per_unit) if spec.stored_per_unit != 1.0 else clean
            self._require_vault(spec).settings.set(spec.storage_key, stored)
        else:
            self._write_config({**self._read_config(), key: clean})
        log.info("setting %s changed", key)
        return clean

    def reset(self, key: str) -> Any:
        """Put setting `key` back to its default."""
        return self.set(key, _spec(key).default)

    @property
    def is_demo(self) -> bool:
        """True when the open vault is a demo vault (the GUI shows DEMO in the title bar)."""
        return bool(self._vault is not None and self._vault.settings.get(DEMO_FLAG_KEY, False))

    # -- stores ----------------------------------------------------------------------------

    def _read_vault(self, spec: SettingSpec) -> Any:
        if self._vault is None:
            return None
        raw = self._vault.settings.get(spec.storage_key)
        if spec.stored_per_unit != 1.0 and isinstance(raw, int | float) and not isinstance(raw, bool):
            return round(raw / spec.stored_per_unit)
        return raw

    def _require_vault(self, spec: SettingSpec) -> Any:
        if self._vault is None:
            raise VaultLocked(f"Unlock a vault to change “{spec.label}”: it is stored in the vault.")
        return self._vault

    def _read_config(self) -> dict[str, Any]:
        try:
            data = json.loads(self._config_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            log.warning("settings file is unreadable; using defaults")
            return {}
        return data if isinstance(data, dict) else {}

    def _write_config(self, data: dict[str, Any]) -> None:
        """Atomic write: a private temporary file in the same folder, then rename."""
        paths.ensure_private_dir(self._config_path.parent)
        atomic_write_text(self._config_path, json.dumps(data, indent=2, sort_keys=True))


def _spec(key: str) -> SettingSpec:
    try:
        return SPECS[key]
    except KeyError:
        raise ValidationError([f"there is no setting called '{key}'"]) from None

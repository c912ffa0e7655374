"""docs/workflow.md's settings table states the defaults the app declares (one source of truth:
`services.settings_service.SETTINGS`)."""

from __future__ import annotations

import re

from lscp_audit.services.settings_service import SETTINGS
from tests.conftest import REPO_ROOT


def documented_defaults() -> dict[str, str]:
    text = (REPO_ROOT / "docs" / "workflow.md").read_text(encoding="utf-8")
    table = text[text.index("## Settings that shape the workflow") :]
    rows = re.findall(r"^\| ([^|]+?) \| ([^|]+?) \| ([^|]+?) \|$", table, flags=re.MULTILINE)
    return {label: default for label, default, _where in rows if label not in ("setting", "---")}


def test_every_setting_is_documented_with_its_default() -> None:
    documented = documented_defaults()
    for spec in SETTINGS:
        row = next((label for label in documented if spec.label in (label, *label.split(", "))), None)
        assert row is not None, f"{spec.label} is not in docs/workflow.md"
        shown = documented[row]
        if spec.default == "":
            assert shown.startswith("empty"), (spec.label, shown)
        else:
            assert shown == str(spec.default), (spec.label, shown, spec.default)

"""Fixtures for service tests: real, encrypted vault files opened with a random raw key (no KDF,
so they are cheap), closed after each test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lscp_audit.storage.engine import RawKey
from lscp_audit.storage.vault import Vault


def make_vault(path: Path) -> Vault:
    """A new vault at `path` with a random raw key."""
    return Vault.create(path, RawKey.generate(), vault_id="test-vault", memory_security=False)


@pytest.fixture
def vault(tmp_path: Path) -> Iterator[Any]:
    opened = make_vault(tmp_path / "test.lscp")
    try:
        yield opened
    finally:
        opened.close()

"""Child for the kill-during-rotation and kill-during-migration tests.

``python -m tests.storage.rotation_child rotate VAULT PASSPHRASE``: unlock (passphrase route, cheap
KDF) and rotate the data key again and again, printing ``rotated`` after each.
``python -m tests.storage.rotation_child migrate VAULT KEYHEX``: print ``ready`` then open (and so
migrate) the vault.
"""

from __future__ import annotations

import sys
from pathlib import Path

from lscp_audit.services.vault_service import VaultService
from lscp_audit.storage.engine import RawKey
from lscp_audit.storage.keyfile import TEST_POLICY
from lscp_audit.storage.vault import Vault


def rotate(path: Path, passphrase: str) -> None:
    service = VaultService(path, use_keychain=False, kdf_policy=TEST_POLICY)
    service.unlock(passphrase=passphrase)
    print("ready", flush=True)
    while True:
        service.rotate_key(passphrase=passphrase)
        print("rotated", flush=True)


def migrate(path: Path, key_hex: str) -> None:
    print("ready", flush=True)
    Vault.open(path, RawKey(key_hex)).close()
    print("migrated", flush=True)


if __name__ == "__main__":
    mode, vault, secret = sys.argv[1:4]
    (rotate if mode == "rotate" else migrate)(Path(vault), secret)

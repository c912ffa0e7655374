"""B1: a real Secret Service (dbus-run-session + gnome-keyring-daemon) stores and returns the key.

Runs two separate processes in one private D-Bus session with an isolated HOME: the first creates
a vault and keeps its key in the keychain, the second unlocks it from the keychain alone. Skips
(with the reason) only when the binaries are missing; needs Debian packages dbus and gnome-keyring.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
MISSING = [b for b in ("dbus-run-session", "gnome-keyring-daemon") if shutil.which(b) is None]

FIRST = """
import sys
from pathlib import Path
from lscp_audit.services.vault_service import VaultService
from lscp_audit.storage.keyfile import TEST_POLICY
from lscp_audit.storage.keystore import KeyStore, MAX_SECRET_CHARS
store = KeyStore()
status = store.status()
assert status.usable and "SecretService" in status.backend, status
service = VaultService(Path(sys.argv[1]), kdf_policy=TEST_POLICY)
created = service.create("secret service passphrase")
assert created.keychain_used, created
vault_id = service.vault.vault_id
key_hex = service._current_key().hex()
assert store.get_key(vault_id).hex() == key_hex
print(key_hex)
service.lock()
"""

SECOND = """
import sys
from pathlib import Path
from lscp_audit.services.vault_service import VaultService
from lscp_audit.services.vault_keys import KeyRoute
from lscp_audit.storage.keyfile import TEST_POLICY
service = VaultService(Path(sys.argv[1]), kdf_policy=TEST_POLICY)
result = service.unlock()
assert result.route is KeyRoute.KEYCHAIN, result
assert service.check().ok
service.lock()
print("unlocked-from-keychain")
"""


@pytest.mark.skipif(bool(MISSING), reason=f"missing binaries: {', '.join(MISSING)} (apt: dbus gnome-keyring)")
def test_b1_real_secret_service_round_trip(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (tmp_path / "first.py").write_text(FIRST)
    (tmp_path / "second.py").write_text(SECOND)
    vault = tmp_path / "vault.lscp"
    script = textwrap.dedent(
        f"""
        printf 'test-pass' | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
        {sys.executable} {tmp_path / "first.py"} {vault} > {tmp_path / "key.txt"} || exit 11
        {sys.executable} {tmp_path / "second.py"} {vault} || exit 12
        """
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DBUS_", "PYTHON_KEYRING"))}
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / ".local/share"),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_RUNTIME_DIR=str(tmp_path),
        PYTHONPATH=str(REPO),
    )
    proc = subprocess.run(
        ["dbus-run-session", "--", "sh", "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "unlocked-from-keychain" in proc.stdout
    key_hex = (tmp_path / "key.txt").read_text().strip()
    assert len(key_hex) == 64
    for path in home.rglob("*"):  # the keychain file is encrypted; the key never appears in plaintext
        if path.is_file():
            assert key_hex.encode() not in path.read_bytes(), path
    for path in tmp_path.glob("vault.lscp*"):
        if path.is_file():
            assert key_hex.encode() not in path.read_bytes(), path

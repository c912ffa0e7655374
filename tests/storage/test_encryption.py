"""Security catalogue A: ciphertext at rest, wrong key, raw-key discipline, pinned settings,
tamper detection, integrity-check semantics, backups, SQLAlchemy wiring, log hygiene."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import sqlcipher3

from lscp_audit.core.audit import Answer
from lscp_audit.core.errors import VaultCorrupt, WrongPassphrase
from lscp_audit.storage import engine as eng
from lscp_audit.storage.backups import check_file
from lscp_audit.storage.engine import RawKey
from lscp_audit.storage.vault import Vault, sidecars
from tests.storage.conftest import CANARY, make_record, sha256


def _files(path: Path) -> list[Path]:
    return [p for p in [path, *sidecars(path)] if p.exists()]


def test_a1_vault_and_wal_are_ciphertext(vault: Vault) -> None:
    vault.audits.create(make_record(), "tester")
    for i in range(20):
        vault.audits.save_answer("audit-1", Answer(f"q{i}", f"{CANARY}-{i}"), "tester")
    vault.writer.flush()
    wal = vault.path.with_name(vault.path.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0  # the commits are still (only) in the WAL
    for path in _files(vault.path):
        data = path.read_bytes()
        assert CANARY.encode() not in data, path.name
        assert b"case-audit" not in data, path.name
    assert vault.path.read_bytes()[:16] != eng.PLAIN_SQLITE_HEADER
    vault.close()
    assert CANARY.encode() not in vault.path.read_bytes()


def test_a2_wrong_key_fails_closed_and_file_unchanged(vault_file: tuple[Path, str]) -> None:
    path, _key = vault_file
    before = sha256(path)
    with pytest.raises(WrongPassphrase):
        Vault.open(path, RawKey.generate())
    assert sha256(path) == before
    assert not any(p.exists() and p.stat().st_size for p in sidecars(path))


@pytest.mark.parametrize(
    "bad",
    ["ab" * 31, "ab" * 33, "AB" * 32, "zz" * 32, "x'" + "ab" * 32 + "'", "", "ab" * 31 + "a ", "'" + "ab" * 31 + "'"],
)
def test_a3_malformed_keys_are_rejected_before_sqlcipher(bad: str) -> None:
    with pytest.raises(ValueError):
        RawKey(bad)


@pytest.mark.parametrize("size", [0, 16, 31, 33, 64])
def test_a3_wrong_length_key_bytes_rejected(size: int) -> None:
    with pytest.raises(ValueError):
        RawKey(b"\x01" * size)


def test_a3_raw_key_open_skips_pbkdf2(vault_file: tuple[Path, str]) -> None:
    path, key = vault_file
    Vault.open(path, RawKey(key)).close()  # warm-up
    times = []
    for _ in range(3):
        start = time.perf_counter()
        Vault.open(path, RawKey(key)).close()
        times.append(time.perf_counter() - start)
    assert min(times) < 0.1  # a PBKDF2 (256k) open takes ~0.15 s here


def test_a3_key_never_in_repr(vault: Vault) -> None:
    key = RawKey.generate()
    assert key.hex() not in repr(key)
    assert "x'" not in repr(vault.engine.url) and "x'" not in str(vault.engine.url)


def test_a4_a11_pinned_settings(vault: Vault) -> None:
    assert eng.cipher_settings(vault.engine) == eng.EXPECTED_CIPHER_SETTINGS
    with vault.engine.connect() as conn:
        one = lambda sql: conn.exec_driver_sql(sql).scalar()  # noqa: E731
        assert str(one("PRAGMA cipher_version")).startswith("4.")
        assert one("PRAGMA temp_store") == 2
        assert one("PRAGMA journal_mode") == "wal"
        assert one("PRAGMA synchronous") == 2  # FULL
        assert one("PRAGMA foreign_keys") == 1
        assert one("PRAGMA busy_timeout") >= 5000
        assert one("PRAGMA secure_delete") == 1
        options = {r[0] for r in conn.exec_driver_sql("PRAGMA compile_options")}
    assert "HAS_CODEC" in options
    assert "TEMP_STORE=2" in options or "TEMP_STORE=3" in options
    import sqlcipher3

    assert vault.engine.dialect.dbapi is sqlcipher3


def test_key_is_never_in_the_engine_url_and_no_copy_is_reachable_after_lock(tmp_path: Path) -> None:
    """Issue 11: the URL (and its connect strings) kept a hex copy of the key for the engine's life.
    The test keeps the key only reversed, so its own copy is not what the sweep finds."""
    import gc

    key = RawKey.generate()
    reversed_key = bytes(reversed(key.bytes()))
    opened = Vault.create(tmp_path / "v.lscp", key, vault_id="v")
    opened.audits.count()
    url = opened.engine.url
    assert url.password is None
    assert bytes(reversed(reversed_key)).hex() not in url.render_as_string(hide_password=False)
    opened.close()
    del opened, url, key
    gc.collect()
    found = 0
    for obj in gc.get_objects():  # every container the collector tracks, and the values in it
        if isinstance(obj, dict):
            values = [*obj.keys(), *obj.values()]
        elif isinstance(obj, (list, tuple, set, frozenset)):
            values = list(obj)
        else:
            continue
        for value in values:
            if isinstance(value, str) and len(value) >= 64:
                found += bytes(reversed(reversed_key)).hex() in value
            elif isinstance(value, (bytes, bytearray)) and len(value) >= 32:
                found += bytes(reversed(reversed_key)) in value
    assert found == 0


def test_a11_memory_security_can_be_enabled(vault_file: tuple[Path, str]) -> None:
    import subprocess
    import sys

    path, key = vault_file
    code = (
        "import sys; from pathlib import Path; from lscp_audit.storage.vault import Vault; "
        "from lscp_audit.storage.engine import RawKey; "
        "v = Vault.open(Path(sys.argv[1]), RawKey(sys.argv[2]), memory_security=True); "
        "c = v.engine.connect(); print(c.exec_driver_sql('PRAGMA cipher_memory_security').scalar()); "
        "c.close(); v.close()"
    )
    repo = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code, str(path), key], cwd=repo, capture_output=True, text=True)
    assert out.stdout.strip() == "1", out.stderr


def test_a12_trace_log_level_is_refused(vault_file: tuple[Path, str]) -> None:
    path, key = vault_file
    with pytest.raises(ValueError):
        eng.make_engine(path, RawKey(key), log_level="TRACE")


def test_a12_wrong_key_attempt_prints_no_key(vault_file: tuple[Path, str], capfd: pytest.CaptureFixture[str]) -> None:
    path, _ = vault_file
    wrong = RawKey.generate()
    wrong_hex = wrong.hex()
    with pytest.raises(WrongPassphrase):
        Vault.open(path, wrong)
    out, err = capfd.readouterr()
    assert wrong_hex not in out + err and "hmac" not in err.lower()


def test_plain_sqlite_file_is_refused(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "plain.lscp"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.execute("INSERT INTO t VALUES (zeroblob(4096))")
    conn.commit()
    conn.close()
    with pytest.raises(VaultCorrupt, match="unencrypted"):
        Vault.open(path, RawKey.generate())


def _flip(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


def _populated(vault_file: tuple[Path, str]) -> tuple[Path, str]:
    path, key = vault_file
    with Vault.open(path, RawKey(key)) as vault:
        vault.audits.create(make_record(template_source="x" * 20000), "tester")
        vault.checkpoint()
    return path, key


@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_a6_tampering_is_detected_and_file_not_modified(vault_file: tuple[Path, str], where: str) -> None:
    path, key = _populated(vault_file)
    pages = path.stat().st_size // 4096
    page = {"first": 0, "middle": pages // 2, "last": pages - 1}[where]
    _flip(path, page * 4096 + 100)
    before = sha256(path)
    with pytest.raises(VaultCorrupt) as info:
        Vault.open(path, RawKey(key), key_trusted=True)
    assert str(path) in str(info.value)
    assert sha256(path) == before
    if where != "first":
        try:
            report = check_file(path, RawKey(key))
        except VaultCorrupt as refused:  # the flipped page holds part of the schema: refused outright
            assert str(path) in str(refused)
        else:
            assert any("HMAC verification failed" in p for p in report.cipher_problems)
        assert sha256(path) == before


@pytest.mark.parametrize("content", [b"", b"\x00" * 100, b"not a vault at all " * 400])
def test_truncated_or_foreign_file_is_vault_corrupt(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.lscp"
    path.write_bytes(content)
    before = sha256(path)
    with pytest.raises(VaultCorrupt) as info:
        Vault.open(path, RawKey.generate(), key_trusted=True)
    assert str(path) in str(info.value)
    assert sha256(path) == before


def test_truncated_vault_is_vault_corrupt(vault_file: tuple[Path, str]) -> None:
    path, key = _populated(vault_file)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(VaultCorrupt):
        Vault.open(path, RawKey(key), key_trusted=True)


def test_a7_integrity_semantics(vault: Vault) -> None:
    report = vault.integrity_check()
    assert report.cipher_problems == () and report.sqlite_result == ("ok",) and report.ok


def test_a9_export_backup_is_encrypted_complete_and_includes_wal(vault_with_audit: Vault, tmp_path: Path) -> None:
    vault = vault_with_audit
    dest = tmp_path / "copy.lscp"
    other = RawKey.generate()
    other_hex = other.hex()
    vault.export_to(dest, other)
    assert CANARY.encode() not in dest.read_bytes()
    assert check_file(dest, RawKey(other_hex)).ok
    with pytest.raises(WrongPassphrase):
        check_file(dest, RawKey.generate())
    with Vault.open(dest, RawKey(other_hex)) as copy:
        assert copy.audits.get("audit-1").answers[0].value == f"{CANARY}-answer"
        assert copy.table_counts() == vault.table_counts()


def test_a9_vacuum_into_is_encrypted_and_backup_api_refuses_plaintext(vault_file: tuple[Path, str]) -> None:
    path, key = _populated(vault_file)
    conn = sqlcipher3.connect(str(path))
    conn.execute(f"PRAGMA key = \"x'{key}'\"")
    into = path.with_name("vacuum.lscp")
    conn.execute("VACUUM INTO ?", (str(into),))
    assert into.read_bytes()[:16] != eng.PLAIN_SQLITE_HEADER
    assert CANARY.encode() not in into.read_bytes()
    plain = sqlcipher3.connect(str(path.with_name("plain.db")))
    with pytest.raises(sqlcipher3.OperationalError):
        conn.backup(plain)
    conn.close()
    plain.close()


def test_a10_pragma_key_is_the_first_statement_on_every_connection(
    vault_file: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, key = vault_file
    statements: list[list[str]] = []
    real_connect = sqlcipher3.connect

    def spying_connect(*args: object, **kwargs: object) -> object:
        conn = real_connect(*args, **kwargs)  # type: ignore[arg-type]
        log: list[str] = []
        statements.append(log)
        conn.set_trace_callback(log.append)
        return conn

    monkeypatch.setattr(sqlcipher3, "connect", spying_connect)
    engine = eng.make_engine(path, RawKey(key))
    import threading

    def read() -> None:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT count(*) FROM audits").scalar()

    with engine.connect() as held:  # a second thread reading meanwhile needs a connection of its own
        held.exec_driver_sql("SELECT count(*) FROM audits").scalar()
        worker = threading.Thread(target=read)
        worker.start()
        worker.join()
    read()  # a connection given back is used again, not opened again
    engine.dispose()
    assert len(statements) == 2  # two connections, both keyed first
    for log in statements:
        assert log[0].lower().replace(" ", "").startswith("pragmakey=")
        assert any("cipher_compatibility = 4" in s for s in log[1:4])

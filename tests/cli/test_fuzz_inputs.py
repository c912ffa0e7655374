"""Issue 11: fuzzing the three kinds of untrusted file the app reads — answers JSON, template YAML
and key files. Each input gives a result or a clear, typed error; never another exception, never a
hang (every example is timed), and a rejected input writes nothing."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lscp_audit.cli.audit import parse_json_document
from lscp_audit.core.audit import Auditor
from lscp_audit.core.errors import LscpAuditError
from lscp_audit.core.templates.loader import check_template_text
from lscp_audit.services.audit_service import AuditService
from lscp_audit.services.audit_store import VaultAuditStore
from lscp_audit.services.vault_service import VaultService
from lscp_audit.storage.keyfile import TEST_POLICY, keyfile_path
from tests.services.conftest import MINI, SUBJECT, template_catalogue

SECONDS = 5.0  # "a few seconds", with room for a busy 2-core machine
FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
PASS = "correct horse battery staple"
MINI_TEXT = (Path(__file__).parents[1] / "services" / "fixtures" / "mini_audit.yaml").read_text(encoding="utf-8")

# Any code point, lone surrogates included (hypothesis leaves them out by default).
any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=40)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | any_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(any_text, inner, max_size=4),
    max_leaves=20,
)
answer_keys = st.sampled_from(["referred", "referral_date", "days_to_decision", "agency_rag", "actions", "nope", ""])


def _encoded(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=True, allow_nan=True).encode("ascii")


answers_documents = st.one_of(
    st.binary(max_size=200),
    json_values.map(_encoded),
    st.dictionaries(answer_keys, json_values, max_size=5).map(_encoded),
    st.integers(min_value=1, max_value=200_000).map(lambda n: b"[" * n + b"]" * n),
    st.integers(min_value=4000, max_value=6000).map(lambda n: b'{"days_to_decision": ' + b"9" * n + b"}"),
    st.just(b'{"summary": "\\ud800"}'),
)


def _timed(work: Any) -> Any:
    started = time.monotonic()
    try:
        return work()
    finally:
        assert time.monotonic() - started < SECONDS, "took too long (a hang)"


@pytest.fixture
def audit(tmp_path: Path) -> Iterator[tuple[AuditService, str, Any]]:
    vault_service = VaultService(tmp_path / "fuzz.lscp", use_keychain=False, kdf_policy=TEST_POLICY)
    vault_service.create(PASS)
    service = AuditService(VaultAuditStore(vault_service.vault), template_catalogue(), actor="fuzz")
    record = service.new_audit(MINI, SUBJECT, auditor=Auditor("A. Auditor", "DSL", "Police"))
    yield service, str(record.id), vault_service.vault
    vault_service.lock()


@FUZZ
@given(raw=answers_documents)
def test_answers_json(audit: tuple[AuditService, str, Any], raw: bytes) -> None:
    service, audit_id, vault = audit
    before = len(vault.history.for_audit(audit_id))

    def fill() -> None:
        service.fill_from_json(audit_id, parse_json_document("answers.json", raw))

    try:
        _timed(fill)
    except LscpAuditError as exc:
        assert str(exc)
        assert len(vault.history.for_audit(audit_id)) == before  # nothing written


template_texts = st.one_of(
    st.text(max_size=300),
    st.integers(min_value=1, max_value=30_000).map(lambda n: "a: " + "[" * n + "]" * n),
    st.integers(min_value=1, max_value=3_000).map(lambda n: "a:\n" + "".join("  " * i + "- x:\n" for i in range(n))),
    st.builds(
        lambda key, value: MINI_TEXT.replace("title: Mini", f"{key}: {value}\ntitle: Mini", 1), any_text, any_text
    ),
)


@FUZZ
@given(text=template_texts, cut=st.integers(0, len(MINI_TEXT)), insert=st.text(max_size=12))
def test_template_yaml(tmp_path: Path, text: str, cut: int, insert: str) -> None:
    for candidate in (text, MINI_TEXT[:cut] + insert + MINI_TEXT[cut:]):
        template, problems = _timed(lambda c=candidate: check_template_text(c, "shared.yaml"))
        assert (template is None) == bool(problems)
        assert all(p.message for p in problems)
    assert list(tmp_path.iterdir()) == []  # checking writes nothing


@pytest.fixture(scope="module")
def locked_vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("keys") / "keys.lscp"
    service = VaultService(path, use_keychain=False, kdf_policy=TEST_POLICY)
    service.create(PASS)
    service.lock()
    return path


def _set(data: dict[str, Any], path: list[str], value: Any) -> dict[str, Any]:
    node: Any = data
    for key in path[:-1]:
        if not isinstance(node, dict) or key not in node:
            return data
        node = node[key]
    if isinstance(node, dict):
        node[path[-1]] = value
    return data


key_paths = st.sampled_from(
    [
        ["format"],
        ["version"],
        ["vault_id"],
        ["passphrase"],
        ["passphrase", "nonce"],
        ["passphrase", "ciphertext"],
        ["passphrase", "kdf"],
        ["passphrase", "kdf", "memory_kib"],
        ["passphrase", "kdf", "time_cost"],
        ["passphrase", "kdf", "parallelism"],
        ["passphrase", "kdf", "salt"],
        ["passphrase", "kdf", "algorithm"],
        ["data_key"],
        ["data_key", "nonce"],
        ["pending_data_key"],
        ["keychain_backend"],
        ["extra"],
    ]
)


@FUZZ
@given(edits=st.lists(st.tuples(key_paths, json_values), min_size=1, max_size=3), garbage=st.binary(max_size=64))
def test_key_files(locked_vault: Path, edits: list[tuple[list[str], Any]], garbage: bytes) -> None:
    keys = keyfile_path(locked_vault)
    original = keys.read_bytes()
    vault_bytes = locked_vault.read_bytes()
    try:
        data = json.loads(original)
        for path, value in edits:
            data = _set(data, path, value)
        for content in (_encoded(data), garbage):
            keys.write_bytes(content)
            service = VaultService(locked_vault, use_keychain=False, kdf_policy=TEST_POLICY)
            try:
                _timed(lambda s=service: s.unlock(passphrase=PASS))
            except LscpAuditError as exc:
                assert str(exc)
                assert keys.read_bytes() == content  # a rejected key file is never rewritten
            else:
                service.lock()
            assert locked_vault.read_bytes() == vault_bytes  # the vault itself is never touched
    finally:
        keys.write_bytes(original)

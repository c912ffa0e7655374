"""A5/C2/C3: golden vault per schema version upgrades; one transaction per migration; newer refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from lscp_audit.core.errors import VaultError, VaultTooNew
from lscp_audit.storage import migrations
from lscp_audit.storage.engine import RawKey, make_engine
from lscp_audit.storage.schema import Base
from lscp_audit.storage.vault import Vault
from tests.storage.conftest import sha256
from tests.storage.make_fixture_vault import FIXTURE_KEY_HEX, fixture_path

VERSIONS = [m.VERSION for m in migrations.MIGRATIONS]


def test_every_schema_version_has_a_golden_fixture() -> None:
    for version in VERSIONS:
        assert fixture_path(version).exists(), f"add tests/fixtures/vaults/vault-v{version}.lscp"


@pytest.mark.parametrize("version", VERSIONS)
def test_golden_vault_opens_and_upgrades(version: int, tmp_path: Path) -> None:
    path = tmp_path / "old.lscp"
    shutil.copyfile(fixture_path(version), path)
    with Vault.open(path, RawKey(FIXTURE_KEY_HEX)) as vault:
        assert vault.schema_version == migrations.CURRENT_SCHEMA_VERSION
        record = vault.audits.get("fixture-audit-1")
        assert record.subject["case_reference"] == "FIX-001"
        assert [(a.question_id, a.value) for a in record.answers] == [("q1", "yes")]
        assert vault.vault_id == "fixture-vault"
        if version >= 2:
            assert vault.identities.default() is not None
        assert vault.drafts.for_audit("fixture-audit-1") == ({"q2": {"value": None}} if version >= 4 else {})
        if version >= 3:
            assert vault.imported_returns.data("fixture-return") == {"report": {"id": "R-FIXT-0001"}}
            assert vault.imported_returns.get("fixture-return").signatures[0].trusted
        acknowledged = [(a.hit_id, a.kind, a.reason) for a in record.identifier_acknowledgements]
        assert acknowledged == ([("fixture-hit", "postcode", "The team's office")] if version >= 7 else [])
        profile = vault.partnership.get()
        stored_round = vault.imported_returns.get("fixture-return").round_id if version >= 3 else ""
        if version >= 8:
            assert profile is not None and profile.name == "Fixture LSCP"
            assert [r.id for r in profile.rounds] == ["fix-round"]
            assert profile.rounds[0].expected_agencies[0].agency == "police"
            assert stored_round == "fix-round"
        else:  # upgraded: no profile of its own (the shipped default is used), returns name no round
            assert profile is None and vault.partnership.rounds() == ()
            assert stored_round == ""
        if version >= 10:
            carried = vault.audits.get("fixture-audit-2").carried_forward
            assert carried is not None and carried.from_audit_id == "fixture-audit-1" and carried.pending == ("q1",)
        assert vault.audits.get("fixture-audit-1").carried_forward is None
        if version >= 9:
            [summary] = vault.moderation.for_return("R-FIXT-0001", "sha256:d")
            assert summary.outcome == "agree" and vault.moderation.record(summary.id) == {"outcome": "agree"}
        updates = vault.action_updates.for_return("fixture-return") if version >= 3 else []
        if version >= 11:
            [update] = updates
            assert (update.action_index, update.status, update.as_of) == (0, "in_progress", "2026-02-01")
        else:
            assert updates == []
        assert vault.integrity_check().ok


def test_migrated_schema_matches_orm(tmp_path: Path) -> None:
    path = tmp_path / "v.lscp"
    shutil.copyfile(fixture_path(1), path)
    with Vault.open(path, RawKey(FIXTURE_KEY_HEX)) as vault:
        inspector = sa.inspect(vault.engine)
        for table in Base.metadata.sorted_tables:
            actual = {c["name"] for c in inspector.get_columns(table.name)}
            assert actual == {c.name for c in table.columns}, table.name


def test_newer_vault_is_refused_and_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "future.lscp"
    shutil.copyfile(fixture_path(VERSIONS[-1]), path)
    engine = make_engine(path, RawKey(FIXTURE_KEY_HEX))
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA user_version = 99")
        conn.commit()
    engine.dispose()
    before = sha256(path)
    with pytest.raises(VaultTooNew, match="newer version"):
        Vault.open(path, RawKey(FIXTURE_KEY_HEX))
    assert sha256(path) == before


def test_failed_migration_rolls_back_completely(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "v1.lscp"
    shutil.copyfile(fixture_path(1), path)
    broken = migrations.MIGRATIONS[1]
    monkeypatch.setattr(broken, "STATEMENTS", (*broken.STATEMENTS, "THIS IS NOT SQL"))
    with pytest.raises(VaultError, match="left as it was"):
        Vault.open(path, RawKey(FIXTURE_KEY_HEX))
    engine = make_engine(path, RawKey(FIXTURE_KEY_HEX))
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA user_version").scalar() == 1
        tables = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "identities" not in tables
    engine.dispose()


def test_pre_migration_hook_runs_before_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "v1.lscp"
    shutil.copyfile(fixture_path(1), path)
    seen: list[int] = []

    def hook(engine: sa.Engine) -> None:
        with engine.connect() as conn:
            seen.append(int(conn.exec_driver_sql("PRAGMA user_version").scalar_one()))

    Vault.open(path, RawKey(FIXTURE_KEY_HEX), before_migrate=hook).close()
    assert seen == [1]


def test_v2_returns_keep_their_data_and_get_listing_columns(tmp_path: Path) -> None:
    """A return imported under schema 2 keeps its data and status; the listing columns are filled
    from its JSON, and it has no signatures or PDF (imported before they were kept)."""
    import json

    path = tmp_path / "v2.lscp"
    shutil.copyfile(fixture_path(2), path)
    data = {
        "report": {"id": "R-OLD1-0001", "generated_at": "2026-02-01T10:00:00Z", "content_hash": "sha256:c"},
        "audit": {"id": "audit-9", "revision": 2, "previous_revision_id": "audit-8"},
        "auditor": {"name": "Ann Auditor"},
        "template": {"id": "s11", "title": "Section 11", "version": "2", "kind": "agency_self_assessment"},
        "subject": {"agency": "Police"},
        "judgements": {"overall": {"value": "amber", "label": "Amber"}},
    }
    engine = make_engine(path, RawKey(FIXTURE_KEY_HEX))
    with engine.connect() as conn:
        conn.exec_driver_sql(
            "INSERT INTO imported_returns (id, file_hash, report_id, audit_json, signer, verified, imported_at)"
            " VALUES ('old', 'sha256:f', 'R-OLD1-0001', ?, 'Ann', 'untrusted signer', '2026-02-02T00:00:00+00:00')",
            (json.dumps(data),),
        )
        conn.exec_driver_sql(
            "INSERT INTO imported_returns (id, file_hash, report_id, audit_json) VALUES ('broken', 'x', 'R-X', 'nope')"
        )
        conn.commit()
    engine.dispose()
    with Vault.open(path, RawKey(FIXTURE_KEY_HEX)) as vault:
        old = vault.imported_returns.get("old")
        assert (old.revision, old.audit_id, old.previous_audit_id, old.content_hash) == (
            2,
            "audit-9",
            "audit-8",
            "sha256:c",
        )
        assert (old.template_id, old.kind, old.subject, old.auditor_name) == (
            "s11",
            "agency_self_assessment",
            "Police",
            "Ann Auditor",
        )
        assert (old.overall_judgement, old.overall_label, old.signed_at) == ("amber", "Amber", "2026-02-01T10:00:00Z")
        assert (old.verified, old.signer, old.signer_fingerprint, old.signatures, old.has_pdf) == (
            "untrusted signer",
            "Ann",
            "",
            (),
            False,
        )
        assert vault.imported_returns.data("old") == data
        assert vault.imported_returns.get("broken").template_id == ""
        assert [c.purpose for c in vault.trusted_certs.list()] == []

"""Make the golden fixture vault for one schema version: ``python -m tests.storage.make_fixture_vault N``.

Fixture vaults are tiny, synthetic and keyed with `FIXTURE_KEY_HEX` (documented, test-only). Run
this once when a new schema version is added and commit the file; never regenerate old ones.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from lscp_audit.storage import migrations
from lscp_audit.storage.engine import RawKey, make_engine

FIXTURE_KEY_HEX = "6c7363702d61756469742d676f6c64656e2d666978747572652d6b65792d2121"
FIXTURE_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "vaults"


def fixture_path(version: int) -> Path:
    return FIXTURE_DIR / f"vault-v{version}.lscp"


def _rows(version: int) -> list[tuple[str, tuple[object, ...]]]:
    subject = json.dumps({"case_reference": "FIX-001", "child": "Synthetic Child"})
    rows: list[tuple[str, tuple[object, ...]]] = [
        (
            "INSERT INTO audits (id, template_id, template_version, template_hash, template_source, subject, title,"
            " status, auditor_name, created_at, updated_at, case_reference, agency) VALUES"
            " (?, 'case-audit', '1', 'sha256:fixture', 'id: case-audit', ?, 'Fixture audit', 'draft', 'Fixture',"
            " '2026-01-01T00:00:00+00:00', '2026-01-02T00:00:00+00:00', 'FIX-001', 'Police')",
            ("fixture-audit-1", subject),
        ),
        (
            "INSERT INTO answers (audit_id, question_id, agency, value, updated_at) VALUES"
            " ('fixture-audit-1', 'q1', '', '\"yes\"', '2026-01-02T00:00:00+00:00')",
            (),
        ),
        ("INSERT INTO settings (key, value) VALUES ('vault.id', '\"fixture-vault\"')", ()),
    ]
    if version >= 2:
        rows.append(
            (
                "INSERT INTO identities (id, name, role, agency, created_at, is_default) VALUES"
                " ('fixture-identity', 'Fixture Signer', 'Chair', 'LSCP', '2026-01-01T00:00:00+00:00', 1)",
                (),
            )
        )
    if version >= 3:
        data_column = ", audit_json" if version < 5 else ""
        data_value = ', \'{"report": {"id": "R-FIXT-0001"}}\'' if version < 5 else ""
        rows += [
            (
                "INSERT INTO imported_returns (id, file_hash, data_hash, report_id, revision, audit_id, signer,"
                f" signer_fingerprint, verified, imported_at{data_column}) VALUES ('fixture-return', 'sha256:f',"
                " 'sha256:d', 'R-FIXT-0001', 1, 'fixture-audit-1', 'Fixture Signer', ?, 'trusted',"
                f" '2026-01-03T00:00:00+00:00'{data_value})",
                ("ab" * 32,),
            ),
            (
                "INSERT INTO imported_return_signatures (return_id, position, role, signer, fingerprint, trusted)"
                " VALUES ('fixture-return', 0, 'auditor', 'Fixture Signer', ?, 1)",
                ("ab" * 32,),
            ),
            ("INSERT INTO imported_return_files (return_id, pdf) VALUES ('fixture-return', x'255044462d')", ()),
            (
                "INSERT INTO trusted_certificates (id, label, certificate_pem, purpose) VALUES"
                " ('fixture-moderator', 'Fixture Moderator', 'PEM', 'moderator')",
                (),
            ),
        ]
    if version >= 4:
        rows.append(
            (
                "INSERT INTO drafts (audit_id, answer_key, payload, updated_at) VALUES ('fixture-audit-1', 'q2',"
                " '{\"value\":null}', '2026-01-02T00:00:00+00:00')",
                (),
            )
        )
    if version >= 5:
        rows.append(
            (
                "INSERT INTO imported_return_data (return_id, audit_json) VALUES"
                ' (\'fixture-return\', \'{"report": {"id": "R-FIXT-0001"}}\')',
                (),
            )
        )
    if version >= 6:
        rows.append(
            (
                "INSERT INTO export_log (exported_at, actor, kind, audit_id, report_id, case_reference, file_name,"
                " protection, marking) VALUES ('2026-01-04T00:00:00+00:00', 'Fixture', 'report_pdf',"
                " 'fixture-audit-1', 'R-FIXT-0001', 'FIX-001', '/tmp/fixture.pdf', 'none', 'OFFICIAL-SENSITIVE')",
                (),
            )
        )
    if version >= 7:
        acknowledgement = {"hit_id": "fixture-hit", "kind": "postcode", "reason": "The team's office", "where": "q1"}
        rows.append(
            (
                "UPDATE audits SET identifier_acknowledgements = ? WHERE id = 'fixture-audit-1'",
                (json.dumps([acknowledgement]),),
            )
        )
    if version >= 8:
        rows += [
            (
                "INSERT INTO partnership_profile (id, name, lists_json, updated_at) VALUES (1, 'Fixture LSCP', ?,"
                " '2026-01-04T00:00:00+00:00')",
                (
                    json.dumps(
                        {
                            "localities": [{"code": "north", "label": "North"}],
                            "agencies": [{"code": "police", "label": "Police", "sector": "police"}],
                        }
                    ),
                ),
            ),
            (
                "INSERT INTO partnership_rounds (id, position, template_id, title, phase, period_start, period_end,"
                " deadline, round_json) VALUES ('fix-round', 0, 'case-audit', 'Fixture round', 'baseline',"
                " '2026-01-01', '2026-03-31', '2026-06-30', ?)",
                (
                    json.dumps(
                        {
                            "id": "fix-round",
                            "title": "Fixture round",
                            "phase": "baseline",
                            "period": {"start": "2026-01-01", "end": "2026-03-31"},
                            "template": "case-audit",
                            "deadline": "2026-06-30",
                            "localities": ["north"],
                            "expected": {"agencies": [{"agency": "police", "locality": "north"}]},
                        }
                    ),
                ),
            ),
            (
                "UPDATE imported_returns SET round_id = 'fix-round', locality = 'north', return_agency = 'police'"
                " WHERE id = 'fixture-return'",
                (),
            ),
        ]
    if version >= 9:
        rows.append(
            (
                "INSERT INTO moderation_records (id, report_id, data_hash, content_hash, outcome, moderator,"
                " moderator_fingerprint, moderated_at, stored_at, record_json, cms) VALUES ('fixture-moderation',"
                " 'R-FIXT-0001', 'sha256:d', 'sha256:c', 'agree', 'Fixture Moderator', ?, '2026-01-04T00:00:00+00:00',"
                " '2026-01-04T00:00:01+00:00', '{\"outcome\":\"agree\"}', x'3080')",
                ("cd" * 32,),
            )
        )
    if version >= 10:
        rows.append(
            (
                "INSERT INTO audits (id, template_id, template_version, template_hash, template_source, subject, title,"
                " status, auditor_name, created_at, updated_at, case_reference, agency, carried_forward) VALUES"
                " ('fixture-audit-2', 'case-audit', '1', 'sha256:fixture', 'id: case-audit', '{}', 'Next round',"
                " 'draft', 'Fixture', '2026-02-01T00:00:00+00:00', '2026-02-01T00:00:00+00:00', '', 'Police', ?)",
                ('{"from_audit_id":"fixture-audit-1","from_report_id":"R-FIXT-0001","pending":["q1"]}',),
            )
        )
    if version >= 11:
        rows.append(
            (
                "INSERT INTO action_updates (id, return_id, report_id, action_index, action_text, status, note, as_of,"
                " reported_by, recorded_by, recorded_at) VALUES ('fixture-update', 'fixture-return', 'R-FIXT-0001', 0,"
                " 'Audit 20 records', 'in_progress', 'Ten records audited so far', '2026-02-01', 'Police lead',"
                " 'Fixture', '2026-02-02T09:00:00.000+00:00')",
                (),
            )
        )
    return rows


def make(version: int, dest: Path | None = None) -> Path:
    path = dest or fixture_path(version)
    if path.exists():
        path.unlink()
    engine = make_engine(path, RawKey(FIXTURE_KEY_HEX))
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        migrations.migrate(raw, path, target=version)
        for sql, params in _rows(version):
            raw.execute(sql, params)
        raw.commit()
        raw.execute("PRAGMA journal_mode = DELETE")  # a single self-contained file
    engine.dispose()
    return path


if __name__ == "__main__":
    print(make(int(sys.argv[1])))

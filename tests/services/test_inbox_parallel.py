"""Importing many returns on every core (worker processes) over real vaults and real signed PDFs:
the same stored results as checking them in this process, many files to a commit, cancel that
leaves the vault consistent, and the duplicate check and the listing never reading a stored
return's JSON data or PDF."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from lscp_audit.core.progress import CancelToken
from lscp_audit.services.inbox_service import BATCH_FILES, ImportStatus, InboxImportResult, InboxService
from tests.reports.sample_audit import make_vault
from tests.services.signed_returns import make_signed_returns

DISTINCT = 10
PARALLEL_FILES = 9  # above the point where worker processes are used


@pytest.fixture(scope="module")
def returns(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Ten distinct signed returns (ten audits, one auditor), plus a copy of one (a duplicate),
    a file changed after signing, one that is not a PDF, one that is missing, and a return
    from a second signer who is not trusted (quarantine)."""
    folder = tmp_path_factory.mktemp("returns")
    made = make_signed_returns(folder, DISTINCT)
    files = made.files
    copy = folder / "copy-of-return-02.pdf"
    shutil.copyfile(files[2], copy)
    tampered = folder / "tampered.pdf"
    data = bytearray(files[5].read_bytes())
    at = data.index(b"/Title")
    data[at + 8] ^= 1
    tampered.write_bytes(bytes(data))
    junk = folder / "junk.pdf"
    junk.write_bytes(b"%PDF-1.7 not really")
    mixed = [*files[:4], copy, tampered, junk, folder / "missing.pdf", made.other_signer, *files[4:]]
    return {"files": files, "mixed": mixed, "pem": made.pem}


@pytest.fixture()
def inboxes(tmp_path: Path, returns: dict[str, Any]) -> Iterator[tuple[InboxService, InboxService]]:
    first, second = make_vault(tmp_path / "serial.lscp"), make_vault(tmp_path / "parallel.lscp")
    clock = iter(f"2026-11-28T09:{n // 60:02d}:{n % 60:02d}+00:00" for n in range(3600))
    clock2 = iter(f"2026-11-28T09:{n // 60:02d}:{n % 60:02d}+00:00" for n in range(3600))
    serial = InboxService(first, clock=lambda: next(clock))
    parallel = InboxService(second, clock=lambda: next(clock2))
    for inbox in (serial, parallel):
        inbox.trust_certificate(returns["pem"])
    yield serial, parallel
    first.close()
    second.close()


def _outcome(result: InboxImportResult) -> tuple[Any, ...]:
    entry = result.entry
    shown = None
    if entry is not None:
        shown = dataclasses.replace(entry, id="", imported_at="", checked_at="")
    return (result.path, result.status, result.reason, result.note, shown)


def _stored(inbox: InboxService) -> list[tuple[Any, ...]]:
    """Every stored return as (listing row without ids and times, data, PDF), by report id and signer."""
    listing = inbox.listing(include_superseded=True)
    rows = []
    for entry in [*listing.returns, *listing.quarantine]:
        row = dataclasses.replace(entry, id="", imported_at="", checked_at="")
        rows.append((row.report_id, row.signer, row, inbox.report_data(entry.id), inbox.pdf(entry.id)))
    return sorted(rows, key=lambda r: (r[0], r[1]))


def test_parallel_import_stores_exactly_what_the_serial_path_stores(
    inboxes: tuple[InboxService, InboxService], returns: dict[str, Any]
) -> None:
    serial, parallel = inboxes
    one = serial.import_files(returns["mixed"], workers=1)
    two = parallel.import_files(returns["mixed"], workers=2)
    assert [_outcome(r) for r in one] == [_outcome(r) for r in two]
    statuses = [r.status for r in two]
    assert statuses.count(ImportStatus.IMPORTED) == DISTINCT + 1  # + the untrusted signer's return
    assert statuses.count(ImportStatus.DUPLICATE) == 1 and statuses.count(ImportStatus.REJECTED) == 3
    assert [r.path for r in two] == returns["mixed"]  # one result per file, in the order given
    assert "changed after it was signed" in two[5].reason and "cannot read the file" in two[7].reason
    assert two[8].quarantined
    assert _stored(serial) == _stored(parallel)
    assert len(parallel.list_returns()) == DISTINCT and len(parallel.quarantine()) == 1
    # Importing the same files again finds every return already there, on either path.
    again = parallel.import_files(returns["files"], workers=2)
    assert {r.status for r in again} == {ImportStatus.DUPLICATE}


def test_many_files_are_stored_many_to_a_commit(
    inboxes: tuple[InboxService, InboxService], returns: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A big import commits once per batch, not once per file (the duplicate check inside a
    batch still sees the files stored before it in the same batch)."""
    from lscp_audit.services import inbox_service

    monkeypatch.setattr(inbox_service, "FLUSH_SECONDS", 3600.0)  # batches by count only, whatever the load
    _serial, inbox = inboxes
    files = [*returns["files"], *returns["files"]]  # the second half are duplicates of the first
    commits: list[int] = []

    def committed(_conn: Any) -> None:
        commits.append(1)

    engine = inbox._vault.engine
    sa.event.listen(engine, "commit", committed)
    try:
        results = inbox.import_files(files, workers=2)
    finally:
        sa.event.remove(engine, "commit", committed)
    assert [r.status for r in results] == [ImportStatus.IMPORTED] * DISTINCT + [ImportStatus.DUPLICATE] * DISTINCT
    assert len(files) <= BATCH_FILES and len(commits) == 1, commits


def test_cancel_keeps_what_was_stored_consistent(
    inboxes: tuple[InboxService, InboxService], returns: dict[str, Any]
) -> None:
    _serial, inbox = inboxes
    token = CancelToken()
    seen: list[int] = []

    def progress(percent: int, _step: str) -> None:
        seen.append(percent)
        if percent >= 30:
            token.cancel()

    results = inbox.import_files(returns["files"], progress=progress, cancel=token, workers=2)
    statuses = [r.status for r in results]
    stored = statuses.count(ImportStatus.IMPORTED)
    assert 0 < stored < DISTINCT and statuses == [ImportStatus.IMPORTED] * stored + [ImportStatus.SKIPPED] * (
        DISTINCT - stored
    )
    assert all(r.reason == "the import was cancelled" for r in results[stored:])
    # What was reported imported is stored whole (row, data, signatures, PDF), and nothing else is.
    listed = inbox.list_returns()
    assert sorted(e.id for e in listed) == sorted(r.entry.id for r in results[:stored] if r.entry)
    for entry in listed:
        assert inbox.report_data(entry.id)["report"]["id"] == entry.report_id
        assert inbox.pdf(entry.id).startswith(b"%PDF") and entry.signatures
    with inbox._vault.engine.connect() as conn:
        for table in ("imported_return_data", "imported_return_files"):
            count = conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608
            assert count == stored, table
    # The skipped files import on a second run.
    rest = inbox.import_files([r.path for r in results[stored:]], workers=2)
    assert {r.status for r in rest} == {ImportStatus.IMPORTED}


def test_import_list_and_duplicate_check_never_read_stored_json_or_pdfs(
    inboxes: tuple[InboxService, InboxService], returns: dict[str, Any]
) -> None:
    _serial, inbox = inboxes
    inbox.import_files(returns["files"], workers=1)
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(" ".join(statement.split()))

    engine = inbox._vault.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        again = inbox.import_files([*returns["files"][:3], returns["mixed"][8]], workers=1)
        inbox.listing(include_superseded=True)
        inbox.list_returns()
        inbox.quarantine()
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    assert [r.status for r in again][:3] == [ImportStatus.DUPLICATE] * 3 and again[3].status == ImportStatus.IMPORTED
    reads = [s for s in statements if s.upper().startswith("SELECT")]
    assert reads, "the statements were not seen"
    for statement in reads:
        assert "audit_json" not in statement and "imported_return_files.pdf" not in statement, statement
    # The duplicate check is by indexed report id, never a scan of every return.
    assert any("WHERE imported_returns.report_id = " in s for s in reads)


def test_sealed_returns_open_in_the_worker_processes(tmp_path: Path, returns: dict[str, Any]) -> None:
    """Returns sealed for the QA subgroup's certificate open in the workers with the vault's key
    (sent through the pipe, as the trust lists are): the same stored results as checking here."""
    from lscp_audit.services.identity_service import IdentityService
    from lscp_audit.services.report_service import ExportOptions, ReportService
    from tests.reports.sample_audit import NAMES, stored_audit, yaml_template

    qa_vaults = [make_vault(tmp_path / "qa.lscp")]
    auditor = make_vault(tmp_path / "sealing-auditor.lscp")
    try:
        identities = IdentityService(qa_vaults[0])
        identities.create("Quinn Adebayo", "QA subgroup member", "Testshire LSCP")
        qa_pem = identities.export_certificate_pem()
        base = stored_audit(yaml_template())
        for n in range(PARALLEL_FILES):
            auditor.audits.create(dataclasses.replace(base, id=f"s-{n:04d}"), "test", template_title="Neglect audit")
        IdentityService(auditor).create(NAMES["polish"], "DSL", "Testshire Council")
        reports = ReportService(auditor, actor="test")
        sealed = [
            reports.export(f"s-{n:04d}", tmp_path / f"sealed-{n}.pdf", ExportOptions(seal_for=(qa_pem,))).path
            for n in range(PARALLEL_FILES)
        ]
        inbox = InboxService(qa_vaults[0])
        inbox.trust_certificate(reports.identities.export_certificate_pem())
        here = [_outcome(r) for r in inbox.import_files(sealed[:3], workers=1)]
        results = inbox.import_files(sealed, workers=2)
        assert {r.status for r in results[3:]} == {ImportStatus.IMPORTED}
        assert all(r.entry is not None and r.entry.trusted for r in results[3:])
        assert {r.entry.judgement_check for r in results[3:] if r.entry} == {"match"}  # the pages were read too
        assert [o[:2] for o in here] == [(p, ImportStatus.IMPORTED) for p in sealed[:3]]
        assert [r.status for r in results[:3]] == [ImportStatus.DUPLICATE] * 3
    finally:
        for vault in (*qa_vaults, auditor):
            vault.close()


def test_worker_processes_check_files_without_the_storage_layer(returns: dict[str, Any]) -> None:
    """A worker starts from nothing (spawn) and loads only what checking needs: not the vault's
    database code, nor Qt (each worker's start-up time is paid again on every big import)."""
    from lscp_audit.services.parallel import ordered_map
    from tests.services.worker_probe import modules_after_check

    def failed(_path: str, exc: BaseException) -> list[str]:
        raise AssertionError("the probe failed in the worker") from exc

    paths = [str(p) for p in returns["files"][:2]]
    loaded = list(ordered_map(modules_after_check, paths, workers=2, on_error=failed))
    assert loaded == [[], []]


def test_recheck_on_every_core_records_what_checking_here_records(tmp_path: Path, returns: dict[str, Any]) -> None:
    """Returns imported before their signer was trusted sit in quarantine; trusting the signer
    and checking the kept PDFs again on 2 worker processes releases exactly the returns it
    releases when they are checked in this process, leaves the other signer's held, and stores
    the same trust state and signatures."""
    vaults = [make_vault(tmp_path / "here.lscp"), make_vault(tmp_path / "workers.lscp")]
    try:
        here, spread = (InboxService(v, clock=lambda: "2026-11-28T09:30:00+00:00") for v in vaults)
        files = [*returns["files"], returns["mixed"][8]]  # ten returns, and one from a signer never trusted
        for inbox in (here, spread):
            assert all(r.quarantined for r in inbox.import_files(files, workers=2))
            inbox.trust_certificate(returns["pem"])
        one = here.recheck(quarantine_only=True, workers=1)
        two = spread.recheck(quarantine_only=True, workers=2)
        assert (one.checked, len(one.now_trusted), one.not_checked) == (DISTINCT + 1, DISTINCT, ())
        assert (two.checked, len(two.now_trusted), two.not_checked) == (DISTINCT + 1, DISTINCT, ())
        assert _stored(here) == _stored(spread)
        assert len(spread.list_returns()) == DISTINCT and len(spread.quarantine()) == 1
        # Checking everything again changes nothing.
        again = spread.recheck(workers=2)
        assert (again.checked, again.now_trusted, again.now_quarantined) == (DISTINCT + 1, (), ())
    finally:
        for vault in vaults:
            vault.close()


def test_recheck_cancel_stops_the_workers_and_keeps_what_was_recorded(tmp_path: Path, returns: dict[str, Any]) -> None:
    from lscp_audit.core.errors import Cancelled

    vault = make_vault(tmp_path / "qa.lscp")
    try:
        inbox = InboxService(vault)
        inbox.import_files(returns["files"], workers=2)
        inbox.trust_certificate(returns["pem"])
        token = CancelToken()

        def progress(percent: int, _step: str) -> None:
            if percent >= 30:
                token.cancel()

        with pytest.raises(Cancelled):
            inbox.recheck(quarantine_only=True, progress=progress, cancel=token, workers=2)
        released = len(inbox.list_returns())
        assert 0 < released < DISTINCT and len(inbox.quarantine()) == DISTINCT - released
        assert inbox.recheck(quarantine_only=True, workers=2).now_trusted  # the rest, on a second run
        assert len(inbox.list_returns()) == DISTINCT
    finally:
        vault.close()

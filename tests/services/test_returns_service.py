"""ReturnsService over real vaults and real signed PDFs: the kept PDF saved byte for byte and
verified again, trust re-checked from the kept PDF, a return opened with its answers (with the
installed template, a frozen copy, or an unknown version flagged), returns kept by an earlier
version saying so, and the multi-agency case view with its signed PDF checked by the app's
verifier, pdfsig and qpdf."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lscp_audit.core.case_view import NOT_IN_RETURN
from lscp_audit.core.errors import NotFound, ValidationError
from lscp_audit.reports.verification import verify_pdf
from lscp_audit.services.identity_service import IdentityService
from lscp_audit.services.inbox_service import TRUSTED, InboxService
from lscp_audit.services.report_service import verify_files
from lscp_audit.services.returns_service import (
    NO_PDF,
    TEMPLATE_DIFFERENT,
    TEMPLATE_FROZEN,
    TEMPLATE_INSTALLED,
    TEMPLATE_UNKNOWN,
    ReturnsService,
)
from lscp_audit.services.template_service import TemplateService
from tests.reports import pdf_tools
from tests.reports.sample_audit import CANARY, FIXTURE, NAMES, make_vault, stored_audit, yaml_template
from tests.services.case_returns import AGENCY_RETURNS, OTHER_CASE, CaseReturns, make_case_returns


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> CaseReturns:
    return make_case_returns(tmp_path_factory.mktemp("agencies"))


@pytest.fixture()
def qa_vault(tmp_path: Path) -> Iterator[Any]:
    vault = make_vault(tmp_path / "qa.lscp")
    yield vault
    vault.close()


def _templates(tmp_path: Path, version: str | None = "1.2.0") -> TemplateService:
    """Installed templates: the returns' template as shipped (or another version, or none)."""
    shipped = tmp_path / "shipped"
    shipped.mkdir(parents=True, exist_ok=True)
    if version is not None:
        text = FIXTURE.read_text(encoding="utf-8").replace('version: "1.2.0"', f'version: "{version}"')
        (shipped / "maca-sample.yaml").write_text(text, encoding="utf-8")
    return TemplateService(shipped_dir=shipped, user_dir=tmp_path / "user")


def _trusting(inbox: InboxService, case: CaseReturns) -> None:
    for pem in case.pems:
        inbox.trust_certificate(pem)


def test_kept_pdf_is_saved_byte_for_byte_and_verifies_again(qa_vault: Any, case: CaseReturns, tmp_path: Path) -> None:
    returns = ReturnsService(qa_vault, _templates(tmp_path))
    _trusting(returns.inbox, case)
    [result] = returns.inbox.import_files([case.pdfs[0]])
    assert result.entry is not None and result.entry.trusted and result.entry.has_pdf
    (tmp_path / "out").mkdir()
    copy = returns.save_pdf_copy(result.entry.id, tmp_path / "out" / "copy.pdf")
    assert copy.read_bytes() == case.pdfs[0].read_bytes()
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["copy.pdf"]  # no temporary file left behind
    [again] = verify_files([copy], trust_pems=list(case.pems))
    assert again.ok() and again.trusted and again.data is not None
    with pytest.raises(NotFound):
        returns.save_pdf_copy("no-such-return", tmp_path / "out" / "none.pdf")
    assert not (tmp_path / "out" / "none.pdf").exists()
    [logged] = qa_vault.export_log.list()  # the copy is in the export log; the failed one is not
    assert logged.file_name == str(copy) and logged.report_id == result.entry.report_id


def test_recheck_trust_releases_a_quarantined_return_after_trusting_its_signer(
    qa_vault: Any, case: CaseReturns
) -> None:
    inbox = InboxService(qa_vault)
    [held] = inbox.import_files([case.pdfs[1]])
    assert held.entry is not None and held.quarantined
    inbox.trust_certificate(case.pems[1])  # trusted by hand: nothing re-checked yet
    assert inbox.get(held.entry.id).quarantined
    outcome = inbox.recheck()
    assert outcome.now_trusted == (held.entry.id,) and inbox.get(held.entry.id).verified == TRUSTED
    assert inbox.quarantine() == [] and [e.id for e in inbox.list_returns()] == [held.entry.id]


def test_open_return_shows_its_answers_with_the_installed_template(
    qa_vault: Any, case: CaseReturns, tmp_path: Path
) -> None:
    returns = ReturnsService(qa_vault, _templates(tmp_path), moderation=lambda _id: ("Agreed by the QA chair",))
    [result] = returns.inbox.import_files([case.pdfs[1]])
    assert result.entry is not None
    document = returns.open(result.entry.id)
    assert document.template.status == TEMPLATE_INSTALLED and not document.flagged
    assert document.entry.report_id == case.report_ids[1] and document.pdf_note == ""
    html = document.html
    assert CANARY in html and "Health (ICB)" in html and NAMES["turkish"] in html
    assert AGENCY_RETURNS[1][4].replace("'", "&#x27;") in html  # the key finding
    assert "Inadequate" in html and "Refresh neglect toolkit training" in html  # a judgement and an action
    assert "Guidance: Answer from the records of every agency involved." in html  # from the installed template
    assert "28 Nov 2026" in html or "27 Nov 2026" in html
    assert document.moderation == ("Agreed by the QA chair",)


def test_unknown_template_version_is_flagged_and_the_answers_still_shown(
    qa_vault: Any, case: CaseReturns, tmp_path: Path
) -> None:
    returns = ReturnsService(qa_vault, _templates(tmp_path, version="2.0.0"))
    [result] = returns.inbox.import_files([case.pdfs[0]])
    assert result.entry is not None
    document = returns.open(result.entry.id)
    assert document.template.status == TEMPLATE_UNKNOWN and document.flagged
    assert "Unknown template version" in document.template.banner and "version 1.2.0" in document.template.banner
    assert "(version 2.0.0 is installed)" in document.template.banner
    assert CANARY in document.html and "Guidance:" not in document.html
    assert "Police shared the domestic abuse notification" in document.html
    # No template at all is flagged the same way.
    bare = ReturnsService(qa_vault, _templates(tmp_path / "none", version=None)).open(result.entry.id)
    assert bare.template.status == TEMPLATE_UNKNOWN and "not installed in this vault." in bare.template.banner


def test_same_version_with_other_content_is_flagged(qa_vault: Any, case: CaseReturns, tmp_path: Path) -> None:
    templates = _templates(tmp_path)
    path = tmp_path / "shipped" / "maca-sample.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Answer from the records", "Ask"), encoding="utf-8")
    returns = ReturnsService(qa_vault, templates)
    [result] = returns.inbox.import_files([case.pdfs[0]])
    assert result.entry is not None
    document = returns.open(result.entry.id)
    assert document.template.status == TEMPLATE_DIFFERENT and "different content" in document.template.banner


def test_frozen_copy_in_this_vault_is_used_when_not_installed(qa_vault: Any, case: CaseReturns, tmp_path: Path) -> None:
    qa_vault.audits.create(stored_audit(yaml_template()), "test")  # the QA subgroup's own audit on that template
    returns = ReturnsService(qa_vault, _templates(tmp_path, version=None))
    [result] = returns.inbox.import_files([case.pdfs[2]])
    assert result.entry is not None
    document = returns.open(result.entry.id)
    assert document.template.status == TEMPLATE_FROZEN and not document.flagged
    assert "Guidance: Answer from the records" in document.html


def test_return_imported_before_pdfs_were_kept_says_so(qa_vault: Any, case: CaseReturns, tmp_path: Path) -> None:
    returns = ReturnsService(qa_vault, _templates(tmp_path))
    [result] = returns.inbox.import_files([case.pdfs[0]])
    assert result.entry is not None
    with qa_vault.engine.begin() as connection:  # as an earlier version left it: no PDF row
        connection.exec_driver_sql("DELETE FROM imported_return_files")
    document = returns.open(result.entry.id)
    assert document.pdf_note == NO_PDF and not document.entry.has_pdf and CANARY in document.html
    with pytest.raises(NotFound, match="earlier version"):
        returns.save_pdf_copy(result.entry.id, tmp_path / "copy.pdf")
    assert returns.inbox.recheck().checked == 0


def test_case_view_puts_the_agencies_side_by_side(qa_vault: Any, case: CaseReturns, tmp_path: Path) -> None:
    returns = ReturnsService(qa_vault, _templates(tmp_path))
    _trusting(returns.inbox, case)
    results = returns.inbox.import_files([*case.pdfs, case.other])
    view = returns.case_view_for(results[0].entry.id if results[0].entry else "")
    assert view.case_reference == CANARY and view.round == "MACA 2026 round 3"
    assert view.agencies == ("Children's social care", "Health (ICB)", "Police")  # by agency name
    assert [c.report_id for c in view.columns] == list(reversed(case.report_ids))
    assert [c.display for c in view.overall.cells] == ["Requires improvement"] * 3
    early = next(s for s in view.sections if s.section_id == "early_help")
    quality = next(r for r in early.rows if r.key == "early_help/eh_quality")
    assert [c.display for c in quality.cells] == ["Requires improvement", "Inadequate", "Good"] and quality.differs
    agency_rows = [r for s in view.sections for r in s.rows if r.key.startswith("agency_response/ar_grade@")]
    assert {r.agency_label for r in agency_rows} == {"Police", "Health (ICB)", "Children's social care", "Education"}
    assert [f.agency for f in view.findings if "Police shared" in f.text] == ["Police"]
    assert len(view.findings) == 3 and {a.agency for a in view.actions} == set(view.agencies)
    assert all(c.display != NOT_IN_RETURN for s in view.sections for r in s.rows for c in r.cells)
    # Another case is not mixed in; a quarantined return is left out and counted in the notes.
    assert returns.case_view(OTHER_CASE).agencies == ("Testshire Council",)
    with pytest.raises(NotFound):
        returns.case_view("NO-SUCH-CASE")


def test_quarantined_returns_are_left_out_of_the_case_view(qa_vault: Any, case: CaseReturns, tmp_path: Path) -> None:
    returns = ReturnsService(qa_vault, _templates(tmp_path))
    returns.inbox.trust_certificate(case.pems[0])
    returns.inbox.import_files(list(case.pdfs))
    view = returns.case_view(CANARY)
    assert view.agencies == ("Police",)
    assert any("2 return(s) for this case are in quarantine" in note for note in view.notes)


def test_case_view_pdf_is_signed_and_checks_out(qa_vault: Any, case: CaseReturns, tmp_path: Path) -> None:
    returns = ReturnsService(qa_vault, _templates(tmp_path))
    _trusting(returns.inbox, case)
    returns.inbox.import_files(list(case.pdfs))
    view = returns.case_view(CANARY, "MACA 2026 round 3")
    with pytest.raises(NotFound):
        returns.export_case_pdf(view, tmp_path / "none.pdf")  # no signing identity yet
    IdentityService(qa_vault).create("Priya Shah", "QA subgroup chair", "Testshire LSCP")
    with pytest.raises(ValidationError):
        returns.export_case_pdf(view, tmp_path / "bad.pdf", marking="SECRET")
    steps: list[int] = []
    exported = returns.export_case_pdf(view, tmp_path / "case.pdf", progress=lambda p, _s: steps.append(p))
    assert exported.path.exists() and exported.returns == 3 and exported.signer == "Priya Shah" and steps[-1] == 100
    assert exported.pack_id.startswith("C-") and exported.page_count >= 3
    [logged] = qa_vault.export_log.list()
    assert logged.file_name == str(exported.path) and logged.report_id == exported.pack_id
    assert logged.case_reference == CANARY
    pem = IdentityService(qa_vault).export_certificate_pem()
    result = verify_pdf(exported.path, trust=_certs(pem))
    assert result.ok() and result.trusted and result.intact and result.whole_file, result.reasons()
    assert result.signer == "Priya Shah" and result.data is None  # a pack, not a return
    [refused] = returns.inbox.import_files([exported.path])
    assert refused.status == "rejected" and "no LSCP Audit report data" in refused.reason
    text = pdf_tools.pdfsig(exported.path)
    assert "Signature is Valid." in text and "Total document signed" in text
    assert pdf_tools.qpdf_check(exported.path).returncode == 0
    pages = pdf_tools.run("pdftotext", "-layout", str(exported.path), "-").stdout
    for words in ("OFFICIAL-SENSITIVE", "Multi-agency case discussion", CANARY, "Police", "Health (ICB)",
                  "Answers differ between agencies", "Shared findings", exported.pack_id, "Page 1 of"):  # fmt: skip
        assert words in pages, words
    info = pdf_tools.run("pdfinfo", str(exported.path)).stdout
    assert CANARY not in info and "LSCP case discussion pack" in info


def _certs(pem: str) -> list[Any]:
    from lscp_audit.reports.verification import load_trust_certificates

    return load_trust_certificates([pem])


def test_case_pdf_marking_is_never_lower_than_a_return(qa_vault: Any, case: CaseReturns, tmp_path: Path) -> None:
    returns = ReturnsService(qa_vault, _templates(tmp_path))
    _trusting(returns.inbox, case)
    returns.inbox.import_files(list(case.pdfs))
    view = returns.case_view(CANARY)
    assert returns.case_marking(view, "OFFICIAL").text == "OFFICIAL-SENSITIVE"
    assert returns.case_marking(view, "OFFICIAL-SENSITIVE PERSONAL").text == "OFFICIAL-SENSITIVE PERSONAL"
    personal = dataclasses.replace(
        view, columns=tuple(dataclasses.replace(c, marking="OFFICIAL-SENSITIVE PERSONAL") for c in view.columns)
    )
    assert returns.case_marking(personal, "OFFICIAL").text == "OFFICIAL-SENSITIVE PERSONAL"


def test_listing_never_reads_a_kept_pdf(qa_vault: Any, case: CaseReturns, tmp_path: Path) -> None:
    from sqlalchemy import event

    returns = ReturnsService(qa_vault, _templates(tmp_path))
    _trusting(returns.inbox, case)
    returns.inbox.import_files(list(case.pdfs))
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(" ".join(statement.split()))

    event.listen(qa_vault.engine, "before_cursor_execute", record)
    try:
        listing = returns.inbox.listing()
        view = returns.case_view(CANARY)
    finally:
        event.remove(qa_vault.engine, "before_cursor_execute", record)
    assert len(listing.returns) == 3 and all(e.has_pdf for e in listing.returns) and len(view.columns) == 3
    assert statements and not [s for s in statements if "imported_return_files.pdf" in s]


def test_save_refuses_a_kept_pdf_that_no_longer_matches(qa_vault: Any, case: CaseReturns, tmp_path: Path) -> None:
    returns = ReturnsService(qa_vault, _templates(tmp_path))
    [result] = returns.inbox.import_files([case.pdfs[0]])
    assert result.entry is not None
    with qa_vault.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE imported_return_files SET pdf = X'255044462D'")
    with pytest.raises(ValidationError, match="does not match"):
        returns.save_pdf_copy(result.entry.id, tmp_path / "copy.pdf")
    assert not (tmp_path / "copy.pdf").exists()

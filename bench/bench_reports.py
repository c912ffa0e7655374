"""Reports: export + sign a completed audit of the largest shipped template with long answers
(goal <= 1 s), the same build without signing (ratio), and verifying 100 signed PDFs.

Everything runs in process on plain values (no vault): report data -> layout -> JSON attachment
-> PAdES signature -> atomic write, exactly the path `ReportService.export` takes after reading
the audit.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from bench.harness import Row, median, time_call
from lscp_audit import paths
from lscp_audit.core.audit import Answer, Auditor, AuditRecord, AuditStatus
from lscp_audit.core.templates.model import QuestionType, Template

LONG_TEXT = " ".join(
    f"Sentence {i}: the school nurse (Zofia Wiśniewska) and the health visitor (Nguyễn Thị Thảo) recorded the same concern "
    "about home conditions; the GP (Дмитрий Соколов) was not told."
    for i in range(12)
)


def largest_template() -> Template:
    from lscp_audit.core.templates.loader import load_template_file

    templates = [load_template_file(p) for p in sorted(paths.forms_dir().glob("*.yaml"))]
    return max(templates, key=lambda t: sum(len(s.questions) * (4 if s.per_agency else 1) for s in t.sections))


def _value(question: Any) -> Any:
    kind = question.type
    if kind in (QuestionType.LONG_TEXT, QuestionType.SHORT_TEXT):
        return LONG_TEXT if kind == QuestionType.LONG_TEXT else "Recorded in the chronology"
    if kind == QuestionType.MULTI_CHOICE:
        return [o.code for o in question.options[:2]]
    if kind in (QuestionType.YES_NO, QuestionType.SINGLE_CHOICE, QuestionType.GRADE, QuestionType.RAG):
        if not question.options:  # a partnership list with nothing in it (no rounds for this template)
            return None
        return question.options[min(1, len(question.options) - 1)].code
    if kind == QuestionType.DATE:
        return "2026-03-14"
    if kind == QuestionType.NUMBER:
        return 3
    action = {
        "action": "Refresh training",
        "owner_agency": "Health",
        "owner_role": "Lead",
        "due": "2027-03-31",
        "status": "open",
    }
    return [action, action]


def completed_audit(template: Template) -> AuditRecord:
    agencies = [o.code for o in template.agency_options][:4]
    answers = []
    for section in template.sections:
        for agency in agencies if section.per_agency else [None]:
            answers += [Answer(q.id, _value(q), agency=agency, evidence=LONG_TEXT[:400]) for q in section.questions]
    values = {
        f.id: ("MACA-2026-03-07" if f.type == QuestionType.SHORT_TEXT else _value(f)) for f in template.subject_fields
    }
    subject = {key: value for key, value in values.items() if value is not None}
    subject["agencies"] = agencies
    return AuditRecord(
        id="bench-1",
        template_id=template.id,
        template_version=template.version,
        template_hash=template.content_hash,
        template_source=template.source_text,
        subject=subject,
        status=AuditStatus.COMPLETE,
        auditor=Auditor("Ayşe Yılmaz", "Designated nurse", "Health (ICB)"),
        created_at="2026-11-01T09:00:00Z",
        completed_at="2026-11-27T16:00:00Z",
        answers=tuple(answers),
    )


def run() -> list[Row]:
    from lscp_audit.atomic_files import atomic_write_bytes
    from lscp_audit.core.report_data import build_report_data
    from lscp_audit.reports import identity_certs
    from lscp_audit.reports.pipeline import build_signed, build_unsigned
    from lscp_audit.reports.signing import SignerIdentity
    from lscp_audit.reports.verification import verify_pdf
    from lscp_audit.services.report_service import report_inputs

    template = largest_template()
    audit = completed_audit(template)
    material = identity_certs.create_self_signed("Ayşe Yılmaz", "Designated nurse", "Health (ICB)")
    signer = SignerIdentity(material, "Ayşe Yılmaz", "Designated nurse", "Health (ICB)")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)

        def data() -> dict[str, Any]:
            return build_report_data(
                audit, template, generated_at=dt.datetime.now(dt.UTC), inputs=report_inputs(audit, template)
            )

        def signed() -> None:
            atomic_write_bytes(out / "signed.pdf", build_signed(data(), signer).pdf)

        def unsigned() -> None:
            atomic_write_bytes(out / "unsigned.pdf", build_unsigned(data()).pdf)

        sign_ms = median(time_call(signed, repeats=5))
        plain_ms = median(time_call(unsigned, repeats=5))
        pages = build_unsigned(data()).page_count
        files = []
        for i in range(100):
            path = out / f"r{i}.pdf"
            path.write_bytes((out / "signed.pdf").read_bytes())
            files.append(path)
        verify_ms = median(time_call(lambda: [verify_pdf(f) for f in files], repeats=3))
    extra = f"{template.id}, {len(audit.answers)} answers, {pages} pages"
    return [
        Row("reports: build without signing (baseline)", plain_ms, extra=extra),
        Row(
            "reports: export + sign (largest template, long answers)",
            sign_ms,
            "build without signing",
            sign_ms / plain_ms,
            "<= 1000 ms",
            extra,
        ),
        Row("reports: verify 100 signed PDFs", verify_ms, extra=f"{verify_ms / 100:.1f} ms per file"),
    ]

"""Distinct signed returns for the inbox benchmark, made once per run and kept in a temporary
folder for the rest of it.

Each return is a completed, fictitious multi-agency case audit of a shipped template (the
domestic abuse MACA) with answers from the demo generator (seeded by its number, so answers,
judgements and case references differ), laid out, given its report data and signed by one
auditor certificate, exactly as `ReportService.export` does after reading the audit. They are
made on every core (the layout is the slow part: about 0.15 s each). The auditors'
certificates are written to ``trust.pem`` beside them (blank-line separated).

Set LSCP_BENCH_RETURNS to a folder to keep them between runs (made there when it holds fewer
than asked for); they are fictitious, so nothing confidential is kept.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import random
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

TEMPLATE_FILE = "domestic-abuse-maca.yaml"
AUDITORS = (
    ("Ayşe Yılmaz", "Designated nurse", "Health (ICB)"),
    ("Zofia Wiśniewska", "Detective sergeant, MASH", "Testshire Police"),
    ("Nguyễn Thị Thảo", "Practice manager", "Children's social care"),
)


@dataclass(frozen=True)
class ReturnSet:
    folder: Path
    paths: tuple[Path, ...]
    signer_pems: tuple[str, ...]


@dataclass(frozen=True)
class _Job:
    number: int
    folder: str
    key_pem: str
    cert_pem: str


@functools.lru_cache(maxsize=1)
def _template() -> Any:
    from lscp_audit import paths
    from lscp_audit.core.templates.loader import load_template_file

    return load_template_file(paths.forms_dir() / TEMPLATE_FILE)


def _audit(number: int) -> Any:
    from lscp_audit.core.audit import Auditor, AuditRecord, AuditStatus
    from lscp_audit.services import demo_content
    from lscp_audit.services.demo_data import generate_answers

    template = _template()
    rng = random.Random(number)
    subject = demo_content.subject_for(rng, template, number)
    subject["case_reference"] = f"BENCH-{number:05d}"
    name, role, organisation = AUDITORS[number % len(AUDITORS)]
    record = AuditRecord(
        id=f"bench-{number:05d}",
        template_id=template.id,
        template_version=template.version,
        template_hash=template.content_hash,
        template_source=template.source_text,
        subject=subject,
        status=AuditStatus.COMPLETE,
        auditor=Auditor(name, role, organisation),
        created_at="2026-11-01T09:00:00Z",
        completed_at="2026-11-27T16:00:00Z",
        answers=(),
    )
    profile = ("strong", "mixed", "weak")[number % 3]
    return replace(record, answers=tuple(generate_answers(rng, template, subject, profile)))


def make_one(job: _Job) -> str:
    """Build, sign and write return `job.number`; its path (runs in a worker process)."""
    from lscp_audit.core.report_data import build_report_data
    from lscp_audit.reports.identity_certs import SigningMaterial
    from lscp_audit.reports.pipeline import build_signed
    from lscp_audit.reports.signing import SignerIdentity
    from lscp_audit.services.report_service import report_inputs

    template = _template()
    audit = _audit(job.number)
    when = dt.datetime(2026, 11, 1, 9, tzinfo=dt.UTC) + dt.timedelta(minutes=job.number)
    data = build_report_data(audit, template, generated_at=when, inputs=report_inputs(audit, template))
    name, role, organisation = AUDITORS[job.number % len(AUDITORS)]
    identity = SignerIdentity(SigningMaterial(job.key_pem, job.cert_pem), name, role, organisation)
    pdf = build_signed(data, identity, signed_at=when).pdf
    path = Path(job.folder) / f"return-{job.number:05d}.pdf"
    path.write_bytes(pdf)
    return str(path)


_made: dict[int, ReturnSet] = {}


def signed_returns(count: int) -> ReturnSet:
    """`count` distinct signed returns (made on the first call of a run, then reused)."""
    if count in _made:
        return _made[count]
    from lscp_audit.reports import identity_certs
    from lscp_audit.services.parallel import ordered_map, worker_count

    kept = os.environ.get("LSCP_BENCH_RETURNS")
    if kept and (Path(kept) / "trust.pem").is_file():
        existing = sorted(Path(kept).glob("return-*.pdf"))
        if len(existing) >= count:
            pems = tuple(p for p in (Path(kept) / "trust.pem").read_text(encoding="ascii").split("\n\n") if p.strip())
            _made[count] = ReturnSet(Path(kept), tuple(existing[:count]), pems)
            return _made[count]
    materials = [identity_certs.create_self_signed(*auditor) for auditor in AUDITORS]
    folder = Path(kept) if kept else Path(tempfile.mkdtemp(prefix="lscp-bench-returns-"))
    folder.mkdir(parents=True, exist_ok=True)
    jobs = []
    for n in range(count):
        material = materials[n % len(materials)]
        jobs.append(_Job(n, str(folder), material.private_key_pem, material.certificate_pem))

    def failed(job: _Job, exc: BaseException) -> str:
        raise RuntimeError(f"return {job.number} could not be made") from exc

    made = tuple(Path(p) for p in ordered_map(make_one, jobs, workers=worker_count(count), on_error=failed))
    pems = tuple(m.certificate_pem.strip() + "\n" for m in materials)
    (folder / "trust.pem").write_text("\n".join(pems), encoding="ascii")
    _made[count] = ReturnSet(folder, made, pems)
    return _made[count]

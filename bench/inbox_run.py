"""One timed inbox import in a process of its own, so its peak memory is its own.

``python -m bench.inbox_run FOLDER COUNT WORKERS [recheck]`` makes a new vault (random raw key) in a
temporary folder, trusts the certificates in FOLDER/trust.pem, imports the first COUNT
``return-*.pdf`` of FOLDER with `InboxService.iter_import(..., workers=WORKERS)` (as `lscp-audit
inbox import` does: each result handed on, none kept) and prints one
JSON object: seconds, CPU seconds of this process and of its workers during the import and of
the whole machine meanwhile (Linux: every process, so what other programs took shows), the
load average after it, outcome counts, the listing and duplicate-check times at COUNT stored
returns, with ``recheck`` the time to verify every kept PDF again with as many workers, and
peak RSS of this process (during the import, and at the end: after listing and after
checking one file here) and of its worker processes (MiB).
"""

from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path


def _cpu() -> tuple[float, float]:
    """CPU seconds (user + system) of this process and of its finished worker processes."""
    mine, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return mine.ru_utime + mine.ru_stime, workers.ru_utime + workers.ru_stime


def _machine_busy() -> float | None:
    """CPU seconds every core of the machine has been busy since boot (Linux), or None."""
    try:
        fields = Path("/proc/stat").read_text(encoding="ascii").splitlines()[0].split()[1:]
    except OSError:
        return None
    ticks = [int(f) for f in fields]
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle and waiting for I/O
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def main(argv: list[str]) -> int:
    from lscp_audit.services.inbox_service import InboxService
    from lscp_audit.storage.engine import RawKey
    from lscp_audit.storage.vault import Vault

    folder, count, workers = Path(argv[0]), int(argv[1]), int(argv[2])
    recheck = argv[3:] == ["recheck"]
    files = sorted(folder.glob("return-*.pdf"))[:count]
    with tempfile.TemporaryDirectory() as work:
        vault = Vault.create(Path(work) / "qa.lscp", RawKey.generate(), vault_id="bench", memory_security=False)
        try:
            inbox = InboxService(vault)
            for pem in (folder / "trust.pem").read_text(encoding="ascii").split("\n\n"):
                if pem.strip():
                    inbox.trust_certificate(pem)
            before = _cpu()
            busy_before = _machine_busy()
            start = time.perf_counter()
            statuses: dict[str, int] = {}
            for result in inbox.iter_import(files, workers=workers):  # as the CLI does: nothing kept
                statuses[str(result.status)] = statuses.get(str(result.status), 0) + 1
            seconds = time.perf_counter() - start
            main_cpu, worker_cpu = (after - was for after, was in zip(_cpu(), before, strict=True))
            busy_after = _machine_busy()
            machine_cpu = busy_after - busy_before if busy_after is not None and busy_before is not None else None
            import_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # the peak so far: the import's
            # The import's workers (a child started later counts this process's size as it was
            # when forked, before it became a new program, so it is read now).
            worker_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            start = time.perf_counter()
            listing = inbox.listing()
            list_ms = (time.perf_counter() - start) * 1000
            inbox.import_files(files[:1], workers=1)  # loads the checking code into this process
            start = time.perf_counter()
            [again] = inbox.import_files(files[:1], workers=1)
            duplicate_ms = (time.perf_counter() - start) * 1000
            assert again.entry is not None
            lookups = []
            for _ in range(20):
                start = time.perf_counter()
                vault.imported_returns.find_by_report_id(again.entry.report_id)
                lookups.append((time.perf_counter() - start) * 1000)
            lookup_ms = sorted(lookups)[len(lookups) // 2]
            recheck_s = 0.0
            recheck_cpu = [0.0, 0.0]
            if recheck:  # every kept PDF verified again (what trusting a signer starts)
                cpu_before = _cpu()
                start = time.perf_counter()
                rechecked = inbox.recheck(workers=workers)
                recheck_s = time.perf_counter() - start
                recheck_cpu = [after - was for after, was in zip(_cpu(), cpu_before, strict=True)]
                assert rechecked.checked == count and not rechecked.not_checked, rechecked
        finally:
            vault.close()
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024  # ru_maxrss is bytes on macOS, KiB on Linux
    print(
        json.dumps(
            {
                "seconds": seconds,
                "statuses": statuses,
                "trusted": len(listing.returns),
                "list_ms": list_ms,
                "duplicate_ms": duplicate_ms,
                "lookup_ms": lookup_ms,
                "recheck_s": recheck_s,
                "recheck_cpu_s": recheck_cpu,  # this process's, its workers'
                "duplicate": str(again.status),
                "main_cpu_s": main_cpu,
                "worker_cpu_s": worker_cpu,
                "machine_cpu_s": machine_cpu,  # every process's, this import's included
                "load": os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0,
                "rss_mib": import_rss / scale,
                "rss_end_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale,
                "worker_rss_mib": worker_rss / scale,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

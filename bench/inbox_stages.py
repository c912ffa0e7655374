"""Where the CPU time of checking one return goes, in a process of its own.

``python -m bench.inbox_stages FOLDER COUNT`` checks the first COUNT ``return-*.pdf`` of FOLDER
with `check_file` (the function worker processes run), trusting FOLDER/trust.pem, after five
files to warm up (imports, the compiled schema, PDFium), and prints one JSON object: CPU
milliseconds per file in all and per stage. Each stage's time is its own (exclusive): time spent
in a stage called from another is counted once, in the inner one. The stages are found by
wrapping the module-level functions `check_file` calls, so the code measured is the code that
runs; "opening the PDF and the rest" is what is left of the verifier's time.
"""

from __future__ import annotations

import json
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# (module, function, stage name), outermost first
STAGES = (
    ("lscp_audit.services.inbox_service", "_read", "reading the file"),
    ("lscp_audit.services.inbox_service", "verify_pdf_bytes", "opening the PDF (pyHanko) and the rest"),
    ("lscp_audit.reports.byte_ranges", "check_signatures", "byte ranges (own check; parses the signature)"),
    ("lscp_audit.reports.verification", "_check_signature", "signature validation (pyHanko: CMS, chain)"),
    ("lscp_audit.reports.verification", "_structure_problem", "signature structure and revisions"),
    ("lscp_audit.reports.embedded_data", "read_attachment", "report data: reading the attachment"),
    ("lscp_audit.reports.embedded_data", "parse", "report data: JSON decoding"),
    ("lscp_audit.reports.embedded_data", "check_shape", "report data: size and depth caps"),
    ("lscp_audit.reports.embedded_data", "validate", "report data: schema validation"),
    ("lscp_audit.reports.page_text", "check_overall_judgement", "printed judgement (PDFium page text)"),
    ("lscp_audit.services.inbox_service", "canonical_json", "report data as stored (canonical JSON)"),
)


@dataclass
class _Frame:
    started: float
    inner: float = 0.0  # CPU time of the stages called from this one


class _Clock:
    """Exclusive CPU time per stage: a stack of running stages, each charged its own time."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)
        self._stack: list[_Frame] = []

    def wrap(self, fn: Callable[..., Any], stage: str) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            frame = _Frame(time.process_time())
            self._stack.append(frame)
            try:
                return fn(*args, **kwargs)
            finally:
                self._stack.pop()
                took = time.process_time() - frame.started
                self.spent[stage] += took - frame.inner
                if self._stack:
                    self._stack[-1].inner += took

        return timed


@contextmanager
def _instrumented(clock: _Clock) -> Iterator[None]:
    import importlib

    originals = []
    for module_name, name, stage in STAGES:
        module = importlib.import_module(module_name)
        original = getattr(module, name)
        originals.append((module, name, original))
        setattr(module, name, clock.wrap(original, stage))
    try:
        yield
    finally:
        for module, name, original in reversed(originals):
            setattr(module, name, original)


def main(argv: list[str]) -> int:
    from lscp_audit.services import inbox_service

    folder, count = Path(argv[0]), int(argv[1])
    pems = tuple(p for p in (folder / "trust.pem").read_text(encoding="ascii").split("\n\n") if p.strip())
    files = sorted(folder.glob("return-*.pdf"))
    for path in files[:5]:
        inbox_service.check_file(inbox_service.CheckJob(str(path), pems))
    clock = _Clock()
    with _instrumented(clock):
        start = time.process_time()
        for path in files[5 : 5 + count]:
            checked = inbox_service.check_file(inbox_service.CheckJob(str(path), pems))
            assert checked.item is not None, checked.reason
        total = time.process_time() - start
    files_done = min(count, len(files) - 5)
    stages = {stage: clock.spent[stage] * 1000 / files_done for _m, _n, stage in STAGES}
    stages["the rest of check_file"] = total * 1000 / files_done - sum(stages.values())
    print(json.dumps({"files": files_done, "ms_per_file": total * 1000 / files_done, "stages": stages}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

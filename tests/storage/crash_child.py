"""Child process for the crash and disk-full tests: autosave answers through the real storage code.

``python -m tests.storage.crash_child VAULT KEYHEX START [FSIZE_LIMIT]`` opens the vault and saves
answers ``q<i % 50> = i`` for i = START, START+1, ... printing ``ack <i>`` after each commit
returned. With FSIZE_LIMIT it sets ``RLIMIT_FSIZE`` (SIGXFSZ ignored) so the disk "fills up", and
prints ``error <ExceptionName>`` for each failed save, stopping after 20 failures.
"""

from __future__ import annotations

import resource
import signal
import sys
from pathlib import Path

from lscp_audit.core.audit import Answer
from lscp_audit.core.errors import LscpAuditError
from lscp_audit.storage.engine import RawKey
from lscp_audit.storage.vault import Vault

AUDIT_ID = "crash-audit"
QUESTIONS = 50


def main(argv: list[str]) -> int:
    path, key_hex, start = Path(argv[0]), argv[1], int(argv[2])
    limit = int(argv[3]) if len(argv) > 3 else None
    vault = Vault.open(path, RawKey(key_hex))
    if limit is not None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    failures = 0
    i = start
    print("ready", flush=True)
    while failures < 20:
        try:
            vault.audits.save_answer(AUDIT_ID, Answer(f"q{i % QUESTIONS}", i, evidence="e" * 500), "crash-test")
            print(f"ack {i}", flush=True)
        except LscpAuditError as exc:
            failures += 1
            print(f"error {type(exc).__name__}", flush=True)
        i += 1
    vault.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

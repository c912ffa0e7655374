"""Process hardening run first thing at start-up (GUI and CLI): no core dumps.

A crash while the vault is unlocked would otherwise write the process memory (the data key,
answers, private keys) to a core file, and crash reporters may upload it. `disable_core_dumps`
sets ``RLIMIT_CORE`` to 0 (soft and hard, so it cannot be raised again) on POSIX and, on Linux,
``prctl(PR_SET_DUMPABLE, 0)``, which also stops other processes of the same user from attaching
with ptrace or reading ``/proc/<pid>/mem``. Windows has no core files; its equivalent (a DACL that
denies other processes memory reads) is not applied (see docs/security.md).
"""

from __future__ import annotations

import logging
import sys

log = logging.getLogger(__name__)
PR_GET_DUMPABLE = 3
PR_SET_DUMPABLE = 4


def _libc_prctl(option: int, value: int) -> int:
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    return int(libc.prctl(option, value, 0, 0, 0))


def disable_core_dumps() -> list[str]:
    """Apply what this platform supports; returns what was done (for the log and tests)."""
    done: list[str] = []
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        done.append("RLIMIT_CORE=0")
    except (ImportError, ValueError, OSError) as exc:  # Windows has no resource module
        log.info("core-dump limit not set: %s", type(exc).__name__)
    if sys.platform.startswith("linux"):
        try:
            if _libc_prctl(PR_SET_DUMPABLE, 0) == 0:
                done.append("PR_SET_DUMPABLE=0")
        except (OSError, AttributeError) as exc:
            log.info("prctl not available: %s", type(exc).__name__)
    return done


def is_dumpable() -> bool | None:
    """Linux: whether the kernel would dump this process; None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    return _libc_prctl(PR_GET_DUMPABLE, 0) != 0

"""Child for the randomised passphrase-change / key-rotation race (``make reliability``).

``python -m tests.cli.race_child DELAY -- <lscp-audit arguments>``: waits DELAY seconds, then runs
the CLI with the cheap test KDF policy, each Argon2 run stretched by a random 0-0.15 s so the
commands overlap in their read-KDF-write windows. Exits with the CLI's exit code.
"""

from __future__ import annotations

import random
import sys
import time

from lscp_audit.cli import main, vault_args
from lscp_audit.storage import keyfile
from lscp_audit.storage.keyfile import TEST_POLICY

if __name__ == "__main__":
    delay = float(sys.argv[1])
    argv = sys.argv[sys.argv.index("--") + 1 :]
    vault_args.KDF_POLICY = TEST_POLICY
    real_derive = keyfile.derive
    rng = random.Random()

    def slow_derive(secret: bytes, salt: bytes, cost: keyfile.KdfCost) -> bytes:
        time.sleep(rng.uniform(0.0, 0.15))
        return real_derive(secret, salt, cost)

    keyfile.derive = slow_derive  # type: ignore[assignment]
    time.sleep(delay)
    sys.exit(main(argv))

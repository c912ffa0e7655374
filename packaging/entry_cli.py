"""Frozen console entry point for the command line (same dispatcher)."""

import multiprocessing
import sys

# Spawned worker processes (checking many signed PDFs on every core) re-run this executable;
# freeze_support() turns such a start into a worker instead of a second app.
multiprocessing.freeze_support()

from lscp_audit.__main__ import main  # noqa: E402

sys.exit(main())

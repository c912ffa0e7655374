"""Frozen console entry point for the command line (same dispatcher)."""

import sys

from lscp_audit.__main__ import main

sys.exit(main())

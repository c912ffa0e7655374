"""Frozen GUI entry point: no arguments opens the app, arguments run the CLI."""

import sys

from lscp_audit.__main__ import main

sys.exit(main())

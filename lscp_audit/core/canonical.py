"""Canonical JSON text: sorted keys, no spaces, UTF-8 characters as they are.

The form every stored JSON value and every history hash uses (`lscp_audit.storage` stores it);
here in core so that code which only prepares values for storing, such as the QA inbox's worker
processes checking returns, need not import the storage layer.
"""

from __future__ import annotations

import json
from typing import Any


def canonical_json(value: Any) -> str:
    """`value` as canonical JSON text (the same value always gives the same text)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

"""Content hashes that pin an audit to the exact template text it was started with."""

from __future__ import annotations

import hashlib

HASH_PREFIX = "sha256:"


def normalise_source(text: str) -> str:
    """The text that is hashed: no byte-order mark, and ``\\n`` line endings, so the same
    template checked out on Windows and Linux has the same hash."""
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def content_hash(text: str) -> str:
    """``sha256:<64 hex digits>`` of the normalised template text."""
    return HASH_PREFIX + hashlib.sha256(normalise_source(text).encode("utf-8")).hexdigest()


def template_key(template_id: str, version: str) -> str:
    """``id@version``: how a template version is named in messages and listings."""
    return f"{template_id}@{version}"

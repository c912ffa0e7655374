"""What changed after a signature: an independent check for reports signed more than once.

A Section 11 senior lead's signature and a QA countersignature are appended as incremental
updates after the auditor's revision. The only change LSCP Audit permits there is a later signer
signing its own, already present, empty field. So, comparing every object that any later revision
rewrites or frees with its value in the signed revision:

* a field signed later (the senior lead's, the QA moderator's) may gain its signature value
  (`/V`) and appearance (`/AP`), and nothing else about it may change (not its `/Rect`, page or
  name); one that changed must hold a signature in the final file (no appearance without one);
  any other signature field is unchanged;
* the document information dictionary and the XMP metadata stream may change (neither is shown
  on a page, and signing software updates them);
* every other object the auditor signed must be unchanged in value, and none may be freed;
* the trailer must still point at the same catalog and the same encryption dictionary.

New objects are harmless unless something refers to them, and only the objects allowed to change
can refer to anything new. pyHanko's difference analysis judges the same revisions by its own
rules; this check does not depend on it (defence in depth). It reads objects through pyHanko's
reader and compares values itself.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

QA_FIELD_MAY_CHANGE = frozenset({"/V", "/AP"})
FIELD_WORDS = {"QAModeratorSignature": "the QA moderator's field", "SeniorLeadSignature": "the senior lead's field"}


def forbidden_changes(reader: Any, signed_revision: int, signed_later: str | Collection[str]) -> list[str]:
    """Plain descriptions of every change after `signed_revision` that is not a field in
    `signed_later` (the fields signed after it) gaining its signature (empty when there is none)."""
    later = {signed_later} if isinstance(signed_later, str) else set(signed_later)
    from pyhanko.pdf_utils import generic

    signed = reader.get_historical_resolver(signed_revision)
    xrefs = reader.xrefs
    problems = []
    if _ref(reader.trailer_view.raw_get("/Root")) != _ref(signed.trailer_view.raw_get("/Root")):
        problems.append("the document's catalog was replaced")
    if _ref(_get(reader.trailer_view, "/Encrypt")) != _ref(_get(signed.trailer_view, "/Encrypt")):
        problems.append("the encryption dictionary was replaced")
    allowed = _free_to_change(signed)
    touched: set[tuple[int, int]] = set()
    for revision in range(signed_revision + 1, xrefs.total_revisions):
        for ref in xrefs.refs_freed_in_revision(revision):
            if xrefs.get_historical_ref(ref, signed_revision) is not None:
                problems.append(f"object {ref.idnum} that was signed was deleted")
        touched |= {(r.idnum, r.generation) for r in xrefs.explicit_refs_in_revision(revision)}
    for idnum, generation in sorted(touched):
        ref = generic.Reference(idnum, generation, pdf=reader)
        if xrefs.get_historical_ref(ref, signed_revision) is None or (idnum, generation) in allowed:
            continue  # a new object, or one that may change
        before, after = signed.get_object(ref), reader.get_object(ref)
        name = _field_name(before)
        if name in later:
            words = FIELD_WORDS.get(name, f"field {name}")
            if not _same_except(before, after, QA_FIELD_MAY_CHANGE):
                problems.append(f"{words} was changed beyond its signature (object {idnum})")
            elif "/V" not in after:
                problems.append(f"{words} was given an appearance without a signature (object {idnum})")
        elif not same(before, after):
            problems.append(f"object {idnum} that was signed was changed")
    return problems


def _get(container: Any, key: str) -> Any:
    return container.raw_get(key) if key in container else None


def _ref(value: Any) -> tuple[int, int] | None:
    from pyhanko.pdf_utils import generic

    if isinstance(value, generic.IndirectObject):
        return (value.idnum, value.generation)
    return None


def _free_to_change(signed: Any) -> set[tuple[int, int]]:
    """The document information dictionary and the catalog's XMP metadata stream."""
    free = set()
    info = _ref(_get(signed.trailer_view, "/Info"))
    if info is not None:
        free.add(info)
    root = signed.trailer_view["/Root"]
    metadata = _ref(_get(root, "/Metadata"))
    if metadata is not None:
        free.add(metadata)
    return free


def _field_name(value: Any) -> str | None:
    from pyhanko.pdf_utils import generic

    if isinstance(value, generic.DictionaryObject) and "/T" in value and "/FT" in value:
        return str(value.raw_get("/T"))
    return None


def _same_except(before: Any, after: Any, keys: frozenset[str]) -> bool:
    from pyhanko.pdf_utils import generic

    if not isinstance(after, generic.DictionaryObject):
        return False
    kept = (set(before) | set(after)) - keys
    return all(k in before and k in after and same(before.raw_get(k), after.raw_get(k)) for k in kept)


def same(a: Any, b: Any, depth: int = 0) -> bool:
    """Value equality of two PDF objects: references by number, streams by dictionary and
    encoded bytes, containers element by element (bounded depth)."""
    from pyhanko.pdf_utils import generic

    if depth > 64:
        return False
    a, b = _plain(a), _plain(b)
    if isinstance(a, generic.IndirectObject) or isinstance(b, generic.IndirectObject):
        return _ref(a) is not None and _ref(a) == _ref(b)
    if isinstance(a, generic.StreamObject) or isinstance(b, generic.StreamObject):
        return (
            isinstance(a, generic.StreamObject)
            and isinstance(b, generic.StreamObject)
            and _same_dict(a, b, depth)
            and a.encoded_data == b.encoded_data
        )
    if isinstance(a, generic.DictionaryObject) or isinstance(b, generic.DictionaryObject):
        return (
            isinstance(a, generic.DictionaryObject)
            and isinstance(b, generic.DictionaryObject)
            and _same_dict(a, b, depth)
        )
    if isinstance(a, generic.ArrayObject) or isinstance(b, generic.ArrayObject):
        return (
            isinstance(a, generic.ArrayObject)
            and isinstance(b, generic.ArrayObject)
            and len(a) == len(b)
            and all(same(a.raw_get(i), b.raw_get(i), depth + 1) for i in range(len(a)))
        )
    return type(a) is type(b) and a == b


def _plain(value: Any) -> Any:
    """The value itself, not pyHanko's decryption wrapper (in encrypted files)."""
    from pyhanko.pdf_utils import generic

    return value.decrypted if isinstance(value, generic.DecryptedObjectProxy) else value


def _same_dict(a: Any, b: Any, depth: int) -> bool:
    return set(a) == set(b) and all(same(a.raw_get(k), b.raw_get(k), depth + 1) for k in a)

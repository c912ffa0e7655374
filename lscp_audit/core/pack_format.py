"""The partnership pack file (``.lscppack``): a ZIP container read and written in memory.

A pack holds a **manifest** (``manifest.json``: canonical JSON listing every other member with
its role, size and SHA-256), a **detached CMS signature** over the manifest's exact bytes
(``manifest.p7s``, made by the reports layer) and the members themselves:

- ``partnership/profile.json``: the partnership profile (JSON object);
- ``rounds/<name>.json``: a round definition (JSON object);
- ``templates/<name>.yaml``: an audit template (checked with the template checker on import);
- ``certificates/<name>.pem``: one certificate each, with a role saying what it is for
  (``trust-signer``: verify returns; ``trust-moderator``: verify QA countersignatures;
  ``recipient``: a QA subgroup certificate that returns may be sealed for).

Reading never trusts the archive: the whole file, the number of entries and each entry's
*actual* decompressed size are capped (a ZIP header's declared size is not believed), names must
match a strict pattern (no folders, ``..``, absolute paths, backslashes or duplicates), encrypted
entries, symbolic links and unusual compression are refused, and nothing is ever extracted to
disk. `read_container` gives the raw bytes; `check_members` then proves that the archive holds
exactly the members the (signed) manifest lists, byte for byte.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import stat
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lscp_audit.core.errors import LscpAuditError

PACK_SUFFIX = ".lscppack"
FORMAT = "lscp-audit/partnership-pack"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
SIGNATURE_NAME = "manifest.p7s"

MAX_PACK_BYTES = 16 * 1024 * 1024  # the file as a whole
MAX_ENTRIES = 130  # manifest + signature + MAX_MEMBERS
MAX_MEMBERS = 128
MAX_MEMBER_BYTES = 2 * 1024 * 1024  # one template is well under 200 KB
MAX_TOTAL_BYTES = 24 * 1024 * 1024  # every member decompressed
MAX_MANIFEST_BYTES = 256 * 1024
MAX_SIGNATURE_BYTES = 64 * 1024

ROLE_PROFILE = "profile"
ROLE_ROUND = "round"
ROLE_TEMPLATE = "template"
ROLE_TRUST_SIGNER = "trust-signer"
ROLE_TRUST_MODERATOR = "trust-moderator"
ROLE_RECIPIENT = "recipient"
CERTIFICATE_ROLES = (ROLE_TRUST_SIGNER, ROLE_TRUST_MODERATOR, ROLE_RECIPIENT)
ROLE_FOLDERS = {
    ROLE_PROFILE: "partnership",
    ROLE_ROUND: "rounds",
    ROLE_TEMPLATE: "templates",
    ROLE_TRUST_SIGNER: "certificates",
    ROLE_TRUST_MODERATOR: "certificates",
    ROLE_RECIPIENT: "certificates",
}
ROLE_SUFFIXES = {
    ROLE_PROFILE: ".json",
    ROLE_ROUND: ".json",
    ROLE_TEMPLATE: ".yaml",
    ROLE_TRUST_SIGNER: ".pem",
    ROLE_TRUST_MODERATOR: ".pem",
    ROLE_RECIPIENT: ".pem",
}
PROFILE_MEMBER = "partnership/profile.json"

# folder/name with a plain file name: letters, digits, dot, underscore, hyphen; no leading dot.
MEMBER_NAME_RE = re.compile(r"^(partnership|rounds|templates|certificates)/[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
_FIXED_TIME = (2020, 1, 1, 0, 0, 0)  # ZIP entry times carry nothing; the manifest has the date

MANIFEST_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["format", "format_version", "pack_id", "issued_at", "partnership", "members"],
    "properties": {
        "format": {"const": FORMAT},
        "format_version": {"const": FORMAT_VERSION},
        "pack_id": {"type": "string", "pattern": "^[0-9a-f]{32}$"},
        "issued_at": {"type": "string", "format": "date-time", "minLength": 20, "maxLength": 40},
        "partnership": {"type": "string", "minLength": 1, "maxLength": 200},
        "description": {"type": "string", "maxLength": 2000},
        "app_version": {"type": "string", "maxLength": 40},
        "members": {
            "type": "array",
            "maxItems": MAX_MEMBERS,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "role", "size", "sha256"],
                "properties": {
                    "name": {"type": "string", "pattern": MEMBER_NAME_RE.pattern},
                    "role": {"enum": sorted(ROLE_FOLDERS)},
                    "size": {"type": "integer", "minimum": 0, "maximum": MAX_MEMBER_BYTES},
                    "sha256": {"type": "string", "pattern": SHA256_RE.pattern},
                    "label": {"type": "string", "maxLength": 200},
                },
            },
        },
    },
}


class PackError(LscpAuditError):
    """A pack is malformed, tampered with, foreign or too large; the message says which and why.
    Nothing from such a pack is ever installed."""

    exit_code = 2


@dataclass(frozen=True)
class PackMember:
    """One member listed in the manifest."""

    name: str
    role: str
    size: int
    sha256: str
    label: str = ""


@dataclass(frozen=True)
class Manifest:
    """The parsed manifest. `raw` is the exact bytes that were (or will be) signed."""

    pack_id: str
    issued_at: str
    partnership: str
    members: tuple[PackMember, ...]
    raw: bytes
    description: str = ""
    app_version: str = ""

    def of_role(self, role: str) -> list[PackMember]:
        return [m for m in self.members if m.role == role]


@dataclass(frozen=True)
class PinnedRoot:
    """The partnership root this vault accepts packs from (pinned at the first pack installed)."""

    fingerprint: str
    certificate_pem: str
    name: str
    partnership: str
    pinned_at: str


@dataclass(frozen=True)
class InstalledPack:
    """A record of one installed pack (kept in the vault's settings)."""

    pack_id: str
    partnership: str
    issued_at: str
    installed_at: str
    signer: str
    signer_fingerprint: str
    root_fingerprint: str
    templates: tuple[str, ...] = ()
    rounds: tuple[str, ...] = ()
    manifest_sha256: str = ""


@dataclass(frozen=True)
class Container:
    """A pack's entries as read from the archive: manifest bytes, signature bytes and members."""

    manifest: bytes
    signature: bytes
    members: Mapping[str, bytes]


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical_json(value: Any) -> bytes:
    """The one byte form used for the manifest and the JSON members (sorted keys, UTF-8)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def member_name(role: str, stem: str) -> str:
    """``<folder>/<stem><suffix>`` for a member of `role`; `stem` is reduced to safe characters."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip(".-_")[:80] or "member"
    name = f"{ROLE_FOLDERS[role]}/{safe}{ROLE_SUFFIXES[role]}"
    if not MEMBER_NAME_RE.match(name):
        raise PackError(f"cannot name a pack member after '{stem}'")
    return name


def build_manifest(
    *,
    pack_id: str,
    issued_at: str,
    partnership: str,
    members: Mapping[str, tuple[str, bytes]],
    description: str = "",
    app_version: str = "",
    labels: Mapping[str, str] | None = None,
) -> Manifest:
    """A manifest for `members` (name -> (role, bytes)); checked against the schema like any read."""
    entries = []
    for name in sorted(members):
        role, data = members[name]
        entry: dict[str, Any] = {"name": name, "role": role, "size": len(data), "sha256": sha256_hex(data)}
        if labels and labels.get(name):
            entry["label"] = labels[name]
        entries.append(entry)
    document: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "pack_id": pack_id,
        "issued_at": issued_at,
        "partnership": partnership,
        "members": entries,
    }
    if description:
        document["description"] = description
    if app_version:
        document["app_version"] = app_version
    return parse_manifest(canonical_json(document))


def write_container(manifest: Manifest, signature: bytes, members: Mapping[str, bytes]) -> bytes:
    """The pack file's bytes: manifest, signature, then the members in manifest order."""
    if {m.name for m in manifest.members} != set(members):
        raise PackError("the members given do not match the manifest")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in ((MANIFEST_NAME, manifest.raw), (SIGNATURE_NAME, signature)):
            archive.writestr(_entry(name), data)
        for member in manifest.members:
            archive.writestr(_entry(member.name), members[member.name])
    data = out.getvalue()
    if len(data) > MAX_PACK_BYTES:
        raise PackError(f"the pack would be {len(data)} bytes; the limit is {MAX_PACK_BYTES}")
    return data


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = (stat.S_IFREG | 0o644) << 16
    return info


def read_container(data: bytes) -> Container:
    """The entries of a pack file, with every limit enforced; raises `PackError` saying why not."""
    if len(data) > MAX_PACK_BYTES:
        raise PackError(f"the file is {len(data)} bytes, over the {MAX_PACK_BYTES}-byte limit for a pack")
    if not data.startswith(b"PK\x03\x04"):
        raise PackError("the file is not a partnership pack (it is not a ZIP archive)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise PackError(f"the pack is damaged or truncated ({_short(exc)})") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise PackError(f"the pack has {len(infos)} entries; a pack may hold at most {MAX_ENTRIES}")
        names = [i.filename for i in infos]
        for info in infos:
            _check_entry(info)
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise PackError(f"the pack holds more than one entry named '{duplicates[0]}'")
        contents: dict[str, bytes] = {}
        total = 0
        for info in infos:
            limit = _limit(info.filename)
            body = _read_entry(archive, info, limit)
            total += len(body)
            if total > MAX_TOTAL_BYTES:
                raise PackError(f"the pack's contents exceed {MAX_TOTAL_BYTES} bytes when unpacked")
            contents[info.filename] = body
    manifest = contents.pop(MANIFEST_NAME, None)
    signature = contents.pop(SIGNATURE_NAME, None)
    if manifest is None:
        raise PackError(f"the pack has no {MANIFEST_NAME}")
    if signature is None:
        raise PackError(f"the pack is not signed (it has no {SIGNATURE_NAME})")
    return Container(manifest, signature, contents)


def _short(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text[:120]


def _limit(name: str) -> int:
    if name == MANIFEST_NAME:
        return MAX_MANIFEST_BYTES
    if name == SIGNATURE_NAME:
        return MAX_SIGNATURE_BYTES
    return MAX_MEMBER_BYTES


def _check_entry(info: zipfile.ZipInfo) -> None:
    name = info.filename
    if name not in (MANIFEST_NAME, SIGNATURE_NAME) and not MEMBER_NAME_RE.match(name):
        raise PackError(
            f"the pack holds an entry with a name that is not allowed: {name[:120]!r} (only plain file names in "
            "partnership/, rounds/, templates/ and certificates/; no folders, '..', absolute paths or backslashes)"
        )
    if info.flag_bits & 0x1:
        raise PackError(f"the pack entry '{name}' is encrypted; packs are never encrypted")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise PackError(f"the pack entry '{name}' uses a compression method packs do not use")
    file_type = stat.S_IFMT(info.external_attr >> 16)  # 0 when the archiver recorded no type
    if file_type and file_type != stat.S_IFREG:
        raise PackError(f"the pack entry '{name}' is not a plain file (a link or a device)")


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """At most `limit` bytes of an entry, counted as they are decompressed (the declared size
    in the header is not trusted: a small archive can declare a small size and inflate to GBs)."""
    if info.file_size > limit:
        raise PackError(f"the pack entry '{info.filename}' is {info.file_size} bytes; the limit is {limit}")
    try:
        with archive.open(info) as stream:
            body = stream.read(limit + 1)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, RuntimeError) as exc:
        raise PackError(f"the pack entry '{info.filename}' is damaged ({_short(exc)})") from None
    if len(body) > limit:
        raise PackError(f"the pack entry '{info.filename}' unpacks to more than {limit} bytes")
    return body


def parse_manifest(raw: bytes) -> Manifest:
    """The manifest in `raw` (schema-checked, member names unique); raises `PackError`."""
    import jsonschema

    if len(raw) > MAX_MANIFEST_BYTES:
        raise PackError("the manifest is too large")
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise PackError(f"the manifest is not valid JSON ({_short(exc)})") from None
    validator = jsonschema.Draft202012Validator(MANIFEST_SCHEMA, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(top level)"
        raise PackError(f"the manifest is not a partnership pack manifest: {where}: {first.message[:200]}")
    members = tuple(
        PackMember(m["name"], m["role"], m["size"], m["sha256"], m.get("label", "")) for m in document["members"]
    )
    names = [m.name for m in members]
    if len(set(names)) != len(names):
        raise PackError("the manifest lists a member twice")
    for member in members:
        folder = member.name.split("/", 1)[0]
        if folder != ROLE_FOLDERS[member.role] or not member.name.endswith(ROLE_SUFFIXES[member.role]):
            raise PackError(f"the manifest's member '{member.name}' does not match its role '{member.role}'")
    if len([m for m in members if m.role == ROLE_PROFILE]) > 1:
        raise PackError("the manifest lists more than one partnership profile")
    return Manifest(
        pack_id=document["pack_id"],
        issued_at=document["issued_at"],
        partnership=document["partnership"],
        members=members,
        raw=raw,
        description=document.get("description", ""),
        app_version=document.get("app_version", ""),
    )


def check_members(manifest: Manifest, members: Mapping[str, bytes]) -> None:
    """Prove the archive holds exactly the manifest's members with the listed sizes and SHA-256
    (recomputed here); raises `PackError` naming the first member that differs."""
    listed = {m.name: m for m in manifest.members}
    extra = sorted(set(members) - set(listed))
    if extra:
        raise PackError(f"the pack holds '{extra[0]}', which its signed manifest does not list")
    missing = sorted(set(listed) - set(members))
    if missing:
        raise PackError(f"the pack is missing '{missing[0]}', which its signed manifest lists")
    for name, member in listed.items():
        body = members[name]
        if len(body) != member.size or sha256_hex(body) != member.sha256:
            raise PackError(f"the pack member '{name}' was changed after the pack was signed (its SHA-256 differs)")


def json_member(manifest_member: PackMember, body: bytes) -> dict[str, Any]:
    """A JSON member's object; raises `PackError` naming the member when it is not one."""
    try:
        value = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise PackError(f"the pack member '{manifest_member.name}' is not valid JSON ({_short(exc)})") from None
    if not isinstance(value, dict):
        raise PackError(f"the pack member '{manifest_member.name}' is not a JSON object")
    return value


def text_member(manifest_member: PackMember, body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise PackError(f"the pack member '{manifest_member.name}' is not UTF-8 text") from None


def normalise_fingerprint(text: str) -> str:
    """A SHA-256 fingerprint as 64 lowercase hex digits, from any common spelling
    (``AB:CD:…``, ``ABCD EF01 …``); "" when `text` is not one."""
    digits = re.sub(r"[\s:]", "", text).lower()
    return digits if SHA256_RE.match(digits) else ""

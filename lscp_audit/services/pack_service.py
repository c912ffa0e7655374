"""PackService: export and import partnership packs (Qt-free).

**Export** (the QA lead): the templates of a round, the round definitions, the partnership
profile and the certificates auditors should trust go into a ``.lscppack`` file whose manifest
(every member's size and SHA-256) is signed with the partnership identity held in the vault
(`core.pack_format`, `reports.pack_signing`). The root the identity's certificate chains to is
included as the certificate to trust, unless told otherwise.

**Import** (auditors, agencies, the QA subgroup's other members): `inspect` reads and checks a
pack completely without writing anything, `install` checks it again and installs it:

1. the archive is read with limits (`pack_format.read_container`);
2. the manifest's signature is checked by pyHanko, and by us against the manifest's bytes;
   the signer must chain to the vault's pinned partnership root, or on first use to a root in
   the pack whose fingerprint the user confirms (`accept_fingerprint`), which is then pinned;
3. the archive must hold exactly the manifest's members, each with its listed SHA-256;
4. every member is parsed and checked: templates with the template checker (problems name the
   pack member and line), the profile and rounds against their schemas, each certificate must be
   one certificate and nothing else;
5. then everything is installed: templates into the user templates folder, and in **one** vault
   transaction the pin, the pack record, the profile, the rounds and the certificates (as
   trusted signers, QA moderators or sealing recipients). If the vault transaction fails, the
   template files are put back as they were. A pack that fails any check installs nothing.

A pack older than the newest one installed from the same root is refused (no rollback to an
older round or template), and the same pack twice is reported as already installed.
Logs carry pack ids and counts only.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from lscp_audit import __version__
from lscp_audit.atomic_files import atomic_write_bytes
from lscp_audit.core.errors import LscpAuditError, NotFound, TemplateError
from lscp_audit.core.identity import (
    MODERATOR_PURPOSE,
    RECIPIENT_PURPOSE,
    SIGNER_PURPOSE,
    TrustedCertificate,
)
from lscp_audit.core.pack_format import (
    MAX_PACK_BYTES,
    ROLE_PROFILE,
    ROLE_RECIPIENT,
    ROLE_ROUND,
    ROLE_TEMPLATE,
    ROLE_TRUST_MODERATOR,
    ROLE_TRUST_SIGNER,
    InstalledPack,
    Manifest,
    PackError,
    PinnedRoot,
    build_manifest,
    canonical_json,
    check_members,
    json_member,
    member_name,
    normalise_fingerprint,
    parse_manifest,
    read_container,
    sha256_hex,
    text_member,
    write_container,
)
from lscp_audit.core.partnership import (
    PartnershipInvalid,
    PartnershipProfile,
    Round,
    profile_from_dict,
    profile_to_dict,
    round_from_dict,
    round_to_dict,
)
from lscp_audit.core.progress import Progress, SupportsCancel, check, no_progress
from lscp_audit.core.records import ExportKind, ExportRecord
from lscp_audit.core.templates import Template
from lscp_audit.reports import identity_certs as certs
from lscp_audit.reports import pack_signing
from lscp_audit.services.identity_service import IdentityService
from lscp_audit.services.partnership_service import PartnershipService, checked
from lscp_audit.services.template_service import TemplateService

log = logging.getLogger(__name__)

PURPOSES = {
    ROLE_TRUST_SIGNER: SIGNER_PURPOSE,
    ROLE_TRUST_MODERATOR: MODERATOR_PURPOSE,
    ROLE_RECIPIENT: RECIPIENT_PURPOSE,
}
ROLE_WORDS = {
    ROLE_TRUST_SIGNER: "trusted to sign returns",
    ROLE_TRUST_MODERATOR: "trusted as a QA moderator",
    ROLE_RECIPIENT: "returns may be sealed for it",
}


class PackConfirmationNeeded(PackError):
    """First use: the pack is valid but its partnership root must be confirmed by fingerprint."""

    def __init__(self, preview: PackPreview) -> None:
        self.preview = preview
        super().__init__(
            f"this vault has not installed a partnership pack before: confirm that the partnership root "
            f"'{preview.signer.root_name}' has the fingerprint {preview.root_fingerprint} (check it with the QA "
            "subgroup by another channel), then accept it"
        )


@dataclass(frozen=True)
class PackTemplate:
    """A template in a pack: `status` is ``new``, ``update`` (replaces another version) or ``same``."""

    member: str
    id: str
    version: str
    title: str
    status: str


@dataclass(frozen=True)
class PackCertificate:
    """A certificate in a pack, its role and whether the vault already trusts it for that role."""

    member: str
    role: str
    name: str
    organisation: str
    fingerprint: str
    not_after: str
    already_trusted: bool
    pem: str = field(repr=False, default="")

    @property
    def role_words(self) -> str:
        return ROLE_WORDS.get(self.role, self.role)


@dataclass(frozen=True)
class PackRound:
    """A round in a pack (checked against the profile it will join)."""

    member: str
    round: Round

    @property
    def id(self) -> str:
        return self.round.id

    @property
    def title(self) -> str:
        return self.round.label

    @property
    def template_id(self) -> str:
        return self.round.template_id


@dataclass(frozen=True)
class PackPreview:
    """Everything a checked pack would install, and whether it needs the root confirmed first."""

    pack_id: str
    partnership: str
    issued_at: str
    description: str
    signer: pack_signing.PackSigner
    first_use: bool
    templates: tuple[PackTemplate, ...]
    rounds: tuple[PackRound, ...]
    certificates: tuple[PackCertificate, ...]
    profile: PartnershipProfile | None  # the pack's profile (name and lists), when it carries one
    already_installed: bool
    manifest_sha256: str
    template_texts: tuple[tuple[Template, str], ...] = field(repr=False, default=())
    # the vault's partnership profile as installing would leave it (None: the pack changes nothing there)
    merged_profile: PartnershipProfile | None = field(repr=False, default=None)

    @property
    def root_fingerprint(self) -> str:
        return self.signer.root_fingerprint

    @property
    def profile_name(self) -> str:
        return self.profile.name if self.profile is not None else ""

    def profile_dict(self) -> dict[str, Any] | None:
        return profile_to_dict(self.profile) if self.profile is not None else None


@dataclass(frozen=True)
class PackInstallResult:
    """What `install` did: `installed` is False when the same pack was already installed."""

    preview: PackPreview
    installed: bool
    pinned: bool
    templates_written: tuple[str, ...] = ()
    certificates_added: int = 0


def _utc_now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def _parse_time(text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise PackError(f"the manifest's date '{text[:40]}' is not an ISO 8601 date and time") from None
    if value.tzinfo is None:
        raise PackError("the manifest's date has no time zone")
    return value


class PackService:
    """Partnership packs over one unlocked vault and the app's template folders."""

    def __init__(
        self,
        vault: Any,
        templates: TemplateService | None = None,
        *,
        clock: Callable[[], str] = _utc_now,
        actor: str = "",
    ) -> None:
        self._vault = vault
        self._actor = actor or "qa-lead"  # who the export log records for packs written from here
        self.templates = templates if templates is not None else TemplateService()
        self.identities = IdentityService(vault)
        self.partnership = PartnershipService(vault, self.templates)
        self._clock = clock

    # --- export -----------------------------------------------------------------------------
    def export_pack(
        self,
        destination: Path | str,
        *,
        partnership: str = "",
        template_ids: Sequence[str] = (),
        round_ids: Sequence[str] = (),
        include_profile: bool = True,
        trust_pems: Sequence[str] = (),
        moderator_pems: Sequence[str] = (),
        recipient_pems: Sequence[str] = (),
        identity_id: str | None = None,
        include_root: bool = True,
        description: str = "",
    ) -> Path:
        """Write a signed pack to `destination` (atomically) and return its path."""
        data = self.build_pack(
            partnership=partnership,
            template_ids=template_ids,
            round_ids=round_ids,
            include_profile=include_profile,
            trust_pems=trust_pems,
            moderator_pems=moderator_pems,
            recipient_pems=recipient_pems,
            identity_id=identity_id,
            include_root=include_root,
            description=description,
        )
        path = atomic_write_bytes(Path(destination), data, mode=0o644)
        self._vault.export_log.record(
            ExportRecord(
                kind=ExportKind.PARTNERSHIP_PACK,
                file_name=str(path),
                protection="signed, not encrypted (no case data)",
                actor=self._actor,
            )
        )
        log.info("partnership pack exported (%d bytes)", len(data))
        return path

    def build_pack(
        self,
        *,
        partnership: str = "",
        template_ids: Sequence[str] = (),
        round_ids: Sequence[str] = (),
        include_profile: bool = True,
        trust_pems: Sequence[str] = (),
        moderator_pems: Sequence[str] = (),
        recipient_pems: Sequence[str] = (),
        identity_id: str | None = None,
        include_root: bool = True,
        description: str = "",
    ) -> bytes:
        """The signed pack's bytes (see `export_pack`): the vault's partnership profile (unless
        `include_profile` is False or the vault has none of its own), the rounds `round_ids` and
        their templates, the templates `template_ids`, and the certificates."""
        profile = self.partnership.profile()
        rounds = [self.partnership.round(round_id) for round_id in dict.fromkeys(round_ids)]
        partnership = partnership.strip() or ("" if profile.is_default else profile.name)
        if not partnership:
            raise PackError("the partnership's name is required (set up the partnership profile, or give the name)")
        signer = self.identities.signer(identity_id)
        members: dict[str, tuple[str, bytes]] = {}
        labels: dict[str, str] = {}

        def add(role: str, stem: str, body: bytes, label: str = "") -> None:
            name = member_name(role, stem)
            if name in members:
                raise PackError(f"two pack members would both be named '{name}'")
            members[name] = (role, body)
            if label:
                labels[name] = label

        if include_profile and not profile.is_default:
            lists_only = profile_to_dict(replace(profile, rounds=()))
            add(ROLE_PROFILE, "profile", canonical_json(lists_only), profile.name)
        wanted = list(dict.fromkeys([*template_ids, *(r.template_id for r in rounds)]))
        for template_id in [t for t in wanted if t]:
            info = self.templates.info(template_id)
            add(ROLE_TEMPLATE, f"{info.id}-{info.version}", info.path.read_bytes(), info.title)
        for item in rounds:
            add(ROLE_ROUND, item.id, canonical_json(round_to_dict(item)), item.label)
        chain = [signer.material.certificate_pem, *signer.material.chain_pem]
        to_trust = list(trust_pems) + ([chain[-1]] if include_root else [])
        for role, pems in (
            (ROLE_TRUST_SIGNER, to_trust),
            (ROLE_TRUST_MODERATOR, moderator_pems),
            (ROLE_RECIPIENT, recipient_pems),
        ):
            seen: set[str] = set()
            for text in pems:
                for pem in certs.split_pem_bundle(text):
                    details = certs.describe_certificate(pem)
                    if details.fingerprint_sha256 in seen:
                        continue
                    seen.add(details.fingerprint_sha256)
                    stem = f"{role}-{details.fingerprint_sha256.replace(':', '')[:16].lower()}"
                    add(role, stem, pem.encode("ascii"), details.common_name)
        manifest = build_manifest(
            pack_id=uuid.uuid4().hex,
            issued_at=self._clock(),
            partnership=partnership.strip(),
            members=members,
            description=description.strip(),
            app_version=__version__,
            labels=labels,
        )
        signature = pack_signing.sign_manifest(manifest.raw, signer)
        return write_container(manifest, signature, {name: body for name, (_role, body) in members.items()})

    # --- import -----------------------------------------------------------------------------
    def pinned_root(self) -> PinnedRoot | None:
        pinned: PinnedRoot | None = self._vault.packs.pinned_root()
        return pinned

    def installed(self) -> list[InstalledPack]:
        found: list[InstalledPack] = self._vault.packs.installed()
        return found

    def inspect_file(self, path: Path | str, **kwargs: Any) -> PackPreview:
        return self.inspect(read_pack_file(Path(path)), source=Path(path).name, **kwargs)

    def inspect(
        self,
        data: bytes,
        *,
        source: str = "pack",
        progress: Progress = no_progress,
        cancel: SupportsCancel | None = None,
    ) -> PackPreview:
        """Check a pack completely (nothing is written) and say what it would install.
        Raises `PackError` with the reason when it must be refused."""
        progress(5, "Reading the pack")
        container = read_container(data)
        manifest = parse_manifest(container.manifest)
        check(cancel)
        progress(20, "Checking the signature")
        pin = self.pinned_root()
        signer = pack_signing.verify_manifest(
            container.manifest, container.signature, pin.certificate_pem if pin else None
        )
        check_members(manifest, container.members)
        check(cancel)
        already = self._check_not_older(manifest, signer)
        progress(40, "Checking the templates")
        templates, texts = self._templates(manifest, container.members, source, progress, cancel)
        profile = self._profile(manifest, container.members, source)
        rounds = self._rounds(manifest, container.members, templates, profile, source)
        merged = self._merged(profile, rounds, source) if profile is not None or rounds else None
        certificates = self._certificates(manifest, container.members)
        progress(90, "Checked")
        return PackPreview(
            pack_id=manifest.pack_id,
            partnership=manifest.partnership,
            issued_at=manifest.issued_at,
            description=manifest.description,
            signer=signer,
            first_use=pin is None,
            templates=tuple(templates),
            rounds=tuple(rounds),
            certificates=tuple(certificates),
            profile=profile,
            already_installed=already,
            manifest_sha256=sha256_hex(manifest.raw),
            template_texts=tuple(texts),
            merged_profile=merged,
        )

    def _check_not_older(self, manifest: Manifest, signer: pack_signing.PackSigner) -> bool:
        issued = _parse_time(manifest.issued_at)
        same_root = [p for p in self.installed() if p.root_fingerprint == signer.root_fingerprint]
        if any(p.pack_id == manifest.pack_id for p in same_root):
            return True
        newer = [p for p in same_root if _parse_time(p.issued_at) > issued]
        if newer:
            raise PackError(
                f"this pack was issued on {_day(issued)}, before the pack already installed from the same "
                f"partnership (issued on {_day(_parse_time(newer[-1].issued_at))}); an older pack is not installed "
                "over a newer one"
            )
        return False

    def _templates(
        self,
        manifest: Manifest,
        members: Mapping[str, bytes],
        source: str,
        progress: Progress,
        cancel: SupportsCancel | None,
    ) -> tuple[list[PackTemplate], list[tuple[Template, str]]]:
        found: list[PackTemplate] = []
        texts: list[tuple[Template, str]] = []
        listed = manifest.of_role(ROLE_TEMPLATE)
        for index, member in enumerate(listed):
            check(cancel)
            text = text_member(member, members[member.name])
            try:
                template, status = self.templates.check_for_install(text, f"{source}:{member.name}")
            except TemplateError as exc:
                raise PackError(f"a template in the pack cannot be installed:\n{exc}") from None
            if any(t.id == template.id for t in found):
                raise PackError(f"the pack holds template '{template.id}' twice")
            found.append(PackTemplate(member.name, template.id, template.version, template.title, status))
            texts.append((template, text))
            progress(40 + int(40 * (index + 1) / max(1, len(listed))), "Checking the templates")
        return found, texts

    def _profile(self, manifest: Manifest, members: Mapping[str, bytes], source: str) -> PartnershipProfile | None:
        """The pack's partnership profile (name and lists), checked by the partnership rules."""
        for member in manifest.of_role(ROLE_PROFILE):
            data = json_member(member, members[member.name])
            if data.get("rounds"):
                raise PackError(
                    f"the pack member '{member.name}' carries rounds; a pack carries rounds as rounds/ members"
                )
            try:
                return profile_from_dict(data, f"{source}:{member.name}")
            except PartnershipInvalid as exc:
                raise PackError(f"the pack's partnership profile is not valid:\n{exc}") from None
        return None

    def _rounds(
        self,
        manifest: Manifest,
        members: Mapping[str, bytes],
        templates: Sequence[PackTemplate],
        profile: PartnershipProfile | None,
        source: str,
    ) -> list[PackRound]:
        """The pack's rounds, each checked against the profile it will join (the pack's, or the
        vault's when the pack has none) and naming a template in the pack or installed."""
        base = profile if profile is not None else self.partnership.profile()
        rounds: list[PackRound] = []
        for member in manifest.of_role(ROLE_ROUND):
            data = json_member(member, members[member.name])
            try:
                item = round_from_dict(data, base, f"{source}:{member.name}")
            except PartnershipInvalid as exc:
                raise PackError(f"a round in the pack is not valid:\n{exc}") from None
            if item.template_id:
                self._check_round_template(member.name, item.template_id, "", templates)
            if any(r.id == item.id for r in rounds):
                raise PackError(f"the pack defines round '{item.id}' twice")
            rounds.append(PackRound(member.name, item))
        return rounds

    def _merged(
        self, profile: PartnershipProfile | None, rounds: Sequence[PackRound], source: str
    ) -> PartnershipProfile:
        """The vault's profile after installing: the pack's name and lists (or the vault's), the
        vault's rounds with the pack's added or replacing those with the same id; checked whole,
        so a profile that would strand a round the vault already has is refused here."""
        target = profile if profile is not None else self.partnership.profile()
        merged = replace(target, rounds=self._vault.partnership.rounds(), is_default=False)
        for item in rounds:
            merged = merged.with_round(item.round)
        try:
            return checked(merged, source)
        except PartnershipInvalid as exc:
            raise PackError(
                f"installing the pack would leave the partnership profile inconsistent (nothing was installed):\n{exc}"
            ) from None

    def _check_round_template(
        self, member: str, template_id: str, version: str, templates: Sequence[PackTemplate]
    ) -> None:
        in_pack = [t for t in templates if t.id == template_id]
        if in_pack:
            if version and in_pack[0].version != version:
                raise PackError(
                    f"the pack member '{member}' names template '{template_id}' version {version}, but the pack "
                    f"holds version {in_pack[0].version}"
                )
            return
        try:
            installed = self.templates.get(template_id)
        except NotFound:
            raise PackError(
                f"the pack member '{member}' names template '{template_id}', which is neither in the pack nor installed"
            ) from None
        if version and installed.version != version:
            raise PackError(
                f"the pack member '{member}' names template '{template_id}' version {version}, but version "
                f"{installed.version} is installed and the pack does not hold it"
            )

    def _certificates(self, manifest: Manifest, members: Mapping[str, bytes]) -> list[PackCertificate]:
        found = []
        trusted = {(c.purpose, _fingerprint_or_blank(c.certificate_pem)) for c in self._vault.trusted_certs.list()}
        for role in (ROLE_TRUST_SIGNER, ROLE_TRUST_MODERATOR, ROLE_RECIPIENT):
            for member in manifest.of_role(role):
                text = text_member(member, members[member.name])
                if "PRIVATE KEY" in text:
                    raise PackError(f"the pack member '{member.name}' holds a private key; a pack never carries keys")
                pems = certs.split_pem_bundle(text)
                if len(pems) != 1 or text.count("-----BEGIN") != 1:
                    raise PackError(f"the pack member '{member.name}' must hold exactly one certificate")
                try:
                    details = certs.describe_certificate(pems[0])
                except ValueError:
                    raise PackError(f"the pack member '{member.name}' is not a readable certificate") from None
                fingerprint = details.fingerprint_sha256.replace(":", "").lower()
                found.append(
                    PackCertificate(
                        member=member.name,
                        role=role,
                        name=details.common_name,
                        organisation=details.organisation,
                        fingerprint=fingerprint,
                        not_after=details.not_after.date().isoformat(),
                        already_trusted=(PURPOSES[role], fingerprint) in trusted,
                        pem=pems[0],
                    )
                )
        return found

    def install_file(self, path: Path | str, *, accept_fingerprint: str = "", **kwargs: Any) -> PackInstallResult:
        return self.install(
            read_pack_file(Path(path)), source=Path(path).name, accept_fingerprint=accept_fingerprint, **kwargs
        )

    def install(
        self,
        data: bytes,
        *,
        source: str = "pack",
        accept_fingerprint: str = "",
        progress: Progress = no_progress,
        cancel: SupportsCancel | None = None,
    ) -> PackInstallResult:
        """Check the pack again (as `inspect`) and install it; nothing is installed unless every
        check passes. On first use `accept_fingerprint` must repeat the root's fingerprint, or
        `PackConfirmationNeeded` is raised (carrying the preview to show)."""
        preview = self.inspect(data, source=source, progress=progress, cancel=cancel)
        if preview.already_installed:
            return PackInstallResult(preview, installed=False, pinned=False)
        pin = None
        if preview.first_use:
            if normalise_fingerprint(accept_fingerprint) != preview.root_fingerprint:
                if accept_fingerprint:
                    raise PackError(
                        f"the fingerprint given does not match the pack's partnership root ({preview.root_fingerprint}); "
                        "nothing was installed"
                    )
                raise PackConfirmationNeeded(preview)
            pin = PinnedRoot(
                fingerprint=preview.root_fingerprint,
                certificate_pem=certs_pem(preview.signer.root_der),
                name=preview.signer.root_name,
                partnership=preview.partnership,
                pinned_at=self._clock(),
            )
        check(cancel)
        progress(92, "Installing")
        return self._install(preview, pin)

    def _partnership_writer(self, merged: PartnershipProfile | None) -> Callable[[Any], None] | None:
        """Writes the merged partnership profile in the pack's one transaction."""
        if merged is None:
            return None
        partnership = self._vault.partnership
        return lambda session: partnership.replace_in(session, merged)

    def _install(self, preview: PackPreview, pin: PinnedRoot | None) -> PackInstallResult:
        # A pack that names sealing recipients names the QA subgroup's *current* ones: they replace
        # the recipients installed before (old identities keep their private keys, so old returns
        # still open; new returns are sealed for the current set only).
        replace_recipients = any(c.role == ROLE_RECIPIENT for c in preview.certificates)
        to_write = [
            (t, text)
            for (t, text), info in zip(preview.template_texts, preview.templates, strict=True)
            if info.status != "same"
        ]
        now = self._clock()
        new_certs = [
            TrustedCertificate(
                id=uuid.uuid4().hex,
                label=c.name or c.fingerprint[:16],
                certificate_pem=c.pem,
                added_at="",
                purpose=PURPOSES[c.role],
            )
            for c in preview.certificates
            if not c.already_trusted or (replace_recipients and c.role == ROLE_RECIPIENT)
        ]
        record = InstalledPack(
            pack_id=preview.pack_id,
            partnership=preview.partnership,
            issued_at=preview.issued_at,
            installed_at=now,
            signer=preview.signer.name,
            signer_fingerprint=preview.signer.fingerprint,
            root_fingerprint=preview.root_fingerprint,
            templates=tuple(f"{t.id}@{t.version}" for t in preview.templates),
            rounds=tuple(r.id for r in preview.rounds),
            manifest_sha256=preview.manifest_sha256,
        )
        undo = self.templates.install_texts(to_write)
        try:
            self._vault.packs.install(
                record,
                pin=pin,
                certificates=new_certs,
                extra=self._partnership_writer(preview.merged_profile),
                replace_purpose=RECIPIENT_PURPOSE if replace_recipients else None,
            )
        except BaseException:
            undo()
            raise
        log.info(
            "partnership pack %s installed: %d template(s), %d round(s), %d certificate(s)",
            preview.pack_id,
            len(to_write),
            len(preview.rounds),
            len(new_certs),
        )
        return PackInstallResult(
            preview,
            installed=True,
            pinned=pin is not None,
            templates_written=tuple(t.id for t, _text in to_write),
            certificates_added=sum(1 for c in preview.certificates if not c.already_trusted),
        )


def certs_pem(der: bytes) -> str:
    from asn1crypto import pem

    return str(pem.armor("CERTIFICATE", der).decode("ascii"))


def _fingerprint_or_blank(pem: str) -> str:
    try:
        return certs.describe_certificate(pem).fingerprint_sha256.replace(":", "").lower()
    except ValueError:
        return ""


def _day(value: dt.datetime) -> str:
    return f"{value.day} {value:%b %Y}"


def read_pack_file(path: Path) -> bytes:
    """A pack file's bytes, refusing (without reading it all) a file over the size limit."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise NotFound(f"there is no file at {path}") from None
    if size > MAX_PACK_BYTES:
        raise PackError(f"{path.name} is {size} bytes, over the {MAX_PACK_BYTES}-byte limit for a pack")
    with path.open("rb") as handle:
        data = handle.read(MAX_PACK_BYTES + 1)
    if len(data) > MAX_PACK_BYTES:
        raise PackError(f"{path.name} is over the {MAX_PACK_BYTES}-byte limit for a pack")
    return data


__all__ = [
    "LscpAuditError",
    "PackCertificate",
    "PackConfirmationNeeded",
    "PackError",
    "PackInstallResult",
    "PackPreview",
    "PackRound",
    "PackService",
    "PackTemplate",
    "read_pack_file",
]

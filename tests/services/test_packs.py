"""Partnership packs over real vaults, real CMS signatures and real pack files: the QA lead's
vault exports a pack signed with the partnership identity (issued by the partnership root), an
auditor's vault inspects and installs it (first use needs the root's fingerprint), and later packs
must chain to the same root. The attack suite builds each forgery at test time from a genuine
pack and checks it is refused with its reason and that NOTHING is installed."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import replace as with_fields
from pathlib import Path
from typing import Any

import pytest

from lscp_audit.core import pack_format
from lscp_audit.core.errors import VaultError
from lscp_audit.core.identity import MODERATOR_PURPOSE, RECIPIENT_PURPOSE, SIGNER_PURPOSE
from lscp_audit.core.pack_format import PackError
from lscp_audit.core.partnership import Locality, PartnershipProfile, Round, default_profile
from lscp_audit.reports import identity_certs
from lscp_audit.services.identity_service import IdentityService
from lscp_audit.services.pack_service import PackConfirmationNeeded, PackService
from lscp_audit.services.partnership_service import PartnershipService
from lscp_audit.services.template_service import TemplateService
from tests.services.conftest import FakeClock, make_vault

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini_audit.yaml"
ROUND = Round(id="maca-2026-q3", title="Neglect MACA", phase="autumn 2026", template_id="test-mini-audit")
PARTNERSHIP = "Testshire Safeguarding Children Partnership"
LOCALITIES = (Locality("north", "North"), Locality("south", "South"), Locality("east", "East"))


def make_testshire_profile() -> PartnershipProfile:
    return with_fields(default_profile(), name=PARTNERSHIP, localities=LOCALITIES, is_default=False)


class Party:
    """One vault with its own user templates folder and services."""

    def __init__(self, folder: Path, name: str, clock: Callable[[], str] | None = None) -> None:
        self.folder = folder / name
        self.folder.mkdir()
        self.vault = make_vault(self.folder / "vault.lscp")
        self.shipped = self.folder / "shipped"
        self.shipped.mkdir()
        self.user_templates = self.folder / "templates"
        self.templates = TemplateService(shipped_dir=self.shipped, user_dir=self.user_templates)
        self.packs = PackService(self.vault, self.templates, clock=clock or FakeClock())
        self.identities = IdentityService(self.vault)
        self.partnership = PartnershipService(self.vault, self.templates)

    def snapshot(self) -> dict[str, Any]:
        """Everything a pack could install: template files, pin, records, trust lists, settings."""
        files = (
            {p.name: p.read_bytes() for p in sorted(self.user_templates.iterdir())}
            if self.user_templates.exists()
            else {}
        )
        return {
            "files": files,
            "pin": self.vault.packs.pinned_root(),
            "installed": self.vault.packs.installed(),
            "certs": [(c.purpose, c.certificate_pem) for c in self.vault.trusted_certs.list()],
            "settings": self.vault.settings.all(),
            "profile": self.vault.partnership.get(),
            "rounds": self.vault.partnership.rounds(),
        }


@pytest.fixture
def world(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """The partnership root, the QA lead's vault (partnership identity issued by the root, a user
    template) and an auditor's empty vault; a genuine pack file."""
    root = identity_certs.create_partnership_ca("Testshire")
    lead = Party(tmp_path, "lead")
    lead.user_templates.mkdir()
    shutil.copy(MINI, lead.user_templates / "test-mini-audit.yaml")
    lead.identities.create("Testshire QA lead", "QA lead", "Testshire LSCP", issuer=root)
    lead.partnership.save_profile(make_testshire_profile())
    lead.partnership.create_round(ROUND)
    moderator = identity_certs.issue_auditor_certificate(root, "Mo Derator", "QA chair", "Testshire LSCP")
    recipient = identity_certs.create_self_signed("Testshire QA subgroup", "QA subgroup", "Testshire LSCP")
    pack = tmp_path / "round.lscppack"
    lead.packs.export_pack(
        pack,
        round_ids=[ROUND.id],
        moderator_pems=[moderator.certificate_pem],
        recipient_pems=[recipient.certificate_pem],
        description="Autumn round",
    )
    auditor = Party(tmp_path, "auditor")
    parties = {"root": root, "lead": lead, "auditor": auditor, "pack": pack, "tmp": tmp_path, "recipient": recipient}
    try:
        yield parties
    finally:
        lead.vault.close()
        auditor.vault.close()


def root_fp(world: dict[str, Any]) -> str:
    return identity_certs.describe_certificate(world["root"].certificate_pem).fingerprint_sha256


def entries(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(i.filename, archive.read(i)) for i in archive.infolist()]


def rezip(items: list[tuple[str, bytes]], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression) as archive:
        for name, body in items:
            archive.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), body, compress_type=compression)
    return out.getvalue()


def replace(items: list[tuple[str, bytes]], name: str, body: bytes) -> list[tuple[str, bytes]]:
    assert any(n == name for n, _ in items)
    return [(n, body if n == name else b) for n, b in items]


def template_member(items: list[tuple[str, bytes]]) -> str:
    return next(n for n, _ in items if n.startswith("templates/"))


# --- the genuine pack ---------------------------------------------------------------------------


def test_pack_round_trip_first_use_then_pinned(world: dict[str, Any]) -> None:
    auditor: Party = world["auditor"]
    data = world["pack"].read_bytes()
    names = [n for n, _ in entries(data)]
    assert names[:2] == ["manifest.json", "manifest.p7s"]
    assert "partnership/profile.json" in names and "rounds/maca-2026-q3.json" in names

    preview = auditor.packs.inspect(data)
    assert preview.first_use and not preview.already_installed
    assert preview.signer.name == "Testshire QA lead"
    assert preview.root_fingerprint == pack_format.normalise_fingerprint(root_fp(world))
    assert [(t.id, t.status) for t in preview.templates] == [("test-mini-audit", "new")]
    assert [r.id for r in preview.rounds] == ["maca-2026-q3"]
    assert preview.profile_name == PARTNERSHIP and preview.partnership == PARTNERSHIP
    assert sorted(c.role for c in preview.certificates) == ["recipient", "trust-moderator", "trust-signer"]
    assert auditor.snapshot()["files"] == {}  # inspecting writes nothing

    with pytest.raises(PackConfirmationNeeded) as needed:
        auditor.packs.install(data)
    assert preview.root_fingerprint in str(needed.value)
    with pytest.raises(PackError, match="does not match"):
        auditor.packs.install(data, accept_fingerprint="00" * 32)
    assert auditor.snapshot()["pin"] is None

    result = auditor.packs.install(data, accept_fingerprint=root_fp(world))  # colon-separated, upper case
    assert result.installed and result.pinned and result.templates_written == ("test-mini-audit",)
    assert (auditor.user_templates / "test-mini-audit.yaml").read_bytes() == MINI.read_bytes()
    assert auditor.templates.get("test-mini-audit").version == "1.0"
    pin = auditor.vault.packs.pinned_root()
    assert pin is not None and pin.fingerprint == preview.root_fingerprint
    installed_profile = auditor.partnership.profile()
    assert installed_profile.name == PARTNERSHIP and installed_profile.localities == LOCALITIES
    assert auditor.partnership.rounds() == (ROUND,)
    assert auditor.partnership.rounds_for("test-mini-audit") == (ROUND,)  # new audits can be started for it
    purposes = sorted(c.purpose for c in auditor.vault.trusted_certs.list())
    assert purposes == sorted([SIGNER_PURPOSE, MODERATOR_PURPOSE, RECIPIENT_PURPOSE])
    signer_pems = auditor.identities.trusted_pems(SIGNER_PURPOSE)
    assert signer_pems and identity_certs.describe_certificate(signer_pems[0]).fingerprint_sha256 == root_fp(world)
    assert [p.pack_id for p in auditor.vault.packs.installed()] == [preview.pack_id]

    again = auditor.packs.install(data)  # the same pack: nothing to do, no fingerprint needed now
    assert not again.installed and again.preview.already_installed

    # a later pack from the same root installs without a fingerprint and adds no duplicate trust
    lead: Party = world["lead"]
    later = lead.packs.build_pack(round_ids=[ROUND.id])
    second = auditor.packs.install(later)
    assert second.installed and not second.pinned and second.certificates_added == 0
    assert [t.status for t in second.preview.templates] == ["same"]
    assert len(auditor.vault.trusted_certs.list()) == 3


def test_a_newer_pack_names_the_current_sealing_recipients(world: dict[str, Any]) -> None:
    """Recipients from a newer pack replace the earlier ones (members come and go)."""
    auditor: Party = world["auditor"]
    lead: Party = world["lead"]
    auditor.packs.install(world["pack"].read_bytes(), accept_fingerprint=root_fp(world))
    assert [c.label for c in auditor.identities.recipients()] == ["Testshire QA subgroup"]
    newcomer = identity_certs.create_self_signed("New QA member", "QA subgroup", "Testshire LSCP")
    later = lead.packs.build_pack(partnership="Testshire", recipient_pems=[newcomer.certificate_pem])
    auditor.packs.install(later)
    assert [c.label for c in auditor.identities.recipients()] == ["New QA member"]
    assert len(auditor.identities.trusted_pems(SIGNER_PURPOSE)) == 1  # other trust untouched


def test_a_profile_that_would_strand_a_round_of_the_vault_is_refused(world: dict[str, Any]) -> None:
    """The auditor's vault has a round for the West locality; a pack whose profile has no West
    would leave that round naming an unknown locality: refused whole, nothing installed."""
    auditor: Party = world["auditor"]
    auditor.user_templates.mkdir()
    shutil.copy(MINI, auditor.user_templates / "test-mini-audit.yaml")
    auditor.partnership.save_profile(
        with_fields(make_testshire_profile(), localities=(*LOCALITIES, Locality("west", "West")))
    )
    auditor.partnership.create_round(Round(id="west-local", title="West local audit", localities=("west",)))
    before = auditor.snapshot()
    with pytest.raises(PackError, match="inconsistent") as refused:
        auditor.packs.install(world["pack"].read_bytes(), accept_fingerprint=root_fp(world))
    assert "west" in str(refused.value)
    assert auditor.snapshot() == before


def test_a_pack_round_naming_an_unknown_locality_names_member_and_field(world: dict[str, Any]) -> None:
    auditor: Party = world["auditor"]
    round_ = pack_format.canonical_json({"id": "r2", "title": "Round", "localities": ["atlantis"]})
    data = signed_by_lead(world["lead"], {"rounds/r2.json": ("round", round_)})
    with pytest.raises(PackError) as refused:
        auditor.packs.install(data, accept_fingerprint=root_fp(world), source="p.lscppack")
    assert "p.lscppack:rounds/r2.json" in str(refused.value) and "atlantis" in str(refused.value)
    assert auditor.snapshot()["pin"] is None


def test_signed_by_a_self_signed_identity_pins_that_certificate(tmp_path: Path) -> None:
    lead, auditor = Party(tmp_path, "lead"), Party(tmp_path, "auditor")
    try:
        info = lead.identities.create("Solo lead", "QA lead", "Smallshire LSCP")
        data = lead.packs.build_pack(partnership="Smallshire")
        preview = auditor.packs.inspect(data)
        assert preview.signer.self_signed
        assert preview.root_fingerprint == pack_format.normalise_fingerprint(info.fingerprint_sha256)
        auditor.packs.install(data, accept_fingerprint=info.fingerprint_sha256)
        assert auditor.vault.packs.pinned_root() is not None
    finally:
        lead.vault.close()
        auditor.vault.close()


def test_an_older_pack_is_not_installed_over_a_newer_one(world: dict[str, Any]) -> None:
    lead: Party = world["lead"]
    auditor: Party = world["auditor"]
    older = lead.packs.build_pack(round_ids=[ROUND.id])
    newer = lead.packs.build_pack(round_ids=[ROUND.id])
    auditor.packs.install(newer, accept_fingerprint=root_fp(world))
    before = auditor.snapshot()
    with pytest.raises(PackError, match="an older pack is not installed over a newer one"):
        auditor.packs.install(older)
    assert auditor.snapshot() == before


def signed_by_lead(lead: Party, members: dict[str, tuple[str, bytes]]) -> bytes:
    """A pack of arbitrary `members` (name -> (role, bytes)), properly listed and signed with the
    lead's partnership identity: what a careless or compromised exporter could produce."""
    from lscp_audit.reports import pack_signing

    manifest = pack_format.build_manifest(
        pack_id="ab" * 16, issued_at="2026-11-28T09:00:00+00:00", partnership="Testshire", members=members
    )
    signature = pack_signing.sign_manifest(manifest.raw, lead.identities.signer())
    return pack_format.write_container(manifest, signature, {n: b for n, (_r, b) in members.items()})


def test_invalid_template_in_a_genuinely_signed_pack_names_member_and_line(world: dict[str, Any]) -> None:
    auditor: Party = world["auditor"]
    text = MINI.read_text(encoding="utf-8").replace('version: "1.0"', 'version: "1.1"')
    text = text.replace("type: short_text\n    label: Case reference", "type: shrot_text\n    label: Case reference")
    good = MINI.read_bytes().replace(b"id: test-mini-audit", b"id: test-other-audit")
    data = signed_by_lead(
        world["lead"],
        {"templates/good.yaml": ("template", good), "templates/mini-1.1.yaml": ("template", text.encode())},
    )
    before = auditor.snapshot()
    with pytest.raises(PackError) as refused:
        auditor.packs.install(data, accept_fingerprint=root_fp(world), source="round.lscppack")
    message = str(refused.value)
    assert "round.lscppack:templates/mini-1.1.yaml:" in message and "shrot_text" in message
    assert auditor.snapshot() == before


def test_a_failed_vault_transaction_puts_the_template_files_back(world: dict[str, Any]) -> None:
    """The vault write is the last step; when it fails (here: the vault was locked in the middle),
    the template files already written are removed again and nothing is pinned."""
    auditor: Party = world["auditor"]
    data = world["pack"].read_bytes()
    auditor.vault.writer.close()
    with pytest.raises(VaultError):
        auditor.packs.install(data, accept_fingerprint=root_fp(world))
    assert not any(auditor.user_templates.iterdir())
    assert auditor.vault.packs.pinned_root() is None and auditor.vault.packs.installed() == []


# --- the attack suite ---------------------------------------------------------------------------


def _foreign_resigned(world: dict[str, Any], data: bytes) -> bytes:
    """The genuine manifest and members, re-signed by another partnership's identity."""
    from lscp_audit.reports import pack_signing
    from lscp_audit.reports.signing import SignerIdentity

    other_root = identity_certs.create_partnership_ca("Elsewhere")
    mallory = identity_certs.issue_auditor_certificate(other_root, "Testshire QA lead", "QA lead", "Testshire LSCP")
    items = entries(data)
    manifest = dict(items)["manifest.json"]
    signature = pack_signing.sign_manifest(manifest, SignerIdentity(mallory, "Mallory", "QA lead", "Elsewhere"))
    return rezip(replace(items, "manifest.p7s", signature))


def _edited_manifest(data: bytes) -> bytes:
    """A swapped template with the manifest's hash and size updated to match (old signature)."""
    items = entries(data)
    name = template_member(items)
    evil = dict(items)[name].replace(b"Mini multi-agency", b"Evil multi-agency")
    manifest = json.loads(dict(items)["manifest.json"])
    for member in manifest["members"]:
        if member["name"] == name:
            member["sha256"] = pack_format.sha256_hex(evil)
            member["size"] = len(evil)
    edited = replace(items, name, evil)
    return rezip(replace(edited, "manifest.json", pack_format.canonical_json(manifest)))


def _swapped_member(data: bytes) -> bytes:
    items = entries(data)
    name = template_member(items)
    return rezip(replace(items, name, dict(items)[name].replace(b"Mini multi-agency", b"Evil multi-agency")))


def _swapped_certificate(data: bytes) -> bytes:
    items = entries(data)
    name = next(n for n, _ in items if n.startswith("certificates/trust-signer"))
    other = identity_certs.create_partnership_ca("Elsewhere").certificate_pem.encode()
    return rezip(replace(items, name, other))


def _extra_member(data: bytes) -> bytes:
    return rezip([*entries(data), ("templates/extra.yaml", MINI.read_bytes())])


def _stripped(data: bytes) -> bytes:
    return rezip([(n, b) for n, b in entries(data) if n != "manifest.p7s"])


def _zip_slip(name: str) -> Callable[[bytes], bytes]:
    return lambda data: rezip([*entries(data), (name, b"owned")])


def _duplicate_entry(data: bytes) -> bytes:
    items = entries(data)
    name = template_member(items)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for n, b in items:
            archive.writestr(n, b)
        with pytest.warns(UserWarning):
            archive.writestr(name, b"second copy")
    return out.getvalue()


def _bomb(data: bytes) -> bytes:
    """A member that inflates to more than the per-member cap from a few kilobytes."""
    return rezip([*entries(data), ("templates/bomb.yaml", b"\0" * (pack_format.MAX_MEMBER_BYTES + 10))])


def _oversized(data: bytes) -> bytes:
    return data + b"\0" * pack_format.MAX_PACK_BYTES


def _truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _not_a_zip(data: bytes) -> bytes:
    return b"%PDF-1.7\n" + data


def _garbage_signature(data: bytes) -> bytes:
    return rezip(replace(entries(data), "manifest.p7s", b"\x30\x82\x01\x00" + b"\x01" * 40))


def _manifest_not_json(data: bytes) -> bytes:
    return rezip(replace(entries(data), "manifest.json", b"{not json"))


def _too_many_entries(data: bytes) -> bytes:
    extra = [(f"templates/t{i}.yaml", b"x") for i in range(pack_format.MAX_ENTRIES)]
    return rezip([*entries(data), *extra])


def _symlink(data: bytes) -> bytes:
    items = entries(data)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for n, b in items:
            archive.writestr(n, b)
        link = zipfile.ZipInfo("templates/link.yaml")
        link.external_attr = (0o120777) << 16
        archive.writestr(link, "/etc/passwd")
    return out.getvalue()


ATTACKS: dict[str, tuple[Callable[..., bytes], str]] = {
    "swapped member": (_swapped_member, "was changed after the pack was signed"),
    "swapped certificate": (_swapped_certificate, "was changed after the pack was signed"),
    "extra member": (_extra_member, "which its signed manifest does not list"),
    "signature stripped": (_stripped, "the pack is not signed"),
    "manifest edited": (_edited_manifest, "manifest was changed after it was signed"),
    "zip-slip ..": (_zip_slip("templates/../../evil.yaml"), "name that is not allowed"),
    "zip-slip absolute": (_zip_slip("/tmp/evil.yaml"), "name that is not allowed"),
    "zip-slip backslash": (_zip_slip("templates\\..\\evil.yaml"), "name that is not allowed"),
    "nested folder": (_zip_slip("templates/a/b.yaml"), "name that is not allowed"),
    "duplicate entry": (_duplicate_entry, "more than one entry named"),
    "zip bomb": (_bomb, "unpacks to more than|the limit is"),
    "oversized file": (_oversized, "over the .*-byte limit"),
    "truncated": (_truncated, "damaged or truncated"),
    "not a zip": (_not_a_zip, "not a ZIP archive"),
    "garbage signature": (_garbage_signature, "signature is malformed"),
    "manifest not JSON": (_manifest_not_json, "manifest is not valid JSON"),
    "too many entries": (_too_many_entries, "a pack may hold at most"),
    "symbolic link": (_symlink, "not a plain file"),
}


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_forged_pack_is_refused_and_nothing_installed(world: dict[str, Any], attack: str) -> None:
    auditor: Party = world["auditor"]
    build, reason = ATTACKS[attack]
    forged = build(world["pack"].read_bytes())
    before = auditor.snapshot()
    with pytest.raises(PackError, match=reason):
        auditor.packs.install(forged, accept_fingerprint=root_fp(world))
    with pytest.raises(PackError, match=reason):
        auditor.packs.inspect(forged)
    assert auditor.snapshot() == before


@pytest.mark.parametrize("attack", ["swapped member", "extra member", "manifest edited", "signature stripped"])
def test_forgeries_refused_after_pinning_too(world: dict[str, Any], attack: str) -> None:
    auditor: Party = world["auditor"]
    lead: Party = world["lead"]
    auditor.packs.install(lead.packs.build_pack(partnership="Testshire"), accept_fingerprint=root_fp(world))
    build, reason = ATTACKS[attack]
    before = auditor.snapshot()
    with pytest.raises(PackError, match=reason):
        auditor.packs.install(build(world["pack"].read_bytes()))
    assert auditor.snapshot() == before


def test_foreign_root_is_refused_once_a_root_is_pinned(world: dict[str, Any]) -> None:
    auditor: Party = world["auditor"]
    lead: Party = world["lead"]
    auditor.packs.install(lead.packs.build_pack(partnership="Testshire"), accept_fingerprint=root_fp(world))
    forged = _foreign_resigned(world, world["pack"].read_bytes())
    before = auditor.snapshot()
    with pytest.raises(PackError, match="not signed under this vault's partnership root"):
        auditor.packs.install(forged, accept_fingerprint=root_fp(world))
    assert auditor.snapshot() == before


def test_foreign_resigned_pack_on_first_use_shows_the_foreign_fingerprint(world: dict[str, Any]) -> None:
    """Unpinned, a pack re-signed by another root is only installable by confirming *that* root's
    fingerprint: the genuine root's fingerprint does not match it."""
    auditor: Party = world["auditor"]
    forged = _foreign_resigned(world, world["pack"].read_bytes())
    preview = auditor.packs.inspect(forged)
    assert preview.root_fingerprint != pack_format.normalise_fingerprint(root_fp(world))
    with pytest.raises(PackError, match="does not match"):
        auditor.packs.install(forged, accept_fingerprint=root_fp(world))
    assert auditor.snapshot()["pin"] is None


def test_private_key_in_a_certificate_member_is_refused(world: dict[str, Any]) -> None:
    auditor: Party = world["auditor"]
    leaked = identity_certs.create_self_signed("Someone", "Auditor", "Police")
    body = (leaked.certificate_pem + leaked.private_key_pem).encode()
    data = signed_by_lead(world["lead"], {"certificates/leaked.pem": ("trust-signer", body)})
    with pytest.raises(PackError, match="holds a private key"):
        auditor.packs.install(data, accept_fingerprint=root_fp(world))
    assert auditor.snapshot()["pin"] is None


def test_round_for_a_template_neither_in_the_pack_nor_installed_is_refused(world: dict[str, Any]) -> None:
    auditor: Party = world["auditor"]
    round_ = pack_format.canonical_json({"id": "r1", "title": "Round", "template": "no-such-template"})
    data = signed_by_lead(world["lead"], {"rounds/r1.json": ("round", round_)})
    with pytest.raises(PackError, match="'no-such-template', which is neither in the pack nor installed"):
        auditor.packs.install(data, accept_fingerprint=root_fp(world))
    assert auditor.snapshot()["pin"] is None


def test_round_naming_a_missing_template_is_refused(world: dict[str, Any]) -> None:
    lead: Party = world["lead"]
    (lead.user_templates / "test-mini-audit.yaml").unlink()
    with pytest.raises(Exception, match="test-mini-audit"):
        lead.packs.build_pack(round_ids=[ROUND.id])

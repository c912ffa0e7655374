"""`lscp-audit pack ...`: partnership packs (signed templates, rounds, profile and certificates).

- ``export OUT.lscppack --vault V [--round ID]... [--template ID]... [--no-profile] [--partnership NAME]
  [--trust CERT.pem]... [--moderator CERT.pem]... [--recipient CERT.pem]... [--identity ID] [--no-root]``:
  the QA lead signs a pack of the vault's partnership profile, the rounds named and their
  templates with the partnership identity in the vault;
- ``show FILE.lscppack --vault V [--json]``: check a pack against this vault (signature, root,
  every member) and say what it would install, without installing anything;
- ``import FILE.lscppack --vault V [--accept-fingerprint FP]``: check and install it. The first
  pack a vault installs pins its partnership root: confirm the root's fingerprint on a terminal
  or repeat it with ``--accept-fingerprint``. Later packs must chain to the same root.
Exit codes: 0 installed (or already installed), 2 refused (the reason is printed; nothing was
installed), 1 not confirmed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lscp_audit.cli.vault_args import add_vault_arguments, open_vault_from_args
from lscp_audit.core.errors import LscpAuditError

if TYPE_CHECKING:
    from lscp_audit.services.pack_service import PackInstallResult, PackPreview


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("pack", help="export, check and import signed partnership packs")
    commands = parser.add_subparsers(dest="pack_command", metavar="ACTION", required=True)

    export = commands.add_parser(
        "export",
        help="sign a pack of templates, rounds, the partnership profile and certificates to trust",
        description="Sign a partnership pack with the partnership identity held in the vault. The root "
        "certificate the identity chains to is included as the certificate to trust (unless --no-root).",
    )
    add_vault_arguments(export)
    export.add_argument("output", metavar="OUT.lscppack", type=Path, help="the pack file to write")
    export.add_argument("--partnership", default="", help="the partnership's name (default: the profile's name)")
    export.add_argument(
        "--round", action="append", default=[], metavar="ID", help="a round to include, with its template (repeatable)"
    )
    export.add_argument("--template", action="append", default=[], metavar="ID", help="another template to include")
    export.add_argument(
        "--no-profile", action="store_true", help="leave out the partnership profile (name, localities, agencies)"
    )
    export.add_argument("--trust", action="append", default=[], type=Path, metavar="CERT.pem", help="trust as signer")
    export.add_argument(
        "--moderator", action="append", default=[], type=Path, metavar="CERT.pem", help="trust as QA moderator"
    )
    export.add_argument(
        "--recipient",
        action="append",
        default=[],
        type=Path,
        metavar="CERT.pem",
        help="a QA subgroup certificate that returns may be sealed for",
    )
    export.add_argument("--identity", default=None, metavar="ID", help="sign with this identity (default: default)")
    export.add_argument("--no-root", action="store_true", help="do not include the signing root as a certificate")
    export.add_argument("--description", default="", help="a line describing the pack")
    export.set_defaults(handler=run_export)

    show = commands.add_parser("show", help="check a pack and say what it would install (installs nothing)")
    add_vault_arguments(show)
    show.add_argument("pack", metavar="FILE.lscppack", type=Path)
    show.add_argument("--json", action="store_true", help="print a JSON object")
    show.set_defaults(handler=run_show)

    install = commands.add_parser(
        "import",
        help="check a pack and install it (templates, rounds, profile, certificates)",
        description="Nothing is installed unless the whole pack checks out. The first pack a vault "
        "installs pins its partnership root after you confirm the root's fingerprint.",
    )
    add_vault_arguments(install)
    install.add_argument("pack", metavar="FILE.lscppack", type=Path)
    install.add_argument(
        "--accept-fingerprint",
        default="",
        metavar="SHA256",
        help="first use without a prompt: the partnership root's SHA-256 fingerprint (from 'pack show')",
    )
    install.set_defaults(handler=run_import)


def _read_text(path: Path, what: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LscpAuditError(f"cannot read the {what} {path}") from exc


def run_export(args: argparse.Namespace) -> int:
    from lscp_audit.services.pack_service import PackService

    with open_vault_from_args(args) as vault:
        path = PackService(vault, actor="cli").export_pack(
            args.output,
            partnership=args.partnership,
            template_ids=args.template,
            round_ids=args.round,
            include_profile=not args.no_profile,
            trust_pems=[_read_text(p, "certificate") for p in args.trust],
            moderator_pems=[_read_text(p, "certificate") for p in args.moderator],
            recipient_pems=[_read_text(p, "certificate") for p in args.recipient],
            identity_id=args.identity,
            include_root=not args.no_root,
            description=args.description,
        )
    print(f"Pack written: {path}")
    return 0


def fingerprint_groups(fingerprint: str) -> str:
    digits = fingerprint.upper()
    return " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))


def preview_lines(preview: PackPreview) -> list[str]:
    signer = preview.signer
    lines = [
        f"Partnership pack from {preview.partnership}, issued {_day(preview.issued_at)}",
        f"Signed by: {signer.name}" + (f" ({signer.organisation})" if signer.organisation else ""),
        f"Partnership root: {signer.root_name}",
        f"Root SHA-256 fingerprint: {fingerprint_groups(preview.root_fingerprint)}",
    ]
    if preview.description:
        lines.append(f"Description: {preview.description}")
    if preview.first_use:
        lines.append("This vault has not installed a pack before: installing pins this root.")
    else:
        lines.append("Chains to this vault's partnership root.")
    if preview.already_installed:
        lines.append("This pack is already installed.")
    if preview.profile is not None:
        lines.append(f"Profile: {preview.profile_name}")
    lines += [f"Template: {t.title} ({t.id} {t.version}) - {t.status}" for t in preview.templates]
    lines += [
        f"Round: {r.title} ({r.id}" + (f", template {r.template_id})" if r.template_id else ")") for r in preview.rounds
    ]
    for cert in preview.certificates:
        state = "already trusted" if cert.already_trusted else "new"
        lines.append(f"Certificate: {cert.name} - {cert.role_words} - {state} (SHA-256 {cert.fingerprint[:16]}…)")
    return lines


def _day(iso: str) -> str:
    import datetime as dt

    try:
        value = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{value.day} {value:%b %Y}"


def preview_json(preview: PackPreview) -> dict[str, Any]:
    return {
        "pack_id": preview.pack_id,
        "partnership": preview.partnership,
        "issued_at": preview.issued_at,
        "description": preview.description,
        "signer": {
            "name": preview.signer.name,
            "organisation": preview.signer.organisation,
            "fingerprint": preview.signer.fingerprint,
        },
        "root": {"name": preview.signer.root_name, "fingerprint": preview.root_fingerprint},
        "first_use": preview.first_use,
        "already_installed": preview.already_installed,
        "profile": preview.profile_dict(),
        "templates": [
            {"id": t.id, "version": t.version, "title": t.title, "status": t.status} for t in preview.templates
        ],
        "rounds": [{"id": r.id, "title": r.title, "template": r.template_id} for r in preview.rounds],
        "certificates": [
            {
                "name": c.name,
                "role": c.role,
                "fingerprint": c.fingerprint,
                "not_after": c.not_after,
                "already_trusted": c.already_trusted,
            }
            for c in preview.certificates
        ],
    }


def run_show(args: argparse.Namespace) -> int:
    from lscp_audit.services.pack_service import PackService

    with open_vault_from_args(args) as vault:
        preview = PackService(vault).inspect_file(args.pack)
    if args.json:
        print(json.dumps(preview_json(preview), indent=2, ensure_ascii=False))
    else:
        print("\n".join(["The pack checks out.", *preview_lines(preview)]))
    return 0


def run_import(args: argparse.Namespace) -> int:
    from lscp_audit.services.pack_service import PackConfirmationNeeded, PackService

    with open_vault_from_args(args) as vault:
        packs = PackService(vault)
        try:
            result = packs.install_file(args.pack, accept_fingerprint=args.accept_fingerprint)
        except PackConfirmationNeeded as needed:
            preview = needed.preview
            print("\n".join(preview_lines(preview)))
            print("Check the root's fingerprint with the QA subgroup (by phone or in person) before trusting it.")
            if not sys.stdin.isatty():
                print(
                    "lscp-audit: not confirmed: repeat the root's fingerprint with --accept-fingerprint to install "
                    "without a prompt. Nothing was installed.",
                    file=sys.stderr,
                )
                return 1
            if input("Trust this partnership root and install the pack? [y/N] ").strip().casefold() not in ("y", "yes"):
                print("Nothing was installed.")
                return 1
            result = packs.install_file(args.pack, accept_fingerprint=preview.root_fingerprint)
    print("\n".join(result_lines(result)))
    return 0


def result_lines(result: PackInstallResult) -> list[str]:
    preview = result.preview
    if not result.installed:
        return [
            f"The pack from {preview.partnership} ({_day(preview.issued_at)}) is already installed; nothing changed."
        ]
    lines = [f"Installed the pack from {preview.partnership} ({_day(preview.issued_at)})."]
    if result.pinned:
        lines.append(
            f"Pinned partnership root: {preview.signer.root_name} ({fingerprint_groups(preview.root_fingerprint)})"
        )
    lines += [f"Template installed: {t.title} ({t.id} {t.version})" for t in preview.templates if t.status != "same"]
    lines += [f"Round: {r.title} ({r.id})" for r in preview.rounds]
    if preview.profile is not None:
        lines.append(f"Profile: {preview.profile_name}")
    if result.certificates_added:
        lines.append(f"Certificates trusted: {result.certificates_added}")
    return lines

"""`lscp-audit identity create|import|export-cert|list|create-ca|issue`: signing identities.

- ``create --vault V --name N --role R --agency A [--email E]``: new key and self-signed
  certificate, stored in the vault (the private key never leaves it);
- ``import --vault V FILE.p12``: an organisation-issued PKCS#12 file;
- ``export-cert --vault V --out CERT.pem``: the certificate (and chain) for the QA subgroup;
- ``create-ca --partnership P --out CA.p12`` and ``issue --ca CA.p12 ... --out AUDITOR.p12``:
  the optional partnership root, run by the QA subgroup (no vault).
PKCS#12 passwords are prompted for, or read from LSCP_AUDIT_P12_PASSWORD (and
LSCP_AUDIT_CA_PASSWORD for the root) for unattended use; they are never stored.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from lscp_audit.cli.vault_args import add_vault_arguments, open_vault_from_args
from lscp_audit.core.errors import LscpAuditError

P12_PASSWORD_ENV = "LSCP_AUDIT_P12_PASSWORD"
CA_PASSWORD_ENV = "LSCP_AUDIT_CA_PASSWORD"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("identity", help="create, import and export signing identities")
    commands = parser.add_subparsers(dest="identity_command", metavar="ACTION", required=True)

    create = commands.add_parser("create", help="create a signing key and certificate in the vault")
    add_vault_arguments(create)
    create.add_argument("--name", required=True, help="your full name")
    create.add_argument("--role", required=True, help="your role, e.g. Designated nurse")
    create.add_argument("--agency", required=True, help="your agency or organisation")
    create.add_argument("--email", default="", help="your work email (optional)")
    create.set_defaults(handler=run_create)

    imported = commands.add_parser("import", help="import an organisation-issued PKCS#12 (.p12/.pfx) file")
    add_vault_arguments(imported)
    imported.add_argument("file", metavar="FILE.p12", help="PKCS#12 file with key and certificate")
    imported.set_defaults(handler=run_import)

    export = commands.add_parser("export-cert", help="write your certificate (PEM) for the QA subgroup to trust")
    add_vault_arguments(export)
    export.add_argument("--out", required=True, metavar="CERT.pem", help="file to write")
    export.set_defaults(handler=run_export_cert)

    p12 = commands.add_parser(
        "export-p12",
        help="write an identity's key and certificate as a password-protected PKCS#12 (to open sealed "
        "reports in Adobe Acrobat)",
        description="The private key leaves the vault in this file, protected only by its password "
        "(LSCP_AUDIT_P12_PASSWORD or a prompt, at least 12 characters). Keep it on an encrypted drive and "
        "delete copies you no longer need.",
    )
    add_vault_arguments(p12)
    p12.add_argument("--identity", default=None, metavar="ID", help="which identity (default: the default)")
    p12.add_argument("--out", required=True, metavar="FILE.p12", help="file to write")
    p12.set_defaults(handler=run_export_p12)

    listing = commands.add_parser("list", help="list the signing identities in the vault")
    add_vault_arguments(listing)
    listing.set_defaults(handler=run_list)

    ca = commands.add_parser("create-ca", help="create a partnership root for issuing auditor certificates")
    ca.add_argument("--partnership", required=True, help="partnership name")
    ca.add_argument("--out", required=True, metavar="CA.p12", help="PKCS#12 file for the root key (keep safe)")
    ca.add_argument("--cert-out", metavar="CA.pem", help="also write the root certificate (PEM) to trust")
    ca.set_defaults(handler=run_create_ca)

    issue = commands.add_parser("issue", help="issue an auditor certificate from the partnership root")
    issue.add_argument("--ca", required=True, metavar="CA.p12", help="the partnership root's PKCS#12 file")
    issue.add_argument("--name", required=True)
    issue.add_argument("--role", required=True)
    issue.add_argument("--agency", required=True)
    issue.add_argument("--email", default="")
    issue.add_argument("--out", required=True, metavar="AUDITOR.p12", help="PKCS#12 file for the auditor")
    issue.set_defaults(handler=run_issue)


def _password(env: str, prompt: str, confirm: bool = False) -> bytes:
    from lscp_audit.cli.vault_args import prompt_password

    return prompt_password(prompt, env, confirm=confirm).encode("utf-8")


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise LscpAuditError(f"cannot read {path} ({exc.strerror or type(exc).__name__})") from exc


def _write(path: str, data: bytes) -> None:
    from lscp_audit.atomic_files import atomic_write_bytes

    try:
        atomic_write_bytes(Path(path), data)
    except OSError as exc:
        raise LscpAuditError(f"cannot write {path} ({exc.strerror or type(exc).__name__})") from exc


def _print_identity(info: Any) -> None:
    print(f"Signing identity {info.id}{' (default)' if info.is_default else ''}")
    print(f"  {info.name}, {info.role}, {info.agency}")
    print(f"  issuer: {'self-signed' if info.self_signed else info.issuer}; valid until {info.not_after}")
    print(f"  SHA-256 fingerprint: {info.fingerprint_sha256}")


def run_create(args: argparse.Namespace) -> int:
    from lscp_audit.services.identity_service import IdentityService

    with open_vault_from_args(args) as vault:
        info = IdentityService(vault).create(args.name, args.role, args.agency, args.email)
    _print_identity(info)
    return 0


def run_import(args: argparse.Namespace) -> int:
    from lscp_audit.services.identity_service import IdentityService

    data = _read(args.file)
    password = _password(P12_PASSWORD_ENV, "PKCS#12 password: ")
    with open_vault_from_args(args) as vault:
        info = IdentityService(vault).import_pkcs12(data, password or None)
    _print_identity(info)
    return 0


def run_export_cert(args: argparse.Namespace) -> int:
    from lscp_audit.services.identity_service import IdentityService

    with open_vault_from_args(args) as vault:
        pem = IdentityService(vault).export_certificate_pem()
    _write(args.out, pem.encode("ascii"))
    print(f"Certificate written to {args.out}")
    return 0


MIN_P12_PASSWORD = 12


def run_export_p12(args: argparse.Namespace) -> int:
    from lscp_audit.services.identity_service import IdentityService

    password = _password("LSCP_AUDIT_P12_PASSWORD", "Password for the PKCS#12 file: ", confirm=True)
    if len(password) < MIN_P12_PASSWORD:
        raise LscpAuditError(f"the PKCS#12 password must have at least {MIN_P12_PASSWORD} characters")
    with open_vault_from_args(args) as vault:
        data = IdentityService(vault).export_pkcs12(password, args.identity)
    _write(args.out, data)
    print(f"Key and certificate written to {args.out} (PKCS#12, protected by its password)")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from lscp_audit.services.identity_service import IdentityService

    with open_vault_from_args(args) as vault:
        rows = IdentityService(vault).list_identities()
    if not rows:
        print("No signing identities. Create one with: lscp-audit identity create")
    for info in rows:
        _print_identity(info)
    return 0


def run_create_ca(args: argparse.Namespace) -> int:
    from lscp_audit.services.identity_service import create_partnership_root

    password = _password(CA_PASSWORD_ENV, "Password for the root's PKCS#12 file: ", confirm=True)
    root = create_partnership_root(args.partnership, password)
    _write(args.out, root.pkcs12)
    if args.cert_out:
        _write(args.cert_out, root.certificate_pem.encode("ascii"))
    print(f"Partnership root written to {args.out}; give auditors certificates with 'identity issue'.")
    return 0


def run_issue(args: argparse.Namespace) -> int:
    from lscp_audit.services.identity_service import issue_auditor_pkcs12

    root_password = _password(CA_PASSWORD_ENV, "Root PKCS#12 password: ") or None
    password = _password(P12_PASSWORD_ENV, "Password for the auditor's PKCS#12 file: ", confirm=True)
    data = issue_auditor_pkcs12(_read(args.ca), root_password, args.name, args.role, args.agency, args.email, password)
    _write(args.out, data)
    print(f"Auditor certificate written to {args.out}; import it with 'lscp-audit identity import'.")
    return 0

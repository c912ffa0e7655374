"""`lscp-audit pack export|show|import` through real processes: the QA lead and an auditor each
have their own app home and vault (real KDF, passphrase from the environment); the partnership
root and the lead's identity are made with `identity create-ca` and `identity issue`."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from lscp_audit.core.pack_format import normalise_fingerprint

FIXTURE = Path(__file__).resolve().parent.parent / "services" / "fixtures" / "mini_audit.yaml"
PASSPHRASE = "correct horse battery staple"


def _env(home: Path) -> dict[str, str]:
    return dict(
        os.environ,
        LSCP_AUDIT_HOME=str(home),
        LSCP_AUDIT_PASSPHRASE=PASSPHRASE,
        LSCP_AUDIT_CA_PASSWORD="root password 123",
        LSCP_AUDIT_P12_PASSWORD="p12 password 456",
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
    )


def _cli(home: Path, *argv: str, expect: int = 0) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "lscp_audit", *argv],
        env=_env(home),
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == expect, (done.returncode, done.stdout, done.stderr)
    return done


def test_pack_export_show_import_through_real_processes(tmp_path: Path) -> None:
    lead_home, auditor_home = tmp_path / "lead-home", tmp_path / "auditor-home"
    lead_vault, auditor_vault = str(tmp_path / "lead.lscp"), str(tmp_path / "auditor.lscp")
    (lead_home / "data" / "templates").mkdir(parents=True)
    shutil.copy(FIXTURE, lead_home / "data" / "templates" / "test-mini-audit.yaml")
    root_pem = tmp_path / "root.pem"
    _cli(lead_home, "vault", "init", "--vault", lead_vault, "--no-keychain")
    _cli(
        lead_home, "identity", "create-ca", "--partnership", "Testshire", "--out", str(tmp_path / "root.p12"),
        "--cert-out", str(root_pem),
    )  # fmt: skip
    _cli(
        lead_home, "identity", "issue", "--ca", str(tmp_path / "root.p12"), "--name", "Testshire QA lead",
        "--role", "QA lead", "--agency", "Testshire LSCP", "--out", str(tmp_path / "lead.p12"),
    )  # fmt: skip
    _cli(lead_home, "identity", "import", "--vault", lead_vault, "--no-keychain", str(tmp_path / "lead.p12"))
    profile_file = tmp_path / "profile.json"
    profile_file.write_text(
        json.dumps(
            {
                "format": 1,
                "name": "Testshire Safeguarding Children Partnership",
                "localities": [{"code": "north", "label": "North"}, {"code": "south", "label": "South"}],
                "agencies": [{"code": "police", "label": "Police", "sector": "police"}],
                "rounds": [],
            }
        )
    )
    lead = ("--vault", lead_vault, "--no-keychain")
    _cli(lead_home, "partnership", "import", *lead, str(profile_file))
    _cli(lead_home, "rounds", "create", *lead, "--id", "neglect-2026", "--title", "Neglect MACA",
         "--template", "test-mini-audit", "--phase", "autumn", "--locality", "north")  # fmt: skip
    pack = tmp_path / "autumn.lscppack"
    out = _cli(lead_home, "pack", "export", str(pack), *lead, "--round", "neglect-2026").stdout
    assert "Pack written" in out and pack.exists()

    _cli(auditor_home, "vault", "init", "--vault", auditor_vault, "--no-keychain")
    auditor = ("--vault", auditor_vault, "--no-keychain")
    shown = json.loads(_cli(auditor_home, "pack", "show", str(pack), *auditor, "--json").stdout)
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    root_fp = x509.load_pem_x509_certificate(root_pem.read_bytes()).fingerprint(hashes.SHA256()).hex()
    assert shown["first_use"] and shown["root"]["fingerprint"] == root_fp
    assert shown["signer"]["name"] == "Testshire QA lead"
    assert [t["id"] for t in shown["templates"]] == ["test-mini-audit"]

    # not confirmed (no terminal): exit 1, the fingerprint shown, nothing installed
    refused = _cli(auditor_home, "pack", "import", str(pack), *auditor, expect=1)
    assert normalise_fingerprint(refused.stdout.split("Root SHA-256 fingerprint: ")[1].splitlines()[0]) == root_fp
    assert "--accept-fingerprint" in refused.stderr
    assert not (auditor_home / "data" / "templates").exists()

    # a tampered pack: exit 2 with the reason
    with zipfile.ZipFile(pack) as archive:
        items = [(i.filename, archive.read(i)) for i in archive.infolist()]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name, body in items:
            if name.startswith("templates/"):
                body = body.replace(b"Mini multi-agency", b"Evil multi-agency")
            archive.writestr(name, body)
    tampered = tmp_path / "tampered.lscppack"
    tampered.write_bytes(buf.getvalue())
    bad = _cli(auditor_home, "pack", "import", str(tampered), *auditor, "--accept-fingerprint", root_fp, expect=2)
    assert "was changed after the pack was signed" in bad.stderr

    done = _cli(auditor_home, "pack", "import", str(pack), *auditor, "--accept-fingerprint", root_fp.upper())
    assert "Installed the pack from Testshire Safeguarding Children Partnership" in done.stdout
    assert "Pinned partnership root" in done.stdout
    listed = _cli(auditor_home, "templates", "list").stdout
    assert "test-mini-audit" in listed
    rounds = json.loads(_cli(auditor_home, "rounds", "list", *auditor, "--json").stdout)
    assert "neglect-2026" in json.dumps(rounds)
    profile = _cli(auditor_home, "partnership", "show", *auditor).stdout
    assert "Testshire Safeguarding Children Partnership" in profile
    again = _cli(auditor_home, "pack", "import", str(pack), *auditor)
    assert "already installed" in again.stdout

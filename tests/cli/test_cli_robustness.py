"""Issue 11: the CLI never answers with a traceback. Full disks (RLIMIT_FSIZE in a child),
closed pipes, prompts without a terminal, malformed answers JSON and key files, a key file from
another vault or none at all, and escape sequences in what it prints each get a plain message."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from lscp_audit.cli import main, vault_args
from lscp_audit.cli.text import sanitise
from lscp_audit.storage.keyfile import TEST_POLICY

REPO = Path(__file__).resolve().parents[2]
PASS = "correct horse battery staple"
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX resource limits and signals")


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring", LSCP_AUDIT_PASSPHRASE=PASS)
    env.update(extra)
    return env


def _cli(*argv: str, limit: int | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    def limited() -> None:
        if limit is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [sys.executable, "-m", "lscp_audit", *argv],
        cwd=REPO,
        env=env or _env(),
        capture_output=True,
        text=True,
        preexec_fn=limited,  # noqa: PLW1509 - only sets a limit and a signal disposition
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture(scope="module")
def made_vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("robust")
    path = folder / "v.lscp"
    assert _cli("vault", "init", "--vault", str(path), env=_env(LSCP_AUDIT_HOME=str(folder / "home"))).returncode == 0
    return path


def _copy(made: Path, tmp_path: Path) -> Path:
    for source in made.parent.iterdir():
        if source.is_file() and source.name.startswith(made.name):
            (tmp_path / source.name).write_bytes(source.read_bytes())
    return tmp_path / made.name


@posix_only
@pytest.mark.parametrize(
    ("command", "limit"),
    [("backup", 100_000), ("rotate-key", 100_000), ("change-passphrase", 500), ("unlock-check", 100)],
)
def test_full_disk_gives_a_plain_message(made_vault: Path, tmp_path: Path, command: str, limit: int) -> None:
    path = _copy(made_vault, tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    env = _env(LSCP_AUDIT_HOME="/dev/null/no-log", LSCP_AUDIT_NEW_PASSPHRASE="another long passphrase 7")
    proc = _cli("vault", command, "--vault", str(path), limit=limit, env=env)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr and "disk is full" in proc.stderr, proc.stderr
    assert "is damaged" not in proc.stderr and "restore" not in proc.stderr.lower()
    assert _cli("vault", "check", "--vault", str(path), env=env).returncode == 0  # nothing was lost
    leftovers = {p.name for p in tmp_path.iterdir()} - set(before) - {"v.lscp-backups"}
    assert not {n for n in leftovers if n.endswith((".tmp", ".rotating"))}, leftovers


@posix_only
def test_full_disk_during_restore_leaves_the_vault_and_no_partial_copy(made_vault: Path, tmp_path: Path) -> None:
    path = _copy(made_vault, tmp_path)
    env = _env(LSCP_AUDIT_HOME="/dev/null/no-log")
    assert _cli("vault", "backup", "--vault", str(path), env=env).returncode == 0
    before = path.read_bytes()
    proc = _cli("vault", "restore", "--latest", "--vault", str(path), limit=100_000, env=env)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr and "disk is full" in proc.stderr, proc.stderr
    assert path.read_bytes() == before
    assert not list(tmp_path.glob(".*restore.tmp")) and not list(tmp_path.glob("*.restoring"))
    assert _cli("vault", "check", "--vault", str(path), env=env).returncode == 0


@posix_only
@pytest.mark.parametrize("argv", [["--help"], ["templates", "list"], ["vault", "--help"]])
def test_closed_pipe_is_quiet(argv: list[str]) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "lscp_audit", *argv],
        cwd=REPO,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # like `| head` exiting before we write
    err = proc.stderr.read().decode()
    proc.wait(60)
    assert "Traceback" not in err and "Exception ignored" not in err, err


def test_password_prompts_without_a_terminal(made_vault: Path, tmp_path: Path) -> None:
    path = _copy(made_vault, tmp_path)
    home = str(tmp_path / "home")
    create_ca = [
        "identity",
        "create-ca",
        "--partnership",
        "Test LSCP",
        "--out",
        str(tmp_path / "ca.p12"),
    ]
    for argv in (create_ca, ["vault", "unlock-check", "--vault", str(path)]):
        env = _env(LSCP_AUDIT_HOME=home)
        env.pop("LSCP_AUDIT_PASSPHRASE") if argv[0] == "vault" else None
        proc = _cli(*argv, env=env)
        assert proc.returncode != 0
        assert "Traceback" not in proc.stderr and "terminal" in proc.stderr, proc.stderr


@pytest.fixture
def in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vault_args, "KDF_POLICY", TEST_POLICY)
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    monkeypatch.setenv("LSCP_AUDIT_PASSPHRASE", PASS)
    yield
    keyring.set_keyring(previous)


def test_key_file_from_another_vault_and_missing_key_file(
    tmp_path: Path, in_process: None, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = tmp_path / "a.lscp", tmp_path / "b.lscp"
    for path in (first, second):
        assert main(["vault", "init", "--vault", str(path)]) == 0
        assert main(["vault", "unlock-check", "--vault", str(path)]) == 0
    capsys.readouterr()
    keys = first.with_name("a.lscp.keys.json")
    keys.write_bytes(second.with_name("b.lscp.keys.json").read_bytes())
    assert main(["vault", "unlock-check", "--vault", str(first)]) == 3
    err = capsys.readouterr().err
    assert "belongs to another vault" in err and "damaged" not in err
    keys.unlink()
    assert main(["vault", "unlock-check", "--vault", str(first)]) == 3
    err = capsys.readouterr().err
    assert "two files that always travel together" in err


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["passphrase"]["kdf"].update(time_cost=100000),
        lambda d: d["passphrase"]["kdf"].update(memory_kib=1 << 40),
        lambda d: d["passphrase"]["kdf"].update(parallelism="4"),
        lambda d: d.update(passphrase="not a wrap"),
        lambda d: d["passphrase"].update(nonce="AAAA"),
    ],
)
def test_malformed_or_hostile_key_file_is_refused_quickly(
    tmp_path: Path, in_process: None, capsys: pytest.CaptureFixture[str], change: object
) -> None:
    path = tmp_path / "v.lscp"
    assert main(["vault", "init", "--vault", str(path)]) == 0
    keys = path.with_name("v.lscp.keys.json")
    data = json.loads(keys.read_text())
    change(data)  # type: ignore[operator]
    keys.write_text(json.dumps(data))
    capsys.readouterr()
    assert main(["vault", "unlock-check", "--vault", str(path)]) == 3
    err = capsys.readouterr().err
    assert "key file" in err and "Traceback" not in err


def test_escape_sequences_are_printed_visibly(capsys: pytest.CaptureFixture[str]) -> None:
    evil = "Title\x1b]0;pwned\x07\x1b[2J\x9b31m\u202e end"
    assert sanitise(evil) == "Title\\u001b]0;pwned\\u0007\\u001b[2J\\u009b31m\\u202e end"
    assert sanitise("two\nlines\tand tab") == "two\nlines\tand tab"
    assert sanitise("50%\r60%\x1b[K", keep_carriage_return=True) == "50%\r60%\\u001b[K"


def test_cli_output_goes_through_the_sanitiser(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "evil\x1b[31m.yaml"
    bad.write_text("format: 1\n", encoding="utf-8")
    main(["templates", "check", str(bad)])
    captured = capsys.readouterr()
    assert "\x1b" not in captured.out + captured.err
    assert "\\u001b" in captured.out + captured.err


@pytest.mark.parametrize(
    ("raw", "said"),
    [
        (b'{"summary": "caf\xe9"}', "not UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"days_to_decision": ' + b"9" * 5000 + b"}", "not usable JSON"),
        (b'{"days_to_decision": ' + b"9" * 30 + b"}", "too large"),
        (b'{"summary": "\\ud800"}', "lone surrogate"),
        (b'{"summary": NaN}', "not finite"),
    ],
)
def test_answers_json_problems_are_named(raw: bytes, said: str) -> None:
    from lscp_audit.cli.audit import parse_json_document
    from lscp_audit.core.errors import ValidationError

    with pytest.raises(ValidationError, match=said):
        parse_json_document("answers.json", raw)


def test_audit_fill_with_a_bad_answers_file_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "answers.json"
    bad.write_bytes(b"[" * 100_000 + b"]" * 100_000)
    code = main(["audit", "fill", "--vault", str(tmp_path / "none.lscp"), "some-audit", "--answers", str(bad)])
    err = capsys.readouterr().err
    assert code != 0 and "nested too deeply" in err and "Traceback" not in err

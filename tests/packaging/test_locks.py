"""The lock files in requirements/ pin every dependency pyproject.toml declares, at a version it
allows, with hashes: a dependency added without `make lock` fails here, offline, before CI's
`make lock-check` (which re-resolves) would."""

from __future__ import annotations

import re
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import REPO_ROOT

PROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
EXTRAS = PROJECT["optional-dependencies"]
LOCKS = {
    "runtime.txt": PROJECT["dependencies"],
    "dev.txt": PROJECT["dependencies"] + EXTRAS["test"] + EXTRAS["lock"],
    "bundle.txt": PROJECT["dependencies"] + EXTRAS["bundle"],
}
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.MULTILINE)


def _pins(name: str) -> dict[str, str]:
    text = (REPO_ROOT / "requirements" / name).read_text(encoding="utf-8")
    return {canonicalize_name(m.group(1)): m.group(2) for m in PIN.finditer(text)}


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_lock_pins_every_declared_dependency(lock: str) -> None:
    pins = _pins(lock)
    problems = []
    for line in LOCKS[lock]:
        requirement = Requirement(line)
        version = pins.get(canonicalize_name(requirement.name))
        if version is None:
            problems.append(f"{requirement.name} is not pinned")
        elif not requirement.specifier.contains(version, prereleases=True):
            problems.append(f"{requirement.name}=={version} is outside {requirement.specifier}")
    assert not problems, f"requirements/{lock} is stale ({'; '.join(problems)}): run 'make lock'"


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_every_pin_has_hashes(lock: str) -> None:
    text = (REPO_ROOT / "requirements" / lock).read_text(encoding="utf-8")
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
    unhashed = [b.split()[0] for b in blocks if "==" in b.split()[0] and "--hash=sha256:" not in b]
    assert len(blocks) > 10 and not unhashed, unhashed


def test_runtime_pins_are_the_same_in_every_lock() -> None:
    runtime = _pins("runtime.txt")
    for lock in ("dev.txt", "bundle.txt"):
        pins = _pins(lock)
        differ = {name: (v, pins.get(name)) for name, v in runtime.items() if pins.get(name) not in (v, None)}
        assert not differ, f"{lock} pins runtime packages differently: {differ}"

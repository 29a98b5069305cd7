"""Wheels built from this tree and installed (not editable) into fresh venvs, one per variant and
session: what a user gets from `pip install`, at the locked versions and at the lowest the ranges allow."""
from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest

from ..conftest import REPO

# The lowest versions the ranges in pyproject.toml allow for the SDKs we call; CI runs the
# example program with them (tests/packaging/test_wheels.py). Raise a floor here and in
# pyproject.toml together.
LOWEST = {"pulumi": "3.200.0", "boto3": "1.40.0", "cloudflare": "5.0.0"}
LOCK = REPO / "requirements.lock"


def locked_versions() -> dict[str, str]:
    pins = {}
    for line in LOCK.read_text().splitlines():
        if "==" in line and not line.startswith((" ", "#")):
            name, version = line.split("==")
            pins[name.strip().lower()] = version.strip()
    return pins


def pip(python: Path, *args: str, cwd: Path = REPO) -> str:
    result = subprocess.run([str(python), "-m", "pip", "--disable-pip-version-check", *args], cwd=cwd,
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, f"pip {' '.join(args)}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


class Install:
    def __init__(self, root: Path):
        self.root = root
        self.python = root / "bin" / "python"
        self.core_only: list[str] = []  # `pip list` after the core wheel alone

    def run(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run([str(self.python), *args], capture_output=True, text=True, timeout=300, **kwargs)


@pytest.fixture(scope="session")
def wheels(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("wheels")
    pip(Path(sys.executable), "wheel", "-q", "--no-deps", "-w", str(out), str(REPO), str(REPO / "sandbox"))
    (core,) = out.glob("mailgun_setup-*.whl")
    (sandbox,) = out.glob("mailgun_setup_sandbox-*.whl")
    return {"core": core, "sandbox": sandbox}


def _install(tmp_path_factory, wheels: dict[str, Path], variant: str) -> Install:
    root = tmp_path_factory.mktemp(f"venv-{variant}")
    venv.create(root, with_pip=True)
    install = Install(root)
    if variant == "locked":
        pins = ["-c", str(LOCK)]
    else:  # the floors of the SDKs we call; everything else as pip resolves it beside them
        pins = [f"{name}=={version}" for name, version in LOWEST.items()]
    pip(install.python, "install", "-q", str(wheels["core"]), *pins)
    install.core_only = [line.split()[0].lower() for line in pip(install.python, "list", "--format", "freeze")
                         .replace("==", " ").splitlines() if line.strip()]
    sandbox_pins = ["-c", str(LOCK)] if variant == "locked" else [f"{n}=={v}" for n, v in LOWEST.items()
                                                                  if n != "cloudflare"]
    pip(install.python, "install", "-q", str(wheels["sandbox"]), *sandbox_pins)
    return install


@pytest.fixture(scope="session")
def locked_install(tmp_path_factory, wheels) -> Install:
    return _install(tmp_path_factory, wheels, "locked")


@pytest.fixture(scope="session")
def lowest_install(tmp_path_factory, wheels) -> Install:
    return _install(tmp_path_factory, wheels, "lowest")

"""What users install: the two wheels, not editable, in fresh venvs; both programs (the example
written in code, the YAML program with the sandbox stack) through the engine from that install,
once at the locked versions, once at the lowest the ranges allow."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile

import pytest
from packaging.requirements import Requirement

from ..conftest import REPO
from ..e2e.harness import mailgun, new_zone
from ..engine import ENGINE_VERSION, PulumiCli, offline_env
from .conftest import LOWEST, locked_versions

pytestmark = pytest.mark.engine

EMULATOR_ONLY = {"moto", "flask", "werkzeug", "dnslib", "mailgun-setup-sandbox"}


def _requires(wheel) -> list[Requirement]:
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        lines = archive.read(name).decode().splitlines()
    return [Requirement(line.split(":", 1)[1].strip()) for line in lines if line.startswith("Requires-Dist:")]


def test_core_wheel_declares_ranges_that_hold_the_lock_and_the_floors(wheels):
    locked = locked_versions()
    for requirement in _requires(wheels["core"]):
        if requirement.marker is not None:  # extras: sandbox, test
            continue
        assert not any(spec.operator == "==" for spec in requirement.specifier), requirement  # ranges, no pins
        name = requirement.name.lower()
        assert name not in EMULATOR_ONLY, requirement
        assert requirement.specifier.contains(locked[name]), (requirement, locked[name])
        if name in LOWEST:
            assert requirement.specifier.contains(LOWEST[name]), (requirement, LOWEST[name])
            assert f">={LOWEST[name]}" in str(requirement.specifier), "the floor CI tests is the declared floor"
    with zipfile.ZipFile(wheels["core"]) as archive:
        names = archive.namelist()
    assert "mailgun_setup/py.typed" in names
    assert not [n for n in names if n.startswith(("mailgun_setup/sandbox", "mailgun_sandbox"))]
    assert not [n for n in names if n.endswith("engine.py")]  # the repository's engine harness stays in tests/


def test_engine_version_is_the_locked_sdk_version():
    assert locked_versions()["pulumi"] == ENGINE_VERSION
    go_mod = (REPO / "engine" / "go.mod").read_text()
    assert f"github.com/pulumi/pulumi/pkg/v3 v{ENGINE_VERSION}" in go_mod


@pytest.mark.parametrize("variant", ["locked", "lowest"])
def test_core_wheel_pulls_no_emulator(variant, request):
    install = request.getfixturevalue(f"{variant}_install")
    assert not EMULATOR_ONLY & set(install.core_only), sorted(EMULATOR_ONLY & set(install.core_only))


def test_sandbox_command_without_the_sandbox_says_what_to_install(locked_install):
    """The core alone (the sandbox distribution made unimportable): one line saying what to install."""
    result = locked_install.run("-c", "import sys; sys.modules['mailgun_sandbox'] = None; "
                                      "from mailgun_setup.cli import main; sys.exit(main(['sandbox', 'run', '--', 'true']))")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "mailgun-setup: the sandbox is not installed: pip install 'mailgun-setup[sandbox]'"]


@pytest.mark.parametrize("variant", ["locked", "lowest"])
def test_example_program_from_the_installed_wheels(variant, request, tmp_path, sandbox_env, sandbox, unique):
    install = request.getfixturevalue(f"{variant}_install")
    where = install.run("-c", "import json, mailgun_setup, mailgun_sandbox; from importlib.metadata import version; "
                              "print(json.dumps([mailgun_setup.__file__, mailgun_setup.__version__, "
                              "{n: version(n) for n in ('pulumi', 'boto3', 'cloudflare')}]))")
    assert where.returncode == 0, where.stderr
    path, version, sdks = json.loads(where.stdout)
    assert str(install.root) in path and "site-packages" in path  # the wheel, not this tree
    assert version == "0.3.0"
    locked = locked_versions()
    assert sdks == (LOWEST if variant == "lowest" else {n: locked[n] for n in LOWEST})
    plugin = install.run("-c", "from importlib.metadata import entry_points; "
                               "print([e.value for e in entry_points(group='pytest11')])")
    assert "mailgun_sandbox.pytest_plugin" in plugin.stdout

    root = tmp_path / "example"
    shutil.copytree(REPO / "programs" / "example", root, ignore=shutil.ignore_patterns("__pycache__"))
    env = offline_env(tmp_path / "state", tmp_path / "home", base={**os.environ, **sandbox_env},
                      python=install.python)
    example = PulumiCli(root, env)
    zone = f"{unique}-{variant}.com"
    example.run("stack", "init", "dev")
    example.run("config", "set", "exampleZone", zone)
    example.run("config", "set", "--secret", "supportPassword", "support-pass-from-config")
    example.run("up", "--yes")
    outputs = json.loads(example.run("stack", "output", "--json").stdout)
    assert outputs["status"] == {"mail": ["Verified", "Verified"], "notify": "Verified"}
    example.run("preview", "--expect-no-changes")
    example.run("destroy", "--yes")
    assert mailgun("us").get_domain(f"mail.{zone}") is None


def test_sandbox_command_from_the_installed_wheels(locked_install):
    """`mailgun-setup sandbox run` of the installed CLI starts the installed sandbox for a command."""
    cli = locked_install.root / "bin" / "mailgun-setup"
    result = subprocess.run([str(cli), "sandbox", "run", "--zone", "route53:wheel-check.com", "--",
                             str(locked_install.python), "-c", "import os; print(os.environ['MAILGUN_API_URL_US'])"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().startswith("http://127.0.0.1:")


@pytest.mark.parametrize("variant", ["locked", "lowest"])
def test_yaml_program_from_the_installed_wheels(variant, request, tmp_path, sandbox_env, sandbox, unique):
    """The YAML program (programs/mailgun) with the committed sandbox stack, zones renamed for this
    test, from the installed wheels: up to Verified, a no-op preview, the handoff sheet, destroy."""
    install = request.getfixturevalue(f"{variant}_install")
    r53, cf = f"{unique}-{variant}.com", f"{unique}-{variant}.org"
    config = (REPO / "stacks" / "Pulumi.sandbox.yaml").read_text().replace("company.com", r53).replace("example.org", cf)
    new_zone(sandbox_env, "route53", r53)
    new_zone(sandbox_env, "cloudflare", cf)
    root = tmp_path / "project"
    (root / "stacks").mkdir(parents=True)
    shutil.copy(REPO / "Pulumi.yaml", root / "Pulumi.yaml")
    shutil.copytree(REPO / "programs" / "mailgun", root / "programs" / "mailgun",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (root / "stacks" / "Pulumi.wheel.yaml").write_text(config)
    env = offline_env(tmp_path / "state", tmp_path / "home", base={**os.environ, **sandbox_env},
                      python=install.python)
    project = PulumiCli(root, env)
    project.run("stack", "init", "wheel")
    project.run("up", "--yes", "--stack", "wheel")
    domains = json.loads(project.run("stack", "output", "domains", "--json", "--stack", "wheel").stdout)
    assert {name: d["senderStatus"] for name, d in domains.items()} == {f"mail.{r53}": "Verified",
                                                                         f"mg.{cf}": "Verified"}
    project.run("preview", "--expect-no-changes", "--stack", "wheel")
    sheet = subprocess.run([str(install.root / "bin" / "mailgun-setup"), "handoff", "--stack", "wheel"], cwd=root,
                           env=env, capture_output=True, text=True, timeout=120)
    assert sheet.returncode == 0 and f"## mail.{r53}" in sheet.stdout, sheet.stderr
    project.run("destroy", "--yes", "--stack", "wheel")
    assert mailgun("us").get_domain(f"mail.{r53}") is None and mailgun("eu").get_domain(f"mg.{cf}") is None

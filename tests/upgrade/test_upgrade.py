"""Upgrades keep working: a stack of the sandbox program deployed with the previous release (its
commit from releases.toml, taken from this repository's history with `git archive`, installed in
a venv of its own) is previewed, updated, refreshed and destroyed by the working tree.

Provider classes are pickled into state by module path (``mailgun_setup.resources.domain.DomainProvider``
and the others): a moved class breaks every existing stack's `destroy`, which this test catches.
One sandbox (the working tree's) serves both versions through the variables it sets.
"""
from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import tarfile
import tomllib
import venv
from pathlib import Path

import pytest
import yaml

from ..conftest import REPO
from ..e2e.harness import mailgun, new_zone, zone_records
from ..engine import PulumiCli, offline_env

pytestmark = pytest.mark.engine

STACK = "upgrade"
REPLACING = {"replace", "create-replacement", "delete-replaced", "delete", "discard"}


def previous_release() -> dict:
    releases = tomllib.loads((REPO / "releases.toml").read_text())["release"]
    return releases[-1]


def _archive(commit: str, into: Path) -> None:
    found = subprocess.run(["git", "-C", str(REPO), "cat-file", "-e", f"{commit}^{{commit}}"], capture_output=True)
    if found.returncode != 0:
        pytest.fail(f"commit {commit} of the previous release is not in this clone's history (fetch it: "
                    f"`git fetch --unshallow` or `git fetch origin {commit}`)")
    tar = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", commit], capture_output=True, check=True)
    with tarfile.open(fileobj=io.BytesIO(tar.stdout)) as archive:
        archive.extractall(into, filter="data")


def _install(tree: Path, root: Path) -> Path:
    venv.create(root, with_pip=True)
    python = root / "bin" / "python"
    result = subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(tree)],
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    return python


def _use_tree(project: Path, tree: Path) -> None:
    """The project folder runs ``tree``'s program (Pulumi.yaml and programs/); stacks/ and state stay."""
    shutil.rmtree(project / "programs", ignore_errors=True)
    shutil.copytree(tree / "programs", project / "programs", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(tree / "Pulumi.yaml", project / "Pulumi.yaml")


def _stack_config(unique: str) -> tuple[str, str, str]:
    """The committed sandbox stack, its zones renamed for this test: (config, Route 53 zone, Cloudflare zone)."""
    text = (REPO / "stacks" / "Pulumi.sandbox.yaml").read_text()
    r53, cf = f"{unique}-up.com", f"{unique}-up.org"
    return text.replace("company.com", r53).replace("example.org", cf), r53, cf


def test_previous_release_stack_upgrades_in_place(tmp_path, sandbox_env, sandbox, unique):
    release = previous_release()
    old_tree = tmp_path / "old"
    _archive(release["commit"], old_tree)
    old_python = _install(old_tree, tmp_path / "venv-old")
    assert subprocess.run([str(old_python), "-c", "import mailgun_setup; print(mailgun_setup.__version__)"],
                          capture_output=True, text=True).stdout.strip() == release["version"]

    config, r53, cf = _stack_config(unique)
    r53_id = new_zone(sandbox_env, "route53", r53)
    cf_id = new_zone(sandbox_env, "cloudflare", cf)
    project = tmp_path / "project"
    (project / "stacks").mkdir(parents=True)
    (project / "stacks" / f"Pulumi.{STACK}.yaml").write_text(config)
    domains = [d["name"] for d in yaml.safe_load(config)["config"]["mailgun-setup:domains"]]
    base = {**os.environ, **sandbox_env}

    # The previous release deploys the stack.
    _use_tree(project, old_tree)
    old = PulumiCli(project, offline_env(tmp_path / "state", tmp_path / "home", base=base, python=old_python))
    old.run("stack", "init", STACK)
    old.run("up", "--yes", "--stack", STACK)
    statuses = {name: (d["senderStatus"], d["receiverStatus"])
                for name, d in json.loads(old.run("stack", "output", "domains", "--json", "--stack", STACK).stdout).items()}
    assert all(s == "Verified" for s, _ in statuses.values()), statuses

    # The working tree takes it over: in-place updates only, then the whole life to the end. A 2048-bit
    # key declared without a selector was at `mg` up to 0.2.0 and follows the length now (mg2048): that
    # domain's key rotates in place, and only its old DKIM record line goes.
    rotated = {d["name"] for d in yaml.safe_load(config)["config"]["mailgun-setup:domains"]
               if d.get("dkimKeyLength") == 2048 and "dkimSelector" not in d}
    assert rotated, "the committed sandbox stack declares a 2048-bit domain without a selector"
    ids = {name: mailgun("eu" if name.endswith(cf) else "us").get_domain(name)["domain"]["id"] for name in domains}
    _use_tree(project, REPO)
    new = PulumiCli(project, offline_env(tmp_path / "state", tmp_path / "home", base=base))
    preview = json.loads(new.run("preview", "--json", "--stack", STACK).stdout)
    ops = {(step["op"], step["urn"].rsplit("::", 1)[-1]) for step in preview.get("steps", [])}
    old_lines = {f"TXT mg._domainkey.{name}" for name in rotated}
    assert {o for o in ops if o[0] in REPLACING} == {("delete", line) for line in old_lines}
    assert {("create", f"TXT mg2048._domainkey.{name}") for name in rotated} <= ops
    said = new.run("preview", "--stack", STACK).stdout
    assert all(f"{name}: DKIM key rotation mg (2048) → mg2048 (2048): in place" in said for name in rotated), said
    assert "set dkim_selector to 'mg' to keep the current key" in said
    new.run("up", "--yes", "--stack", STACK)
    assert {name: mailgun("eu" if name.endswith(cf) else "us").get_domain(name)["domain"]["id"]
            for name in domains} == ids  # the same Mailgun domains
    for name in rotated:
        keys = mailgun("us").request("GET", f"/v4/domains/{name}/keys")["items"]
        assert [(k["selector"], k["dns_record"]["is_active"]) for k in keys] == [("mg2048", True)]
    new.run("preview", "--expect-no-changes", "--stack", STACK)
    new.run("refresh", "--yes", "--stack", STACK)
    new.run("preview", "--expect-no-changes", "--stack", STACK)
    new.run("destroy", "--yes", "--stack", STACK)

    for name in domains:
        region = "eu" if name.endswith(cf) else "us"
        assert mailgun(region).get_domain(name) is None, name
        assert mailgun(region).get_domain(f"email.{name}") is None  # a tracking domain's defensive registration
        assert not [r for r in mailgun(region).list_routes() if name in r["expression"]]
    assert zone_records("route53", r53_id) == set()
    assert zone_records("cloudflare", cf_id) == set()

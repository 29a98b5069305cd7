"""The real Pulumi engine, offline, with a local file backend: a whole stack lifecycle."""
import os
import shutil

import pytest

from mailgun_setup.engine import PulumiCli, offline_env

from ..conftest import REPO
from ..sandbox.helpers import lookup, new_r53_zone, route53, upsert

pytestmark = pytest.mark.engine


@pytest.fixture
def project(tmp_path, sandbox_env):
    workdir = tmp_path / "project"
    shutil.copytree(REPO / "programs" / "smoke", workdir)
    (workdir / "Pulumi.yaml").write_text("name: smoke\nruntime: python\n")
    env = offline_env(tmp_path / "state", tmp_path / "home", base={**os.environ, **sandbox_env})
    return PulumiCli(workdir, env)


def test_stack_lifecycle_through_the_engine(project, sandbox_env, sandbox, unique):
    zone_id = new_r53_zone(route53(sandbox_env), f"{unique}.com")
    name = f"_verify.{unique}.com"
    upsert(route53(sandbox_env), zone_id, name, "TXT", ["foreign-site-verification"])

    project.run("stack", "init", "dev")
    project.run("config", "set", "recordName", name)
    project.run("config", "set", "recordValue", "ours")

    up = project.run("up", "--yes")
    assert "+ 2 created" in up.stdout, up.stdout
    assert sorted(lookup(sandbox_env).txt(name).values) == ["foreign-site-verification", "ours"]
    assert project.run("stack", "output", "zoneId").stdout.strip() == zone_id

    sandbox.clear_request_logs()
    project.run("preview", "--expect-no-changes")
    assert sandbox.write_calls()["route53"] == 0  # preview writes nothing

    # Out-of-band removal of our value: refresh notices, up puts it back.
    upsert(route53(sandbox_env), zone_id, name, "TXT", ["foreign-site-verification"])
    refresh = project.run("refresh", "--yes")
    assert "deleted" in refresh.stdout or "- 1" in refresh.stdout, refresh.stdout
    project.run("up", "--yes")
    assert sorted(lookup(sandbox_env).txt(name).values) == ["foreign-site-verification", "ours"]

    project.run("destroy", "--yes")
    assert lookup(sandbox_env).txt(name).values == ("foreign-site-verification",)  # foreign value untouched
    project.run("stack", "rm", "--yes")
    assert "dev" not in project.run("stack", "ls").stdout


def test_check_failures_stop_preview_before_any_write(project, sandbox_env, sandbox):
    project.run("stack", "init", "bad")
    project.run("config", "set", "recordName", "not a name")
    project.run("config", "set", "recordValue", "x")
    sandbox.clear_request_logs()
    preview = project.run("preview", check=False)
    assert preview.returncode != 0
    assert "name" in preview.stdout and "fully qualified domain name" in preview.stdout
    assert sum(sandbox.write_calls().values()) == 0

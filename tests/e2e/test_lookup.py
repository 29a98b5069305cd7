"""``mg.get_domain`` from a program: a domain the stack does not manage, read at preview and up, never written."""
import json
import os

import pytest

from tests.engine import PulumiCli, offline_env

from .harness import mailgun

pytestmark = pytest.mark.engine

PROGRAM = '''
import pulumi
import mailgun_setup as mg

config = pulumi.Config()
pulumi.export("prod", mg.get_domain(config.require("name"), region=config.get("region") or "us"))
'''


@pytest.fixture
def lookup_project(tmp_path, sandbox_env):
    root = tmp_path / "lookup"
    root.mkdir()
    (root / "Pulumi.yaml").write_text("name: lookup\nruntime: python\n")
    (root / "__main__.py").write_text(PROGRAM)
    cli = PulumiCli(root, offline_env(tmp_path / "state", tmp_path / "home", base={**os.environ, **sandbox_env}))
    cli.run("stack", "init", "uat")
    return cli


def test_get_domain_reads_another_stacks_domain_without_writing(lookup_project, sandbox, unique):
    name = f"mail.{unique}.com"
    mailgun("eu").create_domain(name, 1024, dkim_selector="mg", force_dkim_authority=True)
    lookup_project.run("config", "set", "name", name)
    lookup_project.run("config", "set", "region", "eu")
    sandbox.clear_request_logs()
    lookup_project.run("up", "--yes", "--skip-preview")
    assert sum(sandbox.write_calls().values()) == 0
    found = json.loads(lookup_project.run("stack", "output", "prod", "--json").stdout)
    assert (found["name"], found["region"], found["state"]) == (name, "eu", "unverified")
    assert {(r["purpose"], r["name"], r["valid"]) for r in found["sending_records"]} >= {
        ("DKIM", f"mg._domainkey.{name}", "unknown"), ("SPF", name, "unknown")}
    assert [r["value"] for r in found["receiving_records"]] == ["mxa.eu.mailgun.org", "mxb.eu.mailgun.org"]
    assert found["tracking_host"] == f"email.{name}" and found["smtp_host"] == "smtp.eu.mailgun.org"


def test_get_domain_fails_clearly_for_a_missing_domain_and_a_refused_key(lookup_project, unique):
    lookup_project.run("config", "set", "name", f"nothing.{unique}.com")
    missing = lookup_project.run("preview", check=False)
    assert missing.returncode != 0
    assert f"get_domain('nothing.{unique}.com', region='us'): no such domain in Mailgun's US region" in missing.stdout
    lookup_project.run("config", "set", "--secret", "mailgun-setup:apiKey", "not-the-key")
    refused = lookup_project.run("preview", check=False)
    assert refused.returncode != 0 and "Mailgun refused the API key (401)" in refused.stdout
    assert "not-the-key" not in refused.stdout + refused.stderr

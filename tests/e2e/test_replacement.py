"""A replacement (a new region) goes through Mailgun's background deletion: the old domain is
deleted, the wait lasts until Mailgun has finished, then the same name is created (names are global)."""
import pytest

from .harness import mailgun, make_project, new_zone

pytestmark = pytest.mark.engine


def test_a_replacement_waits_for_the_delayed_deletion(tmp_path, sandbox_env, sandbox, unique):
    zone = f"{unique}.com"
    domain = f"mail.{zone}"
    new_zone(sandbox_env, "route53", zone)
    project = make_project(tmp_path, {**sandbox_env, "MAILGUN_SETUP_DELETE_WAIT": "20"})
    config = {"dns": "route53", "verifyTimeout": 30, "domains": [{"name": domain, "dkimKeyLength": 1024}]}
    project.init("replace", config)
    project.up("replace")
    old_id = mailgun("us").get_domain(domain)["domain"]["id"]

    sandbox.mailgun.settings({"deletion_delay": 6.0})
    try:
        config["domains"][0]["region"] = "eu"
        project.write_stack("replace", config)
        up = project.up("replace")
    finally:
        sandbox.mailgun.settings({"deletion_delay": 0.0})
    assert "Mailgun is still deleting the domain" in up.stdout and "deleted by Mailgun after" in up.stdout
    body = mailgun("eu").get_domain(domain)
    assert body["domain"]["id"] != old_id and mailgun("us").get_domain(domain) is None
    assert project.outputs("replace")["domains"][domain]["senderStatus"] == "Verified"
    project.pulumi("destroy", "--yes", "--stack", "replace")
    assert mailgun("eu").get_domain(domain) is None

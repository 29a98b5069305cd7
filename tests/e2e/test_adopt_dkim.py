"""Adopting domains whose DKIM is not where we would predict it: the records written and
verified are Mailgun's, and the user is told."""
import pytest

from .harness import mailgun, make_project, new_zone, served

pytestmark = pytest.mark.engine


def test_a_domain_with_automatic_sender_security_is_adopted_and_verified(tmp_path, sandbox_env, unique):
    zone = f"{unique}.com"
    domain = f"mail.{zone}"
    new_zone(sandbox_env, "route53", zone)
    body = mailgun("us").create_domain(domain, 1024, use_automatic_sender_security="true")  # set up by hand
    cnames = {r["name"]: r["value"] for r in body["sending_dns_records"] if "._domainkey." in r["name"]}
    assert sorted(cnames) == [f"pdk1._domainkey.{domain}", f"pdk2._domainkey.{domain}"]

    project = make_project(tmp_path, sandbox_env)
    project.init("ass", {"dns": "route53", "verifyTimeout": 30, "domains": [{"name": domain}]})
    up = project.up("ass")
    assert "automatic sender security" in up.stdout and f"not mg._domainkey.{domain}" in up.stdout
    summary = project.outputs("ass")["domains"][domain]
    assert summary["adopted"] is True and summary["senderStatus"] == "Verified"
    dkim = sorted((r["type"], r["name"]) for r in summary["senderRecords"] if r["purpose"] == "DKIM")
    assert dkim == [("CNAME", name) for name in sorted(cnames)]
    for name, target in cnames.items():
        assert served(name, "CNAME") == (target,)
    project.pulumi("preview", "--expect-no-changes", "--stack", "ass")
    project.pulumi("destroy", "--yes", "--stack", "ass")

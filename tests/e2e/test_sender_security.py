"""automaticSenderSecurity: DKIM as Mailgun-hosted CNAMEs, named at preview, written, verified, switched off."""
import pytest

from .harness import mailgun, make_project, new_zone, served

pytestmark = pytest.mark.engine


def _config(domain: str, automatic: bool) -> dict:
    return {"dns": "route53", "verifyTimeout": 60, "domains": [
        {"name": domain, "automaticSenderSecurity": automatic, "senders": [{"username": f"app@{domain}"}]}]}


def test_automatic_sender_security_from_preview_to_verified_and_back(tmp_path, sandbox_env, unique):
    zone = f"{unique}.com"
    domain = f"mail.{zone}"
    new_zone(sandbox_env, "route53", zone)
    project = make_project(tmp_path, sandbox_env)
    project.init("dev", _config(domain, True))

    preview = project.pulumi("preview", "--stack", "dev")
    assert f"CNAME pdk1._domainkey.{domain}" in preview.stdout and f"CNAME pdk2._domainkey.{domain}" in preview.stdout
    assert f"TXT mg._domainkey.{domain}" not in preview.stdout

    project.up("dev")
    summary = project.outputs("dev")["domains"][domain]
    assert summary["senderStatus"] == "Verified"
    body = mailgun("us").get_domain(domain)
    assert body["domain"]["use_automatic_sender_security"] is True
    for record in body["sending_dns_records"]:
        if record["record_type"] == "CNAME" and "._domainkey." in record["name"]:
            assert served(record["name"], "CNAME") == (record["value"].rstrip(".").lower(),)
    dkim = [r for r in summary["senderRecords"] if r["purpose"] == "DKIM"]
    assert [r["type"] for r in dkim] == ["CNAME", "CNAME"]
    project.pulumi("preview", "--expect-no-changes", "--stack", "dev")

    # Off again: an in-place update; our TXT key replaces the CNAMEs in DNS.
    project.write_stack("dev", _config(domain, False))
    up = project.up("dev")
    assert "replaced" not in up.stdout
    assert mailgun("us").get_domain(domain)["domain"]["use_automatic_sender_security"] is False
    assert served(f"pdk1._domainkey.{domain}", "CNAME") == ()
    assert served(f"mg._domainkey.{domain}", "TXT")
    assert project.outputs("dev")["domains"][domain]["senderStatus"] == "Verified"
    project.pulumi("destroy", "--yes", "--stack", "dev")
    assert mailgun("us").get_domain(domain) is None

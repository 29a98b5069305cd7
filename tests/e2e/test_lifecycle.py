"""The whole life of a stack, per DNS backend, through the real engine against the sandbox."""
from dataclasses import dataclass

import pytest

from mailgun_sandbox.mailgun.models import MailgunBackend

from .harness import add_foreign, mailgun, make_project, new_zone, served, zone_records

pytestmark = pytest.mark.engine

FOREIGN_SPF = "v=spf1 include:_spf.google.com ~all"
SITE_VERIFICATION = "google-site-verification=abc123"


def _config(domain: str, backend: str, region: str = "us", retention: int = 3):
    return {"dns": backend, "verifyTimeout": 30, "domains": [{
        "name": domain, "region": region, "dkimKeyLength": 2048, "retentionDays": retention, "receiving": True,
        "senders": [{"username": f"support@{domain}"}, {"username": f"hr@{domain}"}],
        "routes": [{"recipient": f"support@{domain}", "action": 'forward("http://helpdesk.example/messages/")',
                    "description": "support to helpdesk"}]}]}


def _accepts(sandbox, domain: str, login: str, password: str) -> bool:
    """Whether the emulator (which keeps only a hash) takes ``password`` for ``login``."""
    model: MailgunBackend = sandbox.mailgun
    return model.credentials[domain][login].accepts(password)


def _assert_dns_matches_mailgun(domain: str, region: str):
    body = mailgun(region).get_domain(domain)
    for record in body["sending_dns_records"]:
        if record["record_type"] == "TXT" and record["value"].startswith("v=spf1"):
            include = record["value"].split()[1]
            (spf,) = [v for v in served(domain, "TXT") if v.startswith("v=spf1")]
            assert include in spf.split() and "include:_spf.google.com" in spf.split()  # merged, one SPF
        elif record["record_type"] == "TXT":
            assert served(record["name"], "TXT") == (record["value"],)  # the 2048-bit key, joined from ≤255 parts
    assert served(domain, "MX") == tuple(sorted(f"{r['priority']} {r['value']}"
                                                for r in body["receiving_dns_records"]))


@dataclass
class Stack:
    """What every phase of the lifecycle works on."""
    backend: str
    project: object
    sandbox: object
    zone: str
    zone_id: str
    domain: str
    foreign: set
    generated: str = ""


def up_from_empty(s: Stack):
    """Records written, verified; senders and the route created; secrets only encrypted in state."""
    up = s.project.up("dev")
    assert "created" in up.stdout
    _assert_dns_matches_mailgun(s.domain, "us")
    assert SITE_VERIFICATION in served(s.domain, "TXT")
    out = s.project.outputs("dev", show_secrets=True)
    summary = out["domains"][s.domain]
    assert (summary["senderStatus"], summary["receiverStatus"]) == ("Verified", "Verified")
    assert summary["dnsProvider"] == s.backend and summary["zone"] == s.zone
    s.generated = out["senderPasswords"][f"hr@{s.domain}"]
    assert _accepts(s.sandbox, s.domain, f"hr@{s.domain}", s.generated)
    assert out["senderPasswords"][f"support@{s.domain}"] == "first-pass-1"
    (route,) = [r for r in mailgun("us").list_routes() if s.domain in r["expression"]]
    assert route["expression"] == f'match_recipient("support@{s.domain}")'
    state = s.project.pulumi("stack", "export", "--stack", "dev").stdout
    assert "first-pass-1" not in state and s.generated not in state


def noop_preview_writes_nothing(s: Stack):
    s.sandbox.clear_request_logs()
    s.project.pulumi("preview", "--expect-no-changes", "--stack", "dev")
    assert sum(s.sandbox.write_calls().values()) == 0


def password_and_retention_update_in_place(s: Stack):
    s.project.set_secret("dev", "domains[0].senders[0].password", "second-pass-2")
    up = s.project.up("dev")
    assert "1 updated" in up.stdout and "replace" not in up.stdout
    assert _accepts(s.sandbox, s.domain, f"support@{s.domain}", "second-pass-2")
    assert s.project.outputs("dev", show_secrets=True)["senderPasswords"][f"hr@{s.domain}"] == s.generated
    s.project.pulumi("config", "set", "--path", "mailgun-setup:domains[0].retentionDays", "7", "--stack", "dev")
    up = s.project.up("dev")
    assert "updated" in up.stdout and "replaced" not in up.stdout
    assert mailgun("us").get_domain(s.domain)["domain"]["message_ttl"] == 7 * 86400


def region_change_replaces_and_preview_says_why(s: Stack):
    s.project.pulumi("config", "set", "--path", "mailgun-setup:domains[0].region", "eu", "--stack", "dev")
    preview = s.project.pulumi("preview", "--stack", "dev")
    assert "replace" in preview.stdout and "cannot be changed; a new subdomain is created" in preview.stdout
    s.project.up("dev")
    assert mailgun("us").get_domain(s.domain) is None and mailgun("eu").get_domain(s.domain) is not None
    _assert_dns_matches_mailgun(s.domain, "eu")
    assert not [r for r in mailgun("us").list_routes() if s.domain in r["expression"]]
    assert [r for r in mailgun("eu").list_routes() if s.domain in r["expression"]]
    assert s.project.outputs("dev")["domains"][s.domain]["senderStatus"] == "Verified"


def out_of_band_deletions_repaired(s: Stack):
    eu = mailgun("eu")
    eu.delete_credential(s.domain, f"hr@{s.domain}")
    eu.delete_route([r for r in eu.list_routes() if s.domain in r["expression"]][0]["id"])
    dkim = next(r for r in eu.get_domain(s.domain)["sending_dns_records"] if "._domainkey." in r["name"])
    _remove_from_zone(s.backend, s.zone_id, dkim["name"])
    assert served(dkim["name"], "TXT") == ()
    s.project.pulumi("refresh", "--yes", "--stack", "dev")
    s.project.up("dev")
    assert f"hr@{s.domain}" in {c["login"] for c in eu.list_credentials(s.domain)}
    assert [r for r in eu.list_routes() if s.domain in r["expression"]]
    assert served(dkim["name"], "TXT") == (dkim["value"],)
    s.project.pulumi("preview", "--expect-no-changes", "--stack", "dev")


def hand_made_domain_imported_then_completed(s: Stack):
    legacy = f"news.{s.zone}"
    mailgun("us").create_domain(legacy, 1024, 86400, dkim_selector="mg")
    for key, value in (("name", legacy), ("retentionDays", "1")):
        s.project.pulumi("config", "set", "--path", f"mailgun-setup:domains[1].{key}", value, "--stack", "dev")
    imported = s.project.mailgun_setup("import", legacy, "--stack", "dev")
    assert imported.returncode == 0, imported.stderr
    assert "2 imported" in imported.stdout  # the MailgunDomain component and its mailgun:Domain
    assert any(u.endswith(f"dynamic/mailgun:Domain::{legacy}") for u in s.project.urns("dev"))
    s.project.pulumi("refresh", "--yes", "--stack", "dev")  # read() works on the imported state
    s.sandbox.clear_request_logs()
    s.project.up("dev")
    assert not [r for r in s.sandbox.request_log("mailgun-us") if r.method == "POST" and r.path == "/v4/domains"]
    assert s.project.outputs("dev")["domains"][legacy]["senderStatus"] == "Verified"
    assert s.project.outputs("dev")["domains"][legacy]["adopted"] is True
    s.project.pulumi("preview", "--expect-no-changes", "--stack", "dev")


def destroy_leaves_only_foreign_records(s: Stack):
    s.project.pulumi("destroy", "--yes", "--stack", "dev")
    assert mailgun("us").get_domain(f"news.{s.zone}") is None
    assert mailgun("eu").get_domain(s.domain) is None
    assert not [r for r in mailgun("eu").list_routes() if s.domain in r["expression"]]
    assert zone_records(s.backend, s.zone_id) == s.foreign


PHASES = (up_from_empty, noop_preview_writes_nothing, password_and_retention_update_in_place,
          region_change_replaces_and_preview_says_why, out_of_band_deletions_repaired,
          hand_made_domain_imported_then_completed, destroy_leaves_only_foreign_records)


@pytest.mark.parametrize("backend", ["route53", "cloudflare"])
def test_full_lifecycle(backend, tmp_path, sandbox_env, sandbox, unique):
    """One stack through every phase in order; a failure names its phase (the function above)."""
    zone = f"{unique}-{backend}.com"
    domain = f"mail.{zone}"
    zone_id = new_zone(sandbox_env, backend, zone)
    add_foreign(backend, zone_id, domain, "TXT", [FOREIGN_SPF, SITE_VERIFICATION])
    project = make_project(tmp_path, sandbox_env)
    project.init("dev", _config(domain, backend))
    project.set_secret("dev", "domains[0].senders[0].password", "first-pass-1")
    stack = Stack(backend, project, sandbox, zone, zone_id, domain, zone_records(backend, zone_id))
    for phase in PHASES:
        phase(stack)


def _remove_from_zone(backend, zone_id, name):
    import os

    from cloudflare import Cloudflare

    from ..sandbox.helpers import route53
    if backend == "route53":
        client = route53(os.environ)
        rrsets = client.list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]
        (rrset,) = [r for r in rrsets if r["Name"].rstrip(".") == name and r["Type"] == "TXT"]
        client.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={
            "Changes": [{"Action": "DELETE", "ResourceRecordSet": rrset}]})
    else:
        cf = Cloudflare()
        for record in cf.dns.records.list(zone_id=zone_id, name={"exact": name}):
            cf.dns.records.delete(dns_record_id=record.id, zone_id=zone_id)

"""The runbook's extras through the YAML program and the engine: tracking with its defensive domain,
DMARC, webhooks and a dedicated API key."""
import json
import os

import pytest
import requests
from cloudflare import Cloudflare

from mailgun_setup.mailgun import keys, webhooks
from mailgun_setup.mailgun.tracking import get_tracking

from .harness import add_foreign, mailgun, make_project, new_zone, served, zone_records

pytestmark = pytest.mark.engine

FOREIGN_DMARC = "v=DMARC1; p=reject; rua=mailto:security@corp.example"
HOOK = "https://bot.corp.example/mailgun/failures"


def _config(cf_domain: str, r53_domain: str, tracking: bool = True) -> dict:
    return {"verifyTimeout": 60, "domains": [
        {"name": cf_domain, "dns": "cloudflare", "tracking": tracking,
         "dmarc": {"policy": "quarantine", "rua": "mailto:dmarc@corp.example"}},
        {"name": r53_domain, "dns": "route53", "dmarc": {"policy": "none"},
         "webhooks": [{"kind": "permanent_fail", "urls": [HOOK]}]}],
        "apiKeys": [{"name": "exporter", "role": "basic", "description": "metrics exporter"},
                    {"name": "app", "role": "sending", "domain": r53_domain}]}


def _status(method: str, path: str, key: str, **kwargs) -> int:
    return requests.request(method, os.environ["MAILGUN_API_URL_US"] + path, auth=("api", key), **kwargs).status_code


def test_tracking_defensive_domain_proxy_and_dmarc(tmp_path, sandbox_env, sandbox, unique):
    cf_zone, r53_zone = f"{unique}-cf.org", f"{unique}-r53.com"
    cf_domain, r53_domain = f"mail.{cf_zone}", f"mail.{r53_zone}"
    cf_zone_id = new_zone(sandbox_env, "cloudflare", cf_zone)
    r53_zone_id = new_zone(sandbox_env, "route53", r53_zone)
    add_foreign("route53", r53_zone_id, f"_dmarc.{r53_domain}", "TXT", [FOREIGN_DMARC])
    foreign = zone_records("route53", r53_zone_id)
    project = make_project(tmp_path, sandbox_env)
    project.init("dev", _config(cf_domain, r53_domain))

    preview = project.pulumi("preview", "--stack", "dev")
    assert f"TXT _dmarc.{cf_domain}" in preview.stdout and "mailgun:Tracking" in preview.stdout

    up = project.up("dev")
    summary = project.outputs("dev")["domains"]
    # Tracking: CNAME verified, open and click on, the tracking host registered as a second domain.
    host = f"email.{cf_domain}"
    assert served(host, "CNAME") == ("mailgun.org",)
    assert summary[cf_domain]["senderStatus"] == "Verified" and summary[cf_domain]["trackingDomain"] == host
    assert get_tracking(mailgun("us"), cf_domain) == {"open": True, "click": True}
    defensive = mailgun("us").get_domain(host)
    assert defensive is not None and served(f"mg._domainkey.{host}", "TXT") == ()  # no DNS of its own
    (cname,) = Cloudflare().dns.records.list(zone_id=cf_zone_id, name={"exact": host})
    assert cname.proxied is False
    # DMARC: ours written in the same batch; a foreign one kept and reported.
    assert served(f"_dmarc.{cf_domain}", "TXT") == ("v=DMARC1; p=quarantine; rua=mailto:dmarc@corp.example",)
    assert summary[cf_domain]["dmarcStatus"] == "served"
    assert served(f"_dmarc.{r53_domain}", "TXT") == (FOREIGN_DMARC,)
    assert summary[r53_domain]["dmarcStatus"] == "foreign"
    assert f"_dmarc.{r53_domain}: a DMARC policy that is not ours is already published" in up.stdout

    # Webhooks and a dedicated key for the metrics exporter, from the YAML config.
    assert webhooks.get_webhook(mailgun("us"), r53_domain, "permanent_fail") == [HOOK]
    assert summary[r53_domain]["webhooks"] == ["permanent_fail"]
    assert project.outputs("dev")["apiKeys"]["exporter"]["secret"] == "[secret]"
    made = project.outputs("dev", show_secrets=True)["apiKeys"]
    exporter, app = made["exporter"]["secret"], made["app"]["secret"]
    assert exporter not in up.stdout and exporter not in project.pulumi("stack", "export", "--stack", "dev").stdout
    assert _status("GET", "/v4/domains", exporter) == 200  # basic: reads
    assert _status("DELETE", f"/v3/domains/{r53_domain}", exporter) == 403  # and nothing else
    assert _status("POST", f"/v3/{r53_domain}/messages", app, data={"from": f"a@{r53_domain}", "to": "b@x.example",
                                                                      "subject": "s", "text": "t"}) == 200
    assert _status("GET", "/v4/domains", app) == 403  # a sending key only sends

    # Somebody turns Cloudflare's proxy on: refresh sees it, up writes it back DNS-only.
    Cloudflare().dns.records.edit(dns_record_id=cname.id, zone_id=cf_zone_id, type="CNAME", name=host,
                                  content="mailgun.org", ttl=1, proxied=True)
    assert served(host, "CNAME") == ()
    refresh = project.pulumi("refresh", "--yes", "--stack", "dev", "--diff")
    assert "dns:DomainRecords: (update)" in refresh.stdout and '"tracking" =>' in refresh.stdout  # CNAME gone
    line = _record_line(project, f"CNAME {host}")
    assert line["status"] == "different" and "proxied" in line["detail"]
    project.up("dev")
    assert served(host, "CNAME") == ("mailgun.org",)
    project.pulumi("preview", "--expect-no-changes", "--stack", "dev")

    # Tracking off: the CNAME, the tracking settings and the defensive domain all go.
    project.write_stack("dev", _config(cf_domain, r53_domain, tracking=False))
    project.up("dev")
    assert served(host, "CNAME") == ()
    assert mailgun("us").get_domain(host) is None
    assert get_tracking(mailgun("us"), cf_domain) == {"open": False, "click": False}

    project.pulumi("destroy", "--yes", "--stack", "dev")
    assert _status("GET", "/v4/domains", exporter) == 401  # revoked
    assert not {k["id"] for k in keys.list_keys(mailgun("us"))} & {made["exporter"]["id"], made["app"]["id"]}
    assert mailgun("us").get_domain(cf_domain) is None and mailgun("us").get_domain(r53_domain) is None
    assert zone_records("route53", r53_zone_id) == foreign  # the foreign DMARC record untouched
    assert served(f"_dmarc.{cf_domain}", "TXT") == ()


def _record_line(project, name: str) -> dict:
    """The outputs of the dns:Record line called ``name``, as the state holds them."""
    exported = json.loads(project.pulumi("stack", "export", "--stack", "dev").stdout)
    (line,) = [r for r in exported["deployment"]["resources"] if r["urn"].endswith(f"dns:Record::{name}")]
    return line["outputs"]

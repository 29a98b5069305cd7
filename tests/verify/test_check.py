"""Record checks against the sandbox DNS server: every finding says what is wrong and why."""
from mailgun_setup.verify.check import check_record

from ..sandbox.helpers import lookup, new_r53_zone, route53, upsert


def test_findings_name_the_likely_cause(sandbox_env, unique):
    client = route53(sandbox_env)
    zone = f"{unique}.com"
    zone_id = new_r53_zone(client, zone)
    dkim = {"type": "TXT", "name": f"mg._domainkey.mail.{zone}", "value": "k=rsa; p=" + "B" * 300}
    spf = {"type": "TXT", "name": f"mail.{zone}", "value": "v=spf1 include:mailgun.org ~all"}
    mx = {"type": "MX", "name": f"mail.{zone}", "value": "mxa.mailgun.org", "priority": 10.0}
    dns = lookup(sandbox_env)

    missing = check_record(dns, dkim, zone)
    assert not missing.ok and "not published yet" in missing.detail

    upsert(client, zone_id, f"{dkim['name']}.{zone}", "TXT", [dkim["value"]])  # full name typed as host
    doubled = check_record(dns, dkim, zone)
    assert f"found at {dkim['name']}.{zone}" in doubled.detail and "only the host" in doubled.detail

    upsert(client, zone_id, dkim["name"], "TXT", [dkim["value"][:255]])  # cut at 255
    cut = check_record(dns, dkim, zone)
    assert not cut.ok and "re-copy it exactly" in cut.detail and "expected" in cut.describe()

    upsert(client, zone_id, spf["name"], "TXT", ["v=spf1 include:_spf.google.com include:mailgun.org -all"])
    assert check_record(dns, spf, zone).ok  # merged SPF serves ours
    upsert(client, zone_id, mx["name"], "MX", ["10 MXA.mailgun.org."])
    assert check_record(dns, mx, zone).ok  # JSON float priority, case and final dot ignored

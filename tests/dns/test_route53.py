"""The Route 53 backend against moto's server and the sandbox DNS server."""
from mailgun_setup.dns.route53 import Route53

from ..sandbox.helpers import lookup, new_r53_zone, route53, upsert


def test_set_values_reads_once_writes_once_and_applies_ttl(sandbox_env, sandbox, unique):
    client = route53(sandbox_env)
    zone_id = new_r53_zone(client, f"{unique}.com")
    name = f"mail.{unique}.com"
    upsert(client, zone_id, name, "TXT", ["foreign"])
    backend = Route53(client)
    backend.set_values(zone_id, name, "TXT", 300, add=["old"])
    sandbox.clear_request_logs()
    backend.set_values(zone_id, name, "TXT", 600, add=["new"], drop=["old"])
    log = sandbox.request_log("route53")
    assert [r.method for r in log] == ["GET", "POST"]
    assert backend.read(zone_id, name, "TXT").ttl == 600
    assert sorted(lookup(sandbox_env).txt(name).values) == ["foreign", "new"]
    sandbox.clear_request_logs()
    backend.set_values(zone_id, name, "TXT", 900, add=["new"])  # a TTL-only change is still written
    assert backend.read(zone_id, name, "TXT").ttl == 900
    backend.remove_values(zone_id, name, "TXT", ["new"])
    assert lookup(sandbox_env).txt(name).values == ("foreign",)


def test_mx_values_compare_case_and_dot_insensitively(sandbox_env, unique):
    client = route53(sandbox_env)
    zone_id = new_r53_zone(client, f"{unique}.com")
    name = f"mail.{unique}.com"
    upsert(client, zone_id, name, "MX", ["10 MXA.mailgun.org."])
    backend = Route53(client)
    assert backend.read(zone_id, name, "MX").values == ("10 mxa.mailgun.org",)
    backend.add_values(zone_id, name, "MX", 300, ["10 mxa.mailgun.org"])
    assert backend.read(zone_id, name, "MX").values == ("10 mxa.mailgun.org",)  # no duplicate
    backend.remove_values(zone_id, name, "MX", ["10 mxa.mailgun.org"])
    assert lookup(sandbox_env).mx(name).status == "nxdomain"

"""DomainRecords keeps what was in the zone before it, also for record sets an update adds."""
from cloudflare import Cloudflare

from mailgun_setup.resources.dns_records import ZONE_FIELDS, DomainRecordsProvider

from ..sandbox.helpers import lookup, new_r53_zone, route53, upsert

SPF = {"purpose": "SPF", "type": "TXT", "value": "v=spf1 include:mailgun.org ~all"}


def test_turning_tracking_on_over_an_existing_cname_keeps_it_on_destroy(sandbox_env, unique):
    zone = f"{unique}.com"
    domain = f"mail.{zone}"
    client = route53(sandbox_env)
    zone_id = new_r53_zone(client, zone)
    upsert(client, zone_id, f"email.{domain}", "CNAME", ["mailgun.org"])  # typed in by hand, long ago
    provider = DomainRecordsProvider()
    declared = {"domain": domain, "dns": "route53", "zone": None, "claim": None, "owner": "p/s",
                "records": [{**SPF, "name": domain}]}
    checked = provider.check({}, declared)
    assert checked.failures == []
    created = provider.create(checked.inputs).outs
    tracking = {**checked.inputs, "records": [*declared["records"],
                                              {"purpose": "tracking", "type": "CNAME", "name": f"email.{domain}",
                                               "value": "mailgun.org"}]}
    updated = provider.update("id", created, tracking).outs
    provider.delete("id", updated)
    dns = lookup(sandbox_env)
    assert dns.query(f"email.{domain}", "CNAME").values == ("mailgun.org",)
    assert dns.txt(domain).status in ("nxdomain", "nodata")


def test_a_zone_id_picks_one_of_two_public_zones_of_the_same_name(sandbox_env, unique):
    zone = f"{unique}.com"
    client = route53(sandbox_env)
    new_r53_zone(client, zone)
    second = new_r53_zone(client, zone)
    provider = DomainRecordsProvider()
    declared = {"domain": f"mail.{zone}", "dns": "route53", "claim": None, "owner": "p/s", "records": []}
    ambiguous = provider.check({}, {**declared, "zone": None})
    assert [f.property for f in ambiguous.failures] == ["dns"]
    assert "2 public Route 53 zones are named" in ambiguous.failures[0].reason
    picked = provider.check({}, {**declared, "zone": second})
    assert picked.failures == [] and picked.inputs["zone_id"] == second
    assert picked.inputs["zone_name"] == zone


def test_a_zone_id_without_credentials_for_its_backend_says_so(sandbox_env, monkeypatch):
    monkeypatch.delenv("CLOUDFLARE_API_TOKEN")
    zone_id = "0123456789abcdef0123456789abcdef"
    checked = DomainRecordsProvider().check({}, {"domain": "mail.x.org", "dns": "auto", "zone": zone_id,
                                                 "claim": None, "owner": "p/s", "records": []})
    assert [f.property for f in checked.failures] == ["zone"]
    assert f"{zone_id} is a cloudflare zone id, but no cloudflare credentials were found" in checked.failures[0].reason


def test_zone_lookups_happen_once_per_zone_per_run(sandbox_env, sandbox, unique):
    zone = f"{unique}.com"
    new_r53_zone(route53(sandbox_env), zone)
    provider = DomainRecordsProvider()  # one run's provider: the engine keeps one per process
    sandbox.clear_request_logs()
    for sub in ("a", "b", "c"):
        checked = provider.check({}, {"domain": f"{sub}.{zone}", "dns": "route53", "zone": None, "claim": None,
                                      "owner": "p/s", "records": []})
        assert checked.failures == [] and checked.inputs["zone_name"] == zone
    asked = sandbox.request_log("route53")
    assert [r.method for r in asked if "/rrset" not in r.path] == ["GET", "GET"]  # list zones, get the zone
    assert len([r for r in asked if "/rrset" in r.path]) == 3  # and a CNAME at each new name? (one read each)


def test_cloudflare_zone_lookups_cost_one_request_per_name_asked(sandbox_env, sandbox, unique):
    """The SDK's pager would ask for a second, empty page after each name that matches."""
    zone = f"{unique}.org"
    Cloudflare().zones.create(account={"id": "sandbox-account"}, name=zone)
    provider = DomainRecordsProvider()
    sandbox.clear_request_logs()
    for sub in ("a", "b"):
        checked = provider.check({}, {"domain": f"{sub}.{zone}", "dns": "cloudflare", "zone": None, "claim": None,
                                      "owner": "p/s", "records": []})
        assert checked.failures == [] and checked.inputs["zone_name"] == zone
    asked = [r.query for r in sandbox.request_log("cloudflare") if not r.path.endswith("/dns_records")]
    assert len(asked) == 3, asked  # a.<zone>: none; <zone>: found; b.<zone>: none (<zone> remembered)


def test_an_unchanged_domain_keeps_its_zone_without_asking_the_dns_api(sandbox_env, sandbox, unique):
    zone = f"{unique}.com"
    new_r53_zone(route53(sandbox_env), zone)
    declared = {"domain": f"mail.{zone}", "dns": "route53", "zone": None, "claim": None, "owner": "p/s",
                "records": [{**SPF, "name": f"mail.{zone}"}]}
    olds = DomainRecordsProvider().check({}, declared).inputs
    sandbox.clear_request_logs()
    again = DomainRecordsProvider().check(olds, {**declared, "records": []})  # a later run: a new provider
    assert again.failures == [] and {k: again.inputs[k] for k in ZONE_FIELDS} == {k: olds[k] for k in ZONE_FIELDS}
    assert sandbox.request_log("route53") == []
    moved = DomainRecordsProvider().check(olds, {**declared, "zone": "Z0000000000NOSUCH"})
    assert [f.property for f in moved.failures] == ["zone"]  # a changed zone setting is looked up afresh
    assert sandbox.request_log("route53")


def test_a_cname_at_the_domain_name_fails_check_before_anything_is_written(sandbox_env, sandbox, unique):
    zone = f"{unique}.com"
    zone_id = new_r53_zone(route53(sandbox_env), zone)
    route53(sandbox_env).change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": [{
        "Action": "CREATE", "ResourceRecordSet": {"Name": f"mail.{zone}.", "Type": "CNAME", "TTL": 300,
                                                  "ResourceRecords": [{"Value": "shop.example.net"}]}}]})
    sandbox.clear_request_logs()
    checked = DomainRecordsProvider().check({}, {"domain": f"mail.{zone}", "dns": "route53", "zone": None,
                                                 "claim": None, "owner": "p/s", "records": []})
    assert [(f.property, f.reason.split(":")[0]) for f in checked.failures] == [
        ("domain", f"mail.{zone} has a CNAME to shop.example.net in zone {zone}")]
    assert "cannot be written there" in checked.failures[0].reason
    assert sum(sandbox.write_calls().values()) == 0

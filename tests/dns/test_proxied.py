"""A tracking CNAME somebody proxied in Cloudflare: seen as not served, diagnosed, written back unproxied."""
from cloudflare import Cloudflare

from mailgun_setup.dns import publish
from mailgun_setup.dns.cloudflare import CloudflareDns
from mailgun_setup.verify.check import check_record

from ..sandbox.helpers import lookup


def test_a_proxied_cname_is_detected_and_repaired(sandbox_env, sandbox, unique):
    client = Cloudflare()
    zone = client.zones.create(account={"id": "sandbox-account"}, name=f"{unique}.org")
    backend = CloudflareDns(client)
    name = f"email.mail.{unique}.org"
    wanted = {(name, "CNAME"): ["mailgun.org"]}
    found = backend.find_zone(name)
    publish.publish(backend, found, wanted)
    (record,) = client.dns.records.list(zone_id=zone.id, name={"exact": name})
    assert record.proxied is False  # never written proxied
    record_shape = {"type": "CNAME", "name": name, "value": "mailgun.org"}
    assert check_record(lookup(sandbox_env), record_shape).ok

    client.dns.records.edit(dns_record_id=record.id, zone_id=zone.id, type="CNAME", name=name,
                            content="mailgun.org", ttl=1, proxied=True)  # somebody turns the orange cloud on
    finding = check_record(lookup(sandbox_env), record_shape)
    assert not finding.ok and "proxied" in finding.detail and finding.found  # addresses, not the CNAME
    assert publish.present(backend, found, wanted) == {(name, "CNAME"): []}  # refresh sees it gone

    sandbox.clear_request_logs()
    publish.publish(backend, found, wanted)
    (repaired,) = client.dns.records.list(zone_id=zone.id, name={"exact": name})
    assert repaired.id == record.id and repaired.proxied is False  # patched in place, not a second CNAME
    assert check_record(lookup(sandbox_env), record_shape).ok
    assert [r.method for r in sandbox.request_log("cloudflare") if r.method != "GET"] == ["POST"]  # one batch

"""The Route 53 backend against moto's server and the sandbox DNS server."""
import pytest

from mailgun_setup.dns import publish
from mailgun_setup.dns.route53 import Route53

from ..sandbox.helpers import lookup, new_r53_zone, route53, upsert

SPF = "v=spf1 include:mailgun.org ~all"


@pytest.fixture
def r53(sandbox_env, unique):
    """A fresh public zone: (boto3 client, backend, zone, a subdomain name inside it)."""
    client = route53(sandbox_env)
    new_r53_zone(client, f"{unique}.com")
    backend = Route53(client)
    name = f"mail.{unique}.com"
    return client, backend, backend.find_zone(name), name


def test_publish_is_one_batch_and_withdraw_leaves_foreign_values(r53, sandbox_env, sandbox):
    client, backend, zone, name = r53
    upsert(client, zone.id, name, "TXT", ["google-site-verification=abc"])
    wanted = {(name, "TXT"): [SPF], (f"mg._domainkey.{name}", "TXT"): ["k=rsa; p=" + "A" * 400],
              (name, "MX"): ["10 mxa.mailgun.org", "10 mxb.mailgun.org"]}
    sandbox.clear_request_logs()
    already = publish.publish(backend, zone, wanted)
    assert already[(name, "TXT")] == []
    # 3 reads, 1 batch, and the 3 sets read back (a writer racing us could have dropped a value)
    assert [r.method for r in sandbox.request_log("route53")] == ["GET", "GET", "GET", "POST", "GET", "GET", "GET"]
    dns = lookup(sandbox_env)
    assert sorted(dns.txt(name).values) == sorted([SPF, "google-site-verification=abc"])
    assert dns.txt(f"mg._domainkey.{name}").values == ("k=rsa; p=" + "A" * 400,)  # split at 255 on the wire
    assert sorted(dns.mx(name).values) == ["10 mxa.mailgun.org", "10 mxb.mailgun.org"]

    sandbox.clear_request_logs()
    assert publish.publish(backend, zone, wanted)[(name, "MX")] == wanted[(name, "MX")]  # idempotent
    assert sandbox.write_calls()["route53"] == 0

    publish.withdraw(backend, zone, wanted)
    assert dns.txt(name).values == ("google-site-verification=abc",)
    assert dns.mx(name).status == "nxdomain" or dns.mx(name).status == "nodata"
    assert dns.txt(f"mg._domainkey.{name}").status == "nxdomain"


def test_spf_merges_into_a_foreign_spf_and_comes_back_out(r53, sandbox_env):
    client, backend, zone, name = r53
    foreign = "v=spf1 include:_spf.google.com -all"
    upsert(client, zone.id, name, "TXT", [foreign])
    publish.publish(backend, zone, {(name, "TXT"): [SPF]})
    assert lookup(sandbox_env).txt(name).values == ("v=spf1 include:_spf.google.com include:mailgun.org -all",)
    assert publish.present(backend, zone, {(name, "TXT"): [SPF]})[(name, "TXT")] == [SPF]
    publish.withdraw(backend, zone, {(name, "TXT"): [SPF]})
    assert lookup(sandbox_env).txt(name).values == (foreign,)


def test_a_bare_foreign_spf_comes_back_even_when_the_merge_equals_ours(r53, sandbox_env):
    client, backend, zone, name = r53
    upsert(client, zone.id, name, "TXT", ["v=spf1 ~all"])
    keep = publish.publish(backend, zone, {(name, "TXT"): [SPF]})
    assert lookup(sandbox_env).txt(name).values == (SPF,)  # one SPF record, now exactly Mailgun's
    publish.withdraw(backend, zone, {(name, "TXT"): [SPF]}, keep=keep)
    assert lookup(sandbox_env).txt(name).values == ("v=spf1 ~all",)


def test_values_there_before_us_are_kept_on_withdraw(r53, sandbox_env):
    client, backend, zone, name = r53
    upsert(client, zone.id, name, "MX", ["10 MXA.mailgun.org."])
    wanted = {(name, "MX"): ["10 mxa.mailgun.org", "10 mxb.mailgun.org"]}
    already = publish.publish(backend, zone, wanted)
    assert already[(name, "MX")] == ["10 mxa.mailgun.org"]  # compared case- and dot-insensitively
    publish.withdraw(backend, zone, wanted, keep=already)
    assert lookup(sandbox_env).mx(name).values == ("10 mxa.mailgun.org",)


def test_zone_carries_its_nameservers(sandbox_env, unique):
    client = route53(sandbox_env)
    new_r53_zone(client, f"{unique}.com")
    assert Route53(client).find_zone(f"a.b.{unique}.com").nameservers


def test_sync_moves_from_old_to_new_values_in_one_batch(r53, sandbox_env, sandbox):
    client, backend, zone, name = r53
    upsert(client, zone.id, name, "TXT", ["v=spf1 a -all"])
    old = {(name, "TXT"): [SPF], (f"mg._domainkey.{name}", "TXT"): ["k=rsa; p=OLD"]}
    new = {(name, "TXT"): ["v=spf1 include:eu.mailgun.org ~all"], (f"mg._domainkey.{name}", "TXT"): ["k=rsa; p=NEW"]}
    publish.publish(backend, zone, old)
    assert lookup(sandbox_env).txt(name).values == ("v=spf1 a include:mailgun.org -all",)
    sandbox.clear_request_logs()
    publish.sync(backend, zone, old, new)
    assert sandbox.write_calls()["route53"] == 1
    assert lookup(sandbox_env).txt(name).values == ("v=spf1 a include:eu.mailgun.org -all",)
    assert lookup(sandbox_env).txt(f"mg._domainkey.{name}").values == ("k=rsa; p=NEW",)


def test_the_longest_public_zone_wins_and_private_zones_are_ignored(sandbox_env, unique):
    client = route53(sandbox_env)
    new_r53_zone(client, f"{unique}.com")
    deeper = new_r53_zone(client, f"mail.{unique}.com")
    client.create_hosted_zone(Name=f"eu.mail.{unique}.com", CallerReference=f"{unique}-private",
                              HostedZoneConfig={"PrivateZone": True},
                              VPC={"VPCRegion": "us-east-1", "VPCId": "vpc-12345678"})
    found = Route53(client).find_zone(f"eu.mail.{unique}.com")
    assert (found.id, found.name) == (deeper, f"mail.{unique}.com")
    assert found.nameservers  # verification asks these, not a resolver


def test_two_public_zones_of_one_name_are_ambiguous(sandbox_env, unique):
    from mailgun_setup.errors import AmbiguousZoneError

    client = route53(sandbox_env)
    first, second = new_r53_zone(client, f"{unique}.com"), new_r53_zone(client, f"{unique}.com")
    with pytest.raises(AmbiguousZoneError, match=f"2 public Route 53 zones are named {unique}.com") as failure:
        Route53(client).find_zone(f"mail.{unique}.com")
    assert first in str(failure.value) and second in str(failure.value) and "zone: <id>" in str(failure.value)
    picked = Route53(client).zone_by_id(f"/hostedzone/{second}")
    assert (picked.id, picked.name) == (second, f"{unique}.com") and picked.nameservers


def test_a_zone_id_of_a_private_or_missing_zone_is_refused(sandbox_env, unique):
    from mailgun_setup.errors import ZoneNotFoundError

    client = route53(sandbox_env)
    private = client.create_hosted_zone(Name=f"{unique}.com", CallerReference=unique,
                                        HostedZoneConfig={"PrivateZone": True},
                                        VPC={"VPCRegion": "us-east-1", "VPCId": "vpc-12345678"})["HostedZone"]["Id"]
    with pytest.raises(ZoneNotFoundError, match="is private; Mailgun needs the records in public DNS"):
        Route53(client).zone_by_id(private)
    with pytest.raises(ZoneNotFoundError, match="no longer exists"):
        Route53(client).zone_by_id("Z0000000000NONE")


def test_a_batch_applied_but_whose_answer_was_lost_is_taken_as_done(r53, sandbox_env, sandbox):
    """botocore retries the batch; on a delete the retry meets InvalidChangeBatch (the record set
    is gone): the zone already holds the result, so the change succeeds."""
    _client, backend, zone, name = r53
    wanted = {(name, "TXT"): [SPF], (name, "MX"): ["10 mxa.mailgun.org"]}
    publish.publish(backend, zone, wanted)
    rule = sandbox.control("route53").add_fault(path=r"/rrset/?$", method="POST", drop_answer=True, count=1)
    sandbox.clear_request_logs()
    publish.withdraw(backend, zone, wanted)
    assert rule.count == 0  # the first batch was applied and its answer lost
    assert [r.status for r in sandbox.request_log("route53") if r.method == "POST"][-1] == 400  # retry refused
    assert lookup(sandbox_env).txt(name).status in ("nxdomain", "nodata")
    assert lookup(sandbox_env).mx(name).status in ("nxdomain", "nodata")

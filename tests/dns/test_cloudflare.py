"""The Cloudflare backend against the sandbox's Cloudflare emulator and DNS server."""
import pytest
from cloudflare import Cloudflare

from mailgun_setup.dns import publish
from mailgun_setup.dns.cloudflare import OWNER_COMMENT, CloudflareDns
from mailgun_setup.dns.types import Zone
from mailgun_setup.errors import CloudflareApiError, RecordConflictError, ZoneNotFoundError
from mailgun_sandbox.mailgun.models import generate_dkim_public_key

from ..sandbox.helpers import lookup


@pytest.fixture
def setup(sandbox_env, unique):
    client = Cloudflare()
    zone = client.zones.create(account={"id": "sandbox-account"}, name=f"{unique}.org")
    return client, CloudflareDns(client), zone


def test_finds_the_longest_matching_zone(setup, unique):
    client, backend, zone = setup
    deeper = client.zones.create(account={"id": "sandbox-account"}, name=f"eu.{unique}.org")
    assert backend.find_zone(f"mail.eu.{unique}.org").id == deeper.id
    assert backend.find_zone(f"mail.{unique}.org").id == zone.id
    with pytest.raises(ZoneNotFoundError):
        backend.find_zone(f"mail.{unique}.net")
    by_id = backend.zone_by_id(deeper.id)
    assert (by_id.id, by_id.name) == (deeper.id, f"eu.{unique}.org") and by_id.nameservers
    with pytest.raises(ZoneNotFoundError):
        backend.zone_by_id("0" * 32)


def _scoped(sandbox, sandbox_env, token, zones):
    sandbox.cloudflare.add_scoped_token(token, zones)
    return CloudflareDns(Cloudflare(api_token=token, base_url=sandbox_env["CLOUDFLARE_BASE_URL"], max_retries=0))


def test_a_token_without_permission_on_the_zone_is_named_as_the_problem(setup, sandbox, sandbox_env, unique):
    _client, _backend, zone = setup
    other = _scoped(sandbox, sandbox_env, f"scoped-{unique}", {"elsewhere.org"})
    with pytest.raises(CloudflareApiError, match="API token was rejected or lacks permission") as info:
        other.zone_by_id(zone.id)
    assert info.value.status == 403 and "does not exist" not in str(info.value)
    with pytest.raises(CloudflareApiError, match="rejected or lacks permission"):
        other.read(Zone(zone.id, zone.name), f"mail.{unique}.org", "TXT")
    with pytest.raises(ZoneNotFoundError, match="or the API token may not see it"):
        other.find_zone(f"mail.{unique}.org")  # Cloudflare lists only the zones a token may see


def test_a_rejected_or_malformed_token_is_named_as_the_problem(setup, sandbox_env, unique):
    for token, status in (("not-a-known-token", 403), ("has spaces in it", 400)):
        bad = CloudflareDns(Cloudflare(api_token=token, base_url=sandbox_env["CLOUDFLARE_BASE_URL"], max_retries=0))
        with pytest.raises(CloudflareApiError, match="token was rejected or lacks permission") as info:
            bad.find_zone(f"mail.{unique}.org")
        assert info.value.status == status and token not in str(info.value)


def test_txt_goes_out_quoted_and_reads_back_quoted_or_not(setup, sandbox_env, unique):
    client, backend, zone = setup
    name = f"mail.{unique}.org"
    client.dns.records.create(zone_id=zone.id, type="TXT", name=name, content="plain-foreign-value", ttl=1)
    dkim = "k=rsa; p=" + generate_dkim_public_key(2048)
    found = backend.find_zone(name)
    publish.publish(backend, found, {(name, "TXT"): ["v=spf1 include:mailgun.org ~all"],
                                     (f"krs._domainkey.{name}", "TXT"): [dkim]})
    raw = {r.content for r in client.dns.records.list(zone_id=zone.id, comment={"exact": OWNER_COMMENT})}
    assert '"v=spf1 include:mailgun.org ~all"' in raw
    assert f'"{dkim[:255]}" "{dkim[255:]}"' in raw  # character strings of at most 255
    assert sorted(backend.read(found, name, "TXT").values) == ["plain-foreign-value", "v=spf1 include:mailgun.org ~all"]
    assert lookup(sandbox_env).txt(f"krs._domainkey.{name}").values == (dkim,)


def test_publishes_beside_foreign_values_in_one_batch_and_removes_only_ours(setup, sandbox_env, sandbox, unique):
    client, backend, zone = setup
    name = f"mail.{unique}.org"
    client.dns.records.create(zone_id=zone.id, type="TXT", name=name, content="google-site-verification=abc", ttl=1)
    found = backend.find_zone(name)
    dkim = "k=rsa; p=" + generate_dkim_public_key(2048)
    wanted = {(name, "TXT"): ["v=spf1 include:mailgun.org ~all"], (f"krs._domainkey.{name}", "TXT"): [dkim],
              (name, "MX"): ["10 mxa.mailgun.org", "10 mxb.mailgun.org"]}
    sandbox.clear_request_logs()
    publish.publish(backend, found, wanted)
    assert sandbox.write_calls()["cloudflare"] == 1  # one batch for the whole subdomain
    assert sorted(lookup(sandbox_env).txt(name).values) == ["google-site-verification=abc",
                                                             "v=spf1 include:mailgun.org ~all"]
    assert lookup(sandbox_env).txt(f"krs._domainkey.{name}").values == (dkim,)
    ours = list(client.dns.records.list(zone_id=zone.id, comment={"exact": OWNER_COMMENT}))
    assert len(ours) == 4 and not any(r.proxied for r in ours)

    sandbox.clear_request_logs()
    publish.publish(backend, found, wanted)  # idempotent
    assert sandbox.write_calls()["cloudflare"] == 0

    publish.withdraw(backend, found, {**wanted, (name, "TXT"): ["v=spf1 include:mailgun.org ~all",
                                                                "google-site-verification=abc"]})
    assert lookup(sandbox_env).txt(name).values == ("google-site-verification=abc",)  # not ours: no comment
    assert lookup(sandbox_env).mx(name).status == "nodata"


def test_spf_merges_into_a_foreign_record_and_comes_back_out(setup, sandbox_env, unique):
    client, backend, zone = setup
    name = f"mail.{unique}.org"
    foreign = client.dns.records.create(zone_id=zone.id, type="TXT", name=name, content="v=spf1 mx ~all", ttl=1)
    found = backend.find_zone(name)
    wanted = {(name, "TXT"): ["v=spf1 include:mailgun.org ~all"]}
    publish.publish(backend, found, wanted)
    assert lookup(sandbox_env).txt(name).values == ("v=spf1 mx include:mailgun.org ~all",)
    publish.withdraw(backend, found, wanted)
    assert lookup(sandbox_env).txt(name).values == ("v=spf1 mx ~all",)
    assert client.dns.records.get(zone_id=zone.id, dns_record_id=foreign.id).content == "v=spf1 mx ~all"


def test_cname_conflict_is_a_clear_error(setup, unique):
    client, backend, zone = setup
    name = f"email.mail.{unique}.org"
    client.dns.records.create(zone_id=zone.id, type="A", name=name, content="192.0.2.1", ttl=1)
    with pytest.raises(RecordConflictError, match="CNAME cannot share its name"):
        publish.publish(backend, backend.find_zone(name), {(name, "CNAME"): ["mailgun.org"]})


def test_names_outside_the_zone_are_refused_before_any_write(setup, sandbox, unique):
    _, backend, _ = setup
    found = backend.find_zone(f"mail.{unique}.org")
    sandbox.clear_request_logs()
    with pytest.raises(RecordConflictError, match="not inside the Cloudflare zone"):
        publish.publish(backend, found, {("mail.other.net", "TXT"): ["x"]})
    assert sandbox.write_calls()["cloudflare"] == 0


def test_read_gives_every_value_at_the_name(setup, unique):
    client, backend, zone = setup
    name = f"mail.{unique}.org"
    client.dns.records.create(zone_id=zone.id, type="TXT", name=name, content='"quoted" "parts"', ttl=1)
    found = backend.find_zone(name)
    publish.publish(backend, found, {(name, "TXT"): ["ours"]})
    assert sorted(backend.read(found, name, "TXT").values) == ["ours", "quotedparts"]
    assert backend.read(found, f"nothing.{unique}.org", "TXT") is None


def test_a_batch_applied_but_whose_answer_was_lost_is_taken_as_done(setup, sandbox_env, sandbox, unique):
    """The SDK retries the batch; the retry meets 'identical record' (adds) or 'record does not
    exist' (deletes): the zone already holds the result, so the change succeeds."""
    _client, backend, _zone = setup
    name = f"mail.{unique}.org"
    found = backend.find_zone(name)
    wanted = {(name, "TXT"): ["v=spf1 include:mailgun.org ~all"], (name, "MX"): ["10 mxa.mailgun.org"]}
    for step in (lambda: publish.publish(backend, found, wanted), lambda: publish.withdraw(backend, found, wanted)):
        rule = sandbox.control("cloudflare").add_fault(path=r"/dns_records/batch$", method="POST", drop_answer=True,
                                                       count=1)
        sandbox.clear_request_logs()
        step()
        assert rule.count == 0  # the first batch was applied and its answer lost
        assert [r.status for r in sandbox.request_log("cloudflare") if r.method == "POST"][-1] >= 400  # retry refused
    assert lookup(sandbox_env).txt(name).status in ("nxdomain", "nodata")
    assert lookup(sandbox_env).mx(name).status in ("nxdomain", "nodata")

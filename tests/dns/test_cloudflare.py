"""The Cloudflare backend against the sandbox's Cloudflare emulator and DNS server."""
import pytest
from cloudflare import Cloudflare

from mailgun_setup.dns import publish
from mailgun_setup.dns.cloudflare import OWNER_COMMENT, CloudflareDns
from mailgun_setup.errors import RecordConflictError, ZoneNotFoundError
from mailgun_setup.sandbox.mailgun.models import generate_dkim_public_key

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


def test_a_zone_id_the_token_cannot_read_is_not_found(setup, sandbox):
    _client, backend, zone = setup
    sandbox.control("cloudflare").add_fault(path=f"/zones/{zone.id}$", method="GET", status=403)
    with pytest.raises(ZoneNotFoundError, match="does not exist or the API token cannot read it"):
        backend.zone_by_id(zone.id)


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

"""The Cloudflare emulator through the official `cloudflare` SDK (v5)."""
import json

import cloudflare
import pytest
from cloudflare import Cloudflare

from .helpers import lookup


@pytest.fixture
def cf(sandbox_env):
    return Cloudflare(api_token=sandbox_env["CLOUDFLARE_API_TOKEN"], base_url=sandbox_env["CLOUDFLARE_BASE_URL"],
                      max_retries=2)


@pytest.fixture
def zone(cf, unique):
    return cf.zones.create(account={"id": "sandbox-account"}, name=f"{unique}.org")


def _codes(exc):
    return [e["code"] for e in exc.body["errors"]] if isinstance(exc.body, dict) else exc.body


def test_zone_lookup_by_name(cf, zone, unique):
    found = list(cf.zones.list(name=f"{unique}.org"))
    assert [z.id for z in found] == [zone.id]
    assert found[0].name_servers


def test_list_paginates_over_several_pages(cf, zone, sandbox, unique):
    for i in range(23):
        cf.dns.records.create(zone_id=zone.id, type="TXT", name=f"r{i}.{unique}.org", content=f"value-{i}", ttl=1)
    sandbox.clear_request_logs()
    records = list(cf.dns.records.list(zone_id=zone.id, per_page=10))
    assert sorted(r.content for r in records) == sorted(f"value-{i}" for i in range(23))
    pages = [r.query for r in sandbox.request_log("cloudflare") if r.method == "GET"]
    assert len(pages) == 4  # 10 + 10 + 3, then the empty page that ends the iteration


def test_name_exact_and_type_filters(cf, zone, unique):
    cf.dns.records.create(zone_id=zone.id, type="TXT", name=f"mail.{unique}.org", content="v=spf1 -all", ttl=1)
    cf.dns.records.create(zone_id=zone.id, type="MX", name=f"mail.{unique}.org", content="mxa.mailgun.org", ttl=1,
                          priority=10)
    cf.dns.records.create(zone_id=zone.id, type="TXT", name=f"x.mail.{unique}.org", content="other", ttl=1)
    txt = list(cf.dns.records.list(zone_id=zone.id, name={"exact": f"mail.{unique}.org"}, type="TXT"))
    assert [r.content for r in txt] == ["v=spf1 -all"]
    mx = list(cf.dns.records.list(zone_id=zone.id, name={"exact": f"mail.{unique}.org"}, type="MX"))
    assert [(r.content, r.priority) for r in mx] == [("mxa.mailgun.org", 10)]


def test_create_update_edit_delete(cf, zone, sandbox_env, unique):
    name = f"mail.{unique}.org"
    record = cf.dns.records.create(zone_id=zone.id, type="TXT", name=name, content="first",
                                   comment="managed-by:mailgun-setup", proxied=False, ttl=1)
    assert record.comment == "managed-by:mailgun-setup" and record.proxied is False
    assert lookup(sandbox_env).txt(name).values == ("first",)
    cf.dns.records.update(dns_record_id=record.id, zone_id=zone.id, type="TXT", name=name, content="second", ttl=300)
    assert lookup(sandbox_env).txt(name).values == ("second",)
    edited = cf.dns.records.edit(dns_record_id=record.id, zone_id=zone.id, type="TXT", name=name, ttl=1,
                                 content="third")
    assert edited.content == "third" and edited.name == name
    cf.dns.records.delete(dns_record_id=record.id, zone_id=zone.id)
    assert lookup(sandbox_env).txt(name).status == "nxdomain"


def test_relative_name_gets_the_zone_appended(cf, zone, unique):
    # What a user gets when pasting the full name where a prefix was expected, in reverse.
    record = cf.dns.records.create(zone_id=zone.id, type="TXT", name=f"mail.{unique}.org.example", content="x", ttl=1)
    assert record.name == f"mail.{unique}.org.example.{unique}.org"


def test_batch_is_all_or_nothing(cf, zone, unique):
    keep = cf.dns.records.create(zone_id=zone.id, type="TXT", name=f"a.{unique}.org", content="keep", ttl=1)
    gone = cf.dns.records.create(zone_id=zone.id, type="TXT", name=f"b.{unique}.org", content="gone", ttl=1)
    result = cf.dns.records.batch(zone_id=zone.id, deletes=[{"id": gone.id}],
                                  posts=[{"type": "TXT", "name": f"c.{unique}.org", "content": "new", "ttl": 1}],
                                  patches=[{"id": keep.id, "content": "kept"}])
    assert [r.id for r in result.deletes] == [gone.id] and result.posts[0].content == "new"
    before = sorted(r.content for r in cf.dns.records.list(zone_id=zone.id))
    with pytest.raises(cloudflare.BadRequestError) as info:
        cf.dns.records.batch(zone_id=zone.id, deletes=[{"id": keep.id}],
                             posts=[{"type": "TXT", "name": f"c.{unique}.org", "content": "new", "ttl": 1}])
    assert 81058 in _codes(info.value)
    assert sorted(r.content for r in cf.dns.records.list(zone_id=zone.id)) == before == ["kept", "new"]


def test_error_codes_for_duplicates_and_cname_conflicts(cf, zone, unique):
    name = f"email.mail.{unique}.org"
    cf.dns.records.create(zone_id=zone.id, type="CNAME", name=name, content="mailgun.org", proxied=False, ttl=1)
    with pytest.raises(cloudflare.BadRequestError) as dup:
        cf.dns.records.create(zone_id=zone.id, type="CNAME", name=name, content="mailgun.org", ttl=1)
    assert _codes(dup.value) == [81058]  # an identical record already exists
    with pytest.raises(cloudflare.BadRequestError) as beside_cname:
        cf.dns.records.create(zone_id=zone.id, type="TXT", name=name, content="x", ttl=1)
    assert _codes(beside_cname.value) == [81054]
    cf.dns.records.create(zone_id=zone.id, type="TXT", name=f"t.{unique}.org", content="x", ttl=1)
    with pytest.raises(cloudflare.BadRequestError) as cname_over:
        cf.dns.records.create(zone_id=zone.id, type="CNAME", name=f"t.{unique}.org", content="mailgun.org", ttl=1)
    assert _codes(cname_over.value) == [81053]
    with pytest.raises(cloudflare.BadRequestError) as proxied_txt:
        cf.dns.records.create(zone_id=zone.id, type="TXT", name=f"p.{unique}.org", content="x", proxied=True, ttl=1)
    assert "cannot be proxied" in str(proxied_txt.value)


def test_bad_token_and_unknown_ids(sandbox_env, cf):
    bad = Cloudflare(api_token="wrong", base_url=sandbox_env["CLOUDFLARE_BASE_URL"], max_retries=0)
    with pytest.raises(cloudflare.PermissionDeniedError) as auth:  # 403, as Cloudflare answers a bad token
        list(bad.zones.list())
    assert _codes(auth.value) == [10000]
    malformed = Cloudflare(api_token="two words", base_url=sandbox_env["CLOUDFLARE_BASE_URL"], max_retries=0)
    with pytest.raises(cloudflare.BadRequestError) as header:
        list(malformed.zones.list())
    assert _codes(header.value) == [6003]
    with pytest.raises(cloudflare.NotFoundError):
        cf.dns.records.get(dns_record_id="nope", zone_id="nozone")


def test_sdk_retries_injected_429_and_5xx(cf, zone, sandbox, unique):
    sandbox.clear_request_logs()
    sandbox.control("cloudflare").add_fault(path="/dns_records$", method="POST", status=429, retry_after=0,
                                            count=1)
    sandbox.control("cloudflare").add_fault(path="/dns_records$", method="POST", status=502, count=1)
    record = cf.dns.records.create(zone_id=zone.id, type="TXT", name=f"r.{unique}.org", content="through", ttl=1)
    assert record.content == "through"
    assert [r.status for r in sandbox.request_log("cloudflare") if r.method == "POST"] == [429, 502, 200]


def test_identical_txt_is_recognised_quoted_or_not(cf, zone, unique):
    cf.dns.records.create(zone_id=zone.id, type="TXT", name=f"q.{unique}.org", content="same", ttl=1)
    with pytest.raises(cloudflare.BadRequestError) as dup:
        cf.dns.records.create(zone_id=zone.id, type="TXT", name=f"q.{unique}.org", content='"same"', ttl=1)
    assert _codes(dup.value) == [81058]


def test_results_validate_strictly_against_the_sdk_types(cf, zone, sandbox_env, unique):
    """Every zone, record and batch answer, as raw JSON, through the SDK's pydantic models in strict mode."""
    import requests
    from cloudflare.types.dns import RecordBatchResponse, record_response
    from cloudflare.types.zones import Zone

    base, headers = sandbox_env["CLOUDFLARE_BASE_URL"], {"Authorization": f"Bearer {sandbox_env['CLOUDFLARE_API_TOKEN']}"}
    models = {"TXT": record_response.TXTRecord, "MX": record_response.MXRecord, "CNAME": record_response.CNAMERecord}

    def result(method, path, **kwargs):
        answer = requests.request(method, base + path, headers=headers, **kwargs)
        assert answer.status_code == 200, answer.text
        return answer.json()["result"]

    def strictly(model, data):  # as JSON: strict mode still reads ISO 8601 strings as datetimes there
        model.model_validate_json(json.dumps(data), strict=True)

    strictly(Zone, result("GET", f"/zones/{zone.id}"))
    for listed in result("GET", "/zones", params={"name": f"{unique}.org"}):
        strictly(Zone, listed)
    posts = [{"type": "TXT", "name": f"mail.{unique}.org", "content": '"v=spf1 include:mailgun.org ~all"', "ttl": 1},
             {"type": "MX", "name": f"mail.{unique}.org", "content": "mxa.mailgun.org", "priority": 10, "ttl": 1},
             {"type": "CNAME", "name": f"email.mail.{unique}.org", "content": "mailgun.org", "ttl": 1, "proxied": False}]
    batch = result("POST", f"/zones/{zone.id}/dns_records/batch", json={"posts": posts})
    strictly(RecordBatchResponse, batch)
    for record in batch["posts"] + result("GET", f"/zones/{zone.id}/dns_records"):
        strictly(models[record["type"]], record)
    single = result("POST", f"/zones/{zone.id}/dns_records", json={"type": "TXT", "name": f"x.{unique}.org",
                                                                   "content": '"x"', "ttl": 1})
    strictly(models["TXT"], single)

"""Route 53 (moto server) through boto3, as the product's code will use it."""
import pytest
from botocore.exceptions import ClientError

from .helpers import lookup, new_r53_zone, route53, upsert


def test_zone_and_record_sets_round_trip(sandbox_env, unique):
    client = route53(sandbox_env)
    zone_id = new_r53_zone(client, f"{unique}.com")
    upsert(client, zone_id, f"mail.{unique}.com", "MX", ["10 mxa.mailgun.org", "10 mxb.mailgun.org"])
    sets = client.list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]
    by_type = {(s["Name"], s["Type"]): s for s in sets}
    assert {r["Value"] for r in by_type[(f"mail.{unique}.com.", "MX")]["ResourceRecords"]} == {
        "10 mxa.mailgun.org", "10 mxb.mailgun.org"}
    assert (f"{unique}.com.", "SOA") in by_type and (f"{unique}.com.", "NS") in by_type
    assert sorted(lookup(sandbox_env).mx(f"mail.{unique}.com").values) == ["10 mxa.mailgun.org",
                                                                            "10 mxb.mailgun.org"]


def test_written_records_are_served_at_once_and_deleted_at_once(sandbox_env, unique):
    client = route53(sandbox_env)
    zone_id = new_r53_zone(client, f"{unique}.com")
    name = f"_verify.{unique}.com"
    upsert(client, zone_id, name, "TXT", ["one", "two"])
    assert sorted(lookup(sandbox_env).txt(name).values) == ["one", "two"]
    client.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": [{
        "Action": "DELETE", "ResourceRecordSet": {"Name": name, "Type": "TXT", "TTL": 300,
                                                  "ResourceRecords": [{"Value": '"one"'}, {"Value": '"two"'}]}}]})
    assert lookup(sandbox_env).txt(name).status == "nxdomain"


def test_throttling_is_retried_by_botocore_standard_mode(sandbox_env, sandbox, unique):
    client = route53(sandbox_env, attempts=5)
    zone_id = new_r53_zone(client, f"{unique}.com")
    sandbox.clear_request_logs()
    sandbox.control("route53").add_fault(path="/rrset", status=400, code="Throttling", count=2)
    upsert(client, zone_id, f"x.{unique}.com", "TXT", ["after-throttling"])
    calls = [r.status for r in sandbox.request_log("route53") if r.path.endswith("/rrset/")]
    assert calls == [400, 400, 200]
    assert lookup(sandbox_env).txt(f"x.{unique}.com").values == ("after-throttling",)


def test_unknown_zone_is_a_client_error(sandbox_env):
    with pytest.raises(ClientError) as info:
        route53(sandbox_env).list_resource_record_sets(HostedZoneId="ZNOSUCHZONE")
    assert info.value.response["Error"]["Code"] == "NoSuchHostedZone"


def test_a_delete_must_repeat_the_record_set_as_it_stands_or_nothing_of_the_batch_applies(sandbox_env, unique):
    """Route 53's answers (InvalidChangeBatch) for a record set that is gone or differs."""
    client = route53(sandbox_env, attempts=1)
    zone_id = new_r53_zone(client, f"{unique}.com")
    name = f"mail.{unique}.com"
    upsert(client, zone_id, name, "TXT", ["one"])

    def batch(*changes):
        client.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": list(changes)})

    def delete(values, ttl=300, at=name):
        return {"Action": "DELETE", "ResourceRecordSet": {"Name": at, "Type": "TXT", "TTL": ttl,
                                                          "ResourceRecords": [{"Value": v} for v in values]}}
    create = {"Action": "CREATE", "ResourceRecordSet": {"Name": f"new.{name}", "Type": "TXT", "TTL": 300,
                                                        "ResourceRecords": [{"Value": '"x"'}]}}
    for wrong, says in ((delete(['"two"']), "but the values provided do not match the current values"),
                        (delete(['"one"'], ttl=60), "but the values provided do not match the current values"),
                        (delete(['"one"'], at=f"gone.{name}"), "but it was not found")):
        with pytest.raises(ClientError) as refused:
            batch(create, wrong)
        error = refused.value.response["Error"]
        assert error["Code"] == "InvalidChangeBatch" and says in error["Message"]
        assert "Tried to delete resource record set [name=" in error["Message"]
        assert lookup(sandbox_env).txt(f"new.{name}").status == "nxdomain"  # the whole batch was refused
    batch(delete(['"one"']))
    assert lookup(sandbox_env).txt(name).status == "nxdomain"


@pytest.mark.parametrize("value, refusal", [
    ('"' + "k" * 256 + '"', "CharacterStringTooLong (Value is too long)"),  # a 2048-bit key not split
    ("v=spf1 include:mailgun.org ~all", "InvalidCharacterString (Value should be enclosed in quotation marks)"),
])
def test_txt_values_route53_refuses_are_refused_and_nothing_is_applied(sandbox_env, unique, value, refusal):
    client = route53(sandbox_env)
    zone_id = new_r53_zone(client, f"{unique}.com")
    good = {"Action": "UPSERT", "ResourceRecordSet": {"Name": f"ok.{unique}.com", "Type": "TXT", "TTL": 300,
                                                      "ResourceRecords": [{"Value": '"fine"'}]}}
    bad = {"Action": "UPSERT", "ResourceRecordSet": {"Name": f"bad.{unique}.com", "Type": "TXT", "TTL": 300,
                                                     "ResourceRecords": [{"Value": value}]}}
    with pytest.raises(ClientError) as refused:
        client.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": [good, bad]})
    assert refused.value.response["Error"]["Code"] == "InvalidChangeBatch"
    assert f"Invalid Resource Record: FATAL problem: {refusal} encountered with" in str(refused.value)
    assert lookup(sandbox_env).txt(f"ok.{unique}.com").status == "nxdomain"  # the whole batch refused
    split = '"' + "k" * 255 + '" "' + "k" + '"'  # as the product writes a long key: strings of at most 255
    upsert_value = {"Action": "UPSERT", "ResourceRecordSet": {"Name": f"bad.{unique}.com", "Type": "TXT", "TTL": 300,
                                                              "ResourceRecords": [{"Value": split}]}}
    client.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": [upsert_value]})
    assert lookup(sandbox_env).txt(f"bad.{unique}.com").values == ("k" * 256,)

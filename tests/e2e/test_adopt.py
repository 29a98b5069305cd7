"""An existing Mailgun domain is taken over by declaring it (`mailgun-setup import` is in test_import.py)."""
import pytest

from .harness import add_foreign, hand_made_domain, mailgun, make_project, served, zone_records

pytestmark = pytest.mark.engine


def test_an_existing_domain_and_its_hand_typed_records_are_adopted(tmp_path, sandbox_env, unique):
    domain, zone_id, body = hand_made_domain(sandbox_env, unique)
    dkim = next(r for r in body["sending_dns_records"] if "._domainkey." in r["name"])
    add_foreign("route53", zone_id, dkim["name"], "TXT", [dkim["value"]])  # typed in by hand, long ago
    before = zone_records("route53", zone_id)

    project = make_project(tmp_path, sandbox_env)
    project.init("adopt", {"dns": "route53", "domains": [{"name": domain, "retentionDays": 3}]})
    project.up("adopt")
    summary = project.outputs("adopt")["domains"][domain]
    assert summary["adopted"] is True and summary["senderStatus"] == "Verified"
    assert next(r for r in summary["senderRecords"] if r["purpose"] == "DKIM")["value"] == dkim["value"]
    assert mailgun("us").get_domain(domain)["domain"]["message_ttl"] == 3 * 86400  # config wins
    project.pulumi("preview", "--expect-no-changes", "--stack", "adopt")

    project.pulumi("destroy", "--yes", "--stack", "adopt")
    assert mailgun("us").get_domain(domain) is None
    assert zone_records("route53", zone_id) == before  # the hand-typed DKIM was there before us: kept
    assert served(dkim["name"], "TXT") == (dkim["value"],)


def test_a_domain_in_the_other_region_is_a_clear_error(tmp_path, sandbox_env, unique):
    domain, _zone_id, _body = hand_made_domain(sandbox_env, unique, region="eu")
    project = make_project(tmp_path, sandbox_env)
    project.init("wrong", {"dns": "route53", "domains": [{"name": domain, "region": "us"}]})
    up = project.pulumi("up", "--yes", "--stack", "wrong", check=False)
    assert up.returncode != 0
    assert "already exists in Mailgun's EU region" in up.stdout and "region of a domain is fixed" in up.stdout
    mailgun("eu").delete_domain(domain)

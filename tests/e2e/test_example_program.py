"""programs/example: mailgun-setup used from code, through the real engine against the sandbox.

The zone is created by the same program, so its id is unknown at the first preview; two
domains (US with receiving, EU), a secret password from config, a generated one, a route.
"""
import json
import os
import re
import shutil
import subprocess
import sys

import dns.rdatatype
import dns.zone
import pytest

from tests.engine import PulumiCli, offline_env

from ..conftest import REPO
from ..sandbox.helpers import route53, upsert
from .harness import mailgun, served

pytestmark = pytest.mark.engine

PASSWORD = "support-pass-from-config"


@pytest.fixture
def example(tmp_path, sandbox_env):
    root = tmp_path / "example"
    shutil.copytree(REPO / "programs" / "example", root, ignore=shutil.ignore_patterns("__pycache__"))
    env = offline_env(tmp_path / "state", tmp_path / "home", base={**os.environ, **sandbox_env})
    return PulumiCli(root, env)


def _hosted_zone_ids(name: str) -> list[str]:
    import boto3
    zones = boto3.client("route53").list_hosted_zones()["HostedZones"]
    return [z["Id"].split("/")[-1] for z in zones if z["Name"].rstrip(".") == name]


def test_example_program_preview_up_noop_destroy(example, sandbox, unique):
    zone = f"{unique}-example.com"
    example.run("stack", "init", "dev")
    example.run("config", "set", "exampleZone", zone)
    example.run("config", "set", "--secret", "supportPassword", PASSWORD)

    sandbox.clear_request_logs()
    preview = example.run("preview", "--diff")
    assert sum(sandbox.write_calls().values()) == 0
    for line in (f"TXT mg2048._domainkey.mail.{zone}", f"MX mail.{zone} mxa", f"TXT notify.{zone}"):  # 2048 bits
        assert line in preview.stdout, line  # record lines named at preview, zone id still unknown

    example.run("up", "--yes")
    outputs = json.loads(example.run("stack", "output", "--json").stdout)
    assert outputs["status"] == {"mail": ["Verified", "Verified"], "notify": "Verified"}
    assert outputs["smtp"] == {"mail": "smtp.mailgun.org", "notify": "smtp.eu.mailgun.org"}
    assert outputs["alertsPassword"] == "[secret]"
    (zone_id,) = _hosted_zone_ids(zone)
    assert outputs["zoneId"] == zone_id
    assert {c["login"] for c in mailgun("us").list_credentials(f"mail.{zone}")} == {
        f"support@mail.{zone}", f"alerts@mail.{zone}"}
    assert [c["login"] for c in mailgun("eu").list_credentials(f"notify.{zone}")] == [f"noreply@notify.{zone}"]
    (route,) = [r for r in mailgun("us").list_routes() if f"mail.{zone}" in r["expression"]]
    assert route["actions"] == ['forward("https://helpdesk.example/messages/")', "stop()"]
    dkim = mailgun("us").get_domain(f"mail.{zone}")["sending_dns_records"]
    assert any(served(r["name"], "TXT") == (r["value"],) for r in dkim if "._domainkey." in r["name"])
    assert mailgun("eu").get_domain(f"notify.{zone}")["domain"]["message_ttl"] == 86400
    assert served(f"email.notify.{zone}", "CNAME") == ("eu.mailgun.org",)  # EU tracking host
    assert outputs["tracking"] == f"email.notify.{zone}" and mailgun("eu").get_domain(outputs["tracking"])
    assert outputs["dmarc"] == "served"
    assert served(f"_dmarc.notify.{zone}", "TXT") == (f"v=DMARC1; p=quarantine; rua=mailto:dmarc@{zone}",)
    state = example.run("stack", "export").stdout
    assert PASSWORD not in state and sandbox.env()["MAILGUN_API_KEY"] not in state

    sandbox.clear_request_logs()
    example.run("preview", "--expect-no-changes")
    assert sum(sandbox.write_calls().values()) == 0

    _empty_zone_then_destroy(example, zone_id)
    assert mailgun("us").get_domain(f"mail.{zone}") is None and mailgun("eu").get_domain(f"notify.{zone}") is None
    assert mailgun("eu").get_domain(f"email.notify.{zone}") is None  # the defensive domain too
    assert not [r for r in mailgun("us").list_routes() if f"mail.{zone}" in r["expression"]]
    assert _hosted_zone_ids(zone) == []


def _publish_as_admin(sheet: str, zone: str, zone_id: str) -> int:
    """Type every BIND block of the sheet into Route 53, the way a DNS administrator would."""
    count = 0
    for block in re.findall(r"```dns\n(.*?)```", sheet, re.S):
        parsed = dns.zone.from_text(block, origin=zone, relativize=False, check_origin=False)
        for name, rdataset in parsed.iterate_rdatasets():
            rtype = dns.rdatatype.to_text(rdataset.rdtype)
            values = [b"".join(r.strings).decode() for r in rdataset] if rtype == "TXT" else [r.to_text() for r in rdataset]
            upsert(route53(os.environ), zone_id, name.to_text(), rtype, values)
            count += len(values)
    return count


def test_example_program_manual_mode_handoff(example, sandbox, unique):
    """The CLI serves a program written in code: `handoff` finds the domains in the stack's state
    (the example exports no `domains`), the administrator publishes the sheet, the next `up` verifies."""
    zone = f"{unique}-manual.com"
    example.run("stack", "init", "m")
    example.run("config", "set", "exampleZone", zone)
    example.run("config", "set", "exampleDns", "manual")
    example.run("config", "set", "--secret", "supportPassword", PASSWORD)

    sandbox.clear_request_logs()
    up = example.run("up", "--yes")
    assert "mailgun-setup handoff --stack m" in up.stdout
    assert mailgun("us").list_credentials(f"mail.{zone}") == []  # senders wait for Verified records

    handoff = subprocess.run([sys.executable, "-m", "mailgun_setup.cli", "handoff", "--stack", "m"], cwd=example.cwd,
                             env=example.env, capture_output=True, text=True, timeout=300)
    assert handoff.returncode == 0, handoff.stderr
    sheet = handoff.stdout
    assert f"## mail.{zone}" in sheet and f"## notify.{zone}" in sheet
    for domain, region in ((f"mail.{zone}", "us"), (f"notify.{zone}", "eu")):
        for record in mailgun(region).get_domain(domain)["sending_dns_records"]:
            if record["record_type"] == "TXT":  # DKIM and SPF (the tracking CNAME only where tracking is on)
                assert record["name"] in sheet and record["value"][:40] in sheet, record
    assert f"_dmarc.notify.{zone}" in sheet and "mxa.mailgun.org" in sheet and f"email.notify.{zone}" in sheet
    (zone_id,) = _hosted_zone_ids(zone)
    assert _publish_as_admin(sheet, zone, zone_id) >= 10

    example.run("up", "--yes")
    outputs = json.loads(example.run("stack", "output", "--json").stdout)
    assert outputs["status"] == {"mail": ["Verified", "Verified"], "notify": "Verified"}
    assert {c["login"] for c in mailgun("us").list_credentials(f"mail.{zone}")} == {
        f"support@mail.{zone}", f"alerts@mail.{zone}"}
    _empty_zone_then_destroy(example, zone_id)
    assert mailgun("us").get_domain(f"mail.{zone}") is None and mailgun("eu").get_domain(f"notify.{zone}") is None


def _empty_zone_then_destroy(example, zone_id: str) -> None:
    """The administrator takes the records back, so the program can delete its zone; then destroy."""
    client = route53(os.environ)
    published = [r for r in client.list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]
                 if r["Type"] not in ("SOA", "NS")]
    client.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={
        "Changes": [{"Action": "DELETE", "ResourceRecordSet": r} for r in published]})
    example.run("destroy", "--yes")

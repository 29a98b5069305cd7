"""Manual mode: nothing written to DNS, a sheet for the DNS administrator, verification on the next up."""
import re

import dns.rdatatype
import dns.zone
import pytest

from ..sandbox.helpers import route53, upsert
from .harness import mailgun, make_project, new_zone, served

pytestmark = pytest.mark.engine


def _publish_sheet_as_admin(sheet: str, zone: str, zone_id: str, env: dict) -> int:
    """Type the sheet's BIND lines into Route 53, the way a DNS administrator would."""
    (block,) = re.findall(r"```dns\n(.*?)```", sheet, re.S)
    parsed = dns.zone.from_text(block, origin=zone, relativize=False, check_origin=False)
    count = 0
    for name, rdataset in parsed.iterate_rdatasets():
        rtype = dns.rdatatype.to_text(rdataset.rdtype)
        values = [r.to_text() for r in rdataset]
        values = [b"".join(r.strings).decode() for r in rdataset] if rtype == "TXT" else values
        upsert(route53(env), zone_id, name.to_text(), rtype, values)
        count += len(values)
    return count


def test_manual_mode_end_to_end(tmp_path, sandbox_env, sandbox, unique):
    zone = f"{unique}.com"
    domain = f"mail.{zone}"
    zone_id = new_zone(sandbox_env, "route53", zone)
    project = make_project(tmp_path, sandbox_env)
    project.init("manual", {"dns": "manual", "verifyTimeout": 30, "domains": [{
        "name": domain, "receiving": True, "dkimKeyLength": 2048,
        "senders": [{"username": f"support@{domain}"}],
        "routes": [{"recipient": f"support@{domain}", "action": ['store(notify="https://bot.example/mail")',
                                                                 "stop()"]}]}]})
    sandbox.clear_request_logs()
    up = project.up("manual")
    writes = sandbox.write_calls()
    assert writes["route53"] == 0 and writes["cloudflare"] == 0  # nothing written to any zone
    assert "senders are added once they are Verified" in up.stdout and "handoff --stack manual" in up.stdout
    summary = project.outputs("manual")["domains"][domain]
    assert summary["dnsProvider"] == "manual"
    assert summary["senderStatus"] == "Unverified" and summary["receiverStatus"] == "Unverified"
    assert mailgun("us").list_credentials(domain) == []  # senders not attempted

    handoff = project.handoff("manual")
    assert handoff.returncode == 0, handoff.stderr
    sheet = handoff.stdout
    dkim = next(r for r in summary["senderRecords"] if r["purpose"] == "DKIM")
    assert f"`{dkim['name'].removesuffix('.' + zone)}`" in sheet and dkim["name"] in sheet
    assert _publish_sheet_as_admin(sheet, zone, zone_id, sandbox_env) == 5  # DKIM, SPF, 2 MX, ownership claim
    assert served(dkim["name"], "TXT") == (dkim["value"],)

    project.up("manual")
    summary = project.outputs("manual")["domains"][domain]
    assert (summary["senderStatus"], summary["receiverStatus"]) == ("Verified", "Verified")
    assert [c["login"] for c in mailgun("us").list_credentials(domain)] == [f"support@{domain}"]
    (route,) = [r for r in mailgun("us").list_routes() if domain in r["expression"]]
    assert route["actions"] == ['store(notify="https://bot.example/mail")', "stop()"]
    project.pulumi("preview", "--expect-no-changes", "--stack", "manual")

    project.pulumi("destroy", "--yes", "--stack", "manual")
    assert mailgun("us").get_domain(domain) is None

"""dns=mg.CustomDns(writer): the program's own DNS resources write the records, verified in the same `up`.

The writer is a small dynamic resource of the test's own writing one value of a Route 53 record set
through boto3 (standing in for aws.route53.Record or any provider's record resource).
"""
import os
import shutil

import pytest

from tests.engine import PulumiCli, offline_env

from .harness import add_foreign, mailgun, new_zone, served, zone_records

pytestmark = pytest.mark.engine
PROGRAM = os.path.join(os.path.dirname(__file__), "programs", "custom_dns")
RECORDS = ("dkim-mg", "spf-mail", "tracking-email", "mx-mail", "dmarc-dmarc", "ownership-mailgun-setup")


@pytest.fixture
def custom(tmp_path, sandbox_env, unique):
    zone = f"{unique}.com"
    zone_id = new_zone(sandbox_env, "route53", zone)
    root = tmp_path / "custom"
    shutil.copytree(PROGRAM, root, ignore=shutil.ignore_patterns("__pycache__"))
    cli = PulumiCli(root, offline_env(tmp_path / "state", tmp_path / "home", base={**os.environ, **sandbox_env}))
    cli.run("stack", "init", "dev")
    cli.run("config", "set", "zone", zone)
    cli.run("config", "set", "zoneId", zone_id)
    cli.run("config", "set", "--secret", "supportPassword", "support-pass-1")
    return cli, zone, zone_id


def test_a_program_supplied_writer_publishes_and_one_up_verifies(custom, sandbox):
    cli, zone, zone_id = custom
    name = f"mail.{zone}"
    add_foreign("route53", zone_id, f"www.{zone}", "CNAME", ["web.example.net"])  # the zone's own, untouched
    before = zone_records("route53", zone_id)
    sandbox.clear_request_logs()
    preview = cli.run("preview")
    for record in RECORDS:
        assert f"mail-{record}" in preview.stdout, record  # the writer's resources, beside the record lines
    for line in (f"TXT mg._domainkey.{name}", f"MX {name} mxa", f"CNAME email.{name}", f"TXT _dmarc.{name}"):
        assert line in preview.stdout, line
    assert sum(sandbox.write_calls().values()) == 0

    cli.run("up", "--yes", "--skip-preview")
    assert cli.run("stack", "output", "status", "--json").stdout.split() == ["[", '"Verified",', '"Verified"', "]"]
    assert cli.run("stack", "output", "provider").stdout.strip() == "custom"
    assert [c["login"] for c in mailgun("us").list_credentials(name)] == [f"support@{name}"]
    assert any(f"support@{name}" in r["expression"] for r in mailgun("us").list_routes())
    assert served(name, "MX") == ("10 mxa.mailgun.org", "10 mxb.mailgun.org")
    assert any(v.startswith("mailgun-setup owner=custom-dns/dev") for v in served(f"_mailgun-setup.{name}", "TXT"))
    assert cli.run("preview", "--expect-no-changes", check=False).returncode == 0

    # a value deleted out of band: refresh finds the writer's resource gone, up writes it again
    from ..sandbox.helpers import route53
    client = route53(os.environ)
    client.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": [{
        "Action": "UPSERT", "ResourceRecordSet": {"Name": f"{name}.", "Type": "MX", "TTL": 300,
                                                  "ResourceRecords": [{"Value": "10 mxa.mailgun.org."}]}}]})
    refresh = cli.run("refresh", "--yes", "--skip-preview")
    assert "mail-mx-mail" in refresh.stdout and "updated" in refresh.stdout
    cli.run("up", "--yes", "--skip-preview")
    assert served(name, "MX") == ("10 mxa.mailgun.org", "10 mxb.mailgun.org")
    assert cli.run("preview", "--expect-no-changes", check=False).returncode == 0

    cli.run("destroy", "--yes", "--skip-preview")
    assert zone_records("route53", zone_id) == before  # only what the writer made is gone
    assert mailgun("us").get_domain(name) is None

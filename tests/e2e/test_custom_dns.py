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


def test_a_dkim_rotation_through_the_programs_writer(custom, sandbox):
    """1024 → 2048 bits with CustomDns: the writer publishes the new selector's record as a new resource, the
    sender verification swaps the keys, and the old record's resource goes only at the end of the `up`."""
    cli, zone, zone_id = custom
    name = f"mail.{zone}"
    cli.run("up", "--yes", "--skip-preview")
    domain_id = mailgun("us").get_domain(name)["domain"]["id"]
    cli.run("config", "set", "dkimKeyLength", "2048")
    preview = cli.run("preview")
    said = preview.stdout + preview.stderr
    assert "DKIM key rotation mg (1024) → mg2048 (2048): in place" in said
    assert "mail-dkim-mg2048" in said and f"TXT mg2048._domainkey.{name}" in said and "replace" not in said
    cli.run("up", "--yes", "--skip-preview")
    assert mailgun("us").get_domain(name)["domain"]["id"] == domain_id
    keys = mailgun("us").request("GET", f"/v4/domains/{name}/keys")["items"]
    assert [(k["selector"], k["dns_record"]["is_active"]) for k in keys] == [("mg2048", True)]
    assert served(f"mg._domainkey.{name}", "TXT") == () and served(f"mg2048._domainkey.{name}", "TXT")
    from mailgun_sandbox.mailgun.domain_keys import key_store
    assert key_store(sandbox.mailgun).most_active[name] == 1
    assert cli.run("stack", "output", "status", "--json").stdout.split() == ["[", '"Verified",', '"Verified"', "]"]
    assert cli.run("preview", "--expect-no-changes", check=False).returncode == 0
    cli.run("destroy", "--yes", "--skip-preview")

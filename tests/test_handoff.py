"""The DNS hand-off sheet: host names relative to the zone, Markdown table and BIND lines."""
import base64
import json
import os
import re
import subprocess
import sys

import pytest

from mailgun_setup.dns.txt import unquote_txt
from mailgun_setup.handoff import CSV_COLUMNS, HOST_FIELD, host_label, render_csv, render_sheet, zone_for

from .conftest import REPO
from .e2e.harness import make_project, new_zone
from .sandbox.helpers import route53, upsert

CLI = [sys.executable, "-m", "mailgun_setup.cli"]
DKIM_VALUE = "k=rsa; p=" + base64.b64encode(os.urandom(294)).decode()  # a 2048-bit key: ~400 characters


def _domain(name="mail.company.com", provider="manual", zone=None, receivers=True):
    return {
        "dnsProvider": provider, "zone": zone, "region": "us",
        "senderStatus": "Unverified", "receiverStatus": "Unverified", "smtpHost": "smtp.mailgun.org",
        "senderRecords": [
            {"purpose": "DKIM", "type": "TXT", "name": f"mg._domainkey.{name}", "value": DKIM_VALUE},
            {"purpose": "SPF", "type": "TXT", "name": name, "value": "v=spf1 include:mailgun.org ~all"},
            {"purpose": "tracking", "type": "CNAME", "name": f"email.{name}", "value": "mailgun.org"},
        ],
        "receiverRecords": [
            {"purpose": "MX", "type": "MX", "name": name, "value": "mxa.mailgun.org", "priority": 10},
            {"purpose": "MX", "type": "MX", "name": name, "value": "mxb.mailgun.org", "priority": 20},
        ] if receivers else [],
        "ownershipRecord": {"purpose": "ownership", "type": "TXT", "name": f"_mailgun-setup.{name}",
                            "value": "mailgun-setup owner=mailgun-setup/uat"},
        "senders": [f"support@{name}"], "nextSteps": "Add the DNS records, then run pulumi up again.",
    }


def _bind_lines(sheet):
    return [line for block in re.findall(r"```dns\n(.*?)```", sheet, re.S) for line in block.splitlines()]


def _table_rows(sheet):
    """The record rows (the host-field table of the provider families comes before the domains)."""
    records = sheet[sheet.index("\n## ", sheet.index("## Which name goes into the host field") + 1):]
    return [line for line in records.splitlines()
            if line.startswith("| ") and not line.startswith(("| Purpose", "| ---"))]


def test_host_label_is_relative_to_the_zone():
    assert host_label("mg._domainkey.mail.company.com", "company.com") == "mg._domainkey.mail"
    assert host_label("email.mail.company.com.", "company.com.") == "email.mail"
    assert host_label("Mail.Company.com", "company.com") == "mail"


def test_host_label_of_the_apex_is_at():
    assert host_label("company.com", "company.com") == "@"


def test_host_label_outside_the_zone_is_an_error():
    with pytest.raises(ValueError, match="not in the zone"):
        host_label("mail.othercompany.com", "company.com")
    with pytest.raises(ValueError):
        host_label("notcompany.com", "company.com")  # a suffix of the text, not of the labels


def test_zone_for_uses_the_given_zone_or_the_public_suffix_list():
    assert zone_for("mail.company.co.uk", None) == "company.co.uk"
    assert zone_for("mail.company.com", None) == "company.com"
    assert zone_for("mail.eu.company.com", "eu.company.com") == "eu.company.com"


def test_each_record_appears_once_in_the_table_and_once_as_a_zone_file_line():
    sheet = render_sheet({"mail.company.com": _domain()}, "uat")
    rows, bind = _table_rows(sheet), _bind_lines(sheet)
    assert len(rows) == len(bind) == 6
    for full_name, host in [("mg._domainkey.mail.company.com", "mg._domainkey.mail"),
                            ("email.mail.company.com", "email.mail"),
                            ("_mailgun-setup.mail.company.com", "_mailgun-setup.mail")]:
        assert sum(f"| `{host}` | `{full_name}` |" in row for row in rows) == 1
        assert sum(line.startswith(f"{full_name}. ") for line in bind) == 1
    assert sum(f"`{DKIM_VALUE}`" in row for row in rows) == 1  # the table shows TXT values whole, unquoted
    assert any(re.fullmatch(r"email\.mail\.company\.com\. +300 IN CNAME mailgun\.org\.", line) for line in bind)
    assert any(line.endswith('300 IN TXT "v=spf1 include:mailgun.org ~all"') for line in bind)
    assert "mail.company.com.company.com" in sheet  # the warning against entering both
    assert "then run `pulumi up` again for this stack" in sheet
    assert "stack `uat`" in sheet.splitlines()[0]


def test_long_dkim_value_is_split_into_strings_of_at_most_255():
    sheet = render_sheet({"mail.company.com": _domain()}, "uat")
    [line] = [line for line in _bind_lines(sheet) if line.startswith("mg._domainkey.")]
    data = line.split(" IN TXT ", 1)[1]
    strings = re.findall(r'"([^"]*)"', data)
    assert len(DKIM_VALUE) > 255 and len(strings) == 2
    assert all(len(s) <= 255 for s in strings)
    assert "".join(strings) == unquote_txt(data) == DKIM_VALUE


def test_mx_priority_in_table_and_zone_file():
    sheet = render_sheet({"mail.company.com": _domain()}, "uat")
    mx_rows = [row for row in _table_rows(sheet) if "| MX |" in row]
    assert [row.split(" | ")[5] for row in mx_rows] == ["10", "20"]
    assert all(row.split(" | ")[5] == "" or "| MX |" in row for row in _table_rows(sheet))
    assert any(re.fullmatch(r"mail\.company\.com\. +300 IN MX 10 mxa\.mailgun\.org\.", line)
               for line in _bind_lines(sheet))
    assert "checked only after the sender records are verified" in sheet


def test_apex_domain_uses_at_and_no_receivers_means_no_mx():
    sheet = render_sheet({"company.com": _domain("company.com", receivers=False)}, "uat")
    assert "| SPF | TXT | `@` | `company.com` |" in sheet
    assert "| MX |" not in sheet and " IN MX " not in sheet  # not bare "MX": the random DKIM key may hold it


def test_domains_sorted_and_automatic_providers_marked():
    domains = {"news.company.com": _domain("news.company.com", "route53", "company.com"),
               "alerts.company.com": _domain("alerts.company.com")}
    sheet = render_sheet(domains, "prod")
    assert sheet.index("## alerts.company.com") < sheet.index("## news.company.com")
    news = sheet[sheet.index("## news.company.com"):]
    assert "written automatically by Route 53" in news
    assert "written automatically" not in sheet[:sheet.index("## news.company.com")]


def test_pipes_in_values_are_escaped():
    domain = _domain(receivers=False)
    domain["ownershipRecord"]["value"] = "owner=a|b"
    sheet = render_sheet({"mail.company.com": domain}, "uat")
    assert "`owner=a\\|b`" in sheet


def test_cli_writes_the_sheet_from_json(tmp_path):
    source, output = tmp_path / "domains.json", tmp_path / "sheet.md"
    source.write_text(json.dumps({"mail.company.com": _domain()}))
    result = subprocess.run([*CLI, "handoff", "--stack", "uat", "--from-json", str(source), "--output",
                             str(output)], capture_output=True, text=True, timeout=60, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert output.read_text() == render_sheet({"mail.company.com": _domain()}, "uat")


def test_cli_reads_stdin_and_prints_the_sheet():
    result = subprocess.run([*CLI, "handoff", "--stack", "uat", "--from-json", "-"], capture_output=True,
                            text=True, timeout=60, cwd=REPO, input=json.dumps({"mail.company.com": _domain()}))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# ") and "## mail.company.com" in result.stdout


def test_cli_without_domains_is_a_clear_error(tmp_path):
    source = tmp_path / "domains.json"
    source.write_text("{}")
    result = subprocess.run([*CLI, "handoff", "--stack", "uat", "--from-json", str(source)], capture_output=True,
                            text=True, timeout=60, cwd=REPO)
    assert result.returncode == 2
    assert "stack uat has no domains" in result.stderr and result.stdout == ""


def _csv_rows(text):
    import csv
    import io
    return list(csv.DictReader(io.StringIO(text)))


def test_sheet_says_per_provider_family_whether_the_host_field_wants_prefix_or_full_name():
    sheet = render_sheet({"mail.company.com": _domain()}, "uat")
    section = sheet[sheet.index("## Which name goes into the host field"):sheet.index("## mail.company.com")]
    assert "| GoDaddy | only the prefix | Host |" in section
    assert "| AWS Route 53 console | only the prefix | Host |" in section
    assert "| BIND zone file import (Route 53, Cloudflare, Azure) | the full name | Full name |" in section
    assert section.count("| ") - section.count("| ---") >= len(HOST_FIELD)


def test_csv_has_one_row_per_record_with_prefix_full_name_and_whole_values():
    rows = _csv_rows(render_csv({"mail.company.com": _domain(), "company.com": _domain("company.com", receivers=False)},
                                "uat"))
    assert list(rows[0]) == CSV_COLUMNS
    assert [r["domain"] for r in rows] == ["company.com"] * 4 + ["mail.company.com"] * 6
    dkim = next(r for r in rows if r["full_name"] == "mg._domainkey.mail.company.com")
    assert (dkim["prefix"], dkim["zone"], dkim["type"], dkim["value"], dkim["ttl"]) == \
        ("mg._domainkey.mail", "company.com", "TXT", DKIM_VALUE, "300")  # one cell, no 255-split, no quotes
    assert [r["priority"] for r in rows if r["type"] == "MX"] == ["10", "20"]
    assert next(r for r in rows if r["purpose"] == "SPF" and r["domain"] == "company.com")["prefix"] == "@"


def test_csv_host_column_follows_the_chosen_provider_family():
    domains = {"mail.company.com": _domain()}
    godaddy = _csv_rows(render_csv(domains, "uat", "godaddy"))
    api = _csv_rows(render_csv(domains, "uat", "api"))
    zone_file = _csv_rows(render_csv(domains, "uat", "zone-file"))
    assert [r["host"] for r in godaddy if r["type"] == "CNAME"] == ["email.mail"]
    assert [r["host"] for r in api if r["type"] == "CNAME"] == ["email.mail.company.com"]
    assert [r["host"] for r in zone_file if r["type"] == "CNAME"] == ["email.mail.company.com."]
    assert "host" not in _csv_rows(render_csv(domains, "uat"))[0]
    with pytest.raises(ValueError, match="unknown DNS provider family 'bind9'"):
        render_csv(domains, "uat", "bind9")


def test_csv_escapes_commas_and_quotes_in_values():
    domain = _domain(receivers=False)
    domain["ownershipRecord"]["value"] = 'owner=a,b "quoted"'
    [row] = [r for r in _csv_rows(render_csv({"mail.company.com": domain}, "uat")) if r["purpose"] == "ownership"]
    assert row["value"] == 'owner=a,b "quoted"'


def test_cli_writes_csv_for_a_family(tmp_path):
    source, output = tmp_path / "domains.json", tmp_path / "sheet.csv"
    source.write_text(json.dumps({"mail.company.com": _domain()}))
    result = subprocess.run([*CLI, "handoff", "--stack", "uat", "--from-json", str(source), "--format", "csv",
                             "--family", "namecheap", "--output", str(output)],
                            capture_output=True, text=True, timeout=60, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert output.read_bytes().decode() == render_csv({"mail.company.com": _domain()}, "uat", "namecheap")
    wrong = subprocess.run([*CLI, "handoff", "--stack", "uat", "--from-json", str(source), "--family", "godaddy"],
                           capture_output=True, text=True, timeout=60, cwd=REPO)
    assert wrong.returncode == 2 and "--family: only with --format csv" in wrong.stderr


@pytest.mark.engine
def test_csv_sheet_imported_by_the_dns_administrator_verifies_the_domain(tmp_path, sandbox_env, unique):
    """Manual mode end to end: the CSV rows, as imported into Route 53 by full name, are what Mailgun checks."""
    zone = f"{unique}.com"
    domain = f"mail.{zone}"
    zone_id = new_zone(sandbox_env, "route53", zone)
    project = make_project(tmp_path, sandbox_env)
    project.init("manual", {"dns": "manual", "verifyTimeout": 30, "domains": [{
        "name": domain, "receiving": True, "dkimKeyLength": 2048, "senders": [{"username": f"support@{domain}"}]}]})
    project.up("manual")
    sheet = project.mailgun_setup("handoff", "--stack", "manual", "--format", "csv", "--family", "api")
    assert sheet.returncode == 0, sheet.stderr
    rows = _csv_rows(sheet.stdout)
    assert {r["purpose"] for r in rows} == {"DKIM", "SPF", "MX", "ownership"} and len(rows) == 5
    by_name = {}
    for row in rows:
        value = f"{row['priority']} {row['value']}" if row["type"] == "MX" else row["value"]
        by_name.setdefault((row["host"], row["type"]), []).append(value)
    for (name, rtype), values in by_name.items():
        upsert(route53(sandbox_env), zone_id, name, rtype, values)
    godaddy = _csv_rows(project.mailgun_setup("handoff", "--stack", "manual", "--format", "csv",
                                              "--family", "godaddy").stdout)
    assert sorted(r["host"] for r in godaddy) == sorted(["mg2048._domainkey.mail", "mail", "mail", "mail",
                                                         "_mailgun-setup.mail"])
    project.up("manual")
    summary = project.outputs("manual")["domains"][domain]
    assert (summary["senderStatus"], summary["receiverStatus"]) == ("Verified", "Verified")

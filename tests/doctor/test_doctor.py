"""``mailgun-setup doctor``: each broken case the field knows, built in the sandbox, diagnosed in one line."""
import os
import subprocess
import sys

import pytest
from cloudflare import Cloudflare

from mailgun_setup import records as shapes
from mailgun_setup.mailgun.client import MailgunClient
from mailgun_sandbox.dns_server import Route53Source, SandboxDnsServer, ServedZone
from mailgun_sandbox.runner import free_port
from mailgun_sandbox.seed import create_zone

from ..conftest import REPO
from .conftest import r53, upsert

CLI = [sys.executable, "-m", "mailgun_setup.cli", "doctor"]
GOOD_DMARC = "v=DMARC1; p=quarantine; rua=mailto:dmarc@{zone}"


def doctor(env, *args):
    result = subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=120, cwd=REPO, env=env)
    assert result.returncode in (0, 1), result.stderr
    return result


def line_for(output, start):
    """The one finding line that starts with ``start`` (after its ok/FAIL mark)."""
    [line] = [ln for ln in output.splitlines() if ln[5:].startswith(start)]
    return line


class Domain:
    """A Mailgun domain in a Route 53 zone with every record published as Mailgun asks."""

    def __init__(self, unique, region="us", apex=False, publish=True, dmarc=GOOD_DMARC, bits=1024):
        self.zone = f"{unique}.com"
        self.name = self.zone if apex else f"mail.{self.zone}"
        self.zone_id = create_zone(os.environ, "route53", self.zone)
        body = MailgunClient(os.environ["MAILGUN_API_KEY"], region).create_domain(self.name, bits, 86400,
                                                                                  dkim_selector="mg")
        self.sender, self.receiver = shapes.from_mailgun(body, tracking=True)
        self.dkim = next(r for r in self.sender if r["purpose"] == "DKIM")
        self.spf = next(r for r in self.sender if r["purpose"] == "SPF")
        if publish:
            for record in self.sender:
                self.put(record["name"], record["type"], [record["value"]])
            self.put(self.name, "MX", [f"{r['priority']} {r['value']}" for r in self.receiver])
        if dmarc:
            self.put(f"_dmarc.{self.zone}", "TXT", [dmarc.format(zone=self.zone)])

    def put(self, name, rtype, values):
        upsert(r53(), self.zone_id, name, rtype, values)

    def drop(self, name, rtype):
        client = r53()
        [rrset] = [r for r in client.list_resource_record_sets(HostedZoneId=self.zone_id)["ResourceRecordSets"]
                   if r["Name"].rstrip(".") == name and r["Type"] == rtype]
        client.change_resource_record_sets(HostedZoneId=self.zone_id, ChangeBatch={"Changes": [
            {"Action": "DELETE", "ResourceRecordSet": rrset}]})


def test_a_healthy_domain_passes_every_check_and_exits_0(env, unique):
    domain = Domain(unique)
    result = doctor(env, domain.name)
    assert result.returncode == 0, result.stdout
    assert "FAIL" not in result.stdout and result.stdout.rstrip().endswith("all checks passed")
    assert f"ok   DKIM TXT mg._domainkey.{domain.name}: served" in result.stdout
    assert f"ok   SPF {domain.name}: valid, 2 of 10 DNS lookups" in result.stdout  # mailgun.org + _spf
    assert f"ok   DMARC {domain.name}: _dmarc.{domain.zone}: p=quarantine" in result.stdout


def test_missing_record_names_host_and_value(env, unique):
    domain = Domain(unique)
    domain.drop(domain.dkim["name"], "TXT")
    result = doctor(env, domain.name)
    assert result.returncode == 1
    line = line_for(result.stdout, f"DKIM TXT mg._domainkey.{domain.name}")
    assert line.startswith("FAIL") and "missing at the authoritative servers" in line
    assert f"fix: add TXT host `mg._domainkey.mail` (full name mg._domainkey.{domain.name})" in line
    assert result.stdout.rstrip().endswith("1 problem found")


def test_wrong_value_says_expected_and_found(env, unique):
    domain = Domain(unique)
    domain.put(domain.dkim["name"], "TXT", ["k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDoldkey"])
    line = line_for(doctor(env, domain.name).stdout, f"DKIM TXT mg._domainkey.{domain.name}")
    assert f"wrong value: expected 'k=rsa; p=MIGfMA0GCSqGSIb3DQEBA…{domain.dkim['value'][-29:]}'" in line
    assert "found 'k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDoldkey'" in line
    assert "fix: replace the value at host `mg._domainkey.mail`" in line


def test_zone_name_appended_twice(env, unique):
    domain = Domain(unique)
    domain.drop(domain.dkim["name"], "TXT")
    domain.put(f"{domain.dkim['name']}.{domain.zone}", "TXT", [domain.dkim["value"]])
    line = line_for(doctor(env, domain.name).stdout, f"DKIM TXT mg._domainkey.{domain.name}")
    assert f"published at mg._domainkey.{domain.name}.{domain.zone} instead: the zone name was appended twice" in line
    assert f"fix: rename it to host `mg._domainkey.mail` (the DNS provider appends {domain.zone} itself)" in line


def test_txt_entered_with_quotes(env, unique):
    domain = Domain(unique)
    key = domain.dkim["value"]
    domain.put(domain.dkim["name"], "TXT", [f'"{key[:100]}" "{key[100:]}"'])  # zone-file text pasted into a form
    line = line_for(doctor(env, domain.name).stdout, f"DKIM TXT mg._domainkey.{domain.name}")
    assert "the value was entered with quotes" in line and "without quotes, as one value" in line


def test_txt_split_into_separate_records(env, unique):
    domain = Domain(unique)
    key = domain.dkim["value"]
    domain.put(domain.dkim["name"], "TXT", [key[:120], key[120:]])
    line = line_for(doctor(env, domain.name).stdout, f"DKIM TXT mg._domainkey.{domain.name}")
    assert "split into 2 separate TXT records instead of strings of one record" in line


def test_a_dkim_key_cut_at_255_characters_is_named_as_such(env, unique):
    domain = Domain(unique, bits=2048)
    key = domain.dkim["value"]
    assert len(key) > 255
    domain.put(domain.dkim["name"], "TXT", [key[:255]])  # only the first string of a split value published
    line = line_for(doctor(env, domain.name).stdout, f"DKIM TXT mg._domainkey.{domain.name}")
    assert line.startswith("FAIL") and "cut after its first 255 characters" in line


def test_an_spf_include_after_all_is_judged_as_receivers_do(env, unique):
    domain = Domain(unique)
    domain.put(domain.name, "TXT", ["v=spf1 ~all include:mailgun.org"])  # the include is never evaluated
    output = doctor(env, domain.name).stdout
    policy = line_for(output, f"SPF {domain.name}")
    assert policy.startswith("FAIL") and "include:mailgun.org stands after ~all" in policy and "RFC 7208 §5.1" in policy
    assert "'v=spf1 include:mailgun.org ~all'" in policy
    record = line_for(output, f"SPF TXT {domain.name}")
    assert record.startswith("FAIL") and "stands after 'all'" in record


def test_several_spf_records_at_one_name(env, unique):
    domain = Domain(unique)
    domain.put(domain.name, "TXT", [domain.spf["value"], "v=spf1 include:_spf.google.com ~all"])
    line = line_for(doctor(env, domain.name).stdout, f"SPF {domain.name}")
    assert line.startswith("FAIL") and "2 SPF records at one name" in line and "merge them into one" in line


def test_spf_over_ten_lookups(env, unique):
    domain = Domain(unique)
    for i in range(10):
        domain.put(f"s{i}.{domain.zone}", "TXT", [f"v=spf1 ip4:10.0.0.{i} ~all"])
    includes = " ".join(f"include:s{i}.{domain.zone}" for i in range(10))
    domain.put(domain.name, "TXT", [f"v=spf1 {includes} include:mailgun.org ~all"])
    result = doctor(env, domain.name)
    assert line_for(result.stdout, f"SPF TXT {domain.name}").startswith("ok")  # Mailgun's include is there
    line = line_for(result.stdout, f"SPF {domain.name}:")
    assert line.startswith("FAIL") and "needs more than 10 DNS lookups" in line and "11/10" in line


def test_cname_in_the_way(env, unique):
    domain = Domain(unique)
    domain.drop(domain.dkim["name"], "TXT")
    domain.put(domain.dkim["name"], "CNAME", ["dkim.example.net"])
    line = line_for(doctor(env, domain.name).stdout, f"DKIM TXT mg._domainkey.{domain.name}")
    assert "a CNAME (dkim.example.net) is in the way" in line and f"remove the CNAME at mg._domainkey.{domain.name}" \
        in line


def test_cloudflare_proxied_tracking_cname(env, unique):
    zone = f"{unique}.org"
    zone_id = create_zone(os.environ, "cloudflare", zone)
    name = f"mail.{zone}"
    body = MailgunClient(os.environ["MAILGUN_API_KEY"], "us").create_domain(name, 1024, 86400, dkim_selector="mg")
    sender, _ = shapes.from_mailgun(body, tracking=True)
    cloudflare = Cloudflare()
    for record in sender:
        cloudflare.dns.records.create(zone_id=zone_id, type=record["type"], name=record["name"], ttl=1,
                                      content=record["value"], proxied=record["type"] == "CNAME")
    line = line_for(doctor(env, name).stdout, f"tracking CNAME email.{name}")
    assert line.startswith("FAIL") and "answers A records (104.16.132.229, 104.16.133.229) instead of a CNAME" in line
    assert "proxied by Cloudflare" in line and "'DNS only'" in line


def test_not_yet_propagated_when_the_resolver_still_has_the_old_answer(env, unique, monkeypatch):
    domain = Domain(unique)
    domain.drop(domain.dkim["name"], "TXT")
    snapshot = [ServedZone(z.name, z.source, list(z.records)) for z in Route53Source().zones()
                if z.name == domain.zone]
    stale = SandboxDnsServer([type("Frozen", (), {"zones": lambda self: snapshot})()], "127.0.0.1", free_port())
    stale.start()
    try:
        domain.put(domain.dkim["name"], "TXT", [domain.dkim["value"]])  # now at the zone, not at the "resolver"
        result = doctor({**env, "MAILGUN_SETUP_RESOLVER": f"127.0.0.1:{stale.port}"}, domain.name)
    finally:
        stale.stop()
    line = line_for(result.stdout, f"DKIM TXT mg._domainkey.{domain.name}")
    assert "not yet propagated: the authoritative servers serve it, the resolver still answers nxdomain" in line
    assert "nothing to change: wait" in line
    assert line_for(result.stdout, f"SPF TXT {domain.name}").startswith("ok")


def test_domain_in_the_other_region(env, unique):
    domain = Domain(unique, region="eu")
    result = doctor(env, domain.name, "--region", "us")
    line = line_for(result.stdout, "domain")
    assert "is in the EU region, not US" in line and "use --region eu" in line
    assert result.returncode == 1
    assert doctor(env, domain.name, "--region", "eu").returncode == 0


def test_root_domain(env, unique):
    domain = Domain(unique, apex=True)
    line = line_for(doctor(env, domain.name).stdout, "domain")
    assert f"{domain.name} is a root domain" in line and f"use a subdomain such as mail.{domain.name}" in line


@pytest.mark.parametrize("dmarc, expected", [
    (None, "missing: no DMARC record at _dmarc.mail.{zone} or _dmarc.{zone}"),
    ("v=DMARC1; p=none; rua=mailto:dmarc@{zone}", "weak: _dmarc.{zone} says p=none"),
    ("v=DMARC1; p=quarantine; t=y", "weak: _dmarc.{zone} says p=quarantine, t=y (testing mode)"),
])
def test_missing_or_weak_dmarc(env, unique, dmarc, expected):
    domain = Domain(unique, dmarc=dmarc)
    result = doctor(env, domain.name)
    line = line_for(result.stdout, f"DMARC {domain.name}")
    assert line.startswith("FAIL") and expected.format(zone=domain.zone) in line
    assert result.returncode == 1


def test_dangling_records_pointing_at_mailgun(env, unique):
    domain = Domain(unique)
    old = f"old.{domain.zone}"
    domain.put(old, "MX", ["10 mxa.mailgun.org", "10 mxb.mailgun.org"])
    domain.put(f"email.{old}", "CNAME", ["mailgun.org"])
    result = doctor(env, old)
    assert result.returncode == 1
    assert f"{old} is not a domain of this Mailgun account (neither US nor EU)" in line_for(result.stdout, "domain")
    mx = line_for(result.stdout, f"MX {old}")
    assert "dangling: points at Mailgun (10 mxa.mailgun.org, 10 mxb.mailgun.org)" in mx and "receives its mail" in mx
    assert "dangling: points at mailgun.org" in line_for(result.stdout, f"tracking CNAME email.{old}")
    clean = doctor(env, f"never.{domain.zone}")
    assert "dangling" not in clean.stdout


def test_one_mx_of_two_missing_says_add_it_beside_the_other(env, unique):
    domain = Domain(unique)
    domain.put(domain.name, "MX", ["10 mxa.mailgun.org"])
    result = doctor(env, domain.name)
    assert line_for(result.stdout, f"MX {domain.name} mxa.mailgun.org: served").startswith("ok")
    line = line_for(result.stdout, f"MX {domain.name} mxb.mailgun.org")
    assert line == (f"FAIL MX {domain.name} mxb.mailgun.org: missing; the name has only '10 mxa.mailgun.org' "
                    f"-> fix: add MX host `mail` (full name {domain.name}) value '10 mxb.mailgun.org' in zone "
                    f"{domain.zone}")


def test_without_an_api_key_or_with_a_public_suffix_a_clear_error(env):
    no_key = subprocess.run([*CLI, "mail.company.com"], capture_output=True, text=True, timeout=60, cwd=REPO,
                            env={**env, "MAILGUN_API_KEY": ""})
    assert no_key.returncode == 2 and "apiKey: set mailgun-setup:apiKey" in no_key.stderr and no_key.stdout == ""
    suffix = subprocess.run([*CLI, "co.uk"], capture_output=True, text=True, timeout=60, cwd=REPO, env=env)
    assert suffix.returncode == 2 and "domain: 'co.uk' is a public suffix (Public Suffix List)" in suffix.stderr


def test_two_keys_at_one_dkim_selector(env, unique):
    domain = Domain(unique)
    domain.put(domain.dkim["name"], "TXT", [domain.dkim["value"], "k=rsa; p=TAMPERED"])
    line = line_for(doctor(env, domain.name).stdout, f"DKIM TXT mg._domainkey.{domain.name}")
    assert line.startswith("FAIL") and "2 different keys at this selector" in line and "RFC 6376" in line

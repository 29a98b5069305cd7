"""The sandbox's authoritative DNS server, asked by dnspython and by dig (UDP and TCP)."""
import subprocess

import dns.flags
import dns.message
import dns.query
import dns.rcode
import requests

from mailgun_sandbox.mailgun.models import generate_dkim_public_key

from .helpers import lookup, new_r53_zone, route53, upsert


def _ask(env, name, rtype, tcp=False):
    host, port = env["MAILGUN_SETUP_NAMESERVERS"].split(":")
    query = dns.message.make_query(name, rtype)
    send = dns.query.tcp if tcp else dns.query.udp
    return send(query, host, port=int(port), timeout=3)


def _dig(env, *args):
    host, port = env["MAILGUN_SETUP_NAMESERVERS"].split(":")
    return subprocess.run(["dig", f"@{host}", "-p", port, "+norecurse", *args], capture_output=True, text=True,
                          timeout=20, check=True).stdout


def test_2048_bit_dkim_key_comes_back_as_the_same_joined_string(sandbox_env, unique):
    client = route53(sandbox_env)
    zone_id = new_r53_zone(client, f"{unique}.com")
    value = "k=rsa; p=" + generate_dkim_public_key(2048)
    assert len(value) > 255
    upsert(client, zone_id, f"krs._domainkey.mail.{unique}.com", "TXT", [value])
    for tcp in (False, True):
        answer = _ask(sandbox_env, f"krs._domainkey.mail.{unique}.com", "TXT", tcp=tcp)
        strings = answer.answer[0][0].strings
        assert len(strings) == 2 and all(len(s) <= 255 for s in strings)
        assert b"".join(strings).decode() == value
    dig_text = _dig(sandbox_env, "+short", f"krs._domainkey.mail.{unique}.com", "TXT")
    assert "".join(part.strip('"') for part in dig_text.split()) == value.replace(" ", "")


def test_nxdomain_nodata_and_authority(sandbox_env, unique):
    client = route53(sandbox_env)
    zone_id = new_r53_zone(client, f"{unique}.com")
    upsert(client, zone_id, f"mail.{unique}.com", "TXT", ["v=spf1 include:mailgun.org ~all"])
    nodata = _ask(sandbox_env, f"mail.{unique}.com", "MX")
    assert nodata.rcode() == dns.rcode.NOERROR and not nodata.answer
    assert nodata.flags & dns.flags.AA and nodata.authority[0].rdtype == dns.rdatatype.SOA
    missing = _ask(sandbox_env, f"nope.{unique}.com", "TXT")
    assert missing.rcode() == dns.rcode.NXDOMAIN and missing.flags & dns.flags.AA
    upsert(client, zone_id, f"pdk1._domainkey.mail.{unique}.com", "TXT", ["k=rsa; p=AAAA"])
    empty_non_terminal = _ask(sandbox_env, f"_domainkey.mail.{unique}.com", "TXT")
    assert empty_non_terminal.rcode() == dns.rcode.NOERROR and not empty_non_terminal.answer
    assert "status: NXDOMAIN" in _dig(sandbox_env, "+tcp", f"nope.{unique}.com", "TXT")
    assert "flags: qr aa" in _dig(sandbox_env, f"mail.{unique}.com", "MX")
    assert _ask(sandbox_env, "not-ours.example", "A").rcode() == dns.rcode.REFUSED


def test_mx_and_cname(sandbox_env, unique):
    client = route53(sandbox_env)
    zone_id = new_r53_zone(client, f"{unique}.com")
    upsert(client, zone_id, f"mail.{unique}.com", "MX", ["10 mxa.mailgun.org", "20 mxb.mailgun.org"])
    upsert(client, zone_id, f"email.mail.{unique}.com", "CNAME", ["mailgun.org"])
    assert sorted(_dig(sandbox_env, "+short", f"mail.{unique}.com", "MX").split("\n")[:2]) == [
        "10 mxa.mailgun.org.", "20 mxb.mailgun.org."]
    assert _dig(sandbox_env, "+short", f"email.mail.{unique}.com", "CNAME").strip() == "mailgun.org."
    # A TXT query at a CNAME answers with the CNAME (the resolver follows it out of zone).
    answer = _ask(sandbox_env, f"email.mail.{unique}.com", "TXT")
    assert answer.answer[0].rdtype == dns.rdatatype.CNAME
    assert lookup(sandbox_env).cname(f"email.mail.{unique}.com").values == ("mailgun.org",)


def test_cloudflare_records_are_served_and_long_unquoted_txt_is_split(sandbox_env, unique):
    base, token = sandbox_env["CLOUDFLARE_BASE_URL"], sandbox_env["CLOUDFLARE_API_TOKEN"]
    headers = {"Authorization": f"Bearer {token}"}
    zone = requests.post(f"{base}/zones", json={"name": f"{unique}.org"}, headers=headers).json()["result"]
    long_value = "v=DKIM1; k=rsa; p=" + "A" * 380
    requests.post(f"{base}/zones/{zone['id']}/dns_records", headers=headers,
                  json={"type": "TXT", "name": f"k1._domainkey.{unique}.org", "content": long_value})
    answer = _ask(sandbox_env, f"k1._domainkey.{unique}.org", "TXT")
    strings = answer.answer[0][0].strings
    assert [len(s) for s in strings] == [255, len(long_value) - 255]
    assert b"".join(strings).decode() == long_value
    soa = _ask(sandbox_env, f"nothing.{unique}.org", "TXT")
    assert soa.rcode() == dns.rcode.NXDOMAIN and soa.authority[0].rdtype == dns.rdatatype.SOA

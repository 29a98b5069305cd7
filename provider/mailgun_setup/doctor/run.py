"""The doctor's sequence: the domain's place at Mailgun, each expected record, SPF and DMARC."""
from __future__ import annotations

from typing import Callable, Optional

from .. import records as shapes
from ..errors import ConfigError
from ..dns.names import bare, registrable, zone_for
from ..mailgun.client import MailgunClient, api_key_from_env
from . import account, dangling, policy, records
from .findings import Finding, bad
from .servers import servers_for


def _client_factory(api_key: Optional[str]) -> Callable[[str], MailgunClient]:
    key = api_key or api_key_from_env()
    clients: dict[str, MailgunClient] = {}
    return lambda region: clients.setdefault(region, MailgunClient(key, region))


def _receiver_findings(servers, receivers: list[dict], zone: str) -> list[Finding]:
    if receivers and servers.authoritative.mx(receivers[0]["name"]).status != "ok" \
            and servers.authoritative.cname(receivers[0]["name"]).status != "ok":
        return [Finding(f"MX {receivers[0]['name']}", True, "no MX records: receiving is off (fine for an "
                                                            "outbound-only domain)")]
    return [records.check(servers, r, zone) for r in receivers]


def diagnose(domain: str, region: str = "us", *, resolver: Optional[str] = None, zone: Optional[str] = None,
             api_key: Optional[str] = None) -> list[Finding]:
    domain = bare(domain)
    org = registrable(domain)
    if not org:
        raise ConfigError(f"domain: {domain!r} is a public suffix (Public Suffix List), not a domain that can "
                          "hold records")
    client = _client_factory(api_key)
    findings: list[Finding] = []
    if org == domain:
        findings.append(bad("domain", f"{domain} is a root domain: its SPF and MX then serve Mailgun instead of "
                                      "your own mail, and one mistake stops all of it",
                            f"use a subdomain such as mail.{domain}"))
    servers = servers_for(domain, resolver)
    located = account.locate(domain, region, client)
    if located.body is None:
        findings.append(bad("domain", f"{domain} is not a domain of this Mailgun account (neither US nor EU)",
                            "check the name and the API key's account, or create it with `pulumi up`"))
        return findings + dangling.check(servers, domain)
    if located.region != region:
        findings.append(bad("domain", f"{domain} is in the {located.region.upper()} region, not "
                                      f"{region.upper()}: API calls and sending through the {region.upper()} "
                                      "hosts fail", f"use --region {located.region} and the {located.region.upper()}"
                                                    " hosts; to change region, create a new subdomain there"))
    zone_name = zone_for(domain, zone)
    sender, receiver = shapes.from_mailgun(located.body, tracking=True)
    findings += [records.check(servers, r, zone_name, optional=r["purpose"] == "tracking") for r in sender]
    findings += _receiver_findings(servers, receiver, zone_name)
    spf_finding = policy.check_spf(servers, domain)
    if spf_finding:
        findings.append(spf_finding)
    findings.append(policy.check_dmarc(servers, domain, org))
    return findings

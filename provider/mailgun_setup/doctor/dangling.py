"""Dangling records: DNS that still sends a name's mail or clicks to Mailgun although the name
is not a domain of this account (deleted, or never created). Whoever adds that name to their
own Mailgun account receives its mail — a takeover risk."""
from __future__ import annotations

from .findings import Finding, bad
from .servers import Servers
from ..dns.names import bare

MAILGUN_SUFFIX = ".mailgun.org"
TRACKING_TARGETS = {"mailgun.org", "eu.mailgun.org"}


def _points_at_mailgun(host: str) -> bool:
    host = bare(host.split()[-1])  # MX "10 mxa.mailgun.org" or a CNAME target
    return host in TRACKING_TARGETS or host.endswith(MAILGUN_SUFFIX)


def check(servers: Servers, domain: str, web_prefix: str = "email") -> list[Finding]:
    findings = []
    mx = servers.authoritative.mx(domain)
    ours = [v for v in mx.values if _points_at_mailgun(v)] if mx.status == "ok" else []
    if ours:
        findings.append(bad(f"MX {domain}", f"dangling: points at Mailgun ({', '.join(ours)}) but {domain} is not a "
                                            "domain of this Mailgun account; whoever adds it to theirs receives "
                                            "its mail", f"delete these MX records, or add {domain} back to this "
                                                            "account"))
    tracking = f"{web_prefix}.{domain}"
    cname = servers.authoritative.cname(tracking)
    if cname.status == "ok" and any(_points_at_mailgun(v) for v in cname.values):
        findings.append(bad(f"tracking CNAME {tracking}", f"dangling: points at {cname.values[0]} but {domain} is not "
                                                          "a domain of this Mailgun account; whoever adds it can "
                                                          "serve its links", f"delete the CNAME at {tracking}"))
    return findings

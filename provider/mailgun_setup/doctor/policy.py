"""SPF and DMARC as a receiving server evaluates them, through the resolver.

The parsing and the RFC 7208 lookup count come from checkdmarc (maintained, dnspython-based),
pointed at our resolver with ``dns.nameserver.Do53Nameserver`` objects so a non-53 port (the
sandbox, a split-horizon resolver) works. We only decide what is a problem and say the fix.
"""
from __future__ import annotations

from typing import Optional

import checkdmarc.dmarc
import checkdmarc.spf

from ..dns import spf
from .findings import Finding, bad, good
from .servers import Servers

MAX_LOOKUPS = 10
SUGGESTED_DMARC = "v=DMARC1; p=quarantine; rua=mailto:dmarc-reports@{org}"


def check_spf(servers: Servers, domain: str) -> Optional[Finding]:
    """None when there is no SPF record at all (the record check already says it is missing)."""
    what = f"SPF {domain}"
    found = servers.resolver.txt(domain)
    records = [v for v in found.values if spf.is_spf(v)] if found.status == "ok" else []
    if not records:
        return None
    if len(records) > 1:
        return bad(what, f"{len(records)} SPF records at one name: receivers treat that as a permanent error "
                         "(RFC 7208 §3.2) and SPF fails for all of them",
                   "merge them into one v=spf1 record holding every include, then delete the others")
    late = spf.misplaced(records[0])
    if late:
        return bad(what, f"{', '.join(late)} stands after {spf.evaluated(records[0])[-1]}: receivers stop at 'all' "
                         f"and never evaluate it (RFC 7208 §5.1), so it authorises nothing",
                   f"move it before the 'all' term: {spf.reordered(records[0])!r}")
    try:
        parsed = checkdmarc.spf.get_spf_record(domain, nameservers=servers.checkdmarc_nameservers(), timeout=3.0)
    except checkdmarc.spf.SPFTooManyDNSLookups as exc:
        return bad(what, f"needs more than {MAX_LOOKUPS} DNS lookups ({exc}): receivers stop evaluating it and "
                         "SPF fails", "remove includes you no longer use, or replace some with their ip4:/ip6: "
                                      "ranges, to get to 10 lookups or fewer")
    except checkdmarc.spf.SPFError as exc:
        return bad(what, f"invalid: {exc}", "fix the SPF record so that it parses (RFC 7208)")
    return good(what, f"valid, {parsed['dns_lookups']} of {MAX_LOOKUPS} DNS lookups")


def _dmarc_at(servers: Servers, name: str) -> list[str]:
    answer = servers.resolver.txt(f"_dmarc.{name}")
    return [v for v in answer.values if v.lower().startswith("v=dmarc1")] if answer.status == "ok" else []


def check_dmarc(servers: Servers, domain: str, org: str) -> Finding:
    """The subdomain's own ``_dmarc`` record, else the organisational domain's (RFC 7489 §6.6.3)."""
    what = f"DMARC {domain}"
    for name in dict.fromkeys([domain, org]):
        records = _dmarc_at(servers, name)
        if len(records) > 1:
            return bad(what, f"{len(records)} DMARC records at _dmarc.{name}: receivers ignore them all",
                       f"keep one TXT record at _dmarc.{name}")
        if not records:
            continue
        try:
            parsed = checkdmarc.dmarc.parse_dmarc_record(records[0], name, nameservers=servers.checkdmarc_nameservers(),
                                                         timeout=3.0)
        except checkdmarc.dmarc.DMARCError as exc:
            return bad(what, f"the DMARC record at _dmarc.{name} is invalid: {exc}",
                       f"replace it with {SUGGESTED_DMARC.format(org=org)!r}")
        tags = parsed["tags"]
        policy = tags["sp"]["value"] if name != domain and "sp" in tags else tags["p"]["value"]
        testing = str(tags.get("t", {}).get("value", "n")).lower() in ("y", "true")  # RFC 9989 replaced pct by t
        if policy == "none" or testing:
            weak = f"p={policy}" + (", t=y (testing mode)" if testing else "")
            return bad(what, f"weak: _dmarc.{name} says {weak}, so receivers deliver mail that fails "
                             "authentication", f"once the reports show only your own senders, set p=quarantine "
                                               f"(then p=reject) at _dmarc.{name}")
        return good(what, f"_dmarc.{name}: p={policy}")
    return bad(what, f"missing: no DMARC record at _dmarc.{domain} or _dmarc.{org}",
               f"add TXT _dmarc.{org} {SUGGESTED_DMARC.format(org=org)!r}")

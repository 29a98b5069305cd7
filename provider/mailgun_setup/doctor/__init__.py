"""``mailgun-setup doctor``: why does a domain not verify, or why did mail stop?

Asks Mailgun which records it expects, then asks DNS — the zone's authoritative servers and
the resolver receivers use — and turns every difference into one finding with a one-line fix.

    account.py   where the domain lives at Mailgun (this region, the other one, or nowhere)
    servers.py   which DNS servers to ask: authoritative, and the resolver
    records.py   each expected record: missing, wrong, doubled zone, split TXT, CNAME in the way…
    policy.py    SPF and DMARC as receivers evaluate them (checkdmarc)
    dangling.py  records still pointing at Mailgun for a name this account does not hold
    findings.py  the Finding type and the report
"""
from .run import diagnose

__all__ = ["diagnose"]

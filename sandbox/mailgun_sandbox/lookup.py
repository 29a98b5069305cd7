"""What the Mailgun emulator's verify asks: one DNS server (the sandbox's own), no cache.

The sandbox's own, small copy of a lookup: it reaches the library only through the variables
it sets, never by import. Values are normalised as Mailgun shows them (TXT strings joined,
names lower-case without the trailing dot).
"""
from __future__ import annotations

import dns.exception
import dns.resolver


class DnsLookup:
    def __init__(self, host: str, port: int, lifetime: float = 3.0):
        self._resolver = dns.resolver.Resolver(configure=False)
        self._resolver.nameservers = [host]
        self._resolver.port = port
        self._resolver.lifetime = lifetime
        self._resolver.cache = None

    def values(self, name: str, rdtype: str) -> list[str]:
        """The values ``name`` holds for ``rdtype``; none when it has none or nobody answered."""
        try:
            answer = self._resolver.resolve(name, rdtype, search=False)
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer, dns.resolver.NoNameservers, dns.exception.Timeout):
            return []
        if rdtype == "TXT":
            return [b"".join(r.strings).decode("utf-8", "replace") for r in answer]
        if rdtype == "MX":
            return [f"{r.preference} {r.exchange.to_text(omit_final_dot=True).lower()}" for r in answer]
        return [r.target.to_text(omit_final_dot=True).lower() for r in answer]  # CNAME


def unquote_txt(text: str) -> str:
    """``"<first 255>" "<rest>"`` (or one string, or bare text) -> the joined value."""
    import dns.rdata
    import dns.rdataclass
    import dns.rdatatype

    rdata = dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.TXT, text)
    return b"".join(rdata.strings).decode("utf-8", "replace")

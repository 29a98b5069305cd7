"""Ask DNS servers directly (no cache, no system resolver) what a name holds.

Answers are normalised the way the Mailgun API shows values: TXT strings of one
record joined, names lower-case without the trailing dot.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Iterable, Sequence

import dns.exception
import dns.name
import dns.rdatatype
import dns.resolver

NAMESERVERS_ENV = "MAILGUN_SETUP_NAMESERVERS"


@dataclass(frozen=True)
class Answer:
    """What a name holds for one type. ``status`` is ok | nxdomain | nodata | error."""

    status: str
    values: tuple[str, ...] = ()
    detail: str = ""


def parse_nameservers(text: str) -> list[tuple[str, int]]:
    """``"127.0.0.1:5353,10.0.0.2"`` -> ``[("127.0.0.1", 5353), ("10.0.0.2", 53)]``."""
    servers = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        if item.startswith("["):  # [::1]:53
            host, _, port = item[1:].partition("]")
            port = port.lstrip(":")
        elif item.count(":") == 1:
            host, port = item.split(":")
        else:
            host, port = item, ""
        servers.append((host, int(port) if port else 53))
    return servers


def nameservers_from_env() -> list[tuple[str, int]]:
    return parse_nameservers(os.environ.get(NAMESERVERS_ENV, ""))


class DnsLookup:
    """Queries the given servers (all on one port, as dnspython requires per resolver)."""

    def __init__(self, nameservers: Sequence[tuple[str, int]], lifetime: float = 5.0):
        if not nameservers:
            raise ValueError("DnsLookup needs at least one nameserver")
        self._resolvers = []
        for port in sorted({p for _, p in nameservers}):
            resolver = dns.resolver.Resolver(configure=False)
            resolver.nameservers = [h for h, p in nameservers if p == port]
            resolver.port = port
            resolver.lifetime = lifetime
            resolver.cache = None
            self._resolvers.append(resolver)

    def query(self, name: str, rdtype: str) -> Answer:
        last = Answer("error", detail="no server answered")
        for resolver in self._resolvers:
            try:
                answer = resolver.resolve(name, rdtype, raise_on_no_answer=True, search=False)
            except dns.resolver.NXDOMAIN:
                return Answer("nxdomain", detail=f"{name} does not exist")
            except dns.resolver.NoAnswer:
                return Answer("nodata", detail=f"{name} has no {rdtype} record")
            except (dns.resolver.NoNameservers, dns.exception.Timeout) as exc:
                last = Answer("error", detail=str(exc))
                continue
            return Answer("ok", tuple(_render(rdata, rdtype) for rdata in answer))
        return last

    def txt(self, name: str) -> Answer:
        return self.query(name, "TXT")

    def cname(self, name: str) -> Answer:
        return self.query(name, "CNAME")

    def mx(self, name: str) -> Answer:
        return self.query(name, "MX")


def _render(rdata, rdtype: str) -> str:
    if rdtype == "TXT":
        return b"".join(rdata.strings).decode("utf-8", "replace")
    if rdtype == "MX":
        return f"{rdata.preference} {_host(rdata.exchange)}"
    if rdtype == "CNAME":
        return _host(rdata.target)
    return rdata.to_text()


def _host(name: dns.name.Name) -> str:
    return name.to_text(omit_final_dot=True).lower()


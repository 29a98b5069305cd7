"""Which servers to ask: the zone's authoritative servers, so that no cache hides a fresh record.

``MAILGUN_SETUP_NAMESERVERS`` (the sandbox, or a split-horizon setup) wins; otherwise the
name servers the DNS API reported for the zone, else the NS records found by walking up
from the domain with the system resolver.
"""
from __future__ import annotations

from typing import Sequence

import dns.exception
import dns.resolver

from .lookup import DnsLookup, nameservers_from_env
from ..dns.names import bare


def _addresses(host: str) -> list[tuple[str, int]]:
    found = []
    for rdtype in ("A", "AAAA"):
        try:
            found += [(r.to_text(), 53) for r in dns.resolver.resolve(host, rdtype, lifetime=5)]
        except dns.exception.DNSException:
            continue
    return found


def _ns_of(domain: str) -> list[str]:
    labels = bare(domain).split(".")
    for start in range(len(labels) - 1):
        try:
            answer = dns.resolver.resolve(".".join(labels[start:]), "NS", lifetime=5)
        except dns.exception.DNSException:
            continue
        return [r.target.to_text(omit_final_dot=True) for r in answer]
    return []


def authoritative_lookup(domain: str, nameservers: Sequence[str] = (), lifetime: float = 5.0) -> DnsLookup:
    servers = nameservers_from_env()
    if not servers:
        for host in list(nameservers) or _ns_of(domain):
            servers += _addresses(host)
    if not servers:
        raise dns.resolver.NoNameservers(f"no authoritative name server found for {domain}")
    return DnsLookup(servers, lifetime=lifetime)

"""Which DNS servers the doctor asks.

Authoritative: the zone's own servers (``verify.authority``), so no cache hides a fresh
record. Resolver: what receivers and Mailgun see through caches — ``--resolver`` or
``MAILGUN_SETUP_RESOLVER`` (host[:port] list), else ``MAILGUN_SETUP_NAMESERVERS`` (the sandbox
or a split-horizon setup, where one server answers both), else the system's resolver.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Optional

import dns.nameserver
import dns.resolver

from ..verify.authority import authoritative_lookup
from ..verify.lookup import DnsLookup, nameservers_from_env, parse_nameservers

RESOLVER_ENV = "MAILGUN_SETUP_RESOLVER"


@dataclass
class Servers:
    authoritative: DnsLookup
    resolver: DnsLookup
    resolver_addresses: list[tuple[str, int]]

    def checkdmarc_nameservers(self) -> list[dns.nameserver.Do53Nameserver]:
        """The resolver as checkdmarc takes it: Nameserver objects keep a non-53 port."""
        return [dns.nameserver.Do53Nameserver(host, port) for host, port in self.resolver_addresses]


def resolver_addresses(option: Optional[str]) -> list[tuple[str, int]]:
    for text in (option, os.environ.get(RESOLVER_ENV)):
        if text:
            return parse_nameservers(text)
    return nameservers_from_env() or [(host, 53) for host in dns.resolver.Resolver().nameservers]


def servers_for(domain: str, resolver: Optional[str] = None, lifetime: float = 3.0) -> Servers:
    addresses = resolver_addresses(resolver)
    return Servers(authoritative_lookup(domain, lifetime=lifetime), DnsLookup(addresses, lifetime=lifetime),
                   addresses)

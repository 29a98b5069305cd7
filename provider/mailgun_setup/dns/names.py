"""DNS name helpers, in one place: bare and absolute names, zone membership, relative hosts,
the registrable domain (one Public Suffix List), and the zone-id formats of the DNS APIs."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from publicsuffixlist import PublicSuffixList

# A zone override may be a zone id instead of a name: two public zones of one name are legal.
ZONE_ID_FORMATS = {"route53": (re.compile(r"^(/hostedzone/)?[A-Z0-9]{1,32}$"), "capitals and digits, e.g. Z0123456789ABC"),
                   "cloudflare": (re.compile(r"^[0-9a-f]{32}$"), "32 lowercase hex characters")}


@lru_cache(maxsize=1)
def public_suffix_list() -> PublicSuffixList:
    return PublicSuffixList()


def bare(name: str) -> str:
    """``Mail.Company.COM.`` -> ``mail.company.com``."""
    return name.strip().rstrip(".").lower()


def fqdn(name: str) -> str:
    """``mail.company.com`` -> ``mail.company.com.``."""
    return bare(name) + "."


def in_zone(name: str, zone: str) -> bool:
    name, zone = bare(name), bare(zone)
    return name == zone or name.endswith("." + zone)


def relative(full_name: str, zone: str) -> str:
    """The host relative to ``zone`` as web forms want it: ``mg._domainkey.mail``, or ``@`` for the apex."""
    name, zone_name = bare(full_name), bare(zone)
    if name == zone_name:
        return "@"
    if name.endswith("." + zone_name):
        return name[:-len(zone_name) - 1]
    raise ValueError(f"{full_name!r} is not in the zone {zone!r}")


def registrable(name: str) -> Optional[str]:
    """The registrable domain of ``name`` (``mail.company.co.uk`` -> ``company.co.uk``); None for a public suffix."""
    return public_suffix_list().privatesuffix(bare(name))


def zone_for(domain: str, zone: Optional[str]) -> str:
    """``zone`` when known, else the registrable domain."""
    if zone:
        return bare(zone)
    found = registrable(domain)
    if not found:
        raise ValueError(f"{domain!r} is a public suffix, not a domain that can hold records")
    return found


def zone_id_backend(zone: Optional[str]) -> Optional[str]:
    """The DNS backend whose zone-id format ``zone`` has; None for a zone name."""
    for backend, (pattern, _) in ZONE_ID_FORMATS.items():
        if isinstance(zone, str) and pattern.match(zone):
            return backend
    return None

"""The one interface every DNS backend offers, and how a backend is chosen.

    find_zone(name) -> Zone            longest-suffix match, public zones only
    read(zone, name, rtype) -> RecordSet | None
    apply(zone, changes)               every change of one subdomain in ONE batch call
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Optional, Protocol

from ..cache import ListCache
from .types import RecordSet, Zone

if TYPE_CHECKING:  # the merge rules load with the provider that applies them
    from .plan import RecordChange

DNS_BACKENDS = ("route53", "cloudflare")
DNS_MODES = (*DNS_BACKENDS, "manual", "auto")
DEFAULT_DNS = "auto"


class DnsBackend(Protocol):
    kind: str

    def find_zone(self, name: str) -> Zone: ...

    def zone_by_id(self, zone_id: str) -> Zone: ...

    def read(self, zone: Zone, name: str, rtype: str) -> Optional[RecordSet]: ...

    def apply(self, zone: Zone, changes: list[RecordChange]) -> None: ...


def zone_holds(backend: DnsBackend, zone: Zone, changes: list[RecordChange]) -> bool:
    """Whether every record set of ``changes`` already is as the changes leave it. A batch whose
    answer was lost is retried by the SDK; if the first attempt was applied, the retry is refused
    (its deletes or adds no longer fit) although the work is done: then this says so."""
    for change in changes:
        found = backend.read(zone, change.name, change.rtype)
        if sorted(found.values if found else ()) != sorted(change.after):
            return False
    return True


CLOUDFLARE_MAX_RETRIES = 6


def open_backend(kind: str, cloudflare_token: Optional[str] = None, memo: Optional[ListCache] = None) -> DnsBackend:
    """``memo``: zone lookups shared by one run (each zone list read once per run, not per subdomain)."""
    if kind == "route53":
        from .route53 import Route53
        return Route53(memo=memo)
    if kind == "cloudflare":
        from cloudflare import Cloudflare

        from .cloudflare import CloudflareDns
        from ..timeouts import http_timeout
        seconds = http_timeout()
        # The SDK retries 429/5xx itself, honouring Retry-After; its default of 2 retries gives up
        # inside one rate-limit window when several stacks share an account (1200 requests / 5 min).
        options = {"max_retries": CLOUDFLARE_MAX_RETRIES, **({"timeout": seconds} if seconds else {})}
        client = Cloudflare(api_token=cloudflare_token, **options) if cloudflare_token else Cloudflare(**options)
        return CloudflareDns(client, memo=memo)
    raise ValueError(f"no DNS backend called {kind!r}")


def aws_credentials_available() -> bool:
    import boto3
    return boto3.Session().get_credentials() is not None


def backends_with_credentials(cloudflare_token: Optional[str] = None) -> list[str]:
    """The backends ``auto`` may use, in the order it tries them."""
    found = ["route53"] if aws_credentials_available() else []
    if cloudflare_token or os.environ.get("CLOUDFLARE_API_TOKEN"):
        found.append("cloudflare")
    return found


def resolve_mode(mode: str, cloudflare_token: Optional[str] = None) -> str:
    """``auto`` without any DNS credentials is ``manual``; with some, the zone lookup decides later."""
    if mode != "auto":
        return mode
    return "auto" if backends_with_credentials(cloudflare_token) else "manual"

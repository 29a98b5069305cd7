"""Shapes shared by every DNS backend."""
from __future__ import annotations

from dataclasses import dataclass
from .names import bare


@dataclass(frozen=True)
class Zone:
    id: str
    name: str
    nameservers: tuple[str, ...] = ()  # the zone's authoritative servers (host names), when the API tells


@dataclass(frozen=True)
class RecordSet:
    ttl: int
    values: tuple[str, ...]  # comparable values: TXT unquoted and joined, MX "10 host", CNAME host
    # The backend's handle on each value, aligned with ``values``: Route 53 keeps the value exactly as
    # stored (a DELETE must repeat it); Cloudflare keeps the record id.
    wire: tuple[str, ...] = ()
    # Cloudflare only: which values sit in records carrying our ownership comment.
    owned: tuple[bool, ...] = ()
    # Cloudflare only: which values sit in proxied records (DNS then answers with Cloudflare's
    # addresses instead of the value, so a proxied tracking CNAME never verifies).
    proxied: tuple[bool, ...] = ()

    def served(self) -> tuple[str, ...]:
        """The values DNS really answers with: not those hidden behind Cloudflare's proxy."""
        flags = self.proxied or (False,) * len(self.values)
        return tuple(v for v, hidden in zip(self.values, flags) if not hidden)


def normalise_value(rtype: str, value: str) -> str:
    """How values compare: TXT as written; MX/CNAME hosts lower-case without the final dot."""
    if rtype == "TXT":
        return value
    if rtype == "MX":
        priority, _, host = value.strip().partition(" ")
        return f"{int(priority)} {bare(host)}"
    return bare(value)

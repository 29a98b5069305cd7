"""Shapes shared by every DNS backend."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Zone:
    id: str
    name: str


@dataclass(frozen=True)
class RecordSet:
    ttl: int
    values: tuple[str, ...]  # comparable values: TXT unquoted and joined, MX "10 host", CNAME host
    wire: tuple[str, ...] = ()  # the values exactly as the service holds them (a Route 53 DELETE repeats them)


def normalise_value(rtype: str, value: str) -> str:
    """How values compare: TXT as written; MX/CNAME hosts lower-case without the final dot."""
    if rtype == "TXT":
        return value
    if rtype == "MX":
        priority, _, host = value.strip().partition(" ")
        return f"{int(priority)} {host.strip().lower().rstrip('.')}"
    return value.strip().lower().rstrip(".")

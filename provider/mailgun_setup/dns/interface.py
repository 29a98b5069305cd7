"""The one interface every DNS backend offers (Route 53, Cloudflare), and what they share.

    find_zone(name) -> Zone            longest-suffix match, public zones only
    zone_by_id(zone_id) -> Zone
    read(zone, name, rtype) -> RecordSet | None
    apply(zone, changes)               every change of one subdomain in ONE batch call
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional, Protocol

from .types import RecordSet, Zone

if TYPE_CHECKING:  # the merge rules load with the provider that applies them
    from .plan import RecordChange


class DnsBackend(Protocol):
    kind: str

    def find_zone(self, name: str) -> Zone: ...

    def zone_by_id(self, zone_id: str) -> Zone: ...

    def read(self, zone: Zone, name: str, rtype: str) -> Optional[RecordSet]: ...

    def apply(self, zone: Zone, changes: "list[RecordChange]") -> None: ...


def zone_holds(backend: DnsBackend, zone: Zone, changes: "list[RecordChange]") -> bool:
    """Whether every record set of ``changes`` already is as the changes leave it. A batch whose
    answer was lost is retried by the SDK; if the first attempt was applied, the retry is refused
    (its deletes or adds no longer fit) although the work is done: then this says so."""
    for change in changes:
        found = backend.read(zone, change.name, change.rtype)
        if sorted(found.values if found else ()) != sorted(change.after):
            return False
    return True

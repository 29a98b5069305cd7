"""Route 53 through boto3: find the zone of a name, read record sets, apply planned changes.

A record set (name + type) holds every value at that name, ours and anybody else's: a
planned change becomes an UPSERT of the values it leaves, or a DELETE that repeats the
current set exactly when nothing is left. All changes of one call go in one batch.
Retries on throttling are botocore's own ``standard`` mode.
"""
from __future__ import annotations

from typing import Optional

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from ..cache import ListCache, remembered
from ..timeouts import http_timeout
from ..errors import AmbiguousZoneError, Route53ApiError, ZoneNotFoundError
from .txt import quote_txt, unquote_txt
from .interface import zone_holds
from .plan import RecordChange
from .names import bare, fqdn
from .types import RecordSet, Zone, normalise_value

RETRIES = {"mode": "standard", "max_attempts": 8}


def client_config() -> Config:
    """botocore's standard retries, with ``MAILGUN_SETUP_HTTP_TIMEOUT`` as connect/read timeout when set.

    A new Config each time: botocore rewrites a config's ``retries`` in place when a client uses it."""
    seconds = http_timeout()
    timeouts = {} if seconds is None else {"connect_timeout": seconds, "read_timeout": seconds}
    return Config(retries=dict(RETRIES), **timeouts)


def to_wire_value(rtype: str, value: str) -> str:
    return quote_txt(value) if rtype == "TXT" else value


def from_wire_value(rtype: str, value: str) -> str:
    return unquote_txt(value) if rtype == "TXT" else normalise_value(rtype, value)


def _api_error(method: str, exc: ClientError) -> Exception:
    error = exc.response.get("Error", {})
    if error.get("Code") == "NoSuchHostedZone":
        return ZoneNotFoundError(f"Route 53 {method} failed: {error.get('Message')} (the zone no longer exists?)")
    return Route53ApiError(f"Route 53 {method} failed: {error.get('Code')}: {error.get('Message')}",
                           exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode"), service="route53",
                           method=method, code=error.get("Code"))


class Route53:
    kind = "route53"

    def __init__(self, client=None, memo: Optional[ListCache] = None):
        self.client = client or boto3.client("route53", config=client_config())
        self.memo = memo  # shared by one run's lookups: the zone list is read once, each zone once

    def _call(self, method: str, **kwargs):
        try:
            return getattr(self.client, method)(**kwargs)
        except ClientError as exc:
            raise _api_error(method, exc) from None

    def _public_zones(self) -> list[tuple[str, str]]:
        """(name with final dot, id) of every public hosted zone."""
        zones = []
        try:
            for page in self.client.get_paginator("list_hosted_zones").paginate():
                zones += [(fqdn(z["Name"]), z["Id"].split("/")[-1]) for z in page["HostedZones"]
                          if not z.get("Config", {}).get("PrivateZone")]
        except ClientError as exc:
            raise _api_error("list_hosted_zones", exc) from None
        return zones

    def find_zone(self, name: str) -> Zone:
        """The public hosted zone with the longest name that ``name`` ends in."""
        wanted = fqdn(name)
        candidates: dict[str, list[str]] = {}
        for zone_name, zone_id in remembered(self.memo, ("route53", "zones"), self._public_zones):
            if wanted == zone_name or wanted.endswith("." + zone_name):
                candidates.setdefault(zone_name, []).append(zone_id)
        if not candidates:
            raise ZoneNotFoundError(f"no public Route 53 hosted zone holds {bare(wanted)}")
        best = max(candidates, key=len)
        if len(candidates[best]) > 1:
            raise AmbiguousZoneError(f"{len(candidates[best])} public Route 53 zones are named {bare(best)} "
                                     f"({', '.join(candidates[best])}): set `zone: <id>` on the domain to pick one")
        return self.zone_by_id(candidates[best][0])

    def zone_by_id(self, zone_id: str) -> Zone:
        """One public hosted zone, with the name servers verification asks."""
        zone_id = zone_id.split("/")[-1]
        found = remembered(self.memo, ("route53", "zone", zone_id), lambda: self._call("get_hosted_zone", Id=zone_id))
        zone = found["HostedZone"]
        if zone.get("Config", {}).get("PrivateZone"):
            raise ZoneNotFoundError(f"Route 53 zone {zone_id} ({bare(zone['Name'])}) is private; Mailgun "
                                    f"needs the records in public DNS")
        delegation = found.get("DelegationSet") or {}
        return Zone(zone["Id"].split("/")[-1], bare(zone["Name"]), tuple(delegation.get("NameServers") or ()))

    def read(self, zone: Zone, name: str, rtype: str) -> Optional[RecordSet]:
        page = self._call("list_resource_record_sets", HostedZoneId=zone.id, StartRecordName=fqdn(name),
                          StartRecordType=rtype, MaxItems="1")
        for rrset in page["ResourceRecordSets"]:
            if fqdn(rrset["Name"]) == fqdn(name) and rrset["Type"] == rtype:
                wire = tuple(r["Value"] for r in rrset.get("ResourceRecords", []))
                return RecordSet(int(rrset.get("TTL", 300)), tuple(from_wire_value(rtype, v) for v in wire), wire)
        return None

    def apply(self, zone: Zone, changes: list[RecordChange]) -> None:
        """All changes in one transactional change batch: an UPSERT of each record set's new values,
        or a DELETE repeating the record set exactly as stored when nothing is left."""
        batch = []
        for change in changes:
            after = change.after
            if after:
                ttl = change.before.ttl if change.before else change.ttl
                batch.append(_rrset_change("UPSERT", change.name, change.rtype, ttl,
                                           [to_wire_value(change.rtype, v) for v in after]))
            elif change.before:
                batch.append(_rrset_change("DELETE", change.name, change.rtype, change.before.ttl,
                                           change.before.wire))
        if batch:
            try:
                self._call("change_resource_record_sets", HostedZoneId=zone.id, ChangeBatch={"Changes": batch})
            except Route53ApiError as exc:
                if exc.code != "InvalidChangeBatch" or not zone_holds(self, zone, changes):
                    raise


def _rrset_change(action: str, name: str, rtype: str, ttl: int, wire_values) -> dict:
    return {"Action": action, "ResourceRecordSet": {
        "Name": fqdn(name), "Type": rtype, "TTL": ttl, "ResourceRecords": [{"Value": v} for v in wire_values]}}

"""Route 53 through boto3: find the zone of a name, and add or remove our values in a record set.

A record set (name + type) holds every value at that name, ours and anybody else's: we add
ours with an UPSERT of the union, and remove only ours (an UPSERT of what remains, or a
DELETE that repeats the current set exactly when nothing else is left).
Retries on throttling are botocore's own ``standard`` mode.
"""
from __future__ import annotations

from typing import Optional

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from ..errors import AmbiguousZoneError, Route53ApiError, ZoneNotFoundError
from .txt import quote_txt, unquote_txt
from .types import RecordSet, Zone, normalise_value

RETRY_CONFIG = Config(retries={"mode": "standard", "max_attempts": 8})


def _fqdn(name: str) -> str:
    return name.lower().rstrip(".") + "."


def to_wire_value(rtype: str, value: str) -> str:
    return quote_txt(value) if rtype == "TXT" else value


def from_wire_value(rtype: str, value: str) -> str:
    return unquote_txt(value) if rtype == "TXT" else normalise_value(rtype, value)


def _api_error(method: str, exc: ClientError) -> Route53ApiError:
    error = exc.response.get("Error", {})
    return Route53ApiError(f"Route 53 {method} failed: {error.get('Code')}: {error.get('Message')}",
                           exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode"))


class Route53:
    def __init__(self, client=None):
        self.client = client or boto3.client("route53", config=RETRY_CONFIG)

    def _call(self, method: str, **kwargs):
        try:
            return getattr(self.client, method)(**kwargs)
        except ClientError as exc:
            raise _api_error(method, exc) from None

    def find_zone(self, name: str) -> Zone:
        """The public hosted zone with the longest name that ``name`` ends in."""
        wanted = _fqdn(name)
        candidates: dict[str, list[str]] = {}
        paginator = self.client.get_paginator("list_hosted_zones")
        try:
            for page in paginator.paginate():
                for zone in page["HostedZones"]:
                    if zone.get("Config", {}).get("PrivateZone"):
                        continue
                    zone_name = _fqdn(zone["Name"])
                    if wanted == zone_name or wanted.endswith("." + zone_name):
                        candidates.setdefault(zone_name, []).append(zone["Id"].split("/")[-1])
        except ClientError as exc:
            raise _api_error("list_hosted_zones", exc) from None
        if not candidates:
            raise ZoneNotFoundError(f"no public Route 53 hosted zone holds {wanted.rstrip('.')}")
        best = max(candidates, key=len)
        if len(candidates[best]) > 1:
            raise AmbiguousZoneError(f"{len(candidates[best])} public Route 53 zones are named {best.rstrip('.')} "
                                     f"({', '.join(candidates[best])}): set the zone id explicitly")
        return Zone(candidates[best][0], best.rstrip("."))

    def read(self, zone_id: str, name: str, rtype: str) -> Optional[RecordSet]:
        page = self._call("list_resource_record_sets", HostedZoneId=zone_id, StartRecordName=_fqdn(name),
                          StartRecordType=rtype, MaxItems="1")
        for rrset in page["ResourceRecordSets"]:
            if _fqdn(rrset["Name"]) == _fqdn(name) and rrset["Type"] == rtype:
                wire = tuple(r["Value"] for r in rrset.get("ResourceRecords", []))
                return RecordSet(int(rrset.get("TTL", 300)), tuple(from_wire_value(rtype, v) for v in wire), wire)
        return None

    def _change(self, zone_id: str, action: str, name: str, rtype: str, ttl: int, wire_values) -> None:
        change = {"Action": action, "ResourceRecordSet": {
            "Name": _fqdn(name), "Type": rtype, "TTL": ttl,
            "ResourceRecords": [{"Value": v} for v in wire_values]}}
        self._call("change_resource_record_sets", HostedZoneId=zone_id, ChangeBatch={"Changes": [change]})

    def set_values(self, zone_id: str, name: str, rtype: str, ttl: int, add: list[str],
                   drop: list[str] = ()) -> None:
        """Add ``add`` and remove ``drop`` from the record set in one read and at most one change.

        The TTL belongs to the whole record set: ours is applied whenever we write it.
        """
        current = self.read(zone_id, name, rtype)
        before = list(current.values) if current else []
        after = [v for v in before if v not in drop]
        after += [v for v in add if v not in after]
        if current and after == before and current.ttl == ttl:
            return
        if after:
            self._change(zone_id, "UPSERT", name, rtype, ttl, [to_wire_value(rtype, v) for v in after])
        elif current:
            self._change(zone_id, "DELETE", name, rtype, current.ttl, current.wire)

    def add_values(self, zone_id: str, name: str, rtype: str, ttl: int, values: list[str]) -> None:
        self.set_values(zone_id, name, rtype, ttl, add=values)

    def remove_values(self, zone_id: str, name: str, rtype: str, values: list[str]) -> None:
        current = self.read(zone_id, name, rtype)
        if current and any(v in current.values for v in values):
            self.set_values(zone_id, name, rtype, current.ttl, add=[], drop=values)

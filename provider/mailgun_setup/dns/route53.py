"""Route 53 through boto3: find the zone of a name, and add or remove our values in a record set.

A record set (name + type) holds every value at that name, ours and anybody else's: we add
ours with an UPSERT of the union, and remove only ours (an UPSERT of what remains, or a
DELETE that repeats the current set exactly when nothing else is left).
Retries on throttling are botocore's own ``standard`` mode.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from ..errors import AmbiguousZoneError, Route53ApiError, ZoneNotFoundError
from .txt import quote_txt, unquote_txt

RETRY_CONFIG = Config(retries={"mode": "standard", "max_attempts": 8})


@dataclass(frozen=True)
class Zone:
    id: str
    name: str


@dataclass(frozen=True)
class RecordSet:
    ttl: int
    values: tuple[str, ...]  # raw values: TXT unquoted and joined, MX "10 host", CNAME host


def _fqdn(name: str) -> str:
    return name.lower().rstrip(".") + "."


def to_wire_value(rtype: str, value: str) -> str:
    return quote_txt(value) if rtype == "TXT" else value


def from_wire_value(rtype: str, value: str) -> str:
    if rtype == "TXT":
        return unquote_txt(value)
    return value.lower().rstrip(".")


class Route53:
    def __init__(self, client=None):
        self.client = client or boto3.client("route53", config=RETRY_CONFIG)

    def _call(self, method: str, **kwargs):
        try:
            return getattr(self.client, method)(**kwargs)
        except ClientError as exc:
            error = exc.response.get("Error", {})
            raise Route53ApiError(f"Route 53 {method} failed: {error.get('Code')}: {error.get('Message')}",
                                  exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")) from None

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
            raise Route53ApiError(f"Route 53 list_hosted_zones failed: {exc}") from None
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
                values = tuple(from_wire_value(rtype, r["Value"]) for r in rrset.get("ResourceRecords", []))
                return RecordSet(int(rrset.get("TTL", 300)), values)
        return None

    def _change(self, zone_id: str, action: str, name: str, rtype: str, ttl: int, values) -> None:
        change = {"Action": action, "ResourceRecordSet": {
            "Name": _fqdn(name), "Type": rtype, "TTL": ttl,
            "ResourceRecords": [{"Value": to_wire_value(rtype, v)} for v in values]}}
        self._call("change_resource_record_sets", HostedZoneId=zone_id, ChangeBatch={"Changes": [change]})

    def add_values(self, zone_id: str, name: str, rtype: str, ttl: int, values: list[str]) -> None:
        current = self.read(zone_id, name, rtype)
        union = list(current.values) if current else []
        union += [v for v in values if v not in union]
        if current and set(union) == set(current.values):
            return
        self._change(zone_id, "UPSERT", name, rtype, ttl if current is None else current.ttl, union)

    def remove_values(self, zone_id: str, name: str, rtype: str, values: list[str]) -> None:
        current = self.read(zone_id, name, rtype)
        if current is None:
            return
        remaining = [v for v in current.values if v not in values]
        if len(remaining) == len(current.values):
            return
        if remaining:
            self._change(zone_id, "UPSERT", name, rtype, current.ttl, remaining)
        else:
            self._change(zone_id, "DELETE", name, rtype, current.ttl, current.values)

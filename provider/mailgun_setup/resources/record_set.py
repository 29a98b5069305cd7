"""``RecordSet``: our values at one name and type in a Route 53 zone, merged with anybody else's.

The provider object is pickled into state, so it holds nothing: the boto3 client is made
per call from the usual AWS environment (credential chain, ``AWS_ENDPOINT_URL_ROUTE_53``).
"""
from __future__ import annotations

import re
from typing import Any, Optional

import pulumi
from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult, Resource, \
    ResourceProvider, UpdateResult
from pulumi.runtime.rpc import UNKNOWN

from ..dns.route53 import Route53
from ..dns.types import normalise_value

RECORD_TYPES = ("TXT", "MX", "CNAME")
FQDN = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
REPLACE_ON = ("name", "record_type")


def _known(value: Any) -> bool:
    return value != UNKNOWN


def check_inputs(props: dict) -> list[CheckFailure]:
    failures = []
    name, rtype, values, ttl = (props.get(k) for k in ("name", "record_type", "values", "ttl"))
    if _known(name) and not (isinstance(name, str) and FQDN.match(name.lower().rstrip("."))):
        failures.append(CheckFailure("name", f"must be a fully qualified domain name, got {name!r}"))
    if _known(rtype) and rtype not in RECORD_TYPES:
        failures.append(CheckFailure("record_type", f"must be one of {', '.join(RECORD_TYPES)}, got {rtype!r}"))
    if _known(values):
        if not isinstance(values, list) or not values or not all(isinstance(v, str) and v for v in values):
            failures.append(CheckFailure("values", "must be a non-empty list of non-empty strings"))
        elif rtype == "CNAME" and len(values) != 1:
            failures.append(CheckFailure("values", "a CNAME takes exactly one value"))
    if _known(ttl) and not (isinstance(ttl, (int, float)) and 60 <= ttl <= 172800):
        failures.append(CheckFailure("ttl", f"must be between 60 and 172800 seconds, got {ttl!r}"))
    return failures


class RecordSetProvider(ResourceProvider):
    def check(self, _olds: dict, news: dict) -> CheckResult:
        news = {**news, "ttl": 300 if news.get("ttl") is None else news["ttl"]}
        failures = check_inputs(news)
        if not failures:  # compare as the backends read values back
            if _known(news.get("name")):
                news["name"] = news["name"].lower().rstrip(".")
            if _known(news.get("values")) and _known(news.get("record_type")):
                try:
                    news["values"] = [normalise_value(news["record_type"], v) for v in news["values"]]
                except ValueError:
                    failures.append(CheckFailure("values", "an MX value is \"<priority> <host>\""))
        return CheckResult(news, failures)

    def diff(self, _id: str, olds: dict, news: dict) -> DiffResult:
        keys = ("name", "record_type", "values", "ttl")
        changed = [k for k in keys if olds.get(k) != news.get(k)]
        replaces = [k for k in changed if k in REPLACE_ON]
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=True)

    def create(self, props: dict) -> CreateResult:
        route53 = Route53()
        zone = route53.find_zone(props["name"])
        route53.add_values(zone.id, props["name"], props["record_type"], int(props["ttl"]), list(props["values"]))
        outs = {**props, "zone_id": zone.id, "zone_name": zone.name}
        return CreateResult(f"{zone.id}/{props['name']}/{props['record_type']}", outs)

    def read(self, id_: str, props: dict) -> ReadResult:
        zone_id, name, rtype = id_.split("/", 2)
        current = Route53().read(zone_id, name, rtype)
        ours = [v for v in props.get("values", []) if current and v in current.values]
        if not ours:
            return ReadResult(None, {})
        return ReadResult(id_, {**props, "values": ours, "zone_id": zone_id, "name": name, "record_type": rtype})

    def update(self, id_: str, olds: dict, news: dict) -> UpdateResult:
        zone_id = olds["zone_id"]
        dropped = [v for v in olds.get("values", []) if v not in news["values"]]
        Route53().set_values(zone_id, news["name"], news["record_type"], int(news["ttl"]),
                             add=list(news["values"]), drop=dropped)
        return UpdateResult({**news, "zone_id": zone_id, "zone_name": olds.get("zone_name")})

    def delete(self, id_: str, props: dict) -> None:
        zone_id, name, rtype = id_.split("/", 2)
        Route53().remove_values(zone_id, name, rtype, list(props.get("values", [])))


class RecordSet(Resource, module="dns", name="RecordSet"):
    zone_id: pulumi.Output[str]
    zone_name: pulumi.Output[str]
    values: pulumi.Output[list]

    def __init__(self, resource_name: str, name: pulumi.Input[str], record_type: pulumi.Input[str],
                 values: pulumi.Input[list], ttl: pulumi.Input[int] = 300,
                 opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__(RecordSetProvider(), resource_name,
                         {"name": name, "record_type": record_type, "values": values, "ttl": ttl,
                          "zone_id": None, "zone_name": None}, opts)

"""``Record``: one DNS record Mailgun expects, as the zone's authoritative servers serve it.

One per record, so ``pulumi preview`` lists every record on its own line with its name and
type (the value follows once Mailgun has generated it). The writing itself happens once per
subdomain in ``DomainRecords``; this resource reports, per record, whether DNS serves it
(``served``, ``missing`` or ``different``, with what was found) — in manual mode that is
how the DNS administrator's work shows up after ``pulumi refresh`` or the next ``up``.
"""
from __future__ import annotations

import time
from typing import Optional

import pulumi
from pulumi.dynamic import CreateResult, ReadResult, Resource, UpdateResult

from ..verify.authority import authoritative_lookup
from ..verify.check import check_record
from .common import BaseProvider

SETTLE_SECONDS = 120  # how long an automatic write may take to reach the authoritative servers


class RecordProvider(BaseProvider):
    kind = "DNS record"
    fields = ("purpose", "type", "name", "value", "priority")

    def label(self, props: dict) -> str:
        return f"{props.get('type')} {props.get('name')}"

    def _look(self, props: dict, wait: bool) -> dict:
        if not props.get("value"):  # predicted, but Mailgun's answer has no such record (an adopted domain)
            return {**props, "status": "not asked for", "found": [],
                    "detail": "Mailgun asks for other records for this domain: see its sender records"}
        record = {k: props[k] for k in ("type", "name", "value")}
        if props.get("priority") is not None:
            record["priority"] = props["priority"]
        lookup = authoritative_lookup(props["domain"], props.get("nameservers") or ())
        deadline = time.monotonic() + (SETTLE_SECONDS if wait else 0)
        delay = 0.5
        while True:
            finding = check_record(lookup, record, props.get("zone"))
            if finding.ok or time.monotonic() + delay > deadline:
                break
            time.sleep(delay)
            delay = min(delay * 2, 15)
        status = "served" if finding.ok else ("different" if finding.found else "missing")
        return {**props, "status": status, "found": list(finding.found), "detail": "" if finding.ok else finding.cause}

    def create(self, props: dict) -> CreateResult:
        return CreateResult(f"{props['type']}/{props['name']}/{props['value'][:40]}",
                            self._look(props, wait=props.get("mode") != "manual"))

    def update(self, _id: str, _olds: dict, news: dict) -> UpdateResult:
        return UpdateResult(self._look(news, wait=news.get("mode") != "manual"))

    def read(self, id_: str, props: dict) -> ReadResult:
        return ReadResult(id_, self._look(props, wait=False) if props.get("value") else props)

    def delete(self, _id: str, _props: dict) -> None:
        """The record itself is removed with ``DomainRecords`` (or by the DNS administrator)."""


class Record(Resource, module="dns", name="Record"):
    status: pulumi.Output[str]
    found: pulumi.Output[list]

    def __init__(self, resource_name: str, domain: str, purpose: str, type: str, name: str,
                 value: pulumi.Input[str], priority: Optional[int], mode: pulumi.Input[str],
                 nameservers: pulumi.Input[list] = None, zone: pulumi.Input[Optional[str]] = None,
                 opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__(RecordProvider(), resource_name, {
            "domain": domain, "purpose": purpose, "type": type, "name": name, "value": value,
            "priority": priority, "mode": mode, "nameservers": nameservers or [], "zone": zone,
            "status": None, "found": None, "detail": None}, opts)

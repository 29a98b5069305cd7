"""``Record``: one DNS record Mailgun expects, as the zone's authoritative servers serve it.

One per record, so ``pulumi preview`` lists every record on its own line with its name and
type (the value follows once Mailgun has generated it). The writing itself happens once per
subdomain in ``DomainRecords``; this resource reports, per record, whether DNS serves it
(``served``, ``missing`` or ``different``, with what was found) — in manual mode that is
how the DNS administrator's work shows up after ``pulumi refresh`` or the next ``up``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import pulumi
from pulumi.dynamic import CreateResult, ReadResult, Resource, UpdateResult

from ..verify.service import SETTLE_SECONDS, record_status
from .common import BaseProvider
from .inputs import Inputs


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
        seen = record_status(props["domain"], record, props.get("nameservers") or (), props.get("zone"),
                             settle=SETTLE_SECONDS if wait else 0)
        return {**props, "status": seen.status, "found": list(seen.found), "detail": seen.detail}

    def create(self, props: dict) -> CreateResult:
        return CreateResult(f"{props['type']}/{props['name']}/{props['value'][:40]}",
                            self._look(props, wait=props.get("mode") != "manual"))

    def update(self, _id: str, _olds: dict, news: dict) -> UpdateResult:
        return UpdateResult(self._look(news, wait=news.get("mode") != "manual"))

    def read(self, id_: str, props: dict) -> ReadResult:
        return ReadResult(id_, self._look(props, wait=False) if props.get("value") else props)

    def delete(self, _id: str, _props: dict) -> None:
        """The record itself is removed with ``DomainRecords`` (or by the DNS administrator)."""


@dataclass
class RecordInputs(Inputs):
    domain: str
    purpose: str
    type: str
    name: str
    value: pulumi.Input[str]
    priority: Optional[int] = None
    mode: pulumi.Input[str] = "automatic"
    nameservers: pulumi.Input[list] = field(default_factory=list)
    zone: pulumi.Input[Optional[str]] = None


class Record(Resource, module="dns", name="Record"):
    status: pulumi.Output[str]
    found: pulumi.Output[list]
    detail: pulumi.Output[Optional[str]]

    def __init__(self, resource_name: str, inputs: RecordInputs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__(RecordProvider(), resource_name, inputs.props(Record), opts)

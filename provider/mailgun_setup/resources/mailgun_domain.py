"""``MailgunDomain``: one subdomain end to end, as a component of small resources.

    MailgunDomain (component)
    ├── mailgun:Domain            the Mailgun domain (created or adopted)
    ├── dns:DomainRecords         every record written in one batch (route53 / cloudflare / auto)
    ├── dns:Record × n            one line per record in preview: served by DNS or not
    ├── mailgun:Verification      sender records (DKIM, SPF, tracking CNAME)
    └── mailgun:Verification      receiver records (MX), after the sender records are Verified

Record names and types are known at preview time: the DKIM selector is ours to choose.
"""
from __future__ import annotations

from typing import Optional

import pulumi

from ..config import DomainSpec, zone_id_backend
from ..ownership import claim_name, claim_value
from .dns_records import DomainRecords
from .domain import Domain
from .record import Record
from .verification import Verification

MX_HOSTS = {"us": ("mxa.mailgun.org", "mxb.mailgun.org"), "eu": ("mxa.eu.mailgun.org", "mxb.eu.mailgun.org")}


def expected_shapes(spec: DomainSpec) -> list[dict]:
    """The records Mailgun will ask for, without values: (purpose, type, name, and for MX the host)."""
    shapes = [{"purpose": "DKIM", "type": "TXT", "name": f"{spec.dkim_selector}._domainkey.{spec.name}"},
              {"purpose": "SPF", "type": "TXT", "name": spec.name}]
    if spec.tracking:
        shapes.append({"purpose": "tracking", "type": "CNAME", "name": f"email.{spec.name}"})
    if spec.receiving:
        shapes += [{"purpose": "MX", "type": "MX", "name": spec.name, "host": host, "priority": 10}
                   for host in MX_HOSTS[spec.region]]
    return shapes


def _value_of(shape: dict, found: list) -> str:
    for record in found or []:
        if record["type"] == shape["type"] and record["name"] == shape["name"] \
                and (shape["type"] != "MX" or record["value"] == shape["host"]):
            return record["value"]
    return ""


class MailgunDomain(pulumi.ComponentResource):
    sender_status: pulumi.Output[str]
    receiver_status: pulumi.Output[Optional[str]]

    def __init__(self, spec: DomainSpec, *, owner: str, mode: str, verify_timeout: int,
                 opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("mailgun-setup:index:MailgunDomain", spec.name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        manual = mode == "manual"
        self.claim = claim_value(owner, [s.username for s in spec.senders], [r.recipient for r in spec.routes])
        self.domain = Domain(spec.name, name=spec.name, region=spec.region, dkim_key_length=spec.dkim_key_length,
                             dkim_selector=spec.dkim_selector, retention_days=spec.retention_days,
                             tracking=spec.tracking, receiving=spec.receiving, owner=owner, opts=child)
        sender_records, receiver_records = self.domain.sender_records, self.domain.receiver_records
        writes = []
        if manual:
            named = None if zone_id_backend(spec.zone) else spec.zone  # a zone id means nothing to the sheet
            self.dns_provider, self.zone, self.nameservers = pulumi.Output.from_input("manual"), named, []
        else:
            records = pulumi.Output.all(sender_records, receiver_records).apply(lambda both: both[0] + both[1])
            dns = DomainRecords(f"{spec.name} records", domain=spec.name, dns=mode, records=records,
                                claim=self.claim, owner=owner, zone=spec.zone, opts=child)
            self.dns_provider, self.zone, self.nameservers = dns.provider, dns.zone_name, dns.nameservers
            writes = [dns]
        after_writes = pulumi.ResourceOptions(parent=self, depends_on=writes)
        lines = []
        for shape in expected_shapes(spec):
            source = receiver_records if shape["type"] == "MX" else sender_records
            suffix = f" {shape['host'].split('.')[0]}" if shape["type"] == "MX" else ""
            lines.append(Record(f"{shape['type']} {shape['name']}{suffix}", domain=spec.name,
                                purpose=shape["purpose"], type=shape["type"], name=shape["name"],
                                value=source.apply(lambda found, s=shape: _value_of(s, found)),
                                priority=shape.get("priority"), mode="manual" if manual else "automatic",
                                nameservers=self.nameservers, zone=self.zone, opts=after_writes))
        checked = pulumi.ResourceOptions(parent=self, depends_on=writes + lines)
        common = dict(domain=spec.name, region=spec.region, mode="manual" if manual else "automatic",
                      timeout=verify_timeout, nameservers=self.nameservers, zone=self.zone)
        self.sender = Verification(f"{spec.name} sender", group="sender", records=sender_records,
                                   opts=checked, **common)
        self.sender_status = self.sender.status
        self.receiver = None
        self.receiver_status = pulumi.Output.from_input(None)
        if spec.receiving:
            self.receiver = Verification(f"{spec.name} receiver", group="receiver", records=receiver_records,
                                         requires=self.sender.status, opts=checked, **common)
            self.receiver_status = self.receiver.status
        self.ownership_record = {"purpose": "ownership", "type": "TXT", "name": claim_name(spec.name),
                                 "value": self.claim}
        self.register_outputs({"sender_status": self.sender_status, "receiver_status": self.receiver_status})

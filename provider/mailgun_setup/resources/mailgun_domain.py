"""``MailgunDomain``: one subdomain end to end, as a component of small resources.

    MailgunDomain (component)
    ├── mailgun:Domain            the Mailgun domain (created or adopted)
    ├── dns:DomainRecords         every record written in one batch (route53 / cloudflare / auto)
    ├── dns:Record × n            one line per record in preview: served by DNS or not
    ├── mailgun:Verification      sender records (DKIM, SPF, tracking CNAME)
    └── mailgun:Verification      receiver records (MX), after the sender records are Verified

Record names and types are known at preview time: the DKIM selector is ours to choose (declared,
or following the key length). That is why ``name``, ``dkim_key_length``, ``dkim_selector``,
``receiving``, ``tracking`` and ``dns`` are plain values: they decide which resources and record
lines exist. Every other input may be an ``Output``.
"""
from __future__ import annotations

from typing import Optional

import pulumi
from pulumi.runtime.config import get_config

from ..dmarc import Dmarc
from ..dns.backend import DEFAULT_DNS, resolve_mode
from ..dns.custom import CustomDns, foreign_txt
from ..dns.custom import requests as custom_requests
from ..dns.names import in_zone, zone_for, zone_id_backend
from ..errors import UsageError
from ..mailgun.facts import (AUTOMATIC_SENDER_SECURITY_SELECTORS, DEFAULT_DKIM_KEY_LENGTH,
                             DEFAULT_REGION, MAX_ROUTES, MAX_SENDERS, MX_PRIORITY, SMTP_HOSTS, TRACKING_PREFIX)
from ..ownership import claim_name, claim_value
from ..rules import Problem
from ..verify.service import DEFAULT_VERIFY_TIMEOUT
from .common import CONFIG_NAMESPACE
from .dns_records import DomainRecords, DomainRecordsInputs
from .domain import FIELDS, Domain, DomainInputs, identity
from .inputs import checked_arguments
from .record import Record, RecordInputs
from .tracking import Tracking, TrackingInputs
from .verification import Verification, VerificationInputs

COMPONENT_TYPE = "mailgun-setup:index:MailgunDomain"


def expected_shapes(name: str, dkim_selector: str, receiving: bool, tracking: bool,
                    automatic_sender_security: bool = False) -> list[dict]:
    """The records Mailgun will ask for, without values: purpose, type, name (and ``mx``, the MX
    host's first label, which is the same in both regions). With automatic sender security the
    DKIM records are two CNAMEs to keys Mailgun hosts, instead of our selector's TXT key."""
    if automatic_sender_security:
        shapes = [{"purpose": "DKIM", "type": "CNAME", "name": f"{selector}._domainkey.{name}"}
                  for selector in AUTOMATIC_SENDER_SECURITY_SELECTORS]
    else:
        shapes = [{"purpose": "DKIM", "type": "TXT", "name": f"{dkim_selector}._domainkey.{name}"}]
    shapes.append({"purpose": "SPF", "type": "TXT", "name": name})
    if tracking:
        shapes.append({"purpose": "tracking", "type": "CNAME", "name": f"{TRACKING_PREFIX}.{name}"})
    if receiving:
        shapes += [{"purpose": "MX", "type": "MX", "name": name, "mx": label, "priority": MX_PRIORITY}
                   for label in ("mxa", "mxb")]
    return shapes


def _value_of(shape: dict, found: list) -> str:
    for record in found or []:
        if record["type"] == shape["type"] and record["name"] == shape["name"] \
                and (shape["type"] != "MX" or record["value"].split(".", 1)[0] == shape["mx"]):
            return record["value"]
    return ""


def _validate(resource_name: str, arguments: dict) -> dict:
    """Every rule the plain arguments break, raised at once (Output arguments are checked at apply);
    the clean values of the arguments."""
    found: list[Problem] = []
    dns = arguments.get("dns")
    if isinstance(dns, CustomDns):  # the program's own writer: the mode field judges names only
        if not callable(dns.writer):
            found.append(Problem("dns.writer", f"must be a function (record, opts) -> pulumi.Resource, got "
                                               f"{type(dns.writer).__name__}"))
        arguments = {**arguments, "dns": DEFAULT_DNS}
    return checked_arguments(f"MailgunDomain({resource_name!r})", FIELDS, arguments, found)


class MailgunDomain(pulumi.ComponentResource):
    """A Mailgun subdomain with its DNS records written (or put on a sheet) and verified.

    :param name: the subdomain, e.g. ``mail.company.com`` (never a registrable root domain).
    :param region: ``us`` or ``eu``; fixed forever at Mailgun, so a change replaces the domain.
    :param dkim_key_length: 1024 or 2048; a change is a key rotation in place to a new selector.
    :param dkim_selector: the DKIM selector (one DNS label), so record names are known at preview; a change
        rotates the key in place (new key published beside the old, activated once valid, old one removed).
        Left out, it follows the key length: ``mg`` for 1024 bits, ``mg2048`` for 2048 — so a change of
        ``dkim_key_length`` alone rotates too. A declared selector stays as declared: changing the length
        then needs a new selector as well.
    :param retention_days: 0, 1, 3 or 7; None leaves Mailgun's (plan) default.
    :param receiving: also write and verify the MX records (needed by :class:`ReceiverRoute`).
    :param tracking: also write the click/open tracking CNAME ``email.<name>``.
    :param dns: ``route53`` | ``cloudflare`` | ``manual`` (a sheet, nothing written) | ``auto``
        (the first with credentials whose zones hold the name; manual without any) | a :class:`CustomDns`
        (the program's own DNS resources write the records, verified in the same ``up``).
    :param zone: the zone to write into, by name or id (an Output of a zone resource works);
        default: the longest public zone that holds ``name``.
    :param verify_timeout: seconds ``pulumi up`` waits for verification before failing.
    :param automatic_sender_security: DKIM as two CNAMEs (``pdk1``/``pdk2._domainkey``) to keys Mailgun
        hosts and rotates, instead of a TXT key under ``dkim_selector``; an in-place update.
    :param spam_action: ``disabled``, ``block`` or ``tag`` (inbound spam); None leaves Mailgun's. In place.
    :param wildcard: accept mail for sub-subdomains; None leaves Mailgun's. In place.
    :param web_scheme: ``http`` or ``https`` tracking links; None leaves Mailgun's. In place.
    :param require_tls: only deliver over TLS; None leaves Mailgun's. In place.
    :param force_dkim_authority: keep the DKIM key under this subdomain (default, so record names are the
        ones preview shows) rather than its root's; Mailgun cannot change it later (a replacement).
    :param dkim_rotation_days: with ``automatic_sender_security``, Mailgun rotates its keys every N days
        (5 at least). In place.
    :param dmarc: a :class:`Dmarc` policy to publish at ``_dmarc.<name>`` with the other records
        (a DMARC record already there is kept and reported, never replaced).

    With ``tracking=True`` open and click tracking are turned on, and ``email.<name>`` is also
    registered as a second Mailgun domain with no DNS of its own (``tracking_domain``), so no
    other account can claim the host the tracking CNAME points at Mailgun.
    """

    sender_records: pulumi.Output[list]
    receiver_records: pulumi.Output[list]
    sender_status: pulumi.Output[str]
    receiver_status: pulumi.Output[Optional[str]]
    smtp_host: pulumi.Output[str]
    dns_provider: pulumi.Output[str]
    zone: pulumi.Output[Optional[str]]
    adopted: pulumi.Output[bool]
    tracking_domain: pulumi.Output[Optional[str]]
    dmarc_status: pulumi.Output[Optional[str]]

    def __init__(self, resource_name: str, *, name: str, region: pulumi.Input[str] = DEFAULT_REGION,
                 dkim_key_length: int = DEFAULT_DKIM_KEY_LENGTH,
                 dkim_selector: Optional[str] = None, retention_days: pulumi.Input[Optional[int]] = None,
                 receiving: bool = False, tracking: bool = False, dns: "str | CustomDns" = DEFAULT_DNS,
                 zone: pulumi.Input[Optional[str]] = None,
                 verify_timeout: pulumi.Input[int] = DEFAULT_VERIFY_TIMEOUT, dmarc: Optional[Dmarc] = None,
                 automatic_sender_security: bool = False, dkim_rotation_days: pulumi.Input[Optional[int]] = None,
                 spam_action: pulumi.Input[Optional[str]] = None, wildcard: pulumi.Input[Optional[bool]] = None,
                 web_scheme: pulumi.Input[Optional[str]] = None, require_tls: pulumi.Input[Optional[bool]] = None,
                 force_dkim_authority: pulumi.Input[bool] = True, opts: Optional[pulumi.ResourceOptions] = None):
        arguments = dict(locals())
        clean = _validate(resource_name, {f.name: arguments[f.name] for f in FIELDS if f.name in arguments})
        settings = {f.name: arguments[f.name] for f in FIELDS if f.group == "setting"}
        super().__init__(COMPONENT_TYPE, resource_name, None, opts)
        self.name: str = clean["name"]
        self.dkim_selector: str = clean["dkim_selector"]
        self.receiving, self.tracking = receiving, tracking = clean["receiving"], clean["tracking"]
        automatic_sender_security = clean["automatic_sender_security"]
        self.owner = f"{pulumi.get_project()}/{pulumi.get_stack()}"
        self.custom: Optional[CustomDns] = dns if isinstance(dns, CustomDns) else None
        if self.custom is not None:
            self.mode = "custom"
            self.custom_zone = self._custom_zone(resource_name, self.custom)
        else:
            self.mode = resolve_mode(clean["dns"], get_config(f"{CONFIG_NAMESPACE}:cloudflareApiToken"))
        self.region = pulumi.Output.from_input(region)
        # Filled in by SenderIdentity / ReceiverRoute as the program declares them.
        self.sender_logins: list[str] = []
        self.route_recipients: list[str] = []
        child = pulumi.ResourceOptions(parent=self)

        domain_inputs = DomainInputs(
            name=self.name, region=region, dkim_key_length=clean["dkim_key_length"], dkim_selector=self.dkim_selector,
            retention_days=retention_days, tracking=tracking, receiving=receiving, owner=self.owner,
            automatic_sender_security=automatic_sender_security, mode=self.line_mode, **settings)
        self.domain = Domain(resource_name, domain_inputs, opts=child)
        # Carried by everything that lives inside the Mailgun domain: replaced with it.
        self.identity = identity(domain_inputs)
        self.sender_records, self.receiver_records = self.domain.sender_records, self.domain.receiver_records
        self.adopted = self.domain.adopted
        self.smtp_host = self.region.apply(lambda r: SMTP_HOSTS[r])
        self.dmarc_record: Optional[dict] = clean["dmarc"].record(self.name) if clean["dmarc"] else None
        self.tracking_domain = pulumi.Output.from_input(None)
        if tracking:
            self.tracking_resource = Tracking(f"{resource_name} tracking", TrackingInputs(
                domain=self.name, region=region, owner=self.owner, domain_identity=self.identity), opts=pulumi.ResourceOptions(
                    parent=self, depends_on=[self.domain]))
            self.tracking_domain = self.tracking_resource.defensive_domain
        # The program runs to its end before any apply callback: by then every sender and route
        # of this domain has registered itself, so the claim names them all.
        self.claim = pulumi.Output.from_input(self.owner).apply(
            lambda owner: claim_value(owner, self.sender_logins, self.route_recipients))

        writes: list[pulumi.Resource] = []
        if self.custom is not None:
            self.dns_provider = pulumi.Output.from_input("custom")
            self.zone = pulumi.Output.from_input(self.custom_zone)
            self.nameservers = []  # the zone's own, found from its NS records
            writes = self._write_with(self.custom, resource_name, automatic_sender_security)
        elif self.manual:
            named = zone if isinstance(zone, pulumi.Output) or not zone_id_backend(zone) else None
            self.dns_provider = pulumi.Output.from_input("manual")
            self.zone = pulumi.Output.from_input(named)  # a zone id means nothing on the sheet
            self.nameservers: pulumi.Input[list] = []
        else:
            extra = [self.dmarc_record] if self.dmarc_record else []
            records = pulumi.Output.all(self.sender_records, self.receiver_records).apply(
                lambda b: (b[0] or []) + (b[1] or []) + extra)
            dns_records = DomainRecords(f"{resource_name} records", DomainRecordsInputs(
                domain=self.name, dns=self.mode, records=records, claim=self.claim, owner=self.owner, zone=zone,
                region=self.region, timeout=verify_timeout),
                opts=child)
            self.dns_provider, self.zone = dns_records.provider, dns_records.zone_name
            self.nameservers = dns_records.nameservers
            writes = [dns_records]

        after_writes = pulumi.ResourceOptions(parent=self, depends_on=writes)
        lines = []
        for shape in expected_shapes(self.name, self.dkim_selector, receiving, tracking, automatic_sender_security):
            source = self.receiver_records if shape["type"] == "MX" else self.sender_records
            suffix = f" {shape['mx']}" if shape["type"] == "MX" else ""
            lines.append(Record(f"{shape['type']} {shape['name']}{suffix}", RecordInputs(
                domain=self.name, purpose=shape["purpose"], type=shape["type"], name=shape["name"],
                value=source.apply(lambda found, s=shape: _value_of(s, found)), priority=shape.get("priority"),
                mode=self.line_mode, nameservers=self.nameservers, zone=self.zone), opts=after_writes))

        self.dmarc_status = pulumi.Output.from_input(None)
        if self.dmarc_record:
            dmarc_line = Record(f"TXT {self.dmarc_record['name']}", RecordInputs(
                domain=self.name, purpose="DMARC", type="TXT", name=self.dmarc_record["name"],
                value=self.dmarc_record["value"], mode=self.line_mode, nameservers=self.nameservers,
                zone=self.zone), opts=after_writes)
            lines.append(dmarc_line)
            self.dmarc_status = dmarc_line.status

        checked = pulumi.ResourceOptions(parent=self, depends_on=writes + lines)
        common = dict(domain=self.name, region=self.region, mode=self.record_mode, timeout=verify_timeout,
                      nameservers=self.nameservers, zone=self.zone)
        self.sender = Verification(f"{resource_name} sender", VerificationInputs(
            group="sender", records=self.sender_records, rotates_key=self.custom is not None, **common),
            opts=checked)
        self.sender_status = self.sender.status
        self.receiver: Optional[Verification] = None
        self.receiver_status = pulumi.Output.from_input(None)
        if receiving:
            self.receiver = Verification(f"{resource_name} receiver", VerificationInputs(
                group="receiver", records=self.receiver_records, requires=self.sender.status, **common),
                opts=checked)
            self.receiver_status = self.receiver.status
        self.ownership_record = self.claim.apply(lambda value: {"purpose": "ownership", "type": "TXT",
                                                                "name": claim_name(self.name), "value": value})
        self.register_outputs({"sender_status": self.sender_status, "receiver_status": self.receiver_status,
                               "smtp_host": self.smtp_host, "dns_provider": self.dns_provider})

    def _custom_zone(self, resource_name: str, custom: CustomDns) -> str:
        where = f"MailgunDomain({resource_name!r}).dns"
        try:
            zone = zone_for(self.name, custom.zone)
        except ValueError as exc:
            raise UsageError(Problem(f"{where}.zone", str(exc))) from None
        if not in_zone(self.name, zone):
            raise UsageError(Problem(f"{where}.zone", f"{self.name} is not inside the zone {zone}: every record "
                                                      f"would be named outside it"))
        return zone

    def _write_with(self, custom: CustomDns, resource_name: str, automatic_sender_security: bool) -> list:
        """Ask the program's writer for a resource per record; what it returns is what the lines wait for."""
        where = f"MailgunDomain({resource_name!r}).dns"
        wanted = [(shape, (self.receiver_records if shape["type"] == "MX" else self.sender_records).apply(
            lambda found, s=shape: _value_of(s, found)))
            for shape in expected_shapes(self.name, self.dkim_selector, self.receiving, self.tracking,
                                         automatic_sender_security)
            if not (custom.spf_merged and shape["purpose"] == "SPF")]
        if self.dmarc_record:
            wanted.append(({"purpose": "DMARC", "type": "TXT", "name": self.dmarc_record["name"]},
                           pulumi.Output.from_input(self.dmarc_record["value"])))
        wanted.append(({"purpose": "ownership", "type": "TXT", "name": claim_name(self.name)}, self.claim))
        refusals = foreign_txt([shape for shape, _ in wanted if shape["purpose"] in ("SPF", "DMARC")],
                               self.dmarc_record)
        if refusals:
            raise UsageError([Problem(where, refusal) for refusal in refusals])
        made: list[pulumi.Resource] = []
        for ask in custom_requests(wanted, self.custom_zone, resource_name):
            result = custom.writer(ask, pulumi.ResourceOptions(parent=self))
            if result is not None and not isinstance(result, pulumi.Resource):
                raise UsageError(Problem(where, f"the writer must return the pulumi.Resource that publishes "
                                                f"{ask.type} {ask.name} (or None), got {type(result).__name__}"))
            if result is not None and all(result is not r for r in made):
                made.append(result)
        return made

    @property
    def line_mode(self) -> str:
        """How record lines and the Domain see the records: written by us, by the program's writer, or by hand."""
        return "custom" if self.custom is not None else self.record_mode

    @property
    def manual(self) -> bool:
        return self.mode == "manual"

    @property
    def record_mode(self) -> str:
        return "manual" if self.manual else "automatic"

    def register_sender(self, login: str) -> None:
        if login in self.sender_logins:
            raise UsageError(Problem("username", f"{login} is declared twice on {self.name}"))
        if len(self.sender_logins) >= MAX_SENDERS:
            raise UsageError(Problem("domain", f"{self.name} already has {MAX_SENDERS} senders, Mailgun's limit "
                                               f"per subdomain"))
        self.sender_logins.append(login)

    def register_route(self, recipient: str) -> None:
        if len(self.route_recipients) >= MAX_ROUTES:
            raise UsageError(Problem("sender", f"{self.name} already has {MAX_ROUTES} routes, the limit per "
                                               f"subdomain"))
        self.route_recipients.append(recipient)

"""``CustomDns``: the program's own DNS resources publish a subdomain's records (any DNS provider).

A platform team whose zone lives in Google Cloud DNS, Azure DNS, DigitalOcean, NS1… already has that
zone in its Pulumi program. ``MailgunDomain(..., dns=CustomDns(writer, zone="company.com"))`` calls
``writer(record, opts)`` once per record the domain needs and makes its record lines and its
verification wait for what the writer returned, so one ``pulumi up`` writes and verifies.

``record`` (a :class:`RecordRequest`) carries what DNS providers ask for, in the forms they ask for it.
Names are plain strings known at preview; values are Outputs (Mailgun makes the DKIM key).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import pulumi

from .names import relative
from .txt import quote_txt, split_txt

SUGGESTED_TTL = 300
# Mailgun's SPF record, either region (what a writer of ours publishes at the subdomain's name)
OUR_SPF = tuple(f"v=spf1 include:{host} ~all" for host in ("mailgun.org", "eu.mailgun.org"))


@dataclass(frozen=True)
class RecordRequest:
    """One record a :class:`CustomDns` writer publishes.

    :ivar type: ``TXT``, ``CNAME`` or ``MX``.
    :ivar purpose: ``DKIM``, ``SPF``, ``tracking``, ``MX``, ``DMARC`` or ``ownership``.
    :ivar name: the full name without the final dot (``mail.company.com``); ``fqdn`` has the dot.
    :ivar relative_name: the name relative to ``zone`` (``mail``; ``@`` at the apex).
    :ivar zone: the zone's name.
    :ivar value: TXT: the whole value, unquoted; MX and CNAME: the host (``mxa.mailgun.org``).
    :ivar value_with_dot: MX and CNAME hosts with the final dot; TXT as ``value``.
    :ivar rrdata: the zone-file form: TXT quoted and split into strings of at most 255 characters,
        MX ``10 mxa.mailgun.org.``, CNAME ``mailgun.org.``.
    :ivar txt_strings: TXT only: the value split into strings of at most 255 characters, unquoted.
    :ivar priority: MX only.
    :ivar ttl: a suggested TTL in seconds.
    :ivar resource_name: a stable, unique name for the writer's resource.
    :ivar rrset: every value of the record set at this name and type, in the ``rrdata`` form (both MX
        hosts, for example): for providers whose record resource owns the whole set (Route 53, Google Cloud
        DNS, Azure), create one resource on the first request of a set and return it for the others.
    :ivar rrset_resource_name: a stable, unique name for such a per-set resource.
    """

    type: str
    purpose: str
    name: str
    relative_name: str
    zone: str
    value: pulumi.Output
    value_with_dot: pulumi.Output
    rrdata: pulumi.Output
    txt_strings: pulumi.Output
    priority: Optional[int]
    ttl: int
    resource_name: str
    rrset: pulumi.Output
    rrset_resource_name: str

    @property
    def fqdn(self) -> str:
        return f"{self.name}."


Writer = Callable[[RecordRequest, pulumi.ResourceOptions], Optional[pulumi.Resource]]


@dataclass(frozen=True)
class CustomDns:
    """Records written by resources the program supplies.

    :param writer: ``writer(record, opts)`` returns the Pulumi resource that publishes ``record`` (create it
        with ``opts``, which names the :class:`~mailgun_setup.MailgunDomain` as parent), or None when the
        record is already published another way.
    :param zone: the zone's name (``company.com``), for relative names and the zone's authoritative servers;
        default: the registrable domain of the subdomain.
    :param spf_merged: True once you have merged ``include:mailgun.org`` into an SPF record that already
        exists at the subdomain's name: the writer is then not asked for an SPF record, and the record line
        checks that the merged record covers Mailgun's.
    """

    writer: Writer
    zone: Optional[str] = None
    spf_merged: bool = False


def _forms(shape: dict, value: pulumi.Output) -> tuple[pulumi.Output, pulumi.Output, pulumi.Output]:
    """(value with the final dot, rrdata, TXT strings) of one record."""
    if shape["type"] == "TXT":
        return value, value.apply(quote_txt), value.apply(split_txt)
    with_dot = value.apply(lambda host: f"{host.rstrip('.')}.")
    rrdata = with_dot.apply(lambda host: f"{shape['priority']} {host}" if shape["type"] == "MX" else host)
    return with_dot, rrdata, pulumi.Output.from_input([])


def requests(wanted: list[tuple[dict, pulumi.Input[str]]], zone: str, prefix: str) -> list[RecordRequest]:
    """One request per record of ``wanted`` ((purpose, type, name, priority?, mx?) shape, value), each knowing
    the whole record set it belongs to; resource names start with ``prefix`` (the domain's resource name)."""
    built = []
    for shape, value in wanted:
        value = pulumi.Output.from_input(value)
        built.append((shape, value, *_forms(shape, value)))
    sets: dict[tuple[str, str], list[pulumi.Output]] = {}
    for shape, _, _, rrdata, _ in built:
        sets.setdefault((shape["name"], shape["type"]), []).append(rrdata)
    made = []
    for shape, value, with_dot, rrdata, strings in built:
        name, rtype = shape["name"], shape["type"]
        label = name.split(".", 1)[0].lstrip("_")
        purpose = shape["purpose"].lower()
        made.append(RecordRequest(
            type=rtype, purpose=shape["purpose"], name=name, relative_name=relative(name, zone), zone=zone,
            value=value, value_with_dot=with_dot, rrdata=rrdata, txt_strings=strings,
            priority=shape.get("priority"), ttl=SUGGESTED_TTL,
            resource_name=f"{prefix}-{purpose}-{shape.get('mx') or label}",
            rrset=pulumi.Output.all(*sets[(name, rtype)]), rrset_resource_name=f"{prefix}-{purpose}-{label}"))
    return made


def foreign_txt(shapes: list[dict], dmarc: Optional[dict]) -> list[str]:
    """What already sits at the TXT names a writer would publish (its resource would own the whole set there):
    a foreign SPF record, or any other TXT value that is not ours. Read at the zone's authoritative servers."""
    from ..verify.authority import authoritative_lookup  # DNS libraries load only for CustomDns
    from . import spf

    found = []
    for shape in shapes:
        answer = authoritative_lookup(shape["name"]).txt(shape["name"])
        for value in answer.values if answer.status == "ok" else ():
            if value in OUR_SPF or (dmarc is not None and value == dmarc["value"]):
                continue
            what = "an SPF record" if spf.is_spf(value) else "a TXT record"
            if shape["purpose"] == "SPF":
                way_out = ("let the product write the zone itself (dns='route53' or 'cloudflare', which merge with "
                           "it), or merge include:mailgun.org into that record by hand and declare it with "
                           "CustomDns(..., spf_merged=True)")
            else:
                way_out = "remove it, or leave dmarc unset to keep it"
            found.append(f"{shape['name']} already has {what} that is not ours ({value[:80]!r}): the writer's "
                         f"resource would replace the whole TXT set there; {way_out}")
    return found

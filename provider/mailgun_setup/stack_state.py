"""The stack's domains read from its state (``pulumi stack export``), whatever the program exports.

`mailgun-setup handoff` used to read the YAML program's ``domains`` output, so a program written
in code (which exports what it likes) had no sheet. Every program that uses the library leaves the
same resources in state, by type token: one ``mailgun:Domain`` per subdomain, and beside it (same
parent, the ``MailgunDomain`` component) its ``mailgun:Verification`` per record group, its
``dns:DomainRecords`` when the records are written automatically, its ``dns:Record`` lines, and the
``mailgun:SenderIdentity`` / ``mailgun:ReceiverRoute`` resources named in the ownership claim.
The result has the shape of the YAML program's ``domains`` output (what the sheet renders).
"""
from __future__ import annotations

from typing import Any, Optional

from .dns.names import zone_id_backend
from .ownership import claim_name, claim_value

PREFIX = "pulumi-python:dynamic/"
DOMAIN, RECORDS, RECORD = PREFIX + "mailgun:Domain", PREFIX + "dns:DomainRecords", PREFIX + "dns:Record"
VERIFICATION, SENDER, ROUTE = PREFIX + "mailgun:Verification", PREFIX + "mailgun:SenderIdentity", \
    PREFIX + "mailgun:ReceiverRoute"


def _props(resource: dict) -> dict:
    return {**(resource.get("inputs") or {}), **(resource.get("outputs") or {})}


def _plain(value: Any) -> Any:
    """A secret stays out of the sheet (the records are never secret)."""
    if isinstance(value, dict) and "ciphertext" in value:
        return None
    return value


def domains_from_state(deployment: dict) -> dict[str, dict]:
    """``pulumi stack export``'s document (or its ``deployment``) -> domain name -> sheet fields."""
    deployment = deployment.get("deployment", deployment)
    resources = deployment.get("resources") or []
    domains: dict[str, dict] = {}
    for resource in resources:
        if resource.get("type") != DOMAIN or resource.get("delete"):
            continue
        props = _props(resource)
        name = props.get("name")
        if not isinstance(name, str):
            continue
        siblings = [_props(r) | {"__type": r.get("type")} for r in resources
                    if r.get("parent") == resource.get("parent") and r is not resource and not r.get("delete")]
        domains[name] = _domain(name, props, siblings, resources)
    return domains


def _domain(name: str, props: dict, siblings: list[dict], resources: list[dict]) -> dict:
    def of(kind: str) -> list[dict]:
        return [s for s in siblings if s["__type"] == kind]

    groups = {v.get("group"): v for v in of(VERIFICATION)}
    records = next(iter(of(RECORDS)), None)
    dmarc = next((r for r in of(RECORD) if r.get("purpose") == "DMARC"), None)
    if records is not None:
        provider, zone, claim = records.get("provider"), records.get("zone_name"), records.get("claim")
    else:  # manual: nothing written; the zone as the lines were given it (a zone id means nothing on a sheet)
        zone = next((v.get("zone") for v in groups.values() if v.get("zone")), None)
        zone = zone if isinstance(zone, str) and not zone_id_backend(zone) else None
        provider, claim = "manual", _claim(name, props, resources)
    receiving = bool(props.get("receiving"))
    return {
        "region": props.get("region"), "dnsProvider": provider, "zone": zone, "smtpHost": props.get("smtp_host"),
        "senderStatus": (groups.get("sender") or {}).get("status"),
        "receiverStatus": (groups.get("receiver") or {}).get("status") if receiving else None,
        "senderRecords": _plain(props.get("sender_records")) or [],
        "receiverRecords": (_plain(props.get("receiver_records")) or []) if receiving else [],
        "ownershipRecord": {"purpose": "ownership", "type": "TXT", "name": claim_name(name), "value": claim}
        if isinstance(claim, str) and claim else None,
        "dmarcRecord": {k: dmarc.get(k) for k in ("purpose", "type", "name", "value")} if dmarc else None,
        "adopted": bool(props.get("adopted")),
        "senders": sorted(_usernames(name, resources, SENDER, "username")),
    }


def _usernames(domain: str, resources: list[dict], kind: str, field: str) -> set[str]:
    return {p.get(field) for p in (_props(r) for r in resources if r.get("type") == kind and not r.get("delete"))
            if p.get("domain") == domain and isinstance(p.get(field), str)}


def _claim(domain: str, props: dict, resources: list[dict]) -> Optional[str]:
    """The ownership claim as the component computes it: the owner and this stack's senders and routes."""
    owner = props.get("owner")
    if not isinstance(owner, str) or not owner:
        return None
    return claim_value(owner, _usernames(domain, resources, SENDER, "username"),
                       _usernames(domain, resources, ROUTE, "recipient"))

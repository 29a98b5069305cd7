"""The DNS records Mailgun expects for a domain, in one plain shape used by outputs, sheets and checks.

    {"purpose": "DKIM" | "SPF" | "tracking" | "MX" | "ownership",
     "type": "TXT" | "CNAME" | "MX", "name": full name without final dot, "value": ..., "priority": 10 (MX only)}
"""
from __future__ import annotations

from collections import defaultdict

from .dns.types import normalise_value
from .dns.names import bare


def _purpose(record_type: str, name: str, value: str) -> str:
    """By name and value, not by type alone: with automatic sender security the DKIM records are
    CNAMEs too (``pdk1._domainkey.<domain>`` -> ``pdk1._domainkey.<…>.mailgun.com``), and a
    DKIM record under the root domain (shared DKIM authority) is still DKIM."""
    if record_type == "MX":
        return "MX"
    if "._domainkey." in name or (record_type == "CNAME" and "._domainkey." in value):
        return "DKIM"
    if record_type == "CNAME":
        return "tracking"
    return "SPF" if value.lower().startswith("v=spf1") else "TXT"


def _record(raw: dict, domain: str) -> dict:
    rtype = raw["record_type"].upper()
    name = bare(raw.get("name") or domain)
    value = raw["value"] if rtype == "TXT" else bare(raw["value"])
    record = {"purpose": _purpose(rtype, name, value), "type": rtype, "name": name, "value": value}
    if rtype == "MX":
        record["priority"] = int(raw.get("priority") or 10)
    return record


def from_mailgun(body: dict, tracking: bool) -> tuple[list[dict], list[dict]]:
    """(sender records, receiver records) from a Mailgun domain response: names and purposes are
    Mailgun's (an adopted domain's DKIM may not be where we would predict it); MX records carry
    their name in Mailgun's answer, else the domain's."""
    domain = body["domain"]["name"]
    sending = [_record(r, domain) for r in body.get("sending_dns_records") or []]
    receiving = [_record(r, domain) for r in body.get("receiving_dns_records") or []]
    return [r for r in sending if tracking or r["purpose"] != "tracking"], receiving


def validity(body: dict) -> dict[tuple[str, str, str], str]:
    """Mailgun's last verdict per record: (type, name, comparable value) -> valid | invalid | unknown."""
    domain = body["domain"]["name"]
    verdicts = {}
    for raw in (body.get("sending_dns_records") or []) + (body.get("receiving_dns_records") or []):
        record = _record(raw, domain)
        verdicts[key_of(record)] = raw.get("valid") or "unknown"
    return verdicts


def unconfirmed(body: dict, wanted: list[dict]) -> list[dict]:
    """Those of ``wanted`` that Mailgun's last verdict in ``body`` does not mark valid."""
    verdicts = validity(body)
    return [r for r in wanted if verdicts.get(key_of(r)) != "valid"]


def comparable(record: dict) -> str:
    if record["type"] == "MX":
        return normalise_value("MX", f"{int(float(record.get('priority') or 10))} {record['value']}")  # JSON numbers
    return normalise_value(record["type"], record["value"])


def key_of(record: dict) -> tuple[str, str, str]:
    return record["type"], record["name"], comparable(record)


def wanted(records: list[dict]) -> dict[tuple[str, str], list[str]]:
    """Records grouped the way DNS stores them: (name, type) -> values."""
    grouped: dict[tuple[str, str], list[str]] = defaultdict(list)
    for record in records:
        grouped[(record["name"], record["type"])].append(comparable(record))
    return dict(grouped)

"""Compare what DNS serves with the records Mailgun expects, and say why a record is not right.

Each finding names the record, what was expected, what was found, and the likely cause —
the mistakes seen in the field: a full name pasted where the provider wanted only the host
(``mail.company.com.company.com``), a value cut or mangled, or propagation not finished.
"""
from __future__ import annotations

from typing import Optional

from ..dmarc import is_dmarc
from ..dns import spf
from ..dns.plan import is_dkim_key
from ..findings import Finding
from ..records import comparable
from ..text import shorten
from .lookup import DnsLookup


def _finding(record: dict, ok: bool, found: tuple[str, ...] = (), detail: str = "") -> Finding:
    return Finding(f"{record['type']} {record['name']}", ok, detail, found=tuple(found), record=record)


def expected_value(record: dict) -> str:
    return comparable(record)


def served(record: dict, found: tuple[str, ...]) -> bool:
    """Whether the values ``found`` at the record's name serve it (our SPF may sit inside a merged SPF)."""
    want = expected_value(record)
    if record["type"] == "TXT" and spf.is_spf(want):
        return any(spf.contains(v, want) for v in found)
    return want in found


TWO_KEYS = ("two different keys are published at this selector: receivers pick either one, and mail signed "
            "with ours fails when they pick the other (RFC 6376 §3.6.2.2: the result is undefined); remove the "
            "other TXT value")


def rival_keys(record: dict, found: tuple[str, ...]) -> bool:
    """Another key published beside ours at our DKIM selector (a selector holds one key)."""
    return is_dkim_key(record["name"], record["type"]) and len(set(found)) > 1


def check_record(lookup: DnsLookup, record: dict, zone: Optional[str] = None) -> Finding:
    answer = lookup.query(record["name"], record["type"])
    if answer.status == "ok" and served(record, answer.values):
        if rival_keys(record, answer.values):
            return _finding(record, False, answer.values, TWO_KEYS)
        return _finding(record, True, answer.values)
    if answer.status == "ok" and record["type"] == "TXT" and is_dmarc(record["value"]):
        theirs = [v for v in answer.values if is_dmarc(v)]
        if theirs:  # one DMARC policy per name: a foreign one is kept and reported, never replaced
            return _finding(record, True, answer.values, f"a DMARC policy that is not ours is published "
                                                        f"({shorten(theirs[0])!r}); it is kept as it is")
    if answer.status == "ok":
        same_kind = [v for v in answer.values if record["type"] != "TXT"
                     or v.split("=")[0] == expected_value(record).split("=")[0]]
        cause = ("the value differs: re-copy it exactly (a DKIM key must not be cut or re-wrapped)" if same_kind
                 else "a different value is published at this name; ours is missing")
        return _finding(record, False, answer.values, cause)
    if answer.status == "error":
        return _finding(record, False, (), f"DNS did not answer ({answer.detail})")
    if record["type"] == "CNAME":
        addresses = lookup.query(record["name"], "A")
        if addresses.status == "ok":
            return _finding(record, False, addresses.values,
                           "answers with addresses instead of a CNAME: the record is proxied (Cloudflare's orange "
                           "cloud); set it to DNS only, or run `pulumi up` to write it unproxied again")
    if zone:
        doubled = f"{record['name']}.{zone}"
        if lookup.query(doubled, record["type"]).status == "ok":
            return _finding(record, False, (), f"found at {doubled} instead: the full name was entered where "
                                              f"the DNS provider expected only the host; enter the host "
                                              f"relative to {zone}")
    return _finding(record, False, (), "not published yet, or DNS propagation has not finished")


def check_records(lookup: DnsLookup, records: list[dict], zone: Optional[str] = None) -> list[Finding]:
    return [check_record(lookup, r, zone) for r in records]

"""Each record Mailgun expects, checked at the authoritative servers and then at the resolver.

The diagnoses are the field's usual mistakes, most specific first: a CNAME at the name (no
other record can live beside it), a Cloudflare-proxied tracking CNAME (answers A records), the
zone name appended twice, a TXT value quoted or split by hand, a wrong value, a record
missing, and a record the authoritative servers serve but the resolver does not yet.
"""
from __future__ import annotations

from ..dns import spf
from ..dns.txt import MAX_STRING
from ..dns.names import relative as host_label
from ..records import comparable
from ..verify.check import rival_keys, served
from .findings import Finding, bad, good
from .servers import Servers
from ..text import shorten

MISSING = ("nxdomain", "nodata")


def subject(record: dict) -> str:
    purpose = record.get("purpose") or record["type"]
    if record["type"] == "MX":  # one name, several MX: the host tells them apart
        return f"MX {record['name']} {record['value']}"
    return f"{record['type']} {record['name']}" if purpose == record["type"] else \
        f"{purpose} {record['type']} {record['name']}"


def _squeezed(text: str) -> str:
    return "".join(text.replace('"', "").split())


def _txt_mangled(want: str, values: tuple[str, ...]) -> str:
    """Why a TXT value that holds the right text does not match: quotes typed in, or split."""
    for value in values:
        if '"' in value and _squeezed(value) == _squeezed(want):
            return f"the value was entered with quotes ({shorten(value)!r}): the quotes became part of the text"
        if value != want and _squeezed(value) == _squeezed(want):
            return f"the value was split with spaces ({shorten(value)!r}): the key must be one unbroken text"
    if len(values) > 1 and any(_squeezed("".join(order)) == _squeezed(want) for order in (values, values[::-1])):
        return f"the value was split into {len(values)} separate TXT records instead of strings of one record"
    for value in values:
        if len(want) > MAX_STRING and len(value) == MAX_STRING and want.startswith(value):
            return (f"the value is cut after its first {MAX_STRING} characters: a long value must be split into "
                    f"strings of at most {MAX_STRING} characters and all of them published, not only the first")
    return ""


def check(servers: Servers, record: dict, zone: str, optional: bool = False) -> Finding:
    name, rtype, want = record["name"], record["type"], comparable(record)
    what, host = subject(record), host_label(name, zone)
    fix_add = f"add {rtype} host `{host}` (full name {name}) value {shorten(want)!r} in zone {zone}"
    auth = servers.authoritative
    if rtype != "CNAME":
        cname = auth.cname(name)
        if cname.status == "ok":
            return bad(what, f"a CNAME ({', '.join(cname.values)}) is in the way: no other record can exist beside "
                             "a CNAME", f"remove the CNAME at {name}, then {fix_add}")
    answer = auth.query(name, rtype)
    if answer.status == "error":
        return bad(what, f"the authoritative servers did not answer ({answer.detail})",
                   f"check that the zone {zone} is delegated and its name servers answer")
    if answer.status in MISSING:
        if rtype == "CNAME":
            proxied = auth.query(name, "A")
            if proxied.status == "ok":
                return bad(what, f"answers A records ({', '.join(proxied.values)}) instead of a CNAME to {want}: "
                                 "the record is proxied by Cloudflare", "set the record to 'DNS only' (grey cloud) "
                                                                        "in Cloudflare")
        doubled = f"{name}.{zone}"
        if auth.query(doubled, rtype).status == "ok":
            return bad(what, f"published at {doubled} instead: the zone name was appended twice",
                       f"rename it to host `{host}` (the DNS provider appends {zone} itself)")
        if optional:
            return good(what, "not published (optional: only needed for click and open tracking)")
        return bad(what, "missing at the authoritative servers", fix_add)
    if served(record, answer.values) and rival_keys(record, answer.values):
        return bad(what, f"{len(set(answer.values))} different keys at this selector: receivers pick either one, "
                         "and mail signed with ours fails when they pick the other (RFC 6376 §3.6.2.2)",
                   f"remove every TXT value at host `{host}` but {shorten(want)!r}")
    if not served(record, answer.values):
        if rtype == "TXT":
            mangled = _txt_mangled(want, answer.values)
            if mangled:
                return bad(what, mangled, f"enter the value exactly as {shorten(want)!r}, without quotes, as one "
                                          "value (the DNS provider splits long values itself)")
            theirs = [v for v in answer.values if spf.is_spf(v)]
            if spf.is_spf(want) and len(theirs) == 1 and set(spf.our_terms(want)) & set(spf.misplaced(theirs[0])):
                return bad(what, f"the SPF record's {' '.join(spf.our_terms(want))} stands after 'all', where "
                                 f"receivers never evaluate it (RFC 7208 §5.1): found {theirs[0]!r}",
                           f"change it to {spf.merge(theirs[0], want)!r}")
            if spf.is_spf(want) and len(theirs) == 1:
                return bad(what, f"the SPF record does not include Mailgun: found {theirs[0]!r}",
                           f"change it to {spf.merge(theirs[0], want)!r} (one SPF record per name)")
        found = ", ".join(repr(shorten(v)) for v in answer.values)
        if rtype == "MX":  # a name holds several MX values: ours is missing beside the others
            return bad(what, f"missing; the name has only {found}", fix_add)
        return bad(what, f"wrong value: expected {shorten(want)!r}, found {found}",
                   f"replace the value at host `{host}` with {shorten(want)!r}")
    cached = servers.resolver.query(name, rtype)
    if cached.status != "ok" or not served(record, cached.values):
        seen = ", ".join(repr(shorten(v)) for v in cached.values) or cached.status
        return bad(what, f"not yet propagated: the authoritative servers serve it, the resolver still answers {seen}",
                   "nothing to change: wait for the resolver's cached answer to expire (up to the record's TTL, "
                   "or the zone's negative TTL for a name that did not exist)")
    return good(what, "served")

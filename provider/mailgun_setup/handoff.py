"""The DNS hand-off sheet: a Markdown page a DNS administrator can type records from, or CSV for
bulk import.

Pure rendering of the stack output ``domains`` (domain name -> records and status); no I/O.
The commonest hand-off mistake is the host field: web panels append the zone themselves and
want only the prefix, while APIs and zone files want the full name. ``HOST_FIELD`` says which
per DNS provider family, and both formats carry it.
"""
from __future__ import annotations

import csv
import io
from typing import NamedTuple, Optional

from .dns.names import bare as _bare, relative as host_label, zone_for  # noqa: F401 (re-exported)
from .dns.txt import quote_txt

TTL = 300
AUTOMATIC_PROVIDERS = {"route53": "Route 53", "cloudflare": "Cloudflare"}


class HostField(NamedTuple):
    """What the host (name) field of one DNS provider family wants: ``prefix`` or ``full``."""

    family: str
    title: str
    wants: str
    note: str


HOST_FIELD = {f.family: f for f in [
    HostField("route53-console", "AWS Route 53 console", "prefix",
              "the console shows the zone after the field and appends it"),
    HostField("cloudflare-dashboard", "Cloudflare dashboard", "prefix",
              "`@` for the zone itself; the zone is appended"),
    HostField("godaddy", "GoDaddy", "prefix", "`@` for the zone itself; the zone is appended"),
    HostField("namecheap", "Namecheap", "prefix", "`@` for the zone itself; the zone is appended"),
    HostField("azure-dns", "Azure DNS", "prefix", "`@` for the zone itself; the zone is appended"),
    HostField("google-cloud-dns", "Google Cloud DNS console", "prefix",
              "the console shows the zone after the field and appends it"),
    HostField("api", "APIs and IaC (Route 53 API, Cloudflare API, Terraform, Pulumi)", "full",
              "the full name, nothing appended"),
    HostField("zone-file", "BIND zone file import (Route 53, Cloudflare, Azure)", "full",
              "the full name with a final dot (see the zone-file lines)"),
]}
CSV_COLUMNS = ["stack", "domain", "zone", "purpose", "type", "prefix", "full_name", "value", "priority", "ttl"]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _code(text: str) -> str:
    return _cell(f"`` {text} ``" if "`" in text else f"`{text}`")


def _priority(record: dict) -> str:
    if record["type"] != "MX":
        return ""
    if record.get("priority") is None:
        raise ValueError(f"MX record {record['name']!r} has no priority")
    return str(record["priority"])


def _table_row(record: dict, zone: str) -> str:
    cells = [_cell(record.get("purpose") or ""), record["type"], _code(host_label(record["name"], zone)),
             _code(_bare(record["name"])), _code(record["value"]), _priority(record), str(TTL)]
    return "| " + " | ".join(cells) + " |"


def _absolute(name: str) -> str:
    return _bare(name) + "."


def _bind_data(record: dict) -> str:
    rtype, value = record["type"], record["value"]
    if rtype == "TXT":
        return quote_txt(value)
    if rtype == "MX":
        return f"{_priority(record)} {_absolute(value)}"
    return _absolute(value)


def _records(info: dict) -> list[dict]:
    records = [*(info.get("senderRecords") or []), *(info.get("receiverRecords") or [])]
    records += [info[key] for key in ("dmarcRecord", "ownershipRecord") if info.get(key)]
    return records


def _domain_section(domain: str, info: dict) -> list[str]:
    zone = zone_for(domain, info.get("zone"))
    records = _records(info)
    lines = [f"## {domain}", "",
             f"- Sender status: {info.get('senderStatus', 'unknown')}",
             f"- Receiver status: {info.get('receiverStatus', 'unknown')}",
             f"- DNS zone: `{zone}`", ""]
    provider = AUTOMATIC_PROVIDERS.get(info.get("dnsProvider"))
    if provider:
        lines += [f"These records are written automatically by {provider}; this sheet is for information "
                  "only, nothing needs to be entered.", ""]
    else:
        lines += [f"Create these records in the zone `{zone}`. The Host column is relative to the zone "
                  "(`@` means the zone itself). If your DNS provider wants full names, use the Full name "
                  "column instead. Never enter both: that gives names like "
                  f"`{domain}.{zone}`.", ""]
    lines += ["| Purpose | Type | Host | Full name | Value | Priority | TTL |",
              "| --- | --- | --- | --- | --- | --- | --- |"]
    lines += [_table_row(record, zone) for record in records]
    lines.append("")
    if info.get("receiverRecords"):
        lines += ["The receiving (MX) records are checked only after the sender records are verified.", ""]
    width = max(len(_absolute(r["name"])) for r in records) if records else 0
    lines += ["As zone-file lines (BIND format):", "", "```dns"]
    lines += [f"{_absolute(r['name']).ljust(width)} {TTL} IN {r['type']} {_bind_data(r)}" for r in records]
    lines += ["```", ""]
    return lines


def host_for(family: str, full_name: str, zone: str) -> str:
    """The text to type into the host field of ``family``: the prefix, or the full name."""
    field = _family(family)
    if field.wants == "prefix":
        return host_label(full_name, zone)
    return _absolute(full_name) if field.family == "zone-file" else _bare(full_name)


def _family(family: str) -> HostField:
    if family not in HOST_FIELD:
        raise ValueError(f"unknown DNS provider family {family!r}: one of {', '.join(HOST_FIELD)}")
    return HOST_FIELD[family]


def _host_field_section() -> list[str]:
    lines = ["## Which name goes into the host field", "",
             "| DNS provider | Host field wants | Column to use | Note |", "| --- | --- | --- | --- |"]
    for field in HOST_FIELD.values():
        wants, column = ("only the prefix", "Host") if field.wants == "prefix" else ("the full name", "Full name")
        lines.append(f"| {field.title} | {wants} | {column} | {field.note} |")
    return lines + [""]


def render_sheet(domains: dict, stack: str) -> str:
    """The whole hand-off sheet for one stack, domains sorted by name."""
    lines = [f"# Mailgun DNS records for stack `{stack}`", ""]
    lines += _host_field_section()
    for domain in sorted(domains):
        lines += _domain_section(domain, domains[domain])
    lines += ["## Next step", "",
              "When the records are in place (changes can take a while to reach every DNS server), "
              f"then run `pulumi up` again for this stack (`pulumi up --stack {stack}`) to verify them.",
              ""]
    return "\n".join(lines)


def render_csv(domains: dict, stack: str, family: Optional[str] = None) -> str:
    """One row per record, for bulk import. TXT values are whole and unquoted (the CSV quoting is
    the only quoting). With ``family``, a ``host`` column holds what that provider's host field
    wants (prefix or full name), so the file can be imported without editing."""
    field = _family(family) if family else None
    columns = CSV_COLUMNS + (["host"] if field else [])
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for domain in sorted(domains):
        info = domains[domain]
        zone = zone_for(domain, info.get("zone"))
        for record in _records(info):
            row = {"stack": stack, "domain": domain, "zone": zone, "purpose": record.get("purpose") or "",
                   "type": record["type"], "prefix": host_label(record["name"], zone),
                   "full_name": _bare(record["name"]), "value": record["value"],
                   "priority": _priority(record), "ttl": TTL}
            if field:
                row["host"] = host_for(field.family, record["name"], zone)
            writer.writerow(row)
    return out.getvalue()

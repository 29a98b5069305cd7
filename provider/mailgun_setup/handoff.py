"""The DNS hand-off sheet: a Markdown page a DNS administrator can type records from.

Pure rendering of the stack output ``domains`` (domain name -> records and status); no I/O.
"""
from __future__ import annotations

from .dns.names import bare as _bare, relative as host_label, zone_for  # noqa: F401 (re-exported)
from .dns.txt import quote_txt

TTL = 300
AUTOMATIC_PROVIDERS = {"route53": "Route 53", "cloudflare": "Cloudflare"}


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


def render_sheet(domains: dict, stack: str) -> str:
    """The whole hand-off sheet for one stack, domains sorted by name."""
    lines = [f"# Mailgun DNS records for stack `{stack}`", ""]
    for domain in sorted(domains):
        lines += _domain_section(domain, domains[domain])
    lines += ["## Next step", "",
              "When the records are in place (changes can take a while to reach every DNS server), "
              f"then run `pulumi up` again for this stack (`pulumi up --stack {stack}`) to verify them.",
              ""]
    return "\n".join(lines)

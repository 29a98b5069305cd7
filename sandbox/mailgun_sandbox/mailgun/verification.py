"""How the Mailgun emulator checks one expected record over real DNS."""
from __future__ import annotations

from ..lookup import DnsLookup
from .models import DnsRecord


def check_record(lookup: DnsLookup, record: DnsRecord) -> tuple[str, list[str]]:
    """Return ("valid" | "invalid", the values found), as Mailgun shows them in ``cached``."""
    if record.record_type == "TXT":
        found = lookup.values(record.name, "TXT")
        if record.value.startswith("v=spf1"):
            include = record.value.split()[1]  # include:mailgun.org
            ok = any(v.startswith("v=spf1") and include in v.split() for v in found)
        elif "._domainkey." in record.name:
            # One key per selector. Mailgun documents nothing for two; receivers may pick either (RFC 6376
            # §3.6.2.2: undefined), so the emulator judges as they would: valid only when ours is the one key.
            ok = found == [record.value]
        else:
            ok = record.value in found
    elif record.record_type == "CNAME":
        found = lookup.values(record.name, "CNAME")
        ok = record.value.lower() in found
    elif record.record_type == "MX":
        found = [v.split(" ", 1)[1] for v in lookup.values(record.name, "MX")]
        ok = record.value.lower() in found
    else:
        return "unknown", []
    return ("valid" if ok else "invalid"), found

"""TXT presentation: quoted character-strings of at most 255 bytes, as Route 53 and zone files want them."""
from __future__ import annotations

import dns.rdata
import dns.rdataclass
import dns.rdatatype

MAX_STRING = 255


def quote_txt(value: str) -> str:
    """``v=DKIM1; p=<400 chars>`` -> ``"<first 255>" "<rest>"`` with ``"`` and ``\\`` escaped."""
    data = value.encode("utf-8")
    chunks = [data[i:i + MAX_STRING] for i in range(0, len(data), MAX_STRING)] or [b""]
    return " ".join('"' + c.decode("utf-8", "replace").replace("\\", "\\\\").replace('"', '\\"') + '"'
                    for c in chunks)


def unquote_txt(text: str) -> str:
    """Inverse of :func:`quote_txt` for any valid presentation (split or not): the joined value."""
    rdata = dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.TXT, text)
    return b"".join(rdata.strings).decode("utf-8", "replace")

"""TXT presentation: quoted character-strings of at most 255 bytes, as Route 53 and zone files want them."""
from __future__ import annotations

MAX_STRING = 255


def quote_txt(value: str) -> str:
    """``v=DKIM1; p=<400 chars>`` -> ``"<first 255>" "<rest>"`` with ``"`` and ``\\`` escaped.

    Strings are cut on character boundaries: a multi-byte UTF-8 character cut in two would make
    neither string valid text, and the value would not read back."""
    return " ".join('"' + chunk.replace("\\", "\\\\").replace('"', '\\"') + '"' for chunk in split_txt(value))


def split_txt(value: str) -> list[str]:
    """``value`` in as few pieces of at most 255 UTF-8 bytes as whole characters allow."""
    chunks, current, size = [], [], 0
    for char in value:
        width = len(char.encode("utf-8"))
        if size + width > MAX_STRING:
            chunks.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += width
    return chunks + ["".join(current)] if current or not chunks else chunks


def unquote_txt(text: str) -> str:
    """Inverse of :func:`quote_txt` for any valid presentation (split or not): the joined value."""
    import dns.rdata  # dnspython loads in the processes that read DNS, not in every program
    import dns.rdataclass
    import dns.rdatatype
    rdata = dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.TXT, text)
    return b"".join(rdata.strings).decode("utf-8", "replace")

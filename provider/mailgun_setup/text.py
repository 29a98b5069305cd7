"""One shortening rule for values in messages (verify, doctor, review). A leaf module."""
from __future__ import annotations


def shorten(value: str, limit: int = 60) -> str:
    """Head and tail: DKIM keys share their first 40 characters (the ASN.1 header), so the end
    is what tells two keys apart."""
    return value if len(value) <= limit else value[:limit // 2] + "…" + value[-(limit // 2 - 1):]

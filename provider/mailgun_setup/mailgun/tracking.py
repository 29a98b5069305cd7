"""Mailgun's tracking settings API (``/v3/domains/{d}/tracking``): open and click tracking on or off."""
from __future__ import annotations

from typing import Optional

KINDS = ("open", "click")
_ON = (True, "yes", "true", "htmlonly")


def get_tracking(client, domain: str) -> Optional[dict[str, bool]]:
    """{kind: active} for open and click; None when the domain does not exist (in this region)."""
    body = client.request("GET", f"/v3/domains/{domain}/tracking", ok_missing=True)
    if body is None:
        return None
    table = body.get("tracking") or {}
    return {kind: (table.get(kind) or {}).get("active") in _ON for kind in KINDS}


def set_tracking(client, domain: str, active: bool) -> None:
    """Open and click tracking both on (or off)."""
    for kind in KINDS:
        client.request("PUT", f"/v3/domains/{domain}/tracking/{kind}", data={"active": "yes" if active else "no"},
                       ok_missing=not active)

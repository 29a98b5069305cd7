"""Mailgun's domain webhooks (``/v3/domains/<domain>/webhooks``) over a :class:`MailgunClient`.

One webhook per kind per domain, each with 1 to 3 URLs; webhooks are region-bound, so the
client must be the domain's region. ``url`` is sent once per URL (a repeated form field).
"""
from __future__ import annotations

from typing import Optional

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # requests and urllib3 load when a client is made
    from .client import MailgunClient

KINDS = ("accepted", "delivered", "opened", "clicked", "unsubscribed", "complained", "permanent_fail",
         "temporary_fail")
MAX_URLS = 3


def list_webhooks(client: MailgunClient, domain: str) -> dict[str, list[str]]:
    body = client.request("GET", f"/v3/domains/{domain}/webhooks")
    return {kind: list((entry or {}).get("urls") or []) for kind, entry in (body.get("webhooks") or {}).items()}


def get_webhook(client: MailgunClient, domain: str, kind: str) -> Optional[list[str]]:
    """The URLs of ``kind`` on ``domain``, or None when that webhook (or the domain) is gone."""
    body = client.request("GET", f"/v3/domains/{domain}/webhooks/{kind}", ok_missing=True)
    return None if body is None else list((body.get("webhook") or {}).get("urls") or [])


def create_webhook(client: MailgunClient, domain: str, kind: str, urls: list[str]) -> list[str]:
    body = client.request("POST", f"/v3/domains/{domain}/webhooks", data={"id": kind, "url": list(urls)})
    return list((body.get("webhook") or {}).get("urls") or urls)


def update_webhook(client: MailgunClient, domain: str, kind: str, urls: list[str]) -> list[str]:
    body = client.request("PUT", f"/v3/domains/{domain}/webhooks/{kind}", data={"url": list(urls)})
    return list((body.get("webhook") or {}).get("urls") or urls)


def delete_webhook(client: MailgunClient, domain: str, kind: str) -> None:
    """Remove ``kind``; a webhook (or domain) already gone is fine."""
    client.request("DELETE", f"/v3/domains/{domain}/webhooks/{kind}", ok_missing=True)

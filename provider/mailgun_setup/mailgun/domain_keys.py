"""Mailgun's domain keys (DKIM keys) API over a :class:`MailgunClient`, as a key rotation needs it.

Mailgun keeps several keys per domain side by side; one signs (the active one). A rotation
creates a key under a new selector, activates it once its DNS record is valid, and deactivates
and deletes the old one (``/v1/dkim/keys``, ``/v4/domains/{authority}/keys``). Private keys
never leave Mailgun.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:  # requests and urllib3 load when a client is made, in the provider process
    from .client import MailgunClient
from ..dns.names import bare


def list_domain_keys(client: MailgunClient, domain: str) -> list[dict]:
    """Every key of ``domain`` (``{signing_domain, selector, dns_record{…, is_active, valid}}``)."""
    return client.request("GET", f"/v4/domains/{domain}/keys").get("items") or []


def find_key(client: MailgunClient, domain: str, selector: str) -> Optional[dict]:
    return next((k for k in list_domain_keys(client, domain) if k.get("selector") == selector), None)


def is_active(key: Optional[dict]) -> bool:
    return bool(key and (key.get("dns_record") or {}).get("is_active"))


def create_domain_key(client: MailgunClient, domain: str, selector: str, bits: int) -> dict:
    """A new, inactive key; one already made under ``selector`` (a run interrupted after it) is reused."""
    found = find_key(client, domain, selector)
    if found is not None:
        return found
    return client.request("POST", "/v1/dkim/keys", data={"signing_domain": domain, "selector": selector,
                                                          "bits": str(int(bits))})


def activate(client: MailgunClient, domain: str, selector: str) -> None:
    client.request("PUT", f"/v4/domains/{domain}/keys/{selector}/activate")


def deactivate(client: MailgunClient, domain: str, selector: str) -> None:
    client.request("PUT", f"/v4/domains/{domain}/keys/{selector}/deactivate", ok_missing=True)


def delete_domain_key(client: MailgunClient, domain: str, selector: str) -> None:
    client.request("DELETE", "/v1/dkim/keys", params={"signing_domain": domain, "selector": selector},
                   ok_missing=True)


def txt_record(key: dict) -> dict:
    """The key's DNS record as the product's records carry it."""
    record = key.get("dns_record") or {}
    return {"purpose": "DKIM", "type": "TXT", "name": bare(record["name"]), "value": record["value"]}

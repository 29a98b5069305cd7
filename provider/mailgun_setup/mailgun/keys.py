"""Mailgun's keys API (``/v1/keys``) over a :class:`MailgunClient`.

Keys are account-wide. The secret comes back once, in the create answer (``key.secret``);
listings never carry it, so whoever creates a key must keep the secret then. There is no
update: a different key is a new key. Error messages come from ``MailgunClient.request``,
which names method, path and status and never a key.
"""
from __future__ import annotations

from typing import Optional

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # requests and urllib3 load when a client is made
    from .client import MailgunClient

ROLES = ("admin", "basic", "sending", "developer")


def create_key(client: MailgunClient, role: str, description: str = "", domain: Optional[str] = None,
               expiration: Optional[int] = None) -> dict:
    """A new key: ``kind=domain`` when ``domain`` is given (Mailgun's sending keys), else ``user``.

    Returns Mailgun's key object, ``secret`` included (shown only this once)."""
    data = {"role": role, "kind": "domain" if domain else "user", "description": description or ""}
    if domain:
        data["domain_name"] = domain
    if expiration is not None:
        data["expiration"] = int(expiration)
    return client.request("POST", "/v1/keys", data=data)["key"]


def list_keys(client: MailgunClient, domain: Optional[str] = None, kind: Optional[str] = None) -> list[dict]:
    params = {k: v for k, v in (("domain_name", domain), ("kind", kind)) if v}
    return client.request("GET", "/v1/keys", params=params).get("items") or []


def get_key(client: MailgunClient, key_id: str) -> Optional[dict]:
    """The key's listing entry (no secret), or None when it no longer exists."""
    return next((key for key in list_keys(client) if key.get("id") == key_id), None)


def delete_key(client: MailgunClient, key_id: str) -> None:
    """Revoke a key; one already gone is fine."""
    client.request("DELETE", f"/v1/keys/{key_id}", ok_missing=True)

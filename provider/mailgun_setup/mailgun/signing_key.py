"""The account's HTTP webhook signing key (``/v5/accounts/http_signing_key``) over a :class:`MailgunClient`.

``GET`` answers ``{"http_signing_key": "<key>"}``; ``POST`` creates or regenerates it and answers
the new key the same way (Mailgun API reference, Account Management: "Get webhook signing key
saved on the account", "Create or regenerate webhook signing key on an account"). The key is
account-wide: both regional hosts answer the same one. Errors never carry the key
(``MailgunClient.request`` names method, path and status only).
"""
from __future__ import annotations

from typing import Optional

from .client import MailgunClient

PATH = "/v5/accounts/http_signing_key"


def get_signing_key(client: MailgunClient) -> Optional[str]:
    """The key, or None when the account has none yet."""
    body = client.request("GET", PATH, ok_missing=True)
    return (body or {}).get("http_signing_key") or None


def regenerate_signing_key(client: MailgunClient) -> str:
    """A new key (the old one stops verifying at once: every verifier must get the new one)."""
    return client.request("POST", PATH)["http_signing_key"]

"""Stored messages, and a message's fields under Mailgun's names.

Every message the sandbox accepts (API, SMTP submission, or inbound through ``store()``) is kept
as raw MIME under a storage key and answers ``GET /v3/domains/<domain>/messages/<key>``: JSON
with the parsed fields, or with ``Accept: message/rfc2822`` the raw MIME in ``body-mime``
(Mailgun user manual, "Storing and retrieving messages"). Field names follow Mailgun's parsed
message (user manual, "Receiving messages via HTTP through a forward() action"): recipient(s),
sender (the envelope's MAIL FROM), from (the header), subject, body-plain, stripped-text,
stripped-signature, body-html, stripped-html, message-headers (a JSON list of [name, value]).
"""
from __future__ import annotations

import email
import email.policy
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from html import unescape
from typing import Optional

from ..mailgun.models import NotFound

QUOTED = re.compile(r"^\s*>")
ATTRIBUTION = re.compile(r"^On .+ wrote:\s*$")
SIGNATURE = re.compile(r"^-- ?$")
TAG = re.compile(r"<[^>]+>")


@dataclass
class StoredMessage:
    key: str
    domain: str
    region: str
    sender: str  # envelope MAIL FROM
    recipients: tuple[str, ...]
    raw: bytes = field(repr=False)
    method: str  # http | smtp | inbound
    stored_at: float = field(default_factory=time.time)

    @property
    def message_id(self) -> str:
        return (email.message_from_bytes(self.raw, policy=email.policy.default).get("Message-Id") or "").strip()

    def to_json(self, raw: bool = False) -> dict:
        if raw:
            return {"recipients": ", ".join(self.recipients), "sender": self.sender, "body-mime": self.raw.decode(
                "utf-8", "replace")}
        return {"recipients": ", ".join(self.recipients), **message_fields(self.raw, self.sender)}


def _text(part) -> str:
    try:
        text = part.get_content()
    except (LookupError, KeyError):
        text = part.get_payload(decode=True).decode("utf-8", "replace")
    return text.replace("\r\n", "\n")


def message_fields(raw: bytes, sender: str) -> dict:
    """Mailgun's parsed fields of one message (no signature block; see :func:`stripped`)."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    plain_part, html_part = message.get_body(("plain",)), message.get_body(("html",))
    html = _text(html_part) if html_part is not None else ""
    plain = _text(plain_part) if plain_part is not None else unescape(TAG.sub("", html))
    text, signature = stripped(plain)
    fields = {"sender": sender, "from": str(message.get("From") or ""), "subject": str(message.get("Subject") or ""),
              "body-plain": plain, "stripped-text": text, "stripped-signature": signature,
              "message-headers": json.dumps([[k, str(v)] for k, v in message.items()])}
    if html:
        fields.update({"body-html": html, "stripped-html": html})
    return fields


def stripped(plain: str) -> tuple[str, str]:
    """(the text without quoted lines, attribution and signature; the signature): what Mailgun
    calls stripped-text and stripped-signature."""
    lines, signature = [], []
    for index, line in enumerate(plain.splitlines()):
        if SIGNATURE.match(line):
            signature = plain.splitlines()[index + 1:]
            break
        if not QUOTED.match(line) and not ATTRIBUTION.match(line):
            lines.append(line)
    return "\n".join(lines).strip(), "\n".join(signature).strip()


class MessageStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._messages: dict[str, StoredMessage] = {}

    def add(self, domain: str, region: str, sender: str, recipients, raw: bytes, method: str) -> StoredMessage:
        stored = StoredMessage(secrets.token_urlsafe(24), domain, region, sender, tuple(recipients), raw, method)
        with self._lock:
            self._messages[stored.key] = stored
        return stored

    def get(self, region: str, domain: str, key: str) -> StoredMessage:
        with self._lock:
            stored = self._messages.get(key)
        if stored is None or stored.domain != (domain or "").lower() or stored.region != region:
            raise NotFound("Message not found")
        return stored

    def for_domain(self, domain: str, method: Optional[str] = None) -> list[StoredMessage]:
        with self._lock:
            return [m for m in self._messages.values() if m.domain == domain and method in (None, m.method)]

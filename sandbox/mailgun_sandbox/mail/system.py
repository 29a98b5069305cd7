"""The mail side of one emulated account: what the API, the SMTP servers and the MX share.

``accept`` is the outbound path (API messages and SMTP submission alike): the message gets a
Message-Id and Date when it lacks them, is DKIM-signed with the domain's active key
(``MailgunBackend.active_dkim_key``: ``d=`` and ``s=`` of the record the domain publishes),
stored, and its events recorded and sent to the webhooks. ``receive`` is the inbound path:
the region's routes applied to one recipient of a message the MX accepted.
"""
from __future__ import annotations

import email
import email.policy
import logging
import secrets
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
import dkim

from ..mailgun.extensions import attached
from ..mailgun.models import MailgunBackend
from . import routes
from .delivery import Poster
from .events import Events, message_events
from .signing import SigningKey
from .store import MessageStore, StoredMessage, message_fields

LOG = logging.getLogger("mailgun_sandbox.mail")
SIGNED_HEADERS = [b"from", b"to", b"cc", b"subject", b"date", b"message-id", b"reply-to", b"mime-version",
                  b"content-type"]


@dataclass
class Inbound:
    """What the MX did with one recipient of one message: the routes that matched and each action."""
    recipient: str
    sender: str
    subject: str
    routes: list[str] = field(default_factory=list)  # ids of the matching routes
    actions: list[str] = field(default_factory=list)  # e.g. 'forward to http://…', 'forward to a@b (logged)'


class MailSystem:
    def __init__(self, backend: MailgunBackend):
        self.backend = backend
        self.signing = SigningKey()
        self.poster = Poster()
        self.store = MessageStore()
        self.events = Events(self._webhooks, self.signing, self.poster)
        self.api_urls: dict[str, str] = {}  # region -> base URL of the emulator (set by the runner)
        self.inbound: list[Inbound] = []
        self._lock = threading.Lock()

    def _webhooks(self, domain: str) -> dict:
        with self.backend._lock:
            return {kind: list(urls) for kind, urls in self.backend.webhooks.get(domain, {}).items()}

    def storage_url(self, stored: StoredMessage) -> str:
        base = self.api_urls.get(stored.region, "")
        return f"{base}/v3/domains/{stored.domain}/messages/{stored.key}"

    # --- outbound ---------------------------------------------------------
    def accept(self, domain: str, region: str, sender: str, recipients, raw: bytes, method: str) -> StoredMessage:
        raw = with_ids(raw, domain)
        key = self.backend.active_dkim_key(domain)
        signature = dkim.sign(raw, key.selector.encode(), key.domain.encode(), key.private_key.encode(),
                              include_headers=[h for h in SIGNED_HEADERS if _has_header(raw, h)])
        stored = self.store.add(domain, region, sender, recipients, signature + raw, method)
        for event in message_events(stored, self.storage_url(stored)):
            self.events.record(domain, event)
        return stored

    # --- inbound ----------------------------------------------------------
    def receive(self, recipient: str, sender: str, raw: bytes) -> Inbound:
        domain = self.backend.receiving_domain(recipient.rpartition("@")[2])
        message = email.message_from_bytes(raw, policy=email.policy.default)
        record = Inbound(recipient, sender, str(message.get("Subject") or ""))
        _, candidates = self.backend.list_routes(domain.region, 0, 10 ** 6)
        for route in candidates:
            if not routes.matches(route.expression, recipient, message):
                continue
            record.routes.append(route.id)
            stop = False
            for text in route.actions:
                kind, argument = routes.action(text)
                if kind == "forward":
                    for destination in routes.destinations(argument):
                        record.actions.append(self._forward(destination, domain.name, recipient, sender, raw))
                elif kind == "store":
                    stored = self.store.add(domain.name, domain.region, sender, [recipient], raw, "inbound")
                    self._stored_event(stored, recipient)
                    record.actions.append(f"stored as {stored.key}")
                    if argument:
                        self._post_parsed(argument, f"store notification of {domain.name}", recipient, sender, raw,
                                          {"domain": domain.name, "message-url": self.storage_url(stored)})
                        record.actions.append(f"notify {argument}")
                else:
                    stop = True
            if stop:
                record.actions.append("stop")
                break
        if not record.routes:
            LOG.info("inbound mail for %s: no route matched; dropped", recipient)
        with self._lock:
            self.inbound.append(record)
        return record

    def _forward(self, destination: str, domain: str, recipient: str, sender: str, raw: bytes) -> str:
        if "://" not in destination:
            LOG.info("inbound mail for %s: forward to %s (logged, not sent: the sandbox sends no mail out)",
                     recipient, destination)
            return f"forward to {destination} (logged)"
        if destination.rstrip("/").endswith("mime"):  # Mailgun posts raw MIME to a URL ending in mime
            fields = {"recipient": recipient, "sender": sender, "body-mime": raw.decode("utf-8", "replace")}
            self.poster.post(destination, f"route forward of {domain}", data={**fields, **self.signing.signature()})
        else:
            self._post_parsed(destination, f"route forward of {domain}", recipient, sender, raw, {})
        return f"forward to {destination}"

    def _post_parsed(self, url: str, what: str, recipient: str, sender: str, raw: bytes, extra: dict) -> None:
        fields = {"recipient": recipient, **message_fields(raw, sender), **extra, **self.signing.signature()}
        self.poster.post(url, what, data=fields)

    def _stored_event(self, stored: StoredMessage, recipient: str) -> None:
        self.events.record(stored.domain, {
            "id": secrets.token_urlsafe(16), "timestamp": time.time(), "event": "stored", "log-level": "info",
            "recipient": recipient, "recipient-domain": recipient.rpartition("@")[2], "domain": {"name": stored.domain},
            "envelope": {"sender": stored.sender, "targets": recipient}, "message": {
                "headers": {"message-id": stored.message_id.strip("<>")}, "size": len(stored.raw)},
            "storage": {"key": stored.key, "url": self.storage_url(stored)}})

    def stop(self) -> None:
        self.poster.stop()


def _has_header(raw: bytes, name: bytes) -> bool:
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    return any(line.lower().startswith(name + b":") for line in head.splitlines())


def with_ids(raw: bytes, domain: str) -> bytes:
    """``raw`` with a Message-Id and a Date header (prepended when missing), as Mailgun adds them."""
    extra = b""
    if not _has_header(raw, b"message-id"):
        extra += f"Message-Id: <{time.strftime('%Y%m%d%H%M%S')}.{secrets.token_hex(8)}@{domain}>\r\n".encode()
    if not _has_header(raw, b"date"):
        extra += f"Date: {formatdate(usegmt=True)}\r\n".encode()
    return extra + raw


def mail_system(backend: MailgunBackend) -> MailSystem:
    """The backend's one MailSystem (both regional apps and the SMTP servers share it)."""
    return attached(backend, "mail_system", lambda: MailSystem(backend))

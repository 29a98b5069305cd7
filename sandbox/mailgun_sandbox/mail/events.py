"""Events of each message, kept for ``GET /v3/<domain>/events`` and POSTed to the domain's webhooks.

An accepted message yields, per recipient, ``accepted`` and then its outcome, decided by the
recipient's domain (RFC 2606's reserved names): ``.invalid`` → ``failed`` with severity
``permanent`` (a bounce), ``.test`` → ``failed`` with severity ``temporary``, anything else
→ ``delivered``. Event data has the fields of Mailgun's webhook payloads and events API (user
manual: "Webhook Payloads", "Event Types"): id, timestamp, event, log-level, severity and
reason (failed only), recipient, recipient-domain, method, envelope, flags, message.headers,
message.size, storage, delivery-status, domain.name, tags, user-variables.

Webhook kinds are Mailgun's: accepted, delivered, permanent_fail (failed/permanent) and
temporary_fail (failed/temporary). Each registered URL gets its own call, shaped
``{"signature": {timestamp, token, signature}, "event-data": {...}}`` and signed with the
account's key as it is at that moment.
"""
from __future__ import annotations

import email
import email.policy
import secrets
import threading
import time
from typing import Callable, Optional

from .delivery import Poster
from .signing import SigningKey
from .store import StoredMessage

# (code, message, description) per outcome; Mailgun's delivery-status shape
DELIVERED = (250, "OK", "")
BOUNCED = (550, "5.1.1 The email account that you tried to reach does not exist",
           "Not delivering to an address in a reserved .invalid domain (RFC 2606)")
DEFERRED = (421, "4.4.1 Connection timed out",
            "The recipient's .test domain (RFC 2606) never answers; delivery will be retried")


def outcome(recipient: str) -> tuple[str, Optional[str], tuple[int, str, str]]:
    """(event, severity, delivery status) of delivering to ``recipient`` in the sandbox."""
    domain = recipient.rpartition("@")[2].lower().rstrip(".")
    if domain == "invalid" or domain.endswith(".invalid"):
        return "failed", "permanent", BOUNCED
    if domain == "test" or domain.endswith(".test"):
        return "failed", "temporary", DEFERRED
    return "delivered", None, DELIVERED


def webhook_kind(event: dict) -> Optional[str]:
    if event["event"] == "failed":
        return f"{event['severity']}_fail"
    return event["event"] if event["event"] in ("accepted", "delivered") else None


def message_events(stored: StoredMessage, storage_url: str) -> list[dict]:
    message = email.message_from_bytes(stored.raw, policy=email.policy.default)
    headers = {name: str(message.get(name) or "") for name in ("from", "to", "subject")}
    headers["message-id"] = stored.message_id.strip("<>")
    common = {"method": "SMTP" if stored.method == "smtp" else "HTTP", "domain": {"name": stored.domain},
              "envelope": {"sender": stored.sender, "targets": ", ".join(stored.recipients), "transport": "smtp"},
              "flags": {"is-authenticated": True, "is-test-mode": False, "is-routed": False},
              "message": {"headers": headers, "size": len(stored.raw), "attachments": []},
              "storage": {"key": stored.key, "url": storage_url}, "tags": [], "user-variables": {}, "campaigns": []}
    events = []
    for recipient in stored.recipients:
        about = {"recipient": recipient, "recipient-domain": recipient.rpartition("@")[2].lower()}
        events.append({"id": secrets.token_urlsafe(16), "timestamp": time.time(), "event": "accepted",
                       "log-level": "info", **about, **common})
        kind, severity, (code, text, description) = outcome(recipient)
        result = {"id": secrets.token_urlsafe(16), "timestamp": time.time(), "event": kind, **about, **common,
                  "delivery-status": {"code": code, "message": text, "description": description, "attempt-no": 1,
                                      "session-seconds": 0.1, "tls": True, "mx-host": "mx.sandbox.invalid"}}
        if severity:
            result.update({"log-level": "error" if severity == "permanent" else "warn", "severity": severity,
                           "reason": "bounce" if severity == "permanent" else "generic"})
        else:
            result["log-level"] = "info"
        events.append(result)
    return events


class Events:
    """The events log (all domains) and their delivery to webhooks. ``webhooks(domain)`` gives the
    domain's ``{kind: [urls]}`` at the time of the event."""

    def __init__(self, webhooks: Callable[[str], dict], signing: SigningKey, poster: Poster):
        self._lock = threading.Lock()
        self._events: dict[str, list[dict]] = {}
        self._webhooks = webhooks
        self._signing = signing
        self._poster = poster

    def record(self, domain: str, event: dict) -> None:
        with self._lock:
            self._events.setdefault(domain, []).append(event)
        kind = webhook_kind(event)
        for url in (self._webhooks(domain).get(kind) or []) if kind else []:
            self._poster.post(url, f"webhook {kind} of {domain}",
                              json={"signature": self._signing.signature(), "event-data": event})

    def list(self, domain: str, event: Optional[str] = None, recipient: Optional[str] = None) -> list[dict]:
        with self._lock:
            items = list(self._events.get(domain, []))
        return [e for e in items if event in (None, e["event"]) and recipient in (None, e["recipient"])]

"""A minimal ``POST /v3/<domain>/messages``: enough to prove who may send, not a mail system.

The domain must exist on the region asked (messages are region-bound); ``from`` and ``to``
are required, and a body (``text``, ``html`` or ``template``). Accepted messages are kept
in a per-backend log for tests, and go the way of every accepted message (``sandbox.mail``):
DKIM-signed, stored, events to the webhooks. The answer has Mailgun's shape
``{"id": "<…@domain>", "message": "Queued. Thank you."}``.
"""
from __future__ import annotations

import email.policy
import secrets
import threading
from dataclasses import dataclass
from email.message import EmailMessage

from flask import Flask, jsonify, request

from ..mail.system import mail_system
from .extensions import attached
from .models import BadRequest, MailgunBackend


@dataclass(frozen=True)
class Message:
    id: str
    domain: str
    sender: str
    to: tuple[str, ...]
    subject: str


class MessageLog:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._messages: list[Message] = []

    def add(self, message: Message) -> None:
        with self._lock:
            self._messages.append(message)

    def for_domain(self, domain: str) -> list[Message]:
        with self._lock:
            return [m for m in self._messages if m.domain == domain]


def message_log(backend: MailgunBackend) -> MessageLog:
    return attached(backend, "message_log", MessageLog)


def compose(form, message_id: str) -> bytes:
    """The MIME message Mailgun builds from the API's fields."""
    message = EmailMessage(policy=email.policy.SMTP)
    for header, key in (("From", "from"), ("To", "to"), ("Cc", "cc"), ("Subject", "subject")):
        if form.getlist(key):
            message[header] = ", ".join(form.getlist(key))
    message["Message-Id"] = message_id
    message.set_content(form.get("text") or "")
    if form.get("html"):
        message.add_alternative(form["html"], subtype="html")
    return message.as_bytes()


def register(app: Flask, backend: MailgunBackend, region: str) -> None:
    log = message_log(backend)

    @app.post("/v3/<name>/messages")
    @app.post("/v3/<name>/messages.mime")
    def send_message(name):
        domain = backend.get_domain(region, name)
        form = request.form
        for required in ("from", "to"):
            if not form.get(required):
                raise BadRequest(f"{required} parameter is missing")
        if not (form.get("text") or form.get("html") or form.get("template") or request.files.get("message")):
            raise BadRequest("Need at least one of 'text', 'html' or 'template' parameters specified")
        message = Message(f"<{secrets.token_hex(10)}@{domain.name}>", domain.name, form["from"],
                          tuple(form.getlist("to")), form.get("subject") or "")
        log.add(message)
        mime = request.files.get("message")
        raw = mime.read() if mime is not None else compose(form, message.id)
        recipients = [a.strip() for field in ("to", "cc", "bcc") for v in form.getlist(field) for a in v.split(",")]
        mail_system(backend).accept(domain.name, region, form["from"], [r for r in recipients if r], raw, "http")
        return jsonify({"id": message.id, "message": "Queued. Thank you."})

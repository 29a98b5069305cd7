"""A minimal ``POST /v3/<domain>/messages``: enough to prove who may send, not a mail system.

The domain must exist on the region asked (messages are region-bound); ``from`` and ``to``
are required, and a body (``text``, ``html`` or ``template``). Accepted messages are kept
in a per-backend log for tests; nothing is delivered. The answer has Mailgun's shape
``{"id": "<…@domain>", "message": "Queued. Thank you."}``.
"""
from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass

from flask import Flask, jsonify, request

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
        return jsonify({"id": message.id, "message": "Queued. Thank you."})

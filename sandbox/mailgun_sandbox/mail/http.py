"""The mail-related paths of the Mailgun emulator's regional apps.

- ``GET``/``POST /v5/accounts/http_signing_key``: the account's webhook signing key (POST
  regenerates it); account-wide, so both regions answer the same key;
- ``GET /v3/domains/<domain>/messages/<storage_key>``: a stored message (see ``store``);
- ``GET /v3/<domain>/events``: the domain's events, oldest first; filters ``event``,
  ``recipient``; ``limit`` (≤ 300, Mailgun's maximum) and ``page`` (an offset token); the
  answer ``{"items": [...], "paging": {first, last, next, previous}}``.
"""
from __future__ import annotations

from flask import Flask, jsonify, request

from ..mailgun.models import BadRequest, MailgunBackend
from .system import mail_system

MAX_EVENTS = 300


def register(app: Flask, backend: MailgunBackend, region: str) -> None:
    mail = mail_system(backend)

    @app.get("/v5/accounts/http_signing_key")
    def get_signing_key():
        return jsonify({"http_signing_key": mail.signing.get()})

    @app.post("/v5/accounts/http_signing_key")
    def regenerate_signing_key():
        return jsonify({"message": "Webhook signing key regenerated", "http_signing_key": mail.signing.regenerate()})

    @app.get("/v3/domains/<name>/messages/<key>")
    def stored_message(name, key):
        backend.get_domain(region, name)  # region-bound, like the domain
        stored = mail.store.get(region, name, key)
        return jsonify(stored.to_json(raw="message/rfc2822" in (request.headers.get("Accept") or "")))

    @app.get("/v3/<name>/events")
    def events(name):
        domain = backend.get_domain(region, name)
        try:
            limit = int(request.args.get("limit") or 100)
            start = int(request.args.get("page") or 0)
        except ValueError:
            raise BadRequest("limit and page must be integers") from None
        if not 1 <= limit <= MAX_EVENTS or start < 0:
            raise BadRequest(f"limit must be between 1 and {MAX_EVENTS}")
        items = mail.events.list(domain.name, request.args.get("event"), request.args.get("recipient"))
        base = f"{request.base_url}?limit={limit}&page="
        last = max(0, (len(items) - 1) // limit * limit)
        return jsonify({"items": items[start:start + limit], "paging": {
            "first": base + "0", "last": base + str(last), "next": base + str(start + limit),
            "previous": base + str(max(0, start - limit))}})

"""A WSGI middleware that lets only verified Mailgun webhook calls through.

Anything that does not verify — wrong method, no or bad signature, stale timestamp, replayed
token, oversized or unreadable body — gets ``404`` with an empty body, the same answer as a
URL that does not exist, so a prober learns nothing (the runbook's behaviour). The reason is
logged at INFO, without the key or the signature.

A verified call reaches the wrapped app with the parsed :class:`WebhookCall` in
``environ[EVENT_KEY]`` and the body still readable from ``wsgi.input``.
"""
from __future__ import annotations

import io
import logging
from typing import Callable, Iterable

from ..errors import WebhookRejected
from .signature import WebhookVerifier

EVENT_KEY = "mailgun.webhook"
DEFAULT_MAX_BODY = 10 * 1024 * 1024  # Mailgun's stored-message notifications can carry attachments
LOG = logging.getLogger("mailgun_setup.webhooks")


def _not_found(start_response: Callable) -> Iterable[bytes]:
    start_response("404 Not Found", [("Content-Length", "0")])
    return [b""]


class VerifiedWebhooks:
    def __init__(self, app: Callable, verifier: WebhookVerifier, max_body: int = DEFAULT_MAX_BODY):
        self.app = app
        self.verifier = verifier
        self.max_body = max_body

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        try:
            call = self._verified(environ)
        except WebhookRejected as exc:
            LOG.info("webhook call refused (%s %s): %s", environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"), exc)
            return _not_found(start_response)
        environ[EVENT_KEY] = call
        return self.app(environ, start_response)

    def _verified(self, environ: dict):
        if environ.get("REQUEST_METHOD") != "POST":
            raise WebhookRejected("not a POST")
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            raise WebhookRejected("bad Content-Length") from None
        if length <= 0 or length > self.max_body:
            raise WebhookRejected(f"body of {length} bytes (limit {self.max_body})")
        body = environ["wsgi.input"].read(length)
        if len(body) != length:
            raise WebhookRejected("body shorter than Content-Length")
        environ["wsgi.input"] = io.BytesIO(body)
        return self.verifier.verify_request(body, environ.get("CONTENT_TYPE", ""))

"""Receiving Mailgun webhooks: check that a call really comes from Mailgun before acting on it.

``signature`` verifies one call (HMAC-SHA256 of timestamp + token with the webhook signing
key, a freshness window, each token honoured once); ``wsgi`` wraps any WSGI app so that
calls which do not verify get a bare 404.
"""
from ..errors import WebhookRejected
from .signature import DEFAULT_MAX_AGE, TokenMemory, WebhookCall, WebhookVerifier, parse_call, sign
from .wsgi import EVENT_KEY, VerifiedWebhooks

__all__ = ["DEFAULT_MAX_AGE", "EVENT_KEY", "TokenMemory", "VerifiedWebhooks", "WebhookCall", "WebhookRejected",
           "WebhookVerifier", "parse_call", "sign"]

"""The account's HTTP webhook signing key, and the signature block it puts on every call.

Mailgun: ``GET /v5/accounts/http_signing_key`` answers ``{"http_signing_key": "<key>"}``;
``POST`` on the same path creates or regenerates it and answers the new key with a message
(Mailgun API reference, Account Management; the shapes mailgun.js's client tests expect).
A call is signed with HMAC-SHA256 over ``timestamp + token`` (hex), the token 50 random
characters (Mailgun user manual, "Securing Webhooks").
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time


class SigningKey:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key = self._new()

    @staticmethod
    def _new() -> str:
        return secrets.token_hex(16)

    def __repr__(self) -> str:  # never show the key
        return "SigningKey(<secret>)"

    def get(self) -> str:
        with self._lock:
            return self._key

    def regenerate(self) -> str:
        with self._lock:
            self._key = self._new()
            return self._key

    def signature(self) -> dict:
        """``{timestamp, token, signature}`` for one call, with the key as it is now."""
        timestamp, token = str(int(time.time())), secrets.token_hex(25)
        digest = hmac.new(self.get().encode(), (timestamp + token).encode(), hashlib.sha256).hexdigest()
        return {"timestamp": timestamp, "token": token, "signature": digest}

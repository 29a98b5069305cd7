"""Verify one Mailgun webhook call: signature, freshness, and each token honoured once.

Mailgun signs a call with HMAC-SHA256 over ``timestamp + token`` (no separator), keyed with
the account's webhook signing key, hex-encoded; it suggests remembering tokens to refuse
replays and checking that the timestamp is recent, without being too strict because its own
delivery can be late (Mailgun user manual, "Securing Webhooks"). The window here defaults
to five minutes and is configurable.

The signature covers the timestamp and the token only, not the event data: a verified call
proves Mailgun sent *a* call with that token, and the token memory makes sure it is acted
on once.

Two payload shapes exist: the current JSON one, ``{"signature": {timestamp, token,
signature}, "event-data": {...}}``, and the legacy form-encoded one (urlencoded or
multipart) with ``timestamp``, ``token`` and ``signature`` beside the event fields.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import Callable, Optional
from urllib.parse import parse_qsl

from ..errors import ConfigError, WebhookRejected
from ..rules import Problem

DEFAULT_MAX_AGE = 300.0  # seconds either side of now
DEFAULT_MAX_TOKENS = 100_000
SIGNED_FIELDS = ("timestamp", "token", "signature")


def sign(signing_key: str, timestamp: str, token: str) -> str:
    """The hex signature Mailgun sends for ``timestamp`` and ``token``."""
    return hmac.new(signing_key.encode(), (timestamp + token).encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class WebhookCall:
    timestamp: str
    token: str
    signature: str = field(repr=False)
    event: dict = field(default_factory=dict)  # "event-data" (JSON) or the other form fields (legacy)


def parse_call(body: bytes, content_type: str) -> WebhookCall:
    """Read the signature block and the event out of a request body, in either of Mailgun's shapes."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media == "application/json":
        fields, event = _from_json(body)
    elif media == "application/x-www-form-urlencoded":
        fields = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        event = {k: v for k, v in fields.items() if k not in SIGNED_FIELDS}
    elif media == "multipart/form-data":
        fields = _multipart_fields(body, content_type)
        event = {k: v for k, v in fields.items() if k not in SIGNED_FIELDS}
    else:
        raise WebhookRejected(f"unsupported content type {media or '(none)'}")
    values = {}
    for name in SIGNED_FIELDS:
        value = fields.get(name)
        if isinstance(value, int) and not isinstance(value, bool) and name == "timestamp":
            value = str(value)
        if not isinstance(value, str) or not value:
            raise WebhookRejected(f"signature field {name} missing or empty")
        values[name] = value
    return WebhookCall(values["timestamp"], values["token"], values["signature"], event)


def _from_json(body: bytes) -> tuple[dict, dict]:
    try:
        payload = json.loads(body)
    except ValueError:
        raise WebhookRejected("body is not JSON") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("signature"), dict):
        raise WebhookRejected("no signature object")
    event = payload.get("event-data")
    if not isinstance(event, dict):
        raise WebhookRejected("no event-data object")
    return payload["signature"], event


def _multipart_fields(body: bytes, content_type: str) -> dict:
    message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n"
                                                   + body)
    if not message.is_multipart():
        raise WebhookRejected("malformed multipart body")
    fields = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name and part.get_filename() is None:  # attachments are not signature fields
            fields[name] = part.get_content() if part.get_content_maintype() == "text" else part.get_payload()
    return fields


class TokenMemory:
    """Tokens already honoured, each kept until its call could no longer pass the time window.

    Bounded: when ``max_tokens`` unexpired tokens are held, new calls are refused (fail
    closed; Mailgun retries a refused delivery later) rather than forgetting a token early,
    which would let that call be replayed. Safe to share between threads.
    """

    def __init__(self, max_tokens: int = DEFAULT_MAX_TOKENS, clock: Callable[[], float] = time.time):
        if max_tokens < 1:
            raise ConfigError(Problem("max_tokens", "must be at least 1"))
        self.max_tokens = max_tokens
        self._clock = clock
        self._expiry: "OrderedDict[str, float]" = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._expiry)

    def remember(self, token: str, until: float) -> bool:
        """True the first time ``token`` is seen (and keeps it until ``until``), False afterwards."""
        with self._lock:
            now = self._clock()
            expiry = self._expiry.get(token)
            if expiry is not None and expiry >= now:
                return False
            self._expiry.pop(token, None)
            if len(self._expiry) >= self.max_tokens:
                self._forget_expired(now)
                if len(self._expiry) >= self.max_tokens:
                    raise WebhookRejected("token memory full")
            self._expiry[token] = until
            return True

    def _forget_expired(self, now: float) -> None:
        for token in [t for t, expiry in self._expiry.items() if expiry < now]:
            del self._expiry[token]


class WebhookVerifier:
    """Checks calls against one signing key; ``max_age`` is the allowed distance from now, in seconds."""

    def __init__(self, signing_key: str, max_age: float = DEFAULT_MAX_AGE, memory: Optional[TokenMemory] = None,
                 clock: Callable[[], float] = time.time):
        problems = []
        if not isinstance(signing_key, str) or not signing_key:
            problems.append(Problem("signing_key", "the webhook signing key is required (Mailgun: Webhooks > signing key)"))
        if not isinstance(max_age, (int, float)) or isinstance(max_age, bool) or max_age <= 0:
            problems.append(Problem("max_age", "must be a number of seconds greater than 0"))
        if problems:
            raise ConfigError(problems)
        self._key = signing_key
        self.max_age = float(max_age)
        self._clock = clock
        self.memory = memory if memory is not None else TokenMemory(clock=clock)

    def __repr__(self) -> str:  # never show the key
        return f"WebhookVerifier(max_age={self.max_age})"

    def verify(self, call: WebhookCall) -> WebhookCall:
        """``call`` when it verifies; else WebhookRejected with a reason fit for logs."""
        expected = sign(self._key, call.timestamp, call.token).encode()
        if not hmac.compare_digest(expected, call.signature.strip().lower().encode("utf-8", "replace")):
            raise WebhookRejected("signature does not match")
        try:
            stamped = float(int(call.timestamp))
        except ValueError:
            raise WebhookRejected("timestamp is not a whole number of seconds") from None
        if abs(self._clock() - stamped) > self.max_age:
            raise WebhookRejected(f"timestamp outside the {self.max_age:.0f}s window")
        if not self.memory.remember(call.token, until=stamped + self.max_age):
            raise WebhookRejected("token already used (replay)")
        return call

    def verify_request(self, body: bytes, content_type: str) -> WebhookCall:
        return self.verify(parse_call(body, content_type))

"""Per-account request rate limits for the sandbox's emulators, off until a test switches them on.

Real services throttle an account, not a connection: Mailgun answers 429 past about 300
requests/min (with ``Retry-After`` and ``X-RateLimit-*`` headers), Route 53 answers HTTP 400
``Throttling`` / ``Rate exceeded`` past 5 requests/s. :class:`RateLimit` counts requests over a
sliding window shared by every service of one account (Mailgun US and EU share one), so several
``pulumi up`` processes at once meet the limit the way they would in production and must get
through with their libraries' own retries.

A limit is set at run time through the service's ``/_sandbox/settings`` endpoint:
``{"rate_limit": {"limit": 300, "window": 60}}`` switches it on, ``{"rate_limit": null}`` off.
A test may shrink the window (and the limit with it) to keep the run short; the rate stays the same.
"""
from __future__ import annotations

import collections
import json
import math
import threading
import time
from typing import Callable, Optional

# (retry_after seconds, reset epoch seconds) -> (status line, headers, body)
Refusal = Callable[[float, float, int], "tuple[str, list, bytes]"]


class RateLimit:
    """A sliding-window counter: at most ``limit`` requests in any ``window`` seconds."""

    def __init__(self):
        self._lock = threading.Lock()
        self._times: collections.deque = collections.deque()
        self.limit: Optional[int] = None
        self.window: float = 0.0
        self.refused = 0

    def configure(self, spec: Optional[dict]) -> None:
        if spec is None:
            limit, window = None, 0.0
        else:
            limit, window = int(spec["limit"]), float(spec["window"])
            if limit < 1 or window <= 0:
                raise ValueError("rate_limit needs limit >= 1 and window > 0")
        with self._lock:
            self.limit, self.window = limit, window
            self._times.clear()
            self.refused = 0

    def state(self) -> Optional[dict]:
        with self._lock:
            if self.limit is None:
                return None
            return {"limit": self.limit, "window": self.window, "refused": self.refused}

    def take(self) -> Optional[float]:
        """Count one request; None when it may be served, else the seconds until a slot frees."""
        with self._lock:
            if self.limit is None:
                return None
            now = time.monotonic()
            while self._times and now - self._times[0] >= self.window:
                self._times.popleft()
            if len(self._times) < self.limit:
                self._times.append(now)
                return None
            self.refused += 1
            return max(self._times[0] + self.window - now, 0.001)

    def settings(self, changes: dict) -> dict:
        """A ``/_sandbox/settings`` handler for the ``rate_limit`` key."""
        if "rate_limit" in changes:
            self.configure(changes["rate_limit"])
        return {"rate_limit": self.state()}


def mailgun_refusal(wait: float, limit: int) -> tuple[str, list, bytes]:
    body = json.dumps({"message": "Too many requests"}).encode()
    reset = time.time() + wait
    return "429 TOO MANY REQUESTS", [
        ("Content-Type", "application/json"), ("Content-Length", str(len(body))),
        ("Retry-After", str(math.ceil(wait))),  # what urllib3's Retry reads
        ("X-RateLimit-Limit", str(limit)), ("X-RateLimit-Remaining", "0"),
        ("X-RateLimit-Reset", str(int(reset * 1000))),  # epoch milliseconds
    ], body


def route53_refusal(wait: float, limit: int) -> tuple[str, list, bytes]:
    from .route53 import ROUTE53_XMLNS

    body = (f'<?xml version="1.0"?>\n<ErrorResponse xmlns="{ROUTE53_XMLNS}"><Error><Type>Sender</Type>'
            f"<Code>Throttling</Code><Message>Rate exceeded</Message></Error>"
            f"<RequestId>sandbox-throttle</RequestId></ErrorResponse>").encode()
    return "400 Bad Request", [("Content-Type", "text/xml"), ("Content-Length", str(len(body)))], body


def cloudflare_refusal(wait: float, limit: int) -> tuple[str, list, bytes]:
    body = json.dumps({"success": False, "errors": [{"code": 10000, "message": "Rate limited"}],
                       "messages": [], "result": None}).encode()
    return "429 Too Many Requests", [("Content-Type", "application/json"), ("Content-Length", str(len(body))),
                                     ("Retry-After", str(math.ceil(wait)))], body


class RateLimitedApp:
    """WSGI middleware: refuses a request, as the real service would, when its account's limit is spent."""

    def __init__(self, app, limit: RateLimit, refusal: Refusal, exempt: Callable[[str], bool] = lambda p: False):
        self.app = app
        self.limit = limit
        self.refusal = refusal
        self.exempt = exempt

    def __call__(self, environ, start_response):
        if not self.exempt(environ.get("PATH_INFO", "")):
            wait = self.limit.take()
            if wait is not None:
                status, headers, body = self.refusal(wait, self.limit.limit or 0)
                start_response(status, headers)
                return [body]
        return self.app(environ, start_response)

"""One client timeout for every service we call (Mailgun, Route 53, Cloudflare).

``MAILGUN_SETUP_HTTP_TIMEOUT`` (seconds) sets the connect and read timeout of all three clients:
the Mailgun client's requests timeout, botocore's ``connect_timeout``/``read_timeout`` and the
Cloudflare SDK's ``timeout``. Unset, each client keeps its own default (30 s for Mailgun,
botocore's 60 s, the SDK's 60 s). A timed-out call is retried by the client library's own
mechanism (urllib3 Retry, botocore standard mode, the SDK's ``max_retries``), so the longest a
call can take is bounded by this value times the library's attempts.
"""
from __future__ import annotations

import os
from typing import Optional

from .errors import ConfigError
from .rules import Problem

HTTP_TIMEOUT_ENV = "MAILGUN_SETUP_HTTP_TIMEOUT"


def seconds_from_env(name: str, default: Optional[float], most: Optional[float] = None) -> Optional[float]:
    """Seconds above 0 (and at most ``most``) from environment variable ``name``; ``default`` when unset."""
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1
    if not 0 < seconds <= (most if most is not None else float("inf")):
        bound = f" and at most {most:g}" if most is not None else ""
        raise ConfigError(Problem(name, f"must be a number of seconds above 0{bound} (got {text!r})"))
    return seconds


def http_timeout() -> Optional[float]:
    """The configured timeout in seconds, or None when the variable is unset."""
    return seconds_from_env(HTTP_TIMEOUT_ENV, None, most=600)

"""HTTP calls the emulator makes (webhooks, route forwards, store notifications), off the request path.

One background thread works a queue, so an SMTP or API answer never waits for a receiver. Only
loopback URLs (127.0.0.0/8, ``localhost``, ``::1``) are ever called: any other is logged and
skipped, so a sandbox stack pointing at a real endpoint cannot send it anything. Logs name
the host and path only (a URL may carry basic-auth credentials).
"""
from __future__ import annotations

import ipaddress
import logging
import queue
import threading
from dataclasses import dataclass, field
from typing import Optional
from urllib.parse import urlsplit

import requests

LOG = logging.getLogger("mailgun_sandbox.mail")
TIMEOUT = 5.0


def is_loopback(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _where(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname}{parts.path}"


@dataclass
class Call:
    url: str = field(repr=False)
    what: str
    json: Optional[dict] = field(default=None, repr=False)
    data: Optional[dict] = field(default=None, repr=False)
    status: Optional[int] = None  # the receiver's answer
    outcome: str = "queued"  # queued | answered | skipped (not loopback) | failed (no answer)


class Poster:
    def __init__(self) -> None:
        self._queue: "queue.Queue[Optional[Call]]" = queue.Queue()
        self._lock = threading.Lock()
        self._thread: Optional[threading.Thread] = None
        self.calls: list[Call] = []

    def post(self, url: str, what: str, *, json: Optional[dict] = None, data: Optional[dict] = None) -> Call:
        call = Call(url, what, json, data)
        with self._lock:
            self.calls.append(call)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="sandbox-mail-poster", daemon=True)
                self._thread.start()
        self._queue.put(call)
        return call

    def _run(self) -> None:
        while (call := self._queue.get()) is not None:
            if not is_loopback(call.url):
                call.outcome = "skipped"
                LOG.warning("%s to %s skipped: the sandbox only calls loopback URLs", call.what, _where(call.url))
                continue
            try:
                answer = requests.post(call.url, json=call.json, data=call.data, timeout=TIMEOUT)
                call.status, call.outcome = answer.status_code, "answered"
                LOG.info("%s to %s: %s", call.what, _where(call.url), answer.status_code)
            except requests.RequestException as exc:
                call.outcome = "failed"
                LOG.warning("%s to %s failed: %s", call.what, _where(call.url), type(exc).__name__)

    def stop(self) -> None:
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(None)
            thread.join(timeout=TIMEOUT + 1)

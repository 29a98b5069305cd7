"""Fault injection and request logging for the sandbox's HTTP services.

Every emulator is wrapped in :class:`ControlledApp`, a WSGI middleware that
  * records each request (method, path, status) so tests can count API calls;
  * injects faults chosen at run time: a status (429 with ``Retry-After``, 5xx…)
    or added latency, for requests whose method and path (and, where one path serves
    several operations, body) match, a set number of times;
  * can reset a connection (``reset``): closed before the request is applied, no answer;
  * can serve a request and then drop its answer (``drop_answer``): the change is made,
    the client sees the connection close, as after a timeout or a reset;
  * serves ``/_sandbox/requests``, ``/_sandbox/faults`` and ``/_sandbox/settings`` so a test
    in another process can read the log, switch faults on and off, and change service
    settings (the Mailgun plan, the deletion delay) over HTTP.
"""
from __future__ import annotations

import io
import itertools
import json
import re
import socket
import struct
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Callable, Optional

CONTROL_PREFIX = "/_sandbox/"


@dataclass
class FaultRule:
    path: str = ".*"  # regular expression, searched in the request path
    method: Optional[str] = None  # None matches every method
    body: Optional[str] = None  # regular expression searched in the request body (None: any body)
    status: Optional[int] = None  # answer with this status instead of serving
    retry_after: Optional[float] = None  # seconds, sent as Retry-After with the status
    latency: float = 0.0  # seconds to wait before serving (or failing)
    count: Optional[int] = 1  # how many requests it applies to; None = until cleared
    code: Optional[str] = None  # service error code (Route 53 "Throttling", …)
    drop_answer: bool = False  # serve the request, then close the connection without answering
    reset: bool = False  # close the connection without serving the request (nothing is applied)
    id: int = 0

    def matches(self, method: str, path: str, body: bytes = b"") -> bool:
        if self.method and self.method.upper() != method.upper():
            return False
        if self.body is not None and re.search(self.body, body.decode("utf-8", "replace")) is None:
            return False
        return re.search(self.path, path) is not None


@dataclass
class RequestRecord:
    service: str
    method: str
    path: str
    query: str
    status: int
    at: float = field(default_factory=time.time)


# Renders an injected error: (status, code) -> (body bytes, content type)
ErrorRenderer = Callable[[int, Optional[str]], "tuple[bytes, str]"]
# Applies settings sent to /_sandbox/settings and returns them all: (changes) -> settings
SettingsHandler = Callable[[dict], dict]


def json_message_error(status: int, code: Optional[str]) -> tuple[bytes, str]:
    return json.dumps({"message": code or f"injected fault {status}"}).encode(), "application/json"


class ServiceControl:
    """Thread-safe fault rules and request log of one service."""

    _ids = itertools.count(1)

    def __init__(self, name: str):
        self.name = name
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []
        self._log: list[RequestRecord] = []

    def add_fault(self, **kwargs) -> FaultRule:
        rule = FaultRule(**kwargs)
        rule.id = next(self._ids)
        re.compile(rule.path)
        if rule.body is not None:
            re.compile(rule.body)
        with self._lock:
            self._rules.append(rule)
        return rule

    def clear_faults(self) -> None:
        with self._lock:
            self._rules.clear()

    def wants_body(self) -> bool:
        with self._lock:
            return any(rule.body is not None for rule in self._rules)

    def take_fault(self, method: str, path: str, body: bytes = b"") -> Optional[FaultRule]:
        with self._lock:
            for rule in self._rules:
                if rule.matches(method, path, body):
                    if rule.count is not None:
                        rule.count -= 1
                        if rule.count <= 0:
                            self._rules.remove(rule)
                    return rule
        return None

    def record(self, entry: RequestRecord) -> None:
        with self._lock:
            self._log.append(entry)

    def requests(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._log)

    def clear_requests(self) -> None:
        with self._lock:
            self._log.clear()


class ControlledApp:
    """WSGI middleware adding fault injection, a request log and control endpoints."""

    def __init__(self, app, control: ServiceControl, render_error: Optional[ErrorRenderer] = None,
                 settings: Optional[SettingsHandler] = None):
        self.app = app
        self.control = control
        self.render_error = render_error or json_message_error
        self.settings = settings

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "")
        if path.startswith(CONTROL_PREFIX):
            return self._control(environ, start_response, method, path)
        query = environ.get("QUERY_STRING", "")
        body = b""
        if self.control.wants_body():  # read it once, hand the app a copy
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            environ["wsgi.input"] = io.BytesIO(body)
        rule = self.control.take_fault(method, path, body)
        if rule and rule.latency:
            time.sleep(rule.latency)
        if rule and rule.status:
            body, ctype = self.render_error(rule.status, rule.code)
            headers = [("Content-Type", ctype), ("Content-Length", str(len(body)))]
            if rule.retry_after is not None:
                headers.append(("Retry-After", _retry_after_text(rule.retry_after)))
            start_response(f"{rule.status} Injected", headers)
            self.control.record(RequestRecord(self.control.name, method, path, query, rule.status))
            return [body]

        if rule and rule.reset:
            self.control.record(RequestRecord(self.control.name, method, path, query, 0))
            _close(environ, reset=True)
            start_response("500 Connection Reset", [("Content-Length", "0")])
            return []
        if rule and rule.drop_answer:
            return self._serve_then_drop(environ, start_response, method, path, query)
        seen = {}

        def recording_start_response(status, headers, exc_info=None):
            seen["status"] = int(status.split(" ", 1)[0])
            return start_response(status, headers, exc_info)

        result = self.app(environ, recording_start_response)
        self.control.record(RequestRecord(self.control.name, method, path, query, seen.get("status", 0)))
        return result

    def _serve_then_drop(self, environ, start_response, method, path, query):
        """Apply the request in full, then close the socket: the client never reads an answer."""
        seen = {}

        def discard(status, headers, exc_info=None):
            seen["status"] = int(status.split(" ", 1)[0])
            return lambda _data: None

        result = self.app(environ, discard)
        try:
            for _chunk in result:
                pass
        finally:
            if hasattr(result, "close"):
                result.close()
        self.control.record(RequestRecord(self.control.name, method, path, query, seen.get("status", 0)))
        _close(environ)
        start_response("500 Answer Dropped", [("Content-Length", "0")])
        return []

    def _control(self, environ, start_response, method, path):
        what = path[len(CONTROL_PREFIX):].strip("/")
        status, payload = "200 OK", {}
        if what == "requests" and method == "GET":
            payload = {"requests": [asdict(r) for r in self.control.requests()]}
        elif what == "requests" and method == "DELETE":
            self.control.clear_requests()
        elif what == "faults" and method == "POST":
            size = int(environ.get("CONTENT_LENGTH") or 0)
            spec = json.loads(environ["wsgi.input"].read(size) or b"{}")
            try:
                payload = asdict(self.control.add_fault(**spec))
            except (TypeError, re.error) as exc:
                status, payload = "400 Bad Request", {"message": f"bad fault rule: {exc}"}
        elif what == "faults" and method == "DELETE":
            self.control.clear_faults()
        elif what == "settings" and self.settings is not None and method in ("GET", "POST"):
            size = int(environ.get("CONTENT_LENGTH") or 0)
            changes = json.loads(environ["wsgi.input"].read(size) or b"{}") if method == "POST" else {}
            try:
                payload = self.settings(changes)
            except (TypeError, ValueError) as exc:
                status, payload = "400 Bad Request", {"message": f"bad settings: {exc}"}
        else:
            status, payload = "404 Not Found", {"message": f"no sandbox control endpoint {method} {path}"}
        body = json.dumps(payload).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]


def _close(environ, reset: bool = False) -> None:
    """Close the client's connection with no answer; with ``reset``, SO_LINGER 0 makes it a TCP reset."""
    sock = environ.get("werkzeug.socket")
    if sock is None:
        return
    try:
        if reset:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def _retry_after_text(seconds: float) -> str:
    # Retry-After carries whole seconds (RFC 9110); round up so a client never retries early.
    whole = int(seconds)
    return str(whole if whole == seconds else whole + 1)

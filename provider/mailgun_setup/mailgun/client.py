"""A small Mailgun API client: requests + urllib3 ``Retry`` (429/5xx, honouring ``Retry-After``).

Hosts come from ``MAILGUN_API_URL_US`` / ``MAILGUN_API_URL_EU`` when set (the sandbox), else
Mailgun's public hosts. The key is only ever in the session's Basic auth: error messages
name the method, path, status and Mailgun's message, never the key.

Creates (POST) are not retried blindly: a POST whose answer was lost (timeout, reset, 5xx)
may have been applied, and sending it again makes a second route. urllib3 retries a POST
only when Mailgun certainly did not act on it (the connection never opened, or a 429).
Otherwise the client *reconciles*: it reads what exists (the domain, the login, a route
with the same expression/actions/priority/description) and returns that, and sends the
POST again only when nothing is there.

A provider process serves every resource of a run on several threads: ``shared_client`` gives
them one client (one pool of kept-alive connections) per key, region and endpoint, so each call
after the first skips the TCP and TLS handshakes, two round trips to Mailgun.

Domain deletion happens in the background at Mailgun: :meth:`MailgunClient.delete_domain`
waits, bounded (``MAILGUN_SETUP_DELETE_WAIT`` seconds, default 300 like the Terraform
provider), for GET to answer 404, reporting progress.
"""
from __future__ import annotations

import hashlib
import os
import re
import secrets
import string
import threading
import time
from typing import Any, Callable, Iterator, Optional

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from ..errors import AnswerLost, ConfigError, MailgunApiError, SamePasswordError
from ..rules import Problem
from ..timeouts import http_timeout, seconds_from_env

PUBLIC_HOSTS = {"us": "https://api.mailgun.net", "eu": "https://api.eu.mailgun.net"}
HOST_ENV = {"us": "MAILGUN_API_URL_US", "eu": "MAILGUN_API_URL_EU"}
PAGE_SIZE = 100
SAME_PASSWORD = re.compile(r"same|differ|identical", re.IGNORECASE)  # Mailgun's "same password" 400
DELETE_WAIT_ENV = "MAILGUN_SETUP_DELETE_WAIT"
DEFAULT_DELETE_WAIT = 300.0
PROGRESS_EVERY = 15.0


_SHARED: dict[tuple, "MailgunClient"] = {}
_SHARED_LOCK = threading.Lock()


def shared_client(api_key: str, region: str) -> "MailgunClient":
    """This process's client for ``api_key`` in ``region`` (made on first use). urllib3's pool is
    thread-safe; the key is held only as a digest in the cache's index."""
    index = (hashlib.sha256(api_key.encode()).hexdigest(), region, base_url_for(region), http_timeout())
    with _SHARED_LOCK:
        client = _SHARED.get(index)
        if client is None:
            client = _SHARED[index] = MailgunClient(api_key, region)
        return client


def base_url_for(region: str) -> str:
    if region not in PUBLIC_HOSTS:
        raise ConfigError(Problem("region", f"must be one of us, eu (got {region!r})"))
    return (os.environ.get(HOST_ENV[region]) or PUBLIC_HOSTS[region]).rstrip("/")


def api_key_from_env() -> str:
    key = os.environ.get("MAILGUN_API_KEY", "")
    if not key:
        raise ConfigError(Problem("apiKey", "set mailgun-setup:apiKey (pulumi config set --secret) or MAILGUN_API_KEY"))
    return key


def delete_wait_from_env() -> float:
    return seconds_from_env(DELETE_WAIT_ENV, DEFAULT_DELETE_WAIT)


class SafeRetry(Retry):
    """urllib3's Retry, except that a non-idempotent request (POST) is retried on a status only
    for 429: Mailgun refused it before acting on it. A 5xx or a lost answer to a POST is not
    retried here; the client reconciles by reading instead."""

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        if status_code == 429 and method.upper() not in self.allowed_methods:
            return bool(self.total)
        return super().is_retry(method, status_code, has_retry_after)


def default_retry() -> Retry:
    # allowed_methods stays urllib3's default (idempotent methods): read errors and 5xx on a
    # POST surface to the client; connect errors are retried for every method (nothing was sent).
    return SafeRetry(total=6, connect=3, read=2, status=6, backoff_factor=0.5, backoff_max=30,
                     status_forcelist=(429, 500, 502, 503, 504),
                     respect_retry_after_header=True, raise_on_status=False)


class MailgunClient:
    def __init__(self, api_key: str, region: str, base_url: Optional[str] = None, timeout: Optional[float] = None,
                 retry: Optional[Retry] = None):
        self.region = region
        self.base_url = (base_url or base_url_for(region)).rstrip("/")
        self.timeout = timeout or http_timeout() or 30
        self.session = requests.Session()
        self.session.auth = ("api", api_key)
        adapter = HTTPAdapter(max_retries=retry or default_retry())
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def __repr__(self) -> str:  # never show the key
        return f"MailgunClient(region={self.region!r}, base_url={self.base_url!r})"

    # --- plumbing ---------------------------------------------------------
    def request(self, method: str, path: str, *, ok_missing: bool = False, **kwargs) -> Optional[dict]:
        try:
            response = self.session.request(method, self.base_url + path, timeout=self.timeout, **kwargs)
        except requests.RequestException as exc:
            message = f"Mailgun {method} {path}: {type(exc).__name__}: could not reach {self.base_url}"
            call = dict(service="mailgun", method=method, path=path)
            if method == "POST" and _answer_may_be_lost(exc):
                raise AnswerLost(message, **call) from None
            raise MailgunApiError(message, **call) from None
        if response.status_code == 404 and ok_missing:
            return None
        if response.status_code >= 400:
            # Mailgun's errors carry a message and no code: it is kept as ``code`` for the two callers
            # that must tell refusals apart (same password, retention over the plan), here at the boundary.
            detail = _message(response)
            error = AnswerLost if method == "POST" and response.status_code >= 500 else MailgunApiError
            raise error(f"Mailgun {method} {path} failed with {response.status_code}: {detail}",
                        response.status_code, service="mailgun", method=method, path=path, code=detail)
        return response.json() if response.content else {}

    def _pages(self, path: str, params: Optional[dict] = None) -> Iterator[dict]:
        skip = 0
        while True:
            page = self.request("GET", path, params={**(params or {}), "skip": skip, "limit": PAGE_SIZE})
            items = page.get("items") or []
            yield from items
            skip += len(items)
            if len(items) < PAGE_SIZE or skip >= page.get("total_count", float("inf")):
                return

    # --- domains ----------------------------------------------------------
    def get_domain(self, name: str) -> Optional[dict]:
        return self.request("GET", f"/v4/domains/{name}", ok_missing=True)

    def create_domain(self, name: str, dkim_key_size: int, message_ttl: Optional[int] = None, **extra: Any) -> dict:
        """Create; ``message_ttl`` None leaves retention to Mailgun (the plan's default).

        Reconciles a lost answer: when the POST's outcome is unknown, or a retry finds the name
        taken, the domain is read back and returned if it exists in this region."""
        data = {"name": name, "dkim_key_size": dkim_key_size, "message_ttl": message_ttl,
                **extra}
        data = {k: _form(v) for k, v in data.items() if v is not None}
        try:
            return self.request("POST", "/v4/domains", data=data)
        except AnswerLost:
            found = self.get_domain(name)
            if found is not None:
                return found
            return self.request("POST", "/v4/domains", data=data)

    def update_domain(self, name: str, **changes: Any) -> dict:
        return self.request("PUT", f"/v4/domains/{name}", data=changes)

    def verify_domain(self, name: str) -> dict:
        return self.request("PUT", f"/v4/domains/{name}/verify")

    def delete_domain(self, name: str, wait: Optional[float] = None, poll: float = 0.5,
                      progress: Optional[Callable[[str], None]] = None) -> None:
        """Delete, then wait (bounded: ``wait`` seconds, else ``MAILGUN_SETUP_DELETE_WAIT``, else 300)
        until GET answers 404: Mailgun deletes in the background, and creating the same name
        before it has finished fails with "already taken". ``progress`` hears about the wait
        every 15 s."""
        wait = delete_wait_from_env() if wait is None else wait
        if self.request("DELETE", f"/v3/domains/{name}", ok_missing=True) is None:
            return
        started = time.monotonic()
        next_note = started + min(PROGRESS_EVERY, wait / 4)
        while self.get_domain(name) is not None:
            now = time.monotonic()
            if now - started > wait:
                raise MailgunApiError(f"Mailgun domain {name} still exists {wait:.0f}s after deletion was "
                                      f"accepted (Mailgun deletes in the background); raise {DELETE_WAIT_ENV} "
                                      f"and run again")
            if progress and now >= next_note:
                progress(f"{name}: Mailgun is still deleting the domain ({now - started:.0f}s of at most "
                         f"{wait:.0f}s)")
                next_note = now + PROGRESS_EVERY
            time.sleep(poll)
        if progress and time.monotonic() - started >= 1:
            progress(f"{name}: deleted by Mailgun after {time.monotonic() - started:.0f}s")

    # --- SMTP credentials -------------------------------------------------
    def list_credentials(self, domain: str) -> list[dict]:
        return list(self._pages(f"/v3/domains/{domain}/credentials"))

    def create_credential(self, domain: str, login: str, password: Optional[str]) -> Optional[str]:
        """Returns the password Mailgun generated when none was given (shown only this once).

        A lost answer is reconciled by listing the logins: when ours is there the create went
        through. Mailgun's generated password went with the answer, so one is generated here
        and set (PUT) instead; a given password is set again so the two surely agree."""
        data = {"login": login, **({"password": password} if password else {})}
        path = f"/v3/domains/{domain}/credentials"
        try:
            body = self.request("POST", path, data=data)
        except AnswerLost:
            if not any(c.get("login", "").lower() == login.lower() for c in self.list_credentials(domain)):
                body = self.request("POST", path, data=data)
            else:
                chosen = password or _password()
                try:
                    self.change_password(domain, login, chosen)
                except MailgunApiError as exc:
                    if exc.status != 400 or not password:  # 400: the same password again: already set
                        raise
                return None if password else chosen
        return (body.get("credentials") or {}).get(login)

    def change_password(self, domain: str, login: str, password: str) -> None:
        """Raises SamePasswordError when Mailgun already has this password (it answers 400)."""
        try:
            self.request("PUT", f"/v3/domains/{domain}/credentials/{login}", data={"password": password})
        except MailgunApiError as exc:
            if exc.status == 400 and SAME_PASSWORD.search(exc.code or ""):  # Mailgun gives no code, only text
                raise SamePasswordError(str(exc), 400, service="mailgun", method="PUT",
                                        path=f"/v3/domains/{domain}/credentials/{login}") from None
            raise

    def delete_credential(self, domain: str, login: str) -> None:
        self.request("DELETE", f"/v3/domains/{domain}/credentials/{login}", ok_missing=True)

    # --- routes -----------------------------------------------------------
    def list_routes(self) -> list[dict]:
        return list(self._pages("/v3/routes"))

    def get_route(self, route_id: str) -> Optional[dict]:
        body = self.request("GET", f"/v3/routes/{route_id}", ok_missing=True)
        return None if body is None else body["route"]

    def create_route(self, priority: int, description: str, expression: str, actions: list[str]) -> dict:
        """Create; a lost answer is reconciled by looking for the route among the region's routes
        (same expression, actions, priority and description) before sending it again."""
        data = {"priority": priority, "description": description, "expression": expression, "action": actions}
        try:
            return self.request("POST", "/v3/routes", data=data)["route"]
        except AnswerLost:
            wanted = (int(priority), description or "", expression, list(actions))
            for route in self.list_routes():
                if _route_key(route) == wanted:
                    return route
            return self.request("POST", "/v3/routes", data=data)["route"]

    def update_route(self, route_id: str, priority: int, description: str, expression: str,
                     actions: list[str]) -> dict:
        data = {"priority": priority, "description": description, "expression": expression, "action": actions}
        return self.request("PUT", f"/v3/routes/{route_id}", data=data)

    def delete_route(self, route_id: str) -> None:
        self.request("DELETE", f"/v3/routes/{route_id}", ok_missing=True)


def _form(value: Any) -> Any:
    return ("true" if value else "false") if isinstance(value, bool) else value


def _answer_may_be_lost(exc: requests.RequestException) -> bool:
    """A read timeout, or a connection error after the request went out (reset, remote closed)
    rather than before it (refused, DNS, connect timeout): the POST may have been applied."""
    if isinstance(exc, requests.ConnectTimeout):
        return False
    if isinstance(exc, requests.Timeout):
        return True
    if isinstance(exc, requests.ConnectionError):
        return not any(word in repr(exc) for word in ("NewConnectionError", "NameResolutionError"))
    return False


def _route_key(route: dict) -> tuple:
    actions = route.get("actions") or route.get("action") or []
    actions = [actions] if isinstance(actions, str) else list(actions)
    return int(route.get("priority", 0)), route.get("description") or "", route.get("expression"), actions


def _password(length: int = 24) -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(length))


def _message(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200] or response.reason
    if isinstance(body, dict):
        return str(body.get("message") or body.get("Reason") or body)[:500]
    return str(body)[:500]

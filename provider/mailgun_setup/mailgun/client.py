"""A small Mailgun API client: requests + urllib3 ``Retry`` (429/5xx, honouring ``Retry-After``).

Hosts come from ``MAILGUN_API_URL_US`` / ``MAILGUN_API_URL_EU`` when set (the sandbox), else
Mailgun's public hosts. The key is only ever in the session's Basic auth: error messages
name the method, path, status and Mailgun's message, never the key.

POSTs are retried too: a create that did reach Mailgun before a 5xx comes back as
"already exists" on the retry, which the resources treat as "adopt", so a retried or
re-run ``pulumi up`` converges instead of failing.
"""
from __future__ import annotations

import os
import re
import time
from typing import Any, Iterator, Optional

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from ..errors import ConfigError, MailgunApiError, SamePasswordError

PUBLIC_HOSTS = {"us": "https://api.mailgun.net", "eu": "https://api.eu.mailgun.net"}
HOST_ENV = {"us": "MAILGUN_API_URL_US", "eu": "MAILGUN_API_URL_EU"}
PAGE_SIZE = 100
SAME_PASSWORD = re.compile(r"same|differ|identical", re.IGNORECASE)  # Mailgun's "same password" 400


def base_url_for(region: str) -> str:
    if region not in PUBLIC_HOSTS:
        raise ConfigError(f"region: must be one of us, eu (got {region!r})")
    return (os.environ.get(HOST_ENV[region]) or PUBLIC_HOSTS[region]).rstrip("/")


def api_key_from_env() -> str:
    key = os.environ.get("MAILGUN_API_KEY", "")
    if not key:
        raise ConfigError("apiKey: set mailgun-setup:apiKey (pulumi config set --secret) or MAILGUN_API_KEY")
    return key


def default_retry() -> Retry:
    return Retry(total=6, connect=3, read=2, status=6, backoff_factor=0.5, backoff_max=30,
                 status_forcelist=(429, 500, 502, 503, 504), allowed_methods=None,
                 respect_retry_after_header=True, raise_on_status=False)


class MailgunClient:
    def __init__(self, api_key: str, region: str, base_url: Optional[str] = None, timeout: float = 30,
                 retry: Optional[Retry] = None):
        self.region = region
        self.base_url = (base_url or base_url_for(region)).rstrip("/")
        self.timeout = timeout
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
            raise MailgunApiError(f"Mailgun {method} {path}: {type(exc).__name__}: could not reach "
                                  f"{self.base_url}") from None
        if response.status_code == 404 and ok_missing:
            return None
        if response.status_code >= 400:
            raise MailgunApiError(f"Mailgun {method} {path} failed with {response.status_code}: "
                                  f"{_message(response)}", response.status_code)
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

    def create_domain(self, name: str, dkim_key_size: int, message_ttl: int, **extra: Any) -> dict:
        data = {"name": name, "dkim_key_size": dkim_key_size, "message_ttl": message_ttl,
                **{k: v for k, v in extra.items() if v is not None}}
        return self.request("POST", "/v4/domains", data=data)

    def update_domain(self, name: str, **changes: Any) -> dict:
        return self.request("PUT", f"/v4/domains/{name}", data=changes)

    def verify_domain(self, name: str) -> dict:
        return self.request("PUT", f"/v4/domains/{name}/verify")

    def delete_domain(self, name: str, wait: float = 30, poll: float = 0.5) -> None:
        """Delete and wait until GET answers 404 (deletion is eventually consistent)."""
        if self.request("DELETE", f"/v3/domains/{name}", ok_missing=True) is None:
            return
        deadline = time.monotonic() + wait
        while self.get_domain(name) is not None:
            if time.monotonic() > deadline:
                raise MailgunApiError(f"Mailgun domain {name} still exists {wait:.0f}s after deletion")
            time.sleep(poll)

    # --- SMTP credentials -------------------------------------------------
    def list_credentials(self, domain: str) -> list[dict]:
        return list(self._pages(f"/v3/domains/{domain}/credentials"))

    def create_credential(self, domain: str, login: str, password: Optional[str]) -> Optional[str]:
        """Returns the password Mailgun generated when none was given (shown only this once)."""
        data = {"login": login, **({"password": password} if password else {})}
        body = self.request("POST", f"/v3/domains/{domain}/credentials", data=data)
        return (body.get("credentials") or {}).get(login)

    def change_password(self, domain: str, login: str, password: str) -> None:
        """Raises SamePasswordError when Mailgun already has this password (it answers 400)."""
        try:
            self.request("PUT", f"/v3/domains/{domain}/credentials/{login}", data={"password": password})
        except MailgunApiError as exc:
            if exc.status == 400 and SAME_PASSWORD.search(str(exc)):  # Mailgun gives no code, only text
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
        data = {"priority": priority, "description": description, "expression": expression, "action": actions}
        return self.request("POST", "/v3/routes", data=data)["route"]

    def update_route(self, route_id: str, priority: int, description: str, expression: str,
                     actions: list[str]) -> dict:
        data = {"priority": priority, "description": description, "expression": expression, "action": actions}
        return self.request("PUT", f"/v3/routes/{route_id}", data=data)

    def delete_route(self, route_id: str) -> None:
        self.request("DELETE", f"/v3/routes/{route_id}", ok_missing=True)


def _message(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200] or response.reason
    if isinstance(body, dict):
        return str(body.get("message") or body.get("Reason") or body)[:500]
    return str(body)[:500]

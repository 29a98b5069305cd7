"""The emulator's keys API (``/v1/keys``) and what each key may do.

Keys are account-wide (one store for both regions, like domain names). Create takes
``role`` (admin | basic | sending | developer), ``kind`` (user | domain | web, default
user), ``domain_name`` (domain kind), ``expiration`` (seconds, > 0), ``description``; the
secret is in the create answer only, never in a listing (Mailgun's keys API reference).

Authorization, as Mailgun's role-based access describes it, reduced to what the product
uses: the account's primary keys and ``admin`` keys may do everything; ``developer`` keys
everything but key management; ``basic`` keys read (GET) only; ``sending`` keys of the
domain kind only ``POST /v3/<their domain>/messages`` (and ``messages.mime``). A revoked or
expired key is "Invalid private key" (401); a valid key outside its rights is 403.

Hooks: :func:`authorize` replaces the plain key check in ``before_request``; :func:`register`
adds the routes. The store hangs off the backend so both regional apps share it.
"""
from __future__ import annotations

import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Optional

from flask import Flask, jsonify, request

from .extensions import attached
from .models import BadRequest, MailgunBackend, MailgunError, NotFound, Unauthorized

ROLES = ("admin", "basic", "sending", "developer")
KINDS = ("user", "domain", "web")
WEB_KEY_MAX_LIFETIME = 86400
SENDING_PATH = re.compile(r"^/v3/(?P<domain>[^/]+)/messages(?:\.mime)?$")


def spec_time(at: float) -> str:
    """A keys API date as Mailgun's API 3.0.0 spec gives it (KeyInfoResp: ``^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}$``,
    UTC without an offset, e.g. ``2026-01-23T10:16:00``), the layout Mailgun's Go client parses."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(at))


class Forbidden(MailgunError):
    status = 403


@dataclass
class ApiKey:
    role: str
    kind: str
    description: str = ""
    domain_name: Optional[str] = None
    expires_at: Optional[float] = None
    user_name: str = ""
    secret: str = field(default_factory=lambda: f"{secrets.token_hex(16)}-{secrets.token_hex(4)}-{secrets.token_hex(4)}",
                        repr=False)
    id: str = field(default_factory=lambda: secrets.token_hex(12))
    created_at: str = field(default_factory=lambda: spec_time(time.time()))
    is_disabled: bool = False
    disabled_reason: Optional[str] = None

    def expired(self, now: float) -> bool:
        return self.expires_at is not None and now >= self.expires_at

    def to_json(self, with_secret: bool = False) -> dict:
        data = {"id": self.id, "description": self.description, "kind": self.kind, "role": self.role,
                "created_at": self.created_at, "updated_at": self.created_at, "domain_name": self.domain_name,
                "requestor": None, "user_name": self.user_name, "is_disabled": self.is_disabled}
        if self.disabled_reason:  # optional string: absent rather than null
            data["disabled_reason"] = self.disabled_reason
        if self.expires_at:  # optional: absent rather than null (Mailgun's Go client refuses a null date)
            data["expires_at"] = spec_time(self.expires_at)
        if with_secret:
            data["secret"] = self.secret
        return data


class KeyStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys: dict[str, ApiKey] = {}

    def create(self, backend: MailgunBackend, role: str, kind: str, domain_name: Optional[str],
               expiration: Optional[int], description: str, user_name: str = "", email: str = "",
               user_id: str = "") -> ApiKey:
        if role not in ROLES:
            raise BadRequest(f"role must be one of {', '.join(ROLES)}")
        if kind not in KINDS:
            raise BadRequest(f"kind must be one of {', '.join(KINDS)}")
        if expiration is not None and expiration <= 0:
            raise BadRequest("expiration must be greater than 0")
        if kind == "domain":
            if not domain_name:
                raise BadRequest("domain_name is required for keys of domain kind")
            if domain_name.lower() not in backend.domains:
                raise NotFound("Domain not found")
            if role != "sending":
                raise BadRequest("keys of domain kind take the sending role")
        elif domain_name:
            raise BadRequest("domain_name is only for keys of domain kind")
        elif role == "sending":
            raise BadRequest("the sending role is for keys of domain kind")
        if kind == "web":
            if not (email and user_id):
                raise BadRequest("email and user_id are required for keys of web kind")
            expiration = min(expiration or WEB_KEY_MAX_LIFETIME, WEB_KEY_MAX_LIFETIME)
        key = ApiKey(role=role, kind=kind, description=description or "",
                     domain_name=domain_name.lower() if domain_name else None,
                     expires_at=time.time() + expiration if expiration else None, user_name=user_name or "")
        with self._lock:
            self._keys[key.id] = key
        return key

    def list(self, domain_name: Optional[str] = None, kind: Optional[str] = None) -> list[ApiKey]:
        with self._lock:
            keys = list(self._keys.values())
        return [k for k in keys if (not domain_name or k.domain_name == domain_name.lower())
                and (not kind or k.kind == kind)]

    def delete(self, key_id: str) -> None:
        with self._lock:
            if self._keys.pop(key_id, None) is None:
                raise NotFound("API key not found")

    def find(self, secret: str) -> Optional[ApiKey]:
        with self._lock:
            for key in self._keys.values():
                if secrets.compare_digest(key.secret, secret):
                    return key
        return None


def key_store(backend: MailgunBackend) -> KeyStore:
    """The backend's one KeyStore (both regional apps share it)."""
    return attached(backend, "api_key_store", KeyStore)


def authorize(backend: MailgunBackend, user: Optional[str], secret: Optional[str], method: str, path: str) -> None:
    """Raise Unauthorized (401) for an unknown, revoked or expired key, Forbidden (403) outside its rights."""
    try:
        backend.authenticate(user, secret)  # the account's primary keys
        return
    except Unauthorized:
        if user != "api" or not secret:
            raise
    key = key_store(backend).find(secret)
    if key is None or key.is_disabled or key.expired(time.time()):
        raise Unauthorized("Invalid private key")
    if key.role == "admin":
        return
    if path.startswith("/v1/keys"):
        raise Forbidden("Forbidden: only admin keys manage API keys")
    if key.role == "developer":
        return
    if key.role == "basic":
        if method in ("GET", "HEAD"):
            return
        raise Forbidden("Forbidden: basic keys are read-only")
    sending = SENDING_PATH.match(path)
    if method == "POST" and sending and sending.group("domain").lower() == key.domain_name:
        return
    raise Forbidden(f"Forbidden: this key can only send messages for {key.domain_name}")


def _int_field(name: str) -> Optional[int]:
    value = request.form.get(name)
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise BadRequest(f"{name} must be an integer") from None


def register(app: Flask, backend: MailgunBackend) -> None:
    store = key_store(backend)

    @app.post("/v1/keys")
    def create_key():
        form = request.form
        role = form.get("role")
        if not role:
            raise BadRequest("role is required")
        key = store.create(backend, role=role, kind=form.get("kind") or "user", domain_name=form.get("domain_name"),
                           expiration=_int_field("expiration"), description=form.get("description") or "",
                           user_name=form.get("user_name") or "", email=form.get("email") or "",
                           user_id=form.get("user_id") or "")
        return jsonify({"message": "great success", "key": key.to_json(with_secret=True)})

    @app.get("/v1/keys")
    def list_keys():
        items = store.list(request.args.get("domain_name"), request.args.get("kind"))
        return jsonify({"items": [k.to_json() for k in items], "total_count": len(items)})

    @app.delete("/v1/keys/<key_id>")
    def delete_key(key_id):
        store.delete(key_id)
        return jsonify({"message": "key deleted"})

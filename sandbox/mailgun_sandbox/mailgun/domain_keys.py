"""The emulator's domain keys (DKIM keys) API, as Mailgun's API 3.0.0 spec and its client libraries give it.

    POST   /v1/dkim/keys                                   signing_domain, selector, bits (1024|2048) or pem
    GET    /v1/dkim/keys                                   ?signing_domain=&selector= (paged)
    DELETE /v1/dkim/keys                                   ?signing_domain=&selector=
    GET    /v4/domains/{authority}/keys                    every key of the domain, active or not
    PUT    /v4/domains/{authority}/keys/{selector}/activate    only while its DNS record is valid
    PUT    /v4/domains/{authority}/keys/{selector}/deactivate
    PUT    /v3/domains/{name}/dkim_selector                ?dkim_selector= (must differ from the other keys')
    PUT    /v1/dkim_management/domains/{name}/rotation     automatic sender security: rotation_enabled,
                                                           rotation_interval (at least 5 days, e.g. "5d")
    POST   /v1/dkim_management/domains/{name}/rotate       rotate the hosted keys now

A domain starts with the key it was created with, active. The active key is the one the domain's
sending records show and (with mail flow) the one that signs. Private keys are never exported.
Every change of a domain's keys notes how many are active, so a test can check that a rotation
never had two active at once (``most_active``).
"""
from __future__ import annotations

import base64
import re
import threading
from dataclasses import dataclass, field
from email.utils import formatdate
from typing import Optional

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, jsonify, request

from .extensions import attached
from .models import ATOM, BadRequest, DnsRecord, Domain, MailgunBackend, NotFound, generate_dkim_key

BITS = (1024, 2048)


@dataclass
class DomainKey:
    signing_domain: str
    selector: str
    bits: int
    public_key: str  # base64 DER, as published in the TXT record
    private_pem: Optional[str] = field(default=None, repr=False)
    active: bool = False
    created_at: str = field(default_factory=lambda: formatdate(usegmt=True))

    def record(self) -> DnsRecord:
        return DnsRecord("TXT", f"{self.selector}._domainkey.{self.signing_domain}", f"k=rsa; p={self.public_key}")

    def to_json(self, valid: str = "unknown") -> dict:
        record = self.record().to_json()
        record.update(is_active=self.active, valid=valid)
        return {"signing_domain": self.signing_domain, "selector": self.selector, "dns_record": record}


def _imported(pem: str) -> tuple[str, str, int]:
    try:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError):
        raise BadRequest("pem is not a valid PEM-encoded private key") from None
    if not isinstance(key, rsa.RSAPrivateKey) or key.key_size not in BITS:
        raise BadRequest("pem must hold an RSA key of 1024 or 2048 bits")
    der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode(), pem, key.key_size


class DomainKeyStore:
    def __init__(self, backend: MailgunBackend):
        self.backend = backend
        self._lock = threading.RLock()
        self._keys: dict[str, list[DomainKey]] = {}
        self.most_active: dict[str, int] = {}  # domain -> the most keys ever active at once
        self.rotation: dict[str, dict] = {}  # domain -> automatic sender security rotation settings

    def keys(self, domain: Domain) -> list[DomainKey]:
        """The domain's keys; the first time, the key it was created with (active). Kept by the domain's
        id, so a domain deleted and created again under the same name starts afresh."""
        with self._lock:
            found = self._keys.get(domain.id)
            if found is None:
                found = [DomainKey(domain.name, domain.dkim_selector, domain.dkim_key_size, domain.dkim_public_key,
                                   getattr(domain, "dkim_private_key", None), active=True,
                                   created_at=domain.created_at)]
                self._keys[domain.id] = found
                self._note(domain)
            return found

    def _note(self, domain: Domain) -> None:
        count = sum(k.active for k in self._keys.get(domain.id, []))
        self.most_active[domain.name] = max(self.most_active.get(domain.name, 0), count)

    def find(self, domain: Domain, selector: str) -> DomainKey:
        for key in self.keys(domain):
            if key.selector == selector:
                return key
        raise NotFound("domain key not found")

    def create(self, domain: Domain, selector: str, bits: Optional[int], pem: Optional[str]) -> DomainKey:
        selector = (selector or "").strip().lower()
        if not ATOM.match(selector):
            raise BadRequest("selector must be a single DNS label (letters, digits, hyphens)")
        if pem:
            public, private, bits = _imported(pem)
        else:
            bits = bits or 1024
            if bits not in BITS:
                raise BadRequest("bits must be 1024 or 2048")
            private, public = generate_dkim_key(bits)
        with self._lock:
            if any(k.selector == selector for k in self.keys(domain)):
                raise BadRequest(f"a key with selector {selector} already exists for {domain.name}")
            key = DomainKey(domain.name, selector, bits, public, private)
            self._keys[domain.id].append(key)
            return key

    def activate(self, domain: Domain, selector: str) -> DomainKey:
        key = self.find(domain, selector)
        if self.backend.check_record is not None and self.backend.check_record(key.record())[0] != "valid":
            raise BadRequest(f"the DNS record of key {selector} ({key.record().name}) is not valid yet: publish it "
                             f"and verify the domain first")
        with self._lock:
            key.active = True
            domain.dkim_selector, domain.dkim_public_key, domain.dkim_key_size = key.selector, key.public_key, key.bits
            if hasattr(domain, "dkim_private_key"):
                domain.dkim_private_key = key.private_pem
            self._note(domain)
        return key

    def deactivate(self, domain: Domain, selector: str) -> DomainKey:
        key = self.find(domain, selector)
        with self._lock:
            key.active = False
            self._note(domain)
        return key

    def delete(self, domain: Domain, selector: str) -> None:
        key = self.find(domain, selector)
        with self._lock:
            if key.active and sum(k.active for k in self.keys(domain)) == 1:
                raise BadRequest("cannot delete domain key: must have at least one active domain key")
            self._keys[domain.id].remove(key)

    def rename(self, domain: Domain, selector: str) -> None:
        """``PUT /v3/domains/{name}/dkim_selector``: the domain's own key gets another selector."""
        selector = (selector or "").strip().lower()
        if not ATOM.match(selector):
            raise BadRequest("dkim_selector must be a single DNS label")
        with self._lock:
            keys = self.keys(domain)
            if any(k.selector == selector for k in keys if k.selector != domain.dkim_selector):
                raise BadRequest(f"selector {selector} is already used by another key of {domain.name}")
            for key in keys:
                if key.selector == domain.dkim_selector:
                    key.selector = selector
            domain.dkim_selector = selector

    def active(self, domain: Domain) -> Optional[DomainKey]:
        """The key that signs for ``domain`` (None between a deactivation and the next activation)."""
        return next((k for k in self.keys(domain) if k.active), None)


def key_store(backend: MailgunBackend) -> DomainKeyStore:
    return attached(backend, "domain_keys", lambda: DomainKeyStore(backend))


def _validity(backend: MailgunBackend, key: DomainKey) -> str:
    if backend.check_record is None:
        return "unknown"
    return backend.check_record(key.record())[0]


def _domain_of(backend: MailgunBackend, region: str, name: Optional[str]) -> Domain:
    if not name:
        raise BadRequest("signing_domain is required")
    return backend.get_domain(region, name)


def register(app: Flask, backend: MailgunBackend, region: str) -> None:
    store = key_store(backend)

    @app.post("/v1/dkim/keys")
    def create_domain_key():
        form = request.form
        domain = _domain_of(backend, region, form.get("signing_domain"))
        bits = form.get("bits")
        if bits not in (None, "") and not str(bits).isdigit():
            raise BadRequest("bits must be 1024 or 2048")
        key = store.create(domain, form.get("selector") or "", int(bits) if bits else None, form.get("pem"))
        return jsonify(key.to_json("unknown"))

    @app.get("/v1/dkim/keys")
    def list_all_domain_keys():
        wanted, selector = request.args.get("signing_domain"), request.args.get("selector")
        names = [wanted] if wanted else [d.name for d in backend.list_domains(region, 0, 10_000)[1]]
        items = []
        for name in names:
            for key in store.keys(backend.get_domain(region, name)):
                if not selector or key.selector == selector:
                    items.append(key.to_json(_validity(backend, key)))
        return jsonify({"items": items, "paging": {"first": request.base_url, "last": request.base_url,
                                                   "next": request.base_url, "previous": request.base_url}})

    @app.delete("/v1/dkim/keys")
    def delete_domain_key():
        args = request.args if request.args.get("signing_domain") else request.form
        domain = _domain_of(backend, region, args.get("signing_domain"))
        store.delete(domain, args.get("selector") or "")
        return jsonify({"message": "success"})

    @app.get("/v4/domains/<authority>/keys")
    def list_domain_keys(authority):
        domain = backend.get_domain(region, authority)
        return jsonify({"items": [k.to_json(_validity(backend, k)) for k in store.keys(domain)]})

    @app.put("/v4/domains/<authority>/keys/<selector>/activate")
    def activate_domain_key(authority, selector):
        key = store.activate(backend.get_domain(region, authority), selector)
        return jsonify({"message": "domain key activated", "authority": authority, "selector": key.selector,
                        "active": True})

    @app.put("/v4/domains/<authority>/keys/<selector>/deactivate")
    def deactivate_domain_key(authority, selector):
        key = store.deactivate(backend.get_domain(region, authority), selector)
        return jsonify({"message": "domain key deactivated", "authority": authority, "selector": key.selector,
                        "active": False})

    @app.put("/v3/domains/<name>/dkim_selector")
    def update_dkim_selector(name):
        selector = request.args.get("dkim_selector") or request.form.get("dkim_selector")
        store.rename(backend.get_domain(region, name), selector or "")
        return jsonify({"message": "DKIM selector changed"})

    @app.put("/v1/dkim_management/domains/<name>/rotation")
    def set_rotation(name):
        domain = backend.get_domain(region, name)
        if not domain.use_automatic_sender_security:
            raise BadRequest("automatic sender security is not enabled for this domain")
        enabled = (request.form.get("rotation_enabled") or "").lower()
        if enabled not in ("true", "false"):
            raise BadRequest("rotation_enabled must be true or false")
        interval = request.form.get("rotation_interval") or ""
        if interval and enabled != "true":
            raise BadRequest("rotation_interval is not allowed unless also enabling DKIM rotation")
        if enabled == "true":
            match = INTERVAL.match(interval)
            if not match or _days(match) < 5:
                raise BadRequest("rotation_interval must be at least 5 days (e.g. 5d or 120h)")
        store.rotation[name] = {"rotation_enabled": enabled, "rotation_interval": interval}
        return jsonify({"message": "rotation settings updated", **store.rotation[name]})

    @app.post("/v1/dkim_management/domains/<name>/rotate")
    def rotate_now(name):
        domain = backend.get_domain(region, name)
        if not domain.use_automatic_sender_security:
            raise BadRequest("automatic sender security is not enabled for this domain")
        return jsonify({"message": "ok"})


INTERVAL = re.compile(r"^(?P<n>[0-9]+)(?P<unit>[hd])$")


def _days(match: "re.Match") -> float:
    return int(match["n"]) / (24 if match["unit"] == "h" else 1)

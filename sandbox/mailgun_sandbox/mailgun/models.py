"""In-memory state of the Mailgun emulator.

Domain names are global (one namespace for both regions); a domain, its SMTP
credentials, webhooks and tracking settings answer only on the domain's own
region; routes are account-wide but region-bound.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import string
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import formatdate
from typing import Callable, Optional

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

REGIONS = ("us", "eu")
SPF_INCLUDE = {"us": "mailgun.org", "eu": "eu.mailgun.org"}
TRACKING_TARGET = {"us": "mailgun.org", "eu": "eu.mailgun.org"}
MX_HOSTS = {"us": ("mxa.mailgun.org", "mxb.mailgun.org"), "eu": ("mxa.eu.mailgun.org", "mxb.eu.mailgun.org")}
WEBHOOK_KINDS = (
    "accepted", "delivered", "opened", "clicked", "unsubscribed", "complained", "permanent_fail", "temporary_fail",
)
TRACKING_KINDS = ("open", "click", "unsubscribe")
DKIM_SELECTORS = ("krs", "pic", "mx", "smtp", "mta", "k1")
MAX_MESSAGE_TTL = 30 * 86400
# Message retention allowed per subscription plan (Mailgun help centre): the plan caps message_ttl.
PLAN_MAX_TTL = {"free": 0, "foundation": 86400, "scale": 7 * 86400, "enterprise": 7 * 86400}
DEFAULT_TTL = 3 * 86400
ASS_SELECTORS = ("pdk1", "pdk2")  # automatic sender security: DKIM as CNAMEs to keys Mailgun rotates
ATOM = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
DOMAIN_NAME = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
ACTION = re.compile(r'^(?:forward\("[^"]{1,4000}"\)|store\((?:notify="[^"]{1,4000}")?\)|stop\(\))$')
EXPRESSION = re.compile(
    r'^(?:match_recipient\("[^"]{1,4000}"\)|match_header\("[^"]{1,200}",\s*"[^"]{1,4000}"\)|catch_all\(\))$'
)


class MailgunError(Exception):
    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class BadRequest(MailgunError):
    status = 400


class Unauthorized(MailgunError):
    status = 401


class NotFound(MailgunError):
    status = 404


@dataclass
class DnsRecord:
    record_type: str
    name: str
    value: str
    priority: Optional[str] = None
    valid: str = "unknown"
    cached: list[str] = field(default_factory=list)

    def key(self) -> tuple[str, str, str]:
        return (self.record_type, self.name, self.value)

    def to_json(self) -> dict:
        data = {"record_type": self.record_type, "name": self.name, "valid": self.valid, "value": self.value,
                "cached": list(self.cached), "is_active": True}
        if self.record_type == "MX":
            data["priority"] = self.priority
        return data


def rfc2822_utc() -> str:
    """RFC 2822 with a numeric offset, as the spec shows credentials' created_at."""
    return datetime.now(timezone.utc).strftime("%a, %d %b %Y %H:%M:%S +0000")


@dataclass
class Domain:
    name: str
    region: str
    dkim_key_size: int
    dkim_selector: str
    dkim_public_key: str
    web_prefix: str = "email"
    web_scheme: str = "http"
    message_ttl: int = 3 * 86400
    spam_action: str = "disabled"
    wildcard: bool = False
    require_tls: bool = False
    skip_verification: bool = False
    force_dkim_authority: bool = False
    use_automatic_sender_security: bool = False
    encrypt_incoming_message: bool = False
    # The domain whose DKIM key signs for this one (its root on the same account), else None.
    dkim_authority: Optional[str] = None
    authority_selector: str = ""
    authority_public_key: str = ""
    deleting_until: Optional[float] = None  # deletion accepted, finishing in the background
    # PEM of the private half of dkim_public_key: signs what the mail servers accept; no API exports it.
    dkim_private_key: str = field(default="", repr=False)
    smtp_password: str = ""
    state: str = "unverified"
    id: str = field(default_factory=lambda: secrets.token_hex(12))
    created_at: str = field(default_factory=lambda: formatdate(usegmt=True))
    validity: dict = field(default_factory=dict)  # record key -> (valid, cached)

    def sending_records(self) -> list[DnsRecord]:
        records = [DnsRecord("TXT", self.name, f"v=spf1 include:{SPF_INCLUDE[self.region]} ~all"),
                   *self.dkim_records(),
                   DnsRecord("CNAME", f"{self.web_prefix}.{self.name}", TRACKING_TARGET[self.region])]
        return [self._with_validity(r) for r in records]

    def dkim_records(self) -> list[DnsRecord]:
        """Own TXT key; the root's key under the root's name when the root is the DKIM authority;
        two CNAMEs to Mailgun-hosted keys with automatic sender security."""
        if self.use_automatic_sender_security:
            return [DnsRecord("CNAME", f"{sel}._domainkey.{self.name}", f"{sel}._domainkey.{self.id}.dkim1.mailgun.com")
                    for sel in ASS_SELECTORS]
        if self.dkim_authority:
            return [DnsRecord("TXT", f"{self.authority_selector}._domainkey.{self.dkim_authority}",
                              f"k=rsa; p={self.authority_public_key}")]
        return [DnsRecord("TXT", f"{self.dkim_selector}._domainkey.{self.name}", f"k=rsa; p={self.dkim_public_key}")]

    def receiving_records(self) -> list[DnsRecord]:
        records = [DnsRecord("MX", self.name, host, priority="10") for host in MX_HOSTS[self.region]]
        return [self._with_validity(r) for r in records]

    def _with_validity(self, record: DnsRecord) -> DnsRecord:
        record.valid, record.cached = self.validity.get(record.key(), ("unknown", []))
        return record

    def to_json(self) -> dict:
        return {
            "created_at": self.created_at,
            "id": self.id,
            "is_disabled": False,
            "name": self.name,
            "require_tls": self.require_tls,
            "skip_verification": self.skip_verification,
            "smtp_login": f"postmaster@{self.name}",
            "spam_action": self.spam_action,
            "state": self.state,
            "type": "custom",
            "web_prefix": self.web_prefix,
            "web_scheme": self.web_scheme,
            "wildcard": self.wildcard,
            "message_ttl": self.message_ttl,
            "dkim_key_size": self.dkim_key_size,
            "use_automatic_sender_security": self.use_automatic_sender_security,
            "encrypt_incoming_message": self.encrypt_incoming_message,
        }


def hash_password(password: str, salt: Optional[bytes] = None) -> str:
    """``scrypt$<salt hex>$<hash hex>``: the emulator keeps no SMTP password in plain text."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2 ** 12, r=8, p=1, dklen=32)
    return f"scrypt${salt.hex()}${digest.hex()}"


def password_matches(stored: str, password: str) -> bool:
    _, salt, _ = stored.split("$")
    return hmac.compare_digest(stored, hash_password(password, bytes.fromhex(salt)))


@dataclass
class Credential:
    login: str
    password_hash: str = field(repr=False)
    created_at: str = field(default_factory=rfc2822_utc)

    def accepts(self, password: str) -> bool:
        return password_matches(self.password_hash, password or "")

    def to_json(self) -> dict:
        return {"created_at": self.created_at, "login": self.login, "mailbox": self.login, "size_bytes": None}


@dataclass
class Route:
    priority: int
    description: str
    expression: str
    actions: list[str]
    id: str = field(default_factory=lambda: secrets.token_hex(12))
    created_at: str = field(default_factory=lambda: formatdate(usegmt=True))

    def to_json(self) -> dict:
        return {"id": self.id, "priority": self.priority, "description": self.description,
                "expression": self.expression, "actions": list(self.actions), "created_at": self.created_at}


# (record) -> ("valid" | "invalid", values found)
RecordChecker = Callable[[DnsRecord], "tuple[str, list[str]]"]


def _check_settings(values: dict) -> None:
    """The domain settings' enumerations, as Mailgun's API 3.0.0 spec lists them."""
    for key, allowed in (("spam_action", ("disabled", "block", "tag")), ("web_scheme", ("http", "https"))):
        if values.get(key) is not None and values[key] not in allowed:
            raise BadRequest(f"{key} must be one of {', '.join(allowed)}")


def generate_dkim_key(bits: int) -> tuple[str, str]:
    """A real RSA key pair: (private key PEM, public half as Mailgun publishes it: base64 DER
    SubjectPublicKeyInfo)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                            serialization.NoEncryption()).decode()
    return pem, base64.b64encode(der).decode()


def generate_dkim_public_key(bits: int) -> str:
    return generate_dkim_key(bits)[1]


def generate_password(length: int = 24) -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(length))


class MailgunBackend:
    """The whole account: domains, credentials, routes, webhooks and tracking, both regions."""

    def __init__(self, api_keys: set[str], check_record: Optional[RecordChecker] = None):
        self.api_keys = set(api_keys)
        self.check_record = check_record
        self._lock = threading.RLock()
        self.domains: dict[str, Domain] = {}
        self.credentials: dict[str, dict[str, Credential]] = {}
        self.webhooks: dict[str, dict[str, list[str]]] = {}
        self.tracking: dict[str, dict[str, bool]] = {}
        self.routes: dict[str, dict[str, Route]] = {region: {} for region in REGIONS}
        self.plan = "scale"  # caps message_ttl (PLAN_MAX_TTL)
        self.over_plan = "cap"  # a message_ttl above the plan: "cap" it silently, or "refuse" with 400
        self.deletion_delay = 0.0  # seconds a deleted domain still exists (Mailgun deletes in the background)

    # --- account settings (sandbox control) --------------------------------
    SETTINGS = {"plan": tuple(PLAN_MAX_TTL), "over_plan": ("cap", "refuse"), "deletion_delay": float}

    def settings(self, changes: dict) -> dict:
        """Change account settings at run time; unknown names and values are refused."""
        with self._lock:
            for key, value in changes.items():
                allowed = self.SETTINGS.get(key)
                if allowed is None:
                    raise ValueError(f"unknown setting {key!r}; one of {', '.join(self.SETTINGS)}")
                if allowed is float:
                    if not isinstance(value, (int, float)) or value < 0:
                        raise ValueError(f"{key} must be a number of seconds, 0 or more")
                    value = float(value)
                elif value not in allowed:
                    raise ValueError(f"{key} must be one of {', '.join(allowed)}")
                setattr(self, key, value)
            return {key: getattr(self, key) for key in self.SETTINGS}

    def _plan_ttl(self, ttl: Optional[int]) -> int:
        """The retention the plan grants for a requested ``message_ttl`` (None: the default, capped)."""
        limit = PLAN_MAX_TTL[self.plan]
        if ttl is None:
            return min(DEFAULT_TTL, limit)
        if not 0 <= ttl <= MAX_MESSAGE_TTL:
            raise BadRequest(f"message_ttl must be between 0 and {MAX_MESSAGE_TTL} seconds")
        if ttl > limit and self.over_plan == "refuse":
            raise BadRequest(f"message_ttl {ttl} exceeds the maximum of {limit} seconds allowed by your "
                             f"plan ({self.plan})")
        return min(ttl, limit)

    def _purge_deleted(self) -> None:
        """Finish background deletions whose time has come (call with the lock held)."""
        now = time.monotonic()
        for name in [n for n, d in self.domains.items() if d.deleting_until is not None and d.deleting_until <= now]:
            del self.domains[name]
            for table in (self.credentials, self.webhooks, self.tracking):
                table.pop(name, None)

    def _dkim_authority_for(self, name: str, region: str) -> Optional[Domain]:
        """The closest ancestor of ``name`` on this account that signs for itself: by default
        Mailgun makes it the DKIM authority of a new subdomain."""
        labels = name.split(".")
        for start in range(1, len(labels) - 1):
            parent = self.domains.get(".".join(labels[start:]))
            if parent and parent.region == region and not parent.dkim_authority \
                    and not parent.use_automatic_sender_security and parent.deleting_until is None:
                return parent
        return None

    # --- auth -------------------------------------------------------------
    def authenticate(self, user: Optional[str], key: Optional[str]) -> None:
        if user != "api" or key not in self.api_keys:
            raise Unauthorized("Invalid private key")

    # --- domains ----------------------------------------------------------
    def create_domain(self, region: str, name: str, dkim_key_size: int = 1024, dkim_selector: str = "",
                      web_prefix: str = "email", message_ttl: Optional[int] = None, **options) -> Domain:
        name = (name or "").strip().lower().rstrip(".")
        if not DOMAIN_NAME.match(name):
            raise BadRequest(f"'{name}' is not a valid domain name")
        if dkim_key_size not in (1024, 2048):
            raise BadRequest("dkim_key_size must be 1024 or 2048")
        selector = (dkim_selector or secrets.choice(DKIM_SELECTORS)).lower()
        if not ATOM.match(selector):
            raise BadRequest("dkim_selector must be a single DNS label (letters, digits, hyphens)")
        if not ATOM.match(web_prefix):
            raise BadRequest("web_prefix must be a single DNS label")
        _check_settings(options)
        with self._lock:
            ttl = self._plan_ttl(message_ttl)
        private_key, public_key = generate_dkim_key(dkim_key_size)
        with self._lock:
            self._purge_deleted()
            if name in self.domains:
                raise BadRequest("This domain name is already taken")
            domain = Domain(name=name, region=region, dkim_key_size=dkim_key_size, dkim_selector=selector,
                            dkim_public_key=public_key, dkim_private_key=private_key, web_prefix=web_prefix,
                            message_ttl=ttl,
                            smtp_password=options.pop("smtp_password", None) or generate_password())
            for key, value in options.items():
                if value is not None and hasattr(domain, key):
                    setattr(domain, key, value)
            authority = None if domain.force_dkim_authority else self._dkim_authority_for(name, region)
            if authority is not None:
                domain.dkim_authority = authority.name
                domain.authority_selector, domain.authority_public_key = (authority.dkim_selector,
                                                                          authority.dkim_public_key)
            self.domains[name] = domain
            self.credentials[name] = {}
            self.webhooks[name] = {}
            self.tracking[name] = {kind: False for kind in TRACKING_KINDS}
            return domain

    def get_domain(self, region: str, name: str) -> Domain:
        with self._lock:
            self._purge_deleted()
            domain = self.domains.get((name or "").lower())
            if domain is None or domain.region != region:
                raise NotFound("Domain not found")
            return domain

    def list_domains(self, region: str, skip: int = 0, limit: int = 100) -> tuple[int, list[Domain]]:
        with self._lock:
            self._purge_deleted()
            mine = [d for d in self.domains.values() if d.region == region]
        return len(mine), mine[skip:skip + limit]

    UPDATABLE = ("message_ttl", "require_tls", "skip_verification", "smtp_password", "spam_action", "web_scheme",
                 "web_prefix", "wildcard", "use_automatic_sender_security")
    IMMUTABLE = ("name", "dkim_key_size", "dkim_host_name", "force_root_dkim_host", "encrypt_incoming_message")

    def update_domain(self, region: str, name: str, changes: dict) -> Domain:
        fixed = [key for key in changes if key in self.IMMUTABLE]
        if fixed:
            raise BadRequest(f"{', '.join(fixed)} cannot be changed on an existing domain")
        with self._lock:
            domain = self.get_domain(region, name)
            if changes.get("message_ttl") is not None:
                changes = {**changes, "message_ttl": self._plan_ttl(changes["message_ttl"])}
            if "web_prefix" in changes and not ATOM.match(changes["web_prefix"]):
                raise BadRequest("web_prefix must be a single DNS label")
            _check_settings(changes)
            for key, value in changes.items():
                if key in self.UPDATABLE and value is not None:
                    setattr(domain, key, value)
            return domain

    def verify_domain(self, region: str, name: str) -> Domain:
        """Re-check every expected record over real DNS and set validity and state."""
        domain = self.get_domain(region, name)
        if self.check_record is None:
            raise BadRequest("domain verification is not available: no DNS server configured")
        results = {}
        for record in domain.sending_records() + domain.receiving_records():
            results[record.key()] = self.check_record(record)
        with self._lock:
            domain.validity = results
            sending_txt = [r for r in domain.sending_records() if r.record_type == "TXT"]
            domain.state = "active" if all(r.valid == "valid" for r in sending_txt) else "unverified"
            return domain

    def delete_domain(self, region: str, name: str) -> None:
        """Accepted at once, finished ``deletion_delay`` seconds later: until then the domain
        still answers GET and its name is still taken."""
        with self._lock:
            domain = self.get_domain(region, name)
            if domain.deleting_until is None:
                domain.deleting_until = time.monotonic() + self.deletion_delay
            self._purge_deleted()

    # --- SMTP credentials -------------------------------------------------
    def _login_for(self, domain: Domain, login: str) -> str:
        login = (login or "").strip().lower()
        if "@" not in login:
            login = f"{login}@{domain.name}"
        local, _, host = login.partition("@")
        if host != domain.name or not local or not re.match(r"^[a-z0-9._+-]+$", local):
            raise BadRequest(f"login must be an address under {domain.name}")
        return login

    @staticmethod
    def _check_password(password: str) -> None:
        if not 5 <= len(password) <= 32:
            raise BadRequest("Password length must be between 5 and 32 characters")

    def list_credentials(self, region: str, name: str, skip: int = 0, limit: int = 100):
        with self._lock:
            domain = self.get_domain(region, name)
            items = list(self.credentials[domain.name].values())
        return len(items), items[skip:skip + limit]

    def create_credential(self, region: str, name: str, login: str,
                          password: Optional[str]) -> tuple[Credential, Optional[str]]:
        """The new credential and, when Mailgun generated it, the password (shown once, then only its hash is kept)."""
        with self._lock:
            domain = self.get_domain(region, name)
            login = self._login_for(domain, login)
            generated = not password
            password = password or generate_password(24)
            self._check_password(password)
            if login in self.credentials[domain.name]:
                raise BadRequest(f"Credentials for {login} already exist")
            credential = Credential(login, hash_password(password))
            self.credentials[domain.name][login] = credential
            return credential, password if generated else None

    def change_password(self, region: str, name: str, login: str, password: str) -> None:
        with self._lock:
            domain = self.get_domain(region, name)
            credential = self.credentials[domain.name].get(self._login_for(domain, login))
            if credential is None:
                raise NotFound("Credentials not found")
            self._check_password(password or "")
            if credential.accepts(password):
                raise BadRequest("New password must differ from the current one")
            credential.password_hash = hash_password(password)

    def delete_credential(self, region: str, name: str, login: Optional[str]) -> int:
        with self._lock:
            domain = self.get_domain(region, name)
            table = self.credentials[domain.name]
            if login is None:
                count = len(table)
                table.clear()
                return count
            if table.pop(self._login_for(domain, login), None) is None:
                raise NotFound("Credentials not found")
            return 1

    # --- routes -----------------------------------------------------------
    @staticmethod
    def _check_route(expression: str, actions: list[str], priority: int) -> None:
        if not EXPRESSION.match(expression or ""):
            raise BadRequest(f"Invalid expression: {expression!r}")
        if not actions:
            raise BadRequest("At least one action is required")
        for action in actions:
            if not ACTION.match(action):
                raise BadRequest(f"Invalid action: {action!r}")
        if priority < 0:
            raise BadRequest("priority must be zero or positive")

    def create_route(self, region: str, priority: int, description: str, expression: str, actions: list[str]) -> Route:
        self._check_route(expression, actions, priority)
        route = Route(priority=priority, description=description or "", expression=expression, actions=list(actions))
        with self._lock:
            self.routes[region][route.id] = route
        return route

    def get_route(self, region: str, route_id: str) -> Route:
        with self._lock:
            route = self.routes[region].get(route_id)
        if route is None:
            raise NotFound("Route not found")
        return route

    def list_routes(self, region: str, skip: int = 0, limit: int = 100) -> tuple[int, list[Route]]:
        with self._lock:
            items = sorted(self.routes[region].values(), key=lambda r: (r.priority, r.created_at))
        return len(items), items[skip:skip + limit]

    def update_route(self, region: str, route_id: str, changes: dict) -> Route:
        with self._lock:
            route = self.get_route(region, route_id)
            merged = {"priority": route.priority, "description": route.description,
                      "expression": route.expression, "actions": route.actions}
            merged.update({k: v for k, v in changes.items() if v is not None})
            self._check_route(merged["expression"], merged["actions"], merged["priority"])
            route.priority, route.description = merged["priority"], merged["description"]
            route.expression, route.actions = merged["expression"], list(merged["actions"])
            return route

    def delete_route(self, region: str, route_id: str) -> None:
        with self._lock:
            if self.routes[region].pop(route_id, None) is None:
                raise NotFound("Route not found")

    # --- webhooks ---------------------------------------------------------
    def _webhook_table(self, region: str, name: str) -> dict[str, list[str]]:
        return self.webhooks[self.get_domain(region, name).name]

    @staticmethod
    def _check_webhook(kind: str, urls: list[str]) -> None:
        if kind not in WEBHOOK_KINDS:
            raise BadRequest(f"Invalid webhook id {kind!r}; one of {', '.join(WEBHOOK_KINDS)}")
        if not urls or len(urls) > 3:
            raise BadRequest("A webhook takes between 1 and 3 urls")
        for url in urls:
            if not re.match(r"^https?://", url):
                raise BadRequest(f"Invalid url {url!r}")

    def list_webhooks(self, region: str, name: str) -> dict[str, list[str]]:
        with self._lock:
            return {kind: list(urls) for kind, urls in self._webhook_table(region, name).items()}

    def set_webhook(self, region: str, name: str, kind: str, urls: list[str], create: bool) -> list[str]:
        self._check_webhook(kind, urls)
        with self._lock:
            table = self._webhook_table(region, name)
            if create and kind in table:
                raise BadRequest(f"Webhook {kind} already exists")
            if not create and kind not in table:
                raise NotFound("Webhook not found")
            table[kind] = list(urls)
            return table[kind]

    def get_webhook(self, region: str, name: str, kind: str) -> list[str]:
        with self._lock:
            table = self._webhook_table(region, name)
            if kind not in table:
                raise NotFound("Webhook not found")
            return list(table[kind])

    def delete_webhook(self, region: str, name: str, kind: str) -> list[str]:
        with self._lock:
            table = self._webhook_table(region, name)
            if kind not in table:
                raise NotFound("Webhook not found")
            return table.pop(kind)

    # --- tracking ---------------------------------------------------------
    def get_tracking(self, region: str, name: str) -> dict[str, bool]:
        with self._lock:
            return dict(self.tracking[self.get_domain(region, name).name])

    def set_tracking(self, region: str, name: str, kind: str, active: bool) -> dict[str, bool]:
        if kind not in TRACKING_KINDS:
            raise NotFound(f"Unknown tracking kind {kind!r}")
        with self._lock:
            table = self.tracking[self.get_domain(region, name).name]
            table[kind] = active
            return dict(table)

    # --- hooks for the mail servers (sandbox/mail) ------------------------
    def active_dkim_key(self, name: str) -> "DkimKey":
        """The key that signs mail of ``name`` now: its own, or its DKIM authority's (the root whose
        record the domain publishes). The one place a signer asks; a rotation changes only this."""
        with self._lock:
            domain = self.domains.get((name or "").lower())
            if domain is None:
                raise NotFound("Domain not found")
            authority = self.domains.get(domain.dkim_authority or "")
            if authority is not None and authority.dkim_selector == domain.authority_selector:
                return DkimKey(authority.name, authority.dkim_selector, authority.dkim_private_key)
            return DkimKey(domain.name, domain.dkim_selector, domain.dkim_private_key)

    def smtp_login(self, region: str, login: str, password: str) -> Domain:
        """The sending domain of an SMTP login whose password matches, else Unauthorized (no detail:
        an unknown login and a wrong password look the same)."""
        login = (login or "").strip().lower()
        with self._lock:
            self._purge_deleted()
            domain = self.domains.get(login.rpartition("@")[2])
            credential = None if domain is None or domain.region != region else \
                self.credentials[domain.name].get(login)
        if credential is None or not credential.accepts(password):
            raise Unauthorized("Authentication credentials invalid")
        return domain

    def receiving_domain(self, name: str) -> Domain:
        """The domain that receives mail for ``name``: it must exist and its receiver (MX) records be
        Verified (valid at the last verify), else NotFound/BadRequest saying why."""
        with self._lock:
            self._purge_deleted()
            domain = self.domains.get((name or "").lower())
        if domain is None:
            raise NotFound(f"{name} is not a Mailgun domain of this account")
        invalid = [r for r in domain.receiving_records() if r.valid != "valid"]
        if invalid:
            raise BadRequest(f"{name}: receiver records not Verified ({', '.join(f'MX {r.value} {r.valid}' for r in invalid)})")
        return domain


@dataclass(frozen=True)
class DkimKey:
    domain: str  # d= (the DKIM authority's name when the root signs for a subdomain)
    selector: str  # s=
    private_key: str = field(repr=False)  # PEM

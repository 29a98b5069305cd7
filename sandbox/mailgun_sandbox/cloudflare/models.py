"""In-memory zones and DNS records of the Cloudflare emulator, with Cloudflare's rules and error codes."""
from __future__ import annotations

import copy
import secrets
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Optional

from ..lookup import unquote_txt

RECORD_TYPES = {"A", "AAAA", "CNAME", "MX", "TXT", "NS", "SRV", "CAA"}
PROXIABLE = {"A", "AAAA", "CNAME"}
MAX_COMMENT = 100
FREE_PLAN = {"id": "0feeeeeeeeeeeeeeeeeeeeeeeeeeeeee", "name": "Free Website", "price": 0, "currency": "USD",
             "frequency": "", "is_subscribed": True, "can_subscribe": False, "legacy_id": "free",
             "legacy_discount": False, "externally_managed": False}


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _new_id() -> str:
    return secrets.token_hex(16)


class CloudflareError(Exception):
    status = 400

    def __init__(self, code: int, message: str, status: Optional[int] = None):
        super().__init__(message)
        self.code = code
        self.message = message
        if status is not None:
            self.status = status


class AuthError(CloudflareError):
    """Cloudflare's answer to a token it does not accept, or one without access to the zone."""

    def __init__(self):
        super().__init__(10000, "Authentication error", 403)


class MalformedToken(CloudflareError):
    def __init__(self):
        super().__init__(6003, "Invalid request headers", 400)


class ZoneNotFound(CloudflareError):
    def __init__(self, zone_id: str):
        super().__init__(7003, f"Could not route to /zones/{zone_id}, perhaps your object identifier is invalid?", 404)


class RecordNotFound(CloudflareError):
    def __init__(self):
        super().__init__(81044, "Record does not exist.", 404)


class RecordExists(CloudflareError):
    def __init__(self):
        super().__init__(81058, "An identical record already exists.")


class CnameConflict(CloudflareError):
    """81053: a CNAME cannot join other records; 81054: nothing can join a CNAME."""

    def __init__(self, adding_cname: bool):
        if adding_cname:
            super().__init__(81053, "An A, AAAA, or CNAME record with that host already exists.")
        else:
            super().__init__(81054, "A CNAME record with that host already exists.")


class ValidationError(CloudflareError):
    def __init__(self, message: str, code: int = 9000):
        super().__init__(code, message)


@dataclass
class Record:
    zone_id: str
    zone_name: str
    name: str
    type: str
    content: str
    ttl: int = 1
    proxied: bool = False
    priority: Optional[int] = None
    comment: Optional[str] = None
    tags: list[str] = field(default_factory=list)
    id: str = field(default_factory=_new_id)
    created_on: str = field(default_factory=_now)
    modified_on: str = field(default_factory=_now)

    def same_as(self, other: "Record") -> bool:
        return (self.type, self.name, self.comparable(), self.priority) == (other.type, other.name,
                                                                             other.comparable(), other.priority)

    def comparable(self) -> str:
        """TXT content compares as the joined character strings: ``"a" "b"`` is ``ab``."""
        if self.type == "TXT" and self.content.startswith('"'):
            try:
                return unquote_txt(self.content)
            except Exception:  # not valid presentation: compare as written
                return self.content
        return self.content

    def to_json(self) -> dict:
        data = {
            "id": self.id, "zone_id": self.zone_id, "zone_name": self.zone_name, "name": self.name,
            "type": self.type, "content": self.content, "proxiable": self.type in PROXIABLE,
            "proxied": self.proxied, "ttl": self.ttl, "comment": self.comment, "tags": list(self.tags),
            "settings": {}, "meta": {}, "created_on": self.created_on, "modified_on": self.modified_on,
        }
        if self.type == "MX":
            data["priority"] = self.priority
        return data


@dataclass
class Zone:
    name: str
    account_id: str = "sandbox-account"
    id: str = field(default_factory=_new_id)
    name_servers: list[str] = field(default_factory=lambda: ["ada.ns.cloudflare.com", "bob.ns.cloudflare.com"])
    created_on: str = field(default_factory=_now)
    records: dict[str, Record] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"id": self.id, "name": self.name, "status": "active", "paused": False, "type": "full",
                "name_servers": list(self.name_servers), "original_name_servers": None,
                "account": {"id": self.account_id, "name": "Sandbox account"},
                "created_on": self.created_on, "modified_on": self.created_on, "activated_on": self.created_on,
                "development_mode": 0, "meta": {"step": 2, "phishing_detected": False}, "owner": {"type": "user"},
                "permissions": ["#dns_records:edit", "#dns_records:read", "#zone:read"], "plan": dict(FREE_PLAN)}


class CloudflareBackend:
    def __init__(self, api_tokens: set[str]):
        self.api_tokens = set(api_tokens)
        self._lock = threading.RLock()
        self.zones: dict[str, Zone] = {}
        self.token_scopes: dict[str, set[str]] = {}  # a scoped token: the zone names it may use

    def add_scoped_token(self, token: str, zone_names: set[str]) -> None:
        """A token like one made with "Zone:Read, DNS:Edit" on some zones only."""
        with self._lock:
            self.api_tokens.add(token)
            self.token_scopes[token] = {z.lower().rstrip(".") for z in zone_names}

    def authenticate(self, header: str) -> str:
        """The token of an ``Authorization: Bearer <token>`` header: 400/6003 when the header is
        not of that form, 403/10000 when Cloudflare does not know the token."""
        if not header.startswith("Bearer ") or not header[7:] or any(c.isspace() for c in header[7:]):
            raise MalformedToken()
        token = header[7:]
        if token not in self.api_tokens:
            raise AuthError()
        return token

    def may_use(self, token: str, zone: Zone) -> bool:
        scope = self.token_scopes.get(token)
        return scope is None or zone.name in scope

    def authorize(self, token: str, zone_id: str) -> None:
        """403/10000 for a zone the token was not given (as for a token Cloudflare does not know)."""
        with self._lock:
            zone = self.zones.get(zone_id)
        if zone is not None and not self.may_use(token, zone):
            raise AuthError()

    # --- zones ------------------------------------------------------------
    def create_zone(self, name: str, account_id: str = "sandbox-account") -> Zone:
        name = (name or "").strip().lower().rstrip(".")
        if "." not in name:
            raise ValidationError("Invalid zone name", 1001)
        with self._lock:
            if any(z.name == name for z in self.zones.values()):
                raise CloudflareError(1061, f"{name} already exists")
            zone = Zone(name=name, account_id=account_id)
            self.zones[zone.id] = zone
            return zone

    def list_zones(self, name: Optional[str] = None) -> list[Zone]:
        with self._lock:
            zones = sorted(self.zones.values(), key=lambda z: z.name)
        if name:
            zones = [z for z in zones if z.name == name.lower().rstrip(".")]
        return zones

    def get_zone(self, zone_id: str) -> Zone:
        with self._lock:
            zone = self.zones.get(zone_id)
        if zone is None:
            raise ZoneNotFound(zone_id)
        return zone

    def delete_zone(self, zone_id: str) -> None:
        with self._lock:
            self.get_zone(zone_id)
            del self.zones[zone_id]

    # --- records ----------------------------------------------------------
    def list_records(self, zone_id: str, filters: dict) -> list[Record]:
        zone = self.get_zone(zone_id)
        with self._lock:
            records = sorted(zone.records.values(), key=lambda r: (r.type, r.name, r.created_on))
        return [r for r in records if _matches(r, filters)]

    def get_record(self, zone_id: str, record_id: str) -> Record:
        zone = self.get_zone(zone_id)
        with self._lock:
            record = zone.records.get(record_id)
        if record is None:
            raise RecordNotFound()
        return record

    def create_record(self, zone_id: str, body: dict) -> Record:
        with self._lock:
            zone = self.get_zone(zone_id)
            record = self._build(zone, body)
            self._check_conflicts(zone, record)
            zone.records[record.id] = record
            return record

    def update_record(self, zone_id: str, record_id: str, body: dict, partial: bool) -> Record:
        with self._lock:
            zone = self.get_zone(zone_id)
            current = self.get_record(zone_id, record_id)
            merged = _record_body(current) if partial else {}
            merged.update(body)
            if not partial:
                merged.setdefault("type", current.type)
            record = self._build(zone, merged)
            record.id, record.created_on = current.id, current.created_on
            self._check_conflicts(zone, record, ignore_id=current.id)
            zone.records[record.id] = record
            return record

    def delete_record(self, zone_id: str, record_id: str) -> Record:
        with self._lock:
            zone = self.get_zone(zone_id)
            record = self.get_record(zone_id, record_id)
            del zone.records[record.id]
            return record

    def batch(self, zone_id: str, body: dict) -> dict:
        """Deletes, patches, puts, then posts, all or nothing."""
        with self._lock:
            zone = self.get_zone(zone_id)
            saved = copy.deepcopy(zone.records)
            result = {"deletes": [], "patches": [], "puts": [], "posts": []}
            try:
                for item in body.get("deletes") or []:
                    result["deletes"].append(self.delete_record(zone_id, _id_of(item)).to_json())
                for item in body.get("patches") or []:
                    fields = {k: v for k, v in item.items() if k != "id"}
                    result["patches"].append(self.update_record(zone_id, _id_of(item), fields, True).to_json())
                for item in body.get("puts") or []:
                    fields = {k: v for k, v in item.items() if k != "id"}
                    result["puts"].append(self.update_record(zone_id, _id_of(item), fields, False).to_json())
                for item in body.get("posts") or []:
                    result["posts"].append(self.create_record(zone_id, item).to_json())
            except CloudflareError:
                zone.records = saved
                raise
            return result

    # --- rules ------------------------------------------------------------
    @staticmethod
    def _build(zone: Zone, body: dict) -> Record:
        rtype = str(body.get("type") or "").upper()
        if rtype not in RECORD_TYPES:
            raise ValidationError(f"Invalid or missing record type {rtype!r}", 9000)
        content = body.get("content")
        if not isinstance(content, str) or not content:
            raise ValidationError("Content for the record is invalid.", 9005)
        ttl = body.get("ttl", 1)
        if not isinstance(ttl, int) or not (ttl == 1 or 60 <= ttl <= 86400):
            raise ValidationError("TTL must be between 60 and 86400 seconds, or 1 for Automatic.", 9021)
        proxied = bool(body.get("proxied", False))
        if proxied and rtype not in PROXIABLE:
            raise ValidationError(f"{rtype} records cannot be proxied.", 9004)
        priority = body.get("priority")
        if rtype == "MX":
            if not isinstance(priority, int) or not 0 <= priority <= 65535:
                raise ValidationError("MX records need a priority between 0 and 65535.", 9100)
            content = content.rstrip(".").lower()
        else:
            priority = None
        if rtype == "CNAME":
            content = content.rstrip(".").lower()
        comment = body.get("comment")
        if comment is not None and len(comment) > MAX_COMMENT:
            raise ValidationError(f"comment must be at most {MAX_COMMENT} characters.", 9102)
        return Record(zone_id=zone.id, zone_name=zone.name, name=_full_name(zone, body.get("name")), type=rtype,
                      content=content, ttl=ttl, proxied=proxied, priority=priority, comment=comment,
                      tags=list(body.get("tags") or []))

    @staticmethod
    def _check_conflicts(zone: Zone, record: Record, ignore_id: Optional[str] = None) -> None:
        neighbours = [r for r in zone.records.values() if r.name == record.name and r.id != ignore_id]
        if any(r.same_as(record) for r in neighbours):
            raise RecordExists()
        if record.type == "CNAME" and neighbours:
            raise CnameConflict(adding_cname=True)
        if record.type != "CNAME" and any(r.type == "CNAME" for r in neighbours):
            raise CnameConflict(adding_cname=False)


def _record_body(record: Record) -> dict:
    return {"type": record.type, "name": record.name, "content": record.content, "ttl": record.ttl,
            "proxied": record.proxied, "priority": record.priority, "comment": record.comment, "tags": record.tags}


def _id_of(item: dict) -> str:
    if not isinstance(item, dict) or not item.get("id"):
        raise ValidationError("batch item needs an id", 9000)
    return item["id"]


def _full_name(zone: Zone, name: Optional[str]) -> str:
    """Cloudflare appends the zone to any name not already ending in it (hence "zone appended twice")."""
    name = (name or "").strip().lower().rstrip(".")
    if name in ("", "@"):
        return zone.name
    if name == zone.name or name.endswith("." + zone.name):
        return name
    return f"{name}.{zone.name}"


def _matches(record: Record, filters: dict) -> bool:
    for key, wanted in filters.items():
        if wanted is None:
            continue
        field_name, _, op = key.partition(".")
        if field_name == "type":
            if record.type != str(wanted).upper():
                return False
            continue
        if field_name not in ("name", "content", "comment"):
            continue
        value = getattr(record, field_name) or ""
        wanted_text = str(wanted)
        if field_name == "name":
            value, wanted_text = value.lower(), wanted_text.lower().rstrip(".")
        op = op or "exact"
        if op == "exact" and value != wanted_text:
            return False
        if op == "contains" and wanted_text not in value:
            return False
        if op == "startswith" and not value.startswith(wanted_text):
            return False
        if op == "endswith" and not value.endswith(wanted_text):
            return False
        if op == "present" and not value:
            return False
        if op == "absent" and value:
            return False
    return True

"""Cloudflare DNS through the official SDK: find the zone of a name, read records, apply planned changes.

Each value is its own Cloudflare record. Ours carry :data:`OWNER_COMMENT`; removal deletes
only records that carry it, so a foreign record with the same value is never touched.
Records are always sent with full names (checked to end in the zone, against the "zone
appended twice" mistake) and ``proxied=False``; TXT content goes out as quoted character
strings (the SDK's types ask for them; Cloudflare flags unquoted TXT), and is read back
quoted or not. Changes go out as one batch call. The SDK retries 429 and 5xx itself, and
a lost answer; a retry refused because its first attempt was applied is checked against the
zone and taken as done.
A rejected or under-scoped token (403, code 10000) or a malformed one (400, 6003) is said
to be a token problem, not a missing zone.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import cloudflare
from cloudflare import Cloudflare

from ..cache import ListCache, remembered
from ..errors import AmbiguousZoneError, CloudflareApiError, RecordConflictError, ZoneNotFoundError
from .txt import quote_txt, unquote_txt
from .interface import zone_holds
from .plan import RecordChange
from .types import RecordSet, Zone, normalise_value
from .names import bare

OWNER_COMMENT = "managed-by: mailgun-setup"
CNAME_CONFLICT_CODES = {81053, 81054}
IDENTICAL_CODES = {81057, 81058}  # the record exists / an identical record exists
MISSING_RECORD_CODES = {81044}  # "Record does not exist." (the zone itself is 7003)
TOKEN_CODES = {10000, 6003}  # token rejected or without permission / malformed Authorization header


@dataclass(frozen=True)
class _Existing:
    id: str
    value: str
    ours: bool
    ttl: int
    proxied: bool = False


def _bare(name: str) -> str:
    return bare(name)


def _value_of(record) -> str:
    if record.type == "MX":
        return normalise_value("MX", f"{int(record.priority)} {record.content}")  # the SDK gives a float
    if record.type == "TXT":
        return _unquote(record.content)
    return normalise_value(record.type, record.content)


def _unquote(content: str) -> str:
    """Cloudflare shows TXT content as written: quoted strings or plain text."""
    return unquote_txt(content) if content.startswith('"') else content


def _api_error(action: str, exc: cloudflare.APIStatusError) -> Exception:
    errors = exc.body.get("errors", []) if isinstance(exc.body, dict) else []
    codes = {e.get("code") for e in errors}
    detail = "; ".join(f"{e.get('code')}: {e.get('message')}" for e in errors) or str(exc)
    if codes & TOKEN_CODES or exc.status_code in (401, 403):
        return CloudflareApiError(f"Cloudflare could not {action}: the API token was rejected or lacks permission "
                                  f"({detail}); give CLOUDFLARE_API_TOKEN (or mailgun-setup:cloudflareApiToken) "
                                  f"Zone:Read and DNS:Edit on this zone", exc.status_code)
    if codes & MISSING_RECORD_CODES:
        # Also what a retried batch meets when the first attempt was applied but its answer was lost.
        return RecordConflictError(f"Cloudflare refused to {action}: {detail} (a record this change expected is "
                                   f"gone: deleted by someone else, or by an earlier attempt whose answer was "
                                   f"lost; run `pulumi up` again, it reads the zone afresh)")
    if 7003 in codes or exc.status_code == 404:
        return ZoneNotFoundError(f"Cloudflare could not {action}: {detail} (the zone no longer exists?)")
    if codes & CNAME_CONFLICT_CODES:
        return RecordConflictError(f"Cloudflare refused to {action}: {detail} (a CNAME cannot share its name "
                                   f"with any other record; remove the conflicting record or pick another name)")
    if codes & IDENTICAL_CODES:
        return RecordConflictError(f"Cloudflare refused to {action}: {detail} (an identical record is already in "
                                   f"the zone: added by someone else, or by an earlier attempt whose answer was lost; "
                                   f"run `pulumi up` again, it reads the zone afresh)")
    return CloudflareApiError(f"Cloudflare {action} failed: {detail}", exc.status_code)


class CloudflareDns:
    kind = "cloudflare"

    def __init__(self, client: Optional[Cloudflare] = None, memo: Optional[ListCache] = None):
        self.client = client or Cloudflare()  # CLOUDFLARE_API_TOKEN, CLOUDFLARE_BASE_URL from the environment
        self.memo = memo  # shared by one run's lookups: each zone name and id is asked for once

    def find_zone(self, name: str) -> Zone:
        labels = _bare(name).split(".")
        for start in range(len(labels) - 1):
            candidate = ".".join(labels[start:])
            try:
                zones = remembered(self.memo, ("cloudflare", "zones", candidate), lambda: self._zones_named(candidate))
            except cloudflare.APIStatusError as exc:
                raise _api_error(f"list zones named {candidate}", exc) from None
            if len(zones) > 1:
                raise AmbiguousZoneError(f"{len(zones)} Cloudflare zones are named {candidate} "
                                         f"({', '.join(z.id for z in zones)}): set `zone: <id>` on the domain "
                                         f"to pick one")
            if zones:
                return Zone(zones[0].id, zones[0].name, tuple(zones[0].name_servers or ()))
        raise ZoneNotFoundError(f"no Cloudflare zone holds {_bare(name)} (or the API token may not see it)")

    def _zones_named(self, name: str) -> list:
        """The zones of exactly this name, in one request: a name matches a handful of zones at
        most (one per account), so the first page of 50 holds them all, and iterating the SDK's
        pager would cost a second request for the empty page that ends it."""
        return list(self.client.zones.list(name=name, per_page=50).result)

    def zone_by_id(self, zone_id: str) -> Zone:
        try:
            zone = remembered(self.memo, ("cloudflare", "zone", zone_id),
                              lambda: self.client.zones.get(zone_id=zone_id))
        except cloudflare.APIStatusError as exc:
            raise _api_error(f"get zone {zone_id}", exc) from None
        if zone is None:
            raise ZoneNotFoundError(f"Cloudflare zone {zone_id} does not exist or the API token cannot read it")
        return Zone(zone.id, zone.name, tuple(zone.name_servers or ()))

    def _existing(self, zone: Zone, name: str, rtype: str) -> list[_Existing]:
        try:
            records = self.client.dns.records.list(zone_id=zone.id, name={"exact": _bare(name)}, type=rtype)
            return [_Existing(r.id, _value_of(r), r.comment == OWNER_COMMENT, 300 if r.ttl == 1 else int(r.ttl),
                              bool(r.proxied)) for r in records]
        except cloudflare.APIStatusError as exc:
            raise _api_error(f"list {rtype} records at {name}", exc) from None

    def read(self, zone: Zone, name: str, rtype: str) -> Optional[RecordSet]:
        existing = self._existing(zone, name, rtype)
        if not existing:
            return None
        return RecordSet(existing[0].ttl, tuple(e.value for e in existing), tuple(e.id for e in existing),
                         tuple(e.ours for e in existing), tuple(e.proxied for e in existing))

    def _body(self, zone: Zone, name: str, rtype: str, ttl: int, value: str) -> dict:
        full = _bare(name)
        if not (full == zone.name or full.endswith("." + zone.name)):
            raise RecordConflictError(f"{full} is not inside the Cloudflare zone {zone.name}")
        body = {"type": rtype, "name": full, "ttl": ttl, "proxied": False, "comment": OWNER_COMMENT}
        if rtype == "MX":
            priority, host = value.split(" ", 1)
            body.update(priority=int(priority), content=host)
        else:
            body["content"] = quote_txt(value) if rtype == "TXT" else value
        return body

    def apply(self, zone: Zone, changes: list[RecordChange]) -> None:
        """One batch call: new records for added values (with our comment), a content patch for an
        SPF merged into a foreign record, and deletes only of records that carry our comment."""
        posts, patches, deletes = [], [], []
        for change in changes:
            before = change.before or RecordSet(change.ttl, ())
            ids = dict(zip(before.values, before.wire))
            owned = dict(zip(before.values, before.owned))
            posts += [self._body(zone, change.name, change.rtype, change.ttl, v) for v in change.add]
            # A patch touches a foreign record (an SPF merged into it, or given back): its TXT keeps
            # the plain form people type; records we create are quoted (_body). Never left proxied.
            patches += [{"id": ids[old], "content": new, "proxied": False}
                        for old, new in change.replace if new is not None]
            deletes += [{"id": ids[v]} for v in change.remove if owned.get(v)]
        if posts or patches or deletes:
            names = ", ".join(sorted({c.name for c in changes}))
            try:
                self._batch(zone, f"change records at {names}", posts=posts, patches=patches, deletes=deletes)
            except RecordConflictError:
                if not zone_holds(self, zone, changes):
                    raise

    def _batch(self, zone: Zone, action: str, **changes) -> None:
        try:
            self.client.dns.records.batch(zone_id=zone.id, **{k: v for k, v in changes.items() if v})
        except cloudflare.APIStatusError as exc:
            raise _api_error(action, exc) from None

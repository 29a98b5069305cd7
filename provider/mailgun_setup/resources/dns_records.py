"""``DomainRecords``: every record of one subdomain written into its zone in one batch.

Route 53 (boto3) or Cloudflare (official SDK); ``auto`` takes the first backend with
credentials whose zones hold the name. The zone is looked up in check(), once per zone
per run, so a missing or ambiguous zone fails ``pulumi preview`` before anything is written;
a subdomain whose domain, ``dns`` and ``zone`` are unchanged keeps the zone it has, so a
no-op preview asks the DNS APIs nothing.
Records merge with foreign values; destroy takes back only ours, and nothing at all but our
ownership claim while another stack still claims the subdomain.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import pulumi
from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, ReadResult, Resource, UpdateResult

from .. import records
from ..cache import ListCache
from ..dmarc import is_dmarc
from ..dns.names import in_zone, zone_id_backend
from ..dns.backend import DNS_BACKENDS, DnsBackend, backends_with_credentials, open_backend
from ..dns.types import Zone
from ..errors import DnsError, MailgunSetupError, ZoneNotFoundError
from ..ownership import claim_name, parse_claim
from .common import BaseProvider, held_props, known
from .inputs import Inputs


def _wanted(props: dict) -> dict:
    grouped = records.wanted(list(props.get("records") or []))
    if props.get("claim"):
        grouped[(claim_name(props["domain"]), "TXT")] = [props["claim"]]
    return grouped


ZONE_FIELDS = ("provider", "zone_id", "zone_name", "nameservers")


def _same_place(olds: dict, news: dict) -> bool:
    """Whether the zone found for ``olds`` still answers ``news``: same domain, DNS choice and
    zone setting. Then check() keeps it instead of asking the DNS API again. A zone deleted
    since is found by refresh, or fails the write with a message naming it."""
    return (all(olds.get(k) for k in ("provider", "zone_id", "zone_name"))
            and all(olds.get(k) == news.get(k) for k in ("domain", "dns", "zone")))


def _report_foreign_dmarc(wanted: dict, found: dict) -> None:
    """A DMARC policy somebody else published is kept instead of ours (one per name): say so."""
    for (name, rtype), ours in wanted.items():
        theirs = [v for v in found.get((name, rtype)) or [] if is_dmarc(v) and v not in ours]
        if rtype == "TXT" and theirs and any(is_dmarc(v) for v in ours):
            pulumi.log.warn(f"{name}: a DMARC policy that is not ours is already published ({theirs[0]!r}); it is "
                            f"kept as it is, and ours ({ours[0]!r}) is not written")


def _keys(grouped: dict) -> dict:
    return {f"{t} {n}": v for (n, t), v in grouped.items()}


def _unkeys(flat: dict) -> dict:
    return {(k.split(" ", 1)[1], k.split(" ", 1)[0]): v for k, v in (flat or {}).items()}


class DomainRecordsProvider(BaseProvider):
    kind = "DNS records of"
    fields = ("records", "claim", "zone_id")
    replace_on = {"zone_id": "changed: the records move to the new zone"}

    def label(self, props: dict) -> str:
        return f"DNS records of {props.get('domain')}"

    def backend(self, kind: str) -> DnsBackend:
        if getattr(self, "_zone_memo", None) is None:  # made in the provider process, never pickled
            self._zone_memo = ListCache(ttl=300)
        return open_backend(kind, self.cloudflare_token, self._zone_memo)

    def _candidates(self, mode: str) -> list[str]:
        return backends_with_credentials(self.cloudflare_token) if mode == "auto" else [mode]

    def _zone(self, mode: str, lookup_name: str) -> tuple[str, Zone]:
        """The zone named ``lookup_name`` or, for a zone id, that zone (the backends' memo makes
        each zone list and each zone a single read per run)."""
        errors = []
        by_id = zone_id_backend(lookup_name)
        for kind in self._candidates(mode):
            if by_id and kind != by_id:
                continue
            try:
                backend = self.backend(kind)
                return kind, backend.zone_by_id(lookup_name) if by_id else backend.find_zone(lookup_name)
            except DnsError as exc:
                errors.append(str(exc))
        if by_id and not errors:
            raise DnsError(f"{lookup_name} is a {by_id} zone id, but no {by_id} credentials were found")
        raise DnsError("; ".join(errors) or "no Route 53 or Cloudflare credentials found")

    def object_key(self, props: dict) -> tuple:
        return ("records", props["domain"])

    def check(self, olds: dict, news: dict) -> CheckResult:
        news = dict(news)
        self.declare(news)
        problems = []
        mode, domain = news.get("dns"), news.get("domain")
        if known(mode) and mode not in (*DNS_BACKENDS, "auto"):
            problems.append(CheckFailure("dns", f"must be route53, cloudflare or auto, got {mode!r}"))
        elif known(mode) and known(domain) and known(news.get("zone")):
            if _same_place(olds, news):  # the zone found before: a no-op preview reads no DNS API
                news.update({k: olds[k] for k in ZONE_FIELDS})
                return CheckResult(news, problems)
            try:
                kind, zone = self._zone(mode, news.get("zone") or domain)
            except MailgunSetupError as exc:
                field = "zone" if news.get("zone") else "dns"
                problems.append(CheckFailure(field, f"{exc}; create the zone, fix the name, or use dns: manual"))
            else:
                if not in_zone(domain, zone.name):
                    problems.append(CheckFailure("zone", f"{domain} is not inside the zone {zone.name}"))
                elif conflict := self._cname_in_the_way(kind, zone, domain):
                    problems.append(CheckFailure("domain", conflict))
                news.update(provider=kind, zone_id=zone.id, zone_name=zone.name,
                            nameservers=list(zone.nameservers))
        return CheckResult(news, problems)

    def _cname_in_the_way(self, kind: str, zone: Zone, domain: str) -> Optional[str]:
        """Why a CNAME at the subdomain's own name blocks it (None when there is none): a name with
        a CNAME holds no other record (RFC 1034 §3.6.2), so the SPF TXT and the MX records could
        never be written. Asked once, when the zone is first found, so preview fails before
        anything is written and a no-op preview asks nothing."""
        found = self.backend(kind).read(zone, domain, "CNAME")
        if not found or not found.values:
            return None
        return (f"{domain} has a CNAME to {found.values[0]} in zone {zone.name}: a name with a CNAME can hold no "
                f"other record, so the SPF and MX records Mailgun needs cannot be written there; remove the CNAME "
                f"or choose another subdomain")

    def _zone_of(self, props: dict) -> Zone:
        return Zone(props["zone_id"], props["zone_name"], tuple(props.get("nameservers") or ()))

    def create(self, props: dict) -> CreateResult:
        from ..dns import publish  # the merge rules: in the provider process only
        wanted, backend, zone = _wanted(props), self.backend(props["provider"]), self._zone_of(props)
        mine = self._own_claims(backend, zone, props)
        # Our stack's claim already published: another resource of this stack (renamed or moved, or a
        # run interrupted before it saved its state) wrote these records. Its claim values are replaced
        # by ours, and our values found in the zone are ours, not somebody else's to keep on destroy.
        stale = {(claim_name(props["domain"]), "TXT"): [c for c in mine if c != props.get("claim")]} if mine else {}
        already = publish.publish(backend, zone, wanted, old=stale)
        _report_foreign_dmarc(wanted, already)
        if mine:
            already = {key: [v for v in values if v not in wanted.get(key, ())] for key, values in already.items()}
        keep = self._before_us(props, already)
        return CreateResult(f"{props['zone_id']}/{props['domain']}", {**props, "keep": _keys(keep)})

    @staticmethod
    def _own_claims(backend: DnsBackend, zone: Zone, props: dict) -> list[str]:
        """The claim values of this stack (any resource of it) at the subdomain's claim name."""
        found = backend.read(zone, claim_name(props["domain"]), "TXT")
        return [v for v in (found.values if found else ())
                if (claim := parse_claim(v)) is not None and claim.owner == props.get("owner")]

    def _before_us(self, props: dict, found: dict) -> dict:
        """The values ``found`` in the zone that stay on destroy: there before us, unless another
        mailgun-setup stack put them there."""
        found = {k: v for k, v in found.items() if v}
        return {} if not found or self.other_stacks(props["domain"], props) else found

    def read(self, id_: str, props: dict) -> ReadResult:
        from ..dns import publish  # the merge rules: in the provider process only
        try:
            served = publish.present(self.backend(props["provider"]), self._zone_of(props), _wanted(props))
        except ZoneNotFoundError:
            return ReadResult(None, {})
        if not any(served.values()):
            return ReadResult(None, {})
        kept = [r for r in props.get("records") or [] if records.comparable(r) in served[(r["name"], r["type"])]]
        claim = props.get("claim") if served.get((claim_name(props["domain"]), "TXT")) else None
        return ReadResult(id_, {**props, "records": kept, "claim": claim})

    def update(self, _id: str, olds: dict, news: dict) -> UpdateResult:
        from ..dns import publish  # the merge rules: in the provider process only
        keep, old = _unkeys(olds.get("keep")), _wanted(olds)
        backend, zone, wanted = self.backend(news["provider"]), self._zone_of(news), _wanted(news)
        from ..dns.plan import is_dkim_key
        from ..rotation import complete, rotation_between  # a DKIM key rotation's waits: provider process only
        rotation = rotation_between(news["domain"], olds.get("records") or [], news.get("records") or [])
        if rotation is not None:  # the new key's record first, the old one kept until the new key signs
            during = {**wanted, (rotation.old["name"], "TXT"): [records.comparable(rotation.old)]}
            found = publish.sync(backend, zone, old, during, keep)
            complete(rotation, self.mailgun(news.get("region") or "us"), float(news.get("timeout") or 1800),
                     news.get("nameservers") or (), news.get("zone_name"), say=pulumi.log.info)
            old = during
        found = publish.sync(backend, zone, old, wanted, keep)
        # Record sets new to this update may hold values from before us too (e.g. tracking turned on). Not a
        # new DKIM key's record: the key was made by Mailgun for this rotation, so a run of ours published it
        # and was interrupted before saving.
        fresh = {k: v for k, v in found.items() if k not in old and not is_dkim_key(*k)}
        keep.update(self._before_us(news, fresh))
        return UpdateResult({**news, "keep": _keys(keep)})

    def delete(self, id_: str, props: dict) -> None:
        if self.held_elsewhere(id_, props):
            return
        from ..dns import publish  # the merge rules: in the provider process only
        others = self.other_stacks(props["domain"], props)
        wanted = _wanted(props)
        if others:
            pulumi.log.info(f"{props['domain']}: DNS records kept, still used by "
                            f"{', '.join(c.owner for c in others)}")
            wanted = {k: v for k, v in wanted.items() if k == (claim_name(props["domain"]), "TXT")}
        try:
            publish.withdraw(self.backend(props["provider"]), self._zone_of(props), wanted,
                             _unkeys(props.get("keep")))
        except ZoneNotFoundError as exc:
            pulumi.log.warn(f"{props['domain']}: nothing to remove, {exc}")


@dataclass
class DomainRecordsInputs(Inputs):
    domain: str
    dns: pulumi.Input[str]
    records: pulumi.Input[list]
    claim: pulumi.Input[Optional[str]] = None
    owner: pulumi.Input[str] = ""
    zone: pulumi.Input[Optional[str]] = None
    region: pulumi.Input[str] = "us"  # the domain's, for a DKIM key rotation's calls to Mailgun
    timeout: pulumi.Input[int] = 1800  # how long a DKIM key rotation waits for DNS and Mailgun


class DomainRecords(Resource, module="dns", name="DomainRecords"):
    provider: pulumi.Output[str]
    zone_id: pulumi.Output[str]
    zone_name: pulumi.Output[str]
    nameservers: pulumi.Output[list]
    records: pulumi.Output[list]
    keep: pulumi.Output[dict]

    def __init__(self, resource_name: str, inputs: DomainRecordsInputs,
                 opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__(DomainRecordsProvider(), resource_name, held_props(DomainRecords, resource_name, inputs, opts), opts)

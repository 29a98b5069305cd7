"""A DKIM key rotation in place: a new key beside the old one, published, valid, activated; the old one gone.

Mailgun keeps several keys per domain (``mailgun.domain_keys``); receivers find the key by the
selector in each signature. So a new key length or selector never needs a new domain:

1. ``Domain.update`` creates the new key (inactive) under the new selector; the domain's records
   now name the new key's TXT record.
2. ``DomainRecords.update`` (here) publishes that record in the same batch as the other changes,
   keeping the old key's record; waits until the zone's authoritative servers serve it and Mailgun
   reports the new key valid; deactivates the old key, then activates the new one (never two
   active at once); deletes the old key; and only then takes the old record out of DNS.

Every step is idempotent, so a run interrupted anywhere converges when run again: the Domain
keeps the new selector in its state, and ``DomainRecords`` still holds the old records, so the
engine calls this update again and it picks up where it stopped.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional, Sequence

from .errors import VerificationError
from .mailgun import domain_keys
from .mailgun.client import MailgunClient
from .verify.poll import poll
from .verify.service import record_status


@dataclass(frozen=True)
class Rotation:
    domain: str
    old: dict  # the retiring key's DNS record
    new: dict  # the new key's DNS record

    @property
    def old_selector(self) -> str:
        return self.old["name"].split("._domainkey.", 1)[0]

    @property
    def new_selector(self) -> str:
        return self.new["name"].split("._domainkey.", 1)[0]


def _dkim_txt(records: Sequence[dict]) -> Optional[dict]:
    return next((r for r in records or () if r.get("purpose") == "DKIM" and r.get("type") == "TXT"), None)


def rotation_between(domain: str, old_records: Sequence[dict], new_records: Sequence[dict]) -> Optional[Rotation]:
    """The rotation an update of ``domain``'s records carries out, if its DKIM key moves to a new selector."""
    old, new = _dkim_txt(old_records), _dkim_txt(new_records)
    suffix = f"._domainkey.{domain}"
    if old is None or new is None or old["name"] == new["name"] or not old["name"].endswith(suffix) \
            or not new["name"].endswith(suffix):
        return None  # no key of this domain moved (or the records are another subdomain's now)
    return Rotation(domain, old, new)


def complete(rotation: Rotation, client: MailgunClient, timeout: float, nameservers: Sequence[str] = (),
             zone: Optional[str] = None, say: Callable[[str], None] = lambda _: None) -> None:
    """Steps 2-4 once the new record is written: wait for DNS and Mailgun, swap the active key, delete the old."""
    domain, new_selector, old_selector = rotation.domain, rotation.new_selector, rotation.old_selector
    done, status = poll(lambda: ((s := record_status(domain, rotation.new, nameservers, zone)).status == "served", s),
                        timeout, first=0.5, most=15)
    if not done:
        raise VerificationError(f"DKIM key rotation of {domain}: DNS does not serve {rotation.new['name']} yet "
                                f"({status.status}) after {timeout:g}s; the old key still signs. Run `pulumi up` again")

    def valid():
        client.verify_domain(domain)
        key = domain_keys.find_key(client, domain, new_selector)
        return bool(key) and (key.get("dns_record") or {}).get("valid") == "valid", key
    done, key = poll(valid, timeout, first=0.5, most=15)
    if not done:
        raise VerificationError(f"DKIM key rotation of {domain}: Mailgun does not report the key {new_selector} "
                                f"valid after {timeout:g}s; the old key still signs. Run `pulumi up` again")
    old_key = domain_keys.find_key(client, domain, old_selector)
    if domain_keys.is_active(old_key) and not domain_keys.is_active(key):
        domain_keys.deactivate(client, domain, old_selector)
    if not domain_keys.is_active(key):
        domain_keys.activate(client, domain, new_selector)
        say(f"{domain}: DKIM key {new_selector} active, {old_selector} retired")
    if old_key is not None:
        domain_keys.delete_domain_key(client, domain, old_selector)

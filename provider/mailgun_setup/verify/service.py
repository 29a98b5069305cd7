"""The one answer to "are these records verified?", for every caller.

    record_status    one record as the zone's authoritative servers serve it (the dns:Record lines)
    group_round      one look at DNS, then (when DNS serves all) one verify call at Mailgun
    wait_verified    rounds with backoff until Verified or the timeout (mailgun:Verification)
    confirmed        Mailgun's last verdict, without a new verification (refresh)
    gate             may a sender / route be created now? (sender and route resources)

Records are the plain shape of :mod:`mailgun_setup.records`. Mailgun verifies receiver (MX)
records only after sender records (a product rule); the ``requires`` argument carries that.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence

from .. import records as record_shapes
from ..dns.names import zone_for
from ..errors import VerificationError
from ..mailgun.facts import FAILED, IN_PROGRESS, UNVERIFIED, VERIFIED
from .poll import poll

DEFAULT_VERIFY_TIMEOUT = 1800
VERIFY_TIMEOUT_RANGE = (10, 86400)
SETTLE_SECONDS = 120  # how long an automatic write may take to reach the authoritative servers


@dataclass(frozen=True)
class GroupStatus:
    status: str
    problems: list[str] = field(default_factory=list)

    @property
    def verified(self) -> bool:
        return self.status == VERIFIED


@dataclass(frozen=True)
class RecordStatus:
    status: str  # served | missing | different | foreign (another value kept in ours' place)
    found: tuple[str, ...] = ()
    detail: str = ""


def is_verified(status: Optional[str]) -> bool:
    return status == VERIFIED


def record_status(domain: str, record: dict, nameservers: Sequence[str] = (), zone: Optional[str] = None,
                  settle: float = 0) -> RecordStatus:
    """Whether DNS serves ``record``; waits up to ``settle`` seconds for a fresh write to appear."""
    from .authority import authoritative_lookup  # dnspython's resolver: only where DNS is asked
    from .check import check_record
    lookup = authoritative_lookup(domain, nameservers)

    def look():
        finding = check_record(lookup, record, zone)
        return finding.ok, finding
    _, finding = poll(look, settle, first=0.5, most=15, factor=2)
    if finding.ok:  # served; or a foreign value kept in its place (a DMARC policy), said in the detail
        return RecordStatus("foreign" if finding.detail else "served", tuple(finding.found), finding.detail)
    return RecordStatus("different" if finding.found else "missing", tuple(finding.found), finding.detail)


def group_round(client, domain: str, records: list[dict], nameservers: Sequence[str] = (),
                zone: Optional[str] = None) -> GroupStatus:
    """One look at DNS, then (only when DNS serves every record) one verify call at Mailgun."""
    from .authority import authoritative_lookup
    from .check import check_records
    lookup = authoritative_lookup(domain, nameservers)
    findings = check_records(lookup, records, zone or zone_for(domain, None))
    problems = [f.describe() for f in findings if not f.ok]
    if problems:
        published = sum(f.ok or bool(f.found) for f in findings)
        status = FAILED if any(f.found for f in findings if not f.ok) else IN_PROGRESS if published else UNVERIFIED
        return GroupStatus(status, problems)
    pending = record_shapes.unconfirmed(client.verify_domain(domain), records)
    if not pending:
        return GroupStatus(VERIFIED)
    return GroupStatus(IN_PROGRESS, [f"{r['type']} {r['name']}: served by DNS, Mailgun has not confirmed it yet "
                                     f"(its resolvers may still cache the old answer)" for r in pending])


def wait_verified(client, domain: str, group: str, records: list[dict], timeout: float,
                  nameservers: Sequence[str] = (), zone: Optional[str] = None) -> GroupStatus:
    """Rounds with backoff until Verified; raises naming every record still wrong at the timeout."""
    def attempt():
        result = group_round(client, domain, records, nameservers, zone)
        return result.verified, result
    done, result = poll(attempt, timeout)
    if not done:
        raise VerificationError(
            f"{FAILED}: the {group} records of {domain} were not verified within {timeout:g}s:\n"
            + "\n".join(f"  - {p}" for p in result.problems)
            + "\nFix the records (or wait for DNS propagation) and run `pulumi up` again.")
    return result


def confirmed(body: dict, records: list[dict]) -> bool:
    """Does Mailgun's last verdict (a domain answer ``body``) mark every record valid?"""
    return not record_shapes.unconfirmed(body, records)


def gate(status: Optional[str], group: str, domain: str, subject: str, manual: bool, stack: str) -> Optional[str]:
    """May ``subject`` (a sender or route) be created now that ``group`` records are ``status``?

    None when they are Verified. Otherwise, in manual mode a message to show while the resource
    waits for the next ``pulumi up``; in automatic mode a VerificationError (the verification
    resource it depends on would have failed the run first, so this is a guard)."""
    if is_verified(status):
        return None
    what = "senders are added" if group == "sender" else "routes are added"
    records = "sender records" if group == "sender" else "receiver (MX) records"
    message = (f"{subject}: the {records} of {domain} are {status or UNVERIFIED}, and {what} once they are "
               f"Verified. Send the sheet from `mailgun-setup handoff --stack {stack}` to your DNS administrator, "
               f"then run `pulumi up` again.")
    if manual:
        return message
    raise VerificationError(message)

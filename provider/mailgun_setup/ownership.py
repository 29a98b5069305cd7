"""Which stacks use a subdomain: claims kept in DNS so UAT and Prod can share one safely.

Each stack publishes one TXT value at ``_mailgun-setup.<domain>``:

    mailgun-setup owner=<project>/<stack> senders=support,hr routes=support

naming the sender logins and route recipients it declares. Destroying a stack removes its
own claim; the Mailgun domain, its DNS records, and any sender or route another stack
still claims are left in place. Claims are read through DNS from the zone's authoritative
servers, so they work for every DNS backend (in manual mode the claim is on the sheet).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Sequence

from .errors import DnsError

CLAIM_LABEL = "_mailgun-setup"
MARKER = "mailgun-setup"


@dataclass(frozen=True)
class Claim:
    owner: str
    senders: frozenset[str] = field(default_factory=frozenset)
    routes: frozenset[str] = field(default_factory=frozenset)


def claim_name(domain: str) -> str:
    return f"{CLAIM_LABEL}.{domain}"


def _local(address: str) -> str:
    return address.split("@", 1)[0].lower()


def claim_value(owner: str, senders: Iterable[str] = (), routes: Iterable[str] = ()) -> str:
    parts = [MARKER, f"owner={owner}"]
    if senders:
        parts.append("senders=" + ",".join(sorted({_local(s) for s in senders})))
    if routes:
        parts.append("routes=" + ",".join(sorted({_local(r) for r in routes})))
    return " ".join(parts)


def parse_claim(value: str):
    terms = value.split()
    if not terms or terms[0] != MARKER:
        return None
    fields = dict(t.split("=", 1) for t in terms[1:] if "=" in t)
    if "owner" not in fields:
        return None
    split = lambda key: frozenset(x for x in fields.get(key, "").split(",") if x)  # noqa: E731
    return Claim(fields["owner"], split("senders"), split("routes"))


def published_claims(domain: str, nameservers: Sequence[str] = ()) -> list[Claim]:
    """Every stack's claim on ``domain`` as the zone's authoritative servers serve them."""
    from .verify.authority import authoritative_lookup  # dnspython's resolver: only where DNS is asked
    answer = authoritative_lookup(domain, nameservers).txt(claim_name(domain))
    if answer.status == "error":  # unknown is not "nobody": refuse rather than break another stack
        raise DnsError(f"could not read the ownership claims at {claim_name(domain)} ({answer.detail}); "
                       f"nothing was deleted, run again")
    claims = [parse_claim(v) for v in answer.values] if answer.status == "ok" else []
    return [c for c in claims if c]


def other_claims(domain: str, me: str, nameservers: Sequence[str] = ()) -> list[Claim]:
    """Claims of every other stack on ``domain``, as the zone's authoritative servers serve them."""
    return [c for c in published_claims(domain, nameservers) if c.owner != me]


def own_claims(domain: str, me: str, nameservers: Sequence[str] = ()) -> list[Claim]:
    """This stack's own claim on ``domain`` as published (empty when none is served yet, or in manual mode)."""
    return [c for c in published_claims(domain, nameservers) if c.owner == me]


def claimed_sender(claims: list[Claim], login: str) -> bool:
    return any(_local(login) in c.senders for c in claims)


def claimed_route(claims: list[Claim], recipient: str) -> bool:
    return any(_local(recipient) in c.routes for c in claims)

"""The changes that stop mail, found from the preview alone, each with the reason in plain words."""
from __future__ import annotations

from dataclasses import dataclass

from .changes import Change

VERIFIED = "Verified"
RECORD_LOSS = {
    "MX": "inbound mail for {domain} stops reaching Mailgun",
    "DKIM": "mail from {domain} fails DKIM and may be rejected or sent to spam",
    "SPF": "mail from {domain} fails SPF and may be rejected or sent to spam",
    "tracking": "click and open tracking links of {domain} stop working",
}


@dataclass(frozen=True)
class Danger:
    stack: str
    domain: str
    subject: str
    reason: str


def _verified_domains(changes: list[Change]) -> set[tuple[str, str]]:
    """Domains whose sender records are Verified now: their sender Verification says so."""
    return {(c.stack, c.domain) for c in changes if c.kind == "verification"
            and c.old.get("group") == "sender" and c.old_outputs.get("status") == VERIFIED}


def _domain_dangers(change: Change, verified: bool) -> list[Danger]:
    found, d = [], change.domain
    if change.op in ("replace", "delete") and verified:
        why = f" ({', '.join(change.replace_reasons)} changed)" if change.replace_reasons else ""
        verb = "replaces" if change.op == "replace" else "deletes"
        tail = ("it is deleted and created again, so mail from it stops until the new records are published "
                "and verified" if change.op == "replace" else "mail from and to it stops")
        found.append(Danger(change.stack, d, f"domain {d}", f"{verb} the Verified domain{why}: {tail}"))
    if change.changed("region"):
        found.append(Danger(change.stack, d, f"domain {d}",
                            f"region {change.old['region']} → {change.new['region']}: a domain's region is fixed, "
                            "so it is deleted and created in the new region with new records; senders and routes "
                            "go with it"))
    return found


def _record_danger(change: Change) -> Danger:
    purpose = change.old.get("purpose") or change.old.get("type") or ""
    effect = RECORD_LOSS.get(purpose, "Mailgun can no longer verify {domain}").format(domain=change.domain)
    return Danger(change.stack, change.domain, f"DNS record {change.name}", f"DNS record deleted: {effect}")


def _orphaned_routes(changes: list[Change]) -> list[Danger]:
    found = []
    kept_routes = [c for c in changes if c.kind == "route" and c.op not in ("delete",)]
    for sender in (c for c in changes if c.kind == "sender" and c.op == "delete"):
        login = str(sender.old.get("username", "")).lower()
        for route in kept_routes:
            if route.stack == sender.stack and str((route.new or route.old).get("recipient", "")).lower() == login:
                found.append(Danger(sender.stack, sender.domain, f"sender {login}",
                                    f"sender removed while the route for {login} stays: replies and inbound "
                                    "mail to that address have no sender identity behind them"))
    return found


INSIDE_DOMAIN = {"sender": "SMTP login {name}: deleted with the domain and created again on the new one",
                 "webhook": "webhook {name}: deleted with the domain and registered again on the new one",
                 "tracking": "tracking settings: turned off with the domain and on again on the new one",
                 "API key": "domain key {name}: revoked with the domain; a new key (new secret) is created"}


def _goes_with_domain(change: Change) -> list[Danger]:
    """Everything that lives inside a replaced Mailgun domain is replaced with it: say so, one line each."""
    if change.op != "replace" or "domain_identity" not in change.replace_reasons:
        return []
    inputs = change.new or change.old
    name = inputs.get("username") or inputs.get("kind") or inputs.get("description") or change.name
    reason = INSIDE_DOMAIN.get(change.kind, "{name}: replaced with the domain").format(name=name)
    if change.kind == "sender" and not inputs.get("password"):
        reason += "; its password changes (Mailgun generates a new one)"
    return [Danger(change.stack, change.domain, f"{change.kind} {name}", f"goes with the replaced domain: {reason}")]


def _rotating(changes: list[Change]) -> set[tuple[str, str]]:
    """Domains whose DKIM key rotates in place: the old key's record line goes as the new one comes,
    and the old key signs until the new one is valid, so that deletion stops nothing."""
    return {(c.stack, c.domain) for c in changes if c.kind == "DNS record" and c.op == "create"
            and (c.new.get("purpose") == "DKIM")} & {(c.stack, c.domain) for c in changes
                                                      if c.kind == "domain" and c.op == "update"}


def dangers_of(changes: list[Change]) -> list[Danger]:
    verified, rotating = _verified_domains(changes), _rotating(changes)
    found: list[Danger] = []
    for change in changes:
        if change.kind == "domain":
            found += _domain_dangers(change, (change.stack, change.domain) in verified)
        elif change.kind == "DNS record" and change.op == "delete":
            if not (change.old.get("purpose") == "DKIM" and (change.stack, change.domain) in rotating):
                found.append(_record_danger(change))
        else:
            found += _goes_with_domain(change)
    return found + _orphaned_routes(changes)

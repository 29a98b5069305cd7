"""Two-way agreement between a stack's state and what the sandbox's services hold, values included.

Every Mailgun domain (and tracking's defensive domain), SMTP login, route, webhook, tracking
setting and domain key, and every DNS record with its value, must be in the state, and everything
the state holds must be at the service. ``disagreements()`` returns one line per difference.
"""
from __future__ import annotations

import json

from mailgun_setup.dns.txt import unquote_txt
from mailgun_setup.dns.types import normalise_value
from mailgun_setup.mailgun import keys as key_api
from mailgun_setup.mailgun import webhooks as webhook_api
from mailgun_setup.mailgun.tracking import get_tracking
from mailgun_setup.records import comparable

from ..e2e.harness import mailgun, zone_records


def _value(rtype: str, raw: str) -> str:
    return normalise_value(rtype, unquote_txt(raw) if rtype == "TXT" else raw)


def state_of(project, stack: str) -> tuple[list[dict], list]:
    deployment = json.loads(project.pulumi("stack", "export", "--show-secrets", "--stack", stack).stdout)["deployment"]
    return deployment.get("resources") or [], deployment.get("pending_operations") or []


def disagreements(project, stack: str, zone_id: str, domains: list[tuple[str, str]]) -> list[str]:
    """``domains``: every (name, region) the test ever declared, so something left behind is seen."""
    resources, pending = state_of(project, stack)
    found: list[str] = [f"pending operation left in state: {p.get('type')}" for p in pending]

    def of(kind: str) -> list[dict]:
        return [r.get("outputs") or {} for r in resources if r["type"].endswith(kind)]

    def compare(what: str, at_service: set, in_state: set) -> None:
        found.extend(f"{what} {x} at the service, not in state" for x in sorted(at_service - in_state, key=str))
        found.extend(f"{what} {x} in state, not at the service" for x in sorted(in_state - at_service, key=str))

    tracking = {(o["domain"], o["region"]) for o in of("mailgun:Tracking")}
    names = {n for n, _ in domains} | {f"email.{n}" for n, _ in domains}
    service_domains = {(n, r) for n in names for r in ("us", "eu") if mailgun(r).get_domain(n) is not None}
    state_domains = {(o["name"], o["region"]) for o in of("mailgun:Domain")} | {(f"email.{d}", r) for d, r in tracking}
    compare("domain", service_domains, state_domains)

    logins, hooks, on = set(), set(), set()
    for name, region in sorted(service_domains):
        client = mailgun(region)
        logins |= {(c["login"].lower(), region) for c in client.list_credentials(name)}
        hooks |= {(name, kind, tuple(sorted(urls))) for kind, urls in webhook_api.list_webhooks(client, name).items()}
        table = get_tracking(client, name) or {}
        if table and all(table.values()):
            on.add((name, region))
    compare("login", logins, {(o["login"], o["region"]) for o in of("mailgun:SenderIdentity")
                              if o.get("login") and not o.get("waiting")})
    compare("webhook", hooks, {(o["domain"], o["kind"], tuple(sorted(o["urls"]))) for o in of("mailgun:Webhook")})
    compare("tracking on", on, tracking)

    routes = {(r["id"], r["expression"]) for region in ("us", "eu") for r in mailgun(region).list_routes()
              if any(f"@{n}\"" in r["expression"] for n in names)}
    compare("route", routes, {(o["route_id"], o["expression"]) for o in of("mailgun:ReceiverRoute")
                              if o.get("route_id")})
    live_keys = {k["id"] for region in ("us", "eu") for n in names
                 for k in key_api.list_keys(mailgun(region), domain=n) if not k.get("is_disabled")}
    compare("domain key", live_keys, {o["key_id"] for o in of("mailgun:ApiKey") if o.get("key_id")})

    zone = {(name, rtype, _value(rtype, raw)) for name, rtype, raw in zone_records("route53", zone_id)}
    declared = set()
    for o in of("dns:DomainRecords"):
        declared |= {(r["name"], r["type"], comparable(r)) for r in o.get("records") or []}
        if o.get("claim"):
            declared.add((f"_mailgun-setup.{o['domain']}", "TXT", o["claim"]))
    compare("DNS record", zone, declared)
    return found

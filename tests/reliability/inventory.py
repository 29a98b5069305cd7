"""Everything the sandbox holds for a test's zones and domains, and how it lines up with a stack's state.

``inventory()`` reads the services through their own APIs (boto3, the Cloudflare SDK, the
Mailgun client): DNS records per zone, Mailgun domains, SMTP logins and routes. ``mismatches()``
compares it with the stack's state both ways, so a duplicate (two routes for one declared route),
an orphan (something in a service that no state holds) and a ghost (state for something gone)
each show up as one line. DNS records compare by value too (normalised: TXT strings joined, names
and hosts without case or trailing dot, MX by host): a value in state that the zone does not hold,
or a value at one of our names that neither state nor the test's foreign values account for, is a
mismatch.
"""
from __future__ import annotations

import json
from typing import Iterable

from mailgun_setup.dns.txt import unquote_txt

from ..e2e.harness import mailgun, zone_records


def normalised(rtype: str, value: str) -> str:
    """A record value as a receiver compares it, whichever API wrote or returned it."""
    value = (value or "").strip()
    if rtype == "TXT":
        return unquote_txt(value) if value.startswith('"') else value
    if rtype == "MX":
        return value.split()[-1].rstrip(".").lower() if value else value
    if rtype == "CNAME":
        return value.rstrip(".").lower()
    return value


def inventory(zones: dict[str, str | list[str]], domains: Iterable[tuple[str, str]]) -> dict:
    """``zones``: backend -> zone id, or a list of them; ``domains``: (name, region)."""
    domains = list(domains)
    names = [name for name, _ in domains]
    found = {"dns": {backend: sorted(record for zone_id in ([ids] if isinstance(ids, str) else ids)
                                     for record in zone_records(backend, zone_id))
                     for backend, ids in zones.items()},
             "domains": {}, "logins": {}, "routes": []}
    for name, region in domains:
        client = mailgun(region)
        found["domains"][name] = client.get_domain(name) is not None
        found["logins"][name] = sorted(c["login"] for c in client.list_credentials(name)) \
            if found["domains"][name] else []
    for region in sorted({region for _, region in domains}):
        found["routes"] += sorted((r["id"], r["expression"], tuple(r["actions"]), r.get("description", ""),
                                   r.get("priority", 0)) for r in mailgun(region).list_routes()
                                  if any(f"@{name}" in r["expression"] for name in names))
    return found


def _mechanisms(spf: str) -> list[str]:
    """An SPF record's terms other than its version and its `all` (whose qualifier a merge keeps)."""
    return [t for t in spf.split()[1:] if t.lstrip("+-~?") != "all"]


def mismatches(project, stack: str, zones: dict[str, str | list[str]], domains: Iterable[tuple[str, str]],
               foreign: Iterable[tuple[str, str]] = ()) -> list[str]:
    """What the sandbox and the state disagree on, both ways (empty when they agree). ``foreign``:
    what a test put in the zone itself, expected outside state: (name, type, value) for one value
    at a name of ours, (name, type) for a whole record set of names we do not use."""
    domains = list(domains)
    found = inventory(zones, domains)
    problems: list[str] = []
    deployment = json.loads(project.pulumi("stack", "export", "--stack", stack).stdout)["deployment"]
    resources = deployment.get("resources") or []
    pending = deployment.get("pending_operations") or []
    if pending:
        problems.append(f"pending operations left in state: {[p.get('type') for p in pending]}")

    def of(kind: str) -> list[dict]:
        return [r.get("outputs") or {} for r in resources if r["type"].endswith(kind)]

    in_state = {o.get("name") for o in of("mailgun:Domain")}
    for name, exists in found["domains"].items():
        if exists != (name in in_state):
            problems.append(f"domain {name}: in Mailgun={exists}, in state={name in in_state}")
    logins = {o.get("login") for o in of("mailgun:SenderIdentity") if o.get("login") and not o.get("waiting")}
    in_mailgun = {login for names in found["logins"].values() for login in names}
    problems += [f"login {x} in Mailgun, not in state (orphan)" for x in sorted(in_mailgun - logins)]
    problems += [f"login {x} in state, not in Mailgun" for x in sorted(logins - in_mailgun)]
    route_ids = [o.get("route_id") for o in of("mailgun:ReceiverRoute") if o.get("route_id")]
    mailgun_ids = [r[0] for r in found["routes"]]
    problems += [f"route {x} in Mailgun, not in state (orphan or duplicate)" for x in mailgun_ids if x not in route_ids]
    problems += [f"route {x} in state, not in Mailgun" for x in route_ids if x not in mailgun_ids]
    expressions = [r[1] for r in found["routes"]]
    problems += [f"route {e} exists {expressions.count(e)} times" for e in set(expressions) if expressions.count(e) > 1]
    records = [r for o in of("dns:DomainRecords") for r in o.get("records") or []]
    declared = {(r["name"], r["type"]) for r in records}
    foreign = list(foreign)
    allowed = declared | {tuple(f[:2]) for f in foreign if len(f) == 2}
    in_zones = {(name, rtype) for records_ in found["dns"].values() for name, rtype, _ in records_}
    problems += [f"DNS {rtype} {name} in the zone, not in state (orphan)" for name, rtype in sorted(in_zones - allowed)
                 if not name.startswith("_mailgun-setup.")]
    problems += [f"DNS {rtype} {name} in state, not in the zone" for name, rtype in sorted(declared - in_zones)]
    ours = {(r["name"], r["type"], normalised(r["type"], r["value"])) for r in records}
    served = {(name, rtype, normalised(rtype, value)) for records_ in found["dns"].values()
              for name, rtype, value in records_ if (name, rtype) in declared}
    others = {(f[0], f[1], normalised(f[1], f[2])) for f in foreign if len(f) == 3}
    # Our SPF merged into one somebody else wrote at the name (the merge keeps their terms and their
    # `all`) is served as one record holding every mechanism of ours: that is ours, merged.
    for name, rtype, value in [x for x in ours if x[2].startswith("v=spf1")]:
        merged = {x for x in served if x[:2] == (name, rtype) and x[2].startswith("v=spf1")
                  and set(_mechanisms(value)) <= set(_mechanisms(x[2]))}
        if merged and (name, rtype, value) not in served:
            served = (served - merged) | {(name, rtype, value)}
    problems += [f"DNS {rtype} {name}: {value[:60]!r} in state, not in the zone" for name, rtype, value in sorted(ours - served)]
    problems += [f"DNS {rtype} {name}: {value[:60]!r} in the zone at our name, not in state" for name, rtype, value
                 in sorted(served - ours - others)]
    return problems

"""Point 1, the fault matrix: service (Mailgun, Route 53, Cloudflare) × fault (429 with
Retry-After, 500/503, latency past the client timeout, connection reset, answer lost after the
request was applied) × operation (create, update, delete, read).

One stack holds a Route 53 subdomain (receiving, senders, a route) and a Cloudflare subdomain,
plus one more subdomain per DNS backend, each in a zone of its own, that carries only a DMARC
policy. Config A and config B differ so that going from one to the other makes every operation:
Mailgun creates one login, deletes another and updates the route; each DNS backend creates or
deletes the tracking CNAME (one batch call), updates the DMARC value in place (p=none to
p=quarantine: a Route 53 UPSERT, a Cloudflare batch patch; in the other zone, so its batch is a
request of its own) and reads its records. For each fault, one `up`
A→B and one `up` B→A run with the fault switched on for one request of each (service,
operation) at once (the sandbox's fault rules: method, path regex, count 1), so five faults cost
ten faulted runs, not sixty. Each run must complete after the libraries' own bounded retries or
fail with an error naming the service and the call; then a plain re-run converges: no change
left in preview, and sandbox and state agree both ways (no duplicate, no orphan). Each (service,
fault, operation) cell is recorded on its own.

Client timeouts are set to 1 s through ``MAILGUN_SETUP_HTTP_TIMEOUT`` so "latency past the
client timeout" costs seconds, not minutes.
"""
from __future__ import annotations

import re
import time

import pytest

from ..e2e.harness import make_project, new_zone, served
from .inventory import mismatches

pytestmark = pytest.mark.engine

POINT = "faults"
TIMEOUT = 1.0
SERVICES = {"mailgun": ("mailgun-us", "Mailgun"), "route53": ("route53", "Route 53"),
            "cloudflare": ("cloudflare", "Cloudflare")}
# (service, operation) -> (method, path regex, transition that makes it: "AB" or "BA"). In a DNS
# path, {zone} is the main zone of that backend and {update_zone} the zone of the DMARC subdomain.
CALLS = {
    ("mailgun", "create"): ("POST", r"^/v3/domains/[^/]+/credentials$", "AB"),
    ("mailgun", "update"): ("PUT", r"^/v3/routes/[^/]+$", "AB"),
    ("mailgun", "delete"): ("DELETE", r"^/v3/domains/[^/]+/credentials/", "AB"),
    ("mailgun", "read"): ("GET", r"^/v3/domains/[^/]+/credentials$", "AB"),
    ("route53", "create"): ("POST", r"/hostedzone/{zone}/rrset/?$", "BA"),
    ("route53", "update"): ("POST", r"/hostedzone/{update_zone}/rrset/?$", "AB"),
    ("route53", "delete"): ("POST", r"/hostedzone/{zone}/rrset/?$", "AB"),
    ("route53", "read"): ("GET", r"/hostedzone/{zone}/rrset/?$", "AB"),
    ("cloudflare", "create"): ("POST", r"/zones/{zone}/dns_records/batch$", "BA"),
    ("cloudflare", "update"): ("POST", r"/zones/{update_zone}/dns_records/batch$", "AB"),
    ("cloudflare", "delete"): ("POST", r"/zones/{zone}/dns_records/batch$", "AB"),
    ("cloudflare", "read"): ("GET", r"/zones/{zone}/dns_records$", "AB"),
}
FAULTS = {
    "429 with Retry-After": lambda service, method: {"status": 429, "retry_after": 1,
                                                     **({"code": "Throttling"} if service == "route53" else {})},
    "500/503": lambda service, method: {"status": 503 if method == "GET" else 500},
    "latency past the client timeout": lambda service, method: {"latency": TIMEOUT + 0.5},
    "connection reset": lambda service, method: {"reset": True},
    "answer lost after the request was applied": lambda service, method: {"drop_answer": True},
}


def _config(us: str, eu: str, dmarc_only: tuple[str, str], variant: str) -> dict:
    a = variant == "A"
    second = f"billing@{us}" if a else f"sales@{us}"
    policy = {"policy": "none" if a else "quarantine"}
    return {"verifyTimeout": 30, "domains": [
        {"name": us, "dns": "route53", "receiving": True, "tracking": a,
         "senders": [{"username": f"support@{us}"}, {"username": second}],
         "routes": [{"recipient": f"support@{us}", "action": "stop()" if a else 'forward("https://desk.example/in")'}]},
        {"name": eu, "dns": "cloudflare", "tracking": a, "senders": [{"username": f"news@{eu}"}]},
        {"name": dmarc_only[0], "dns": "route53", "dmarc": policy},
        {"name": dmarc_only[1], "dns": "cloudflare", "dmarc": policy}]}


# An error names the service and the call: Mailgun's method and path, Route 53's API operation,
# the Cloudflare call (what it was doing, at which names).
CALL_NAMED = re.compile(r"Mailgun (GET|POST|PUT|DELETE) /v\d/\S+|Route 53 [a-z_]+ failed|"
                        r"Cloudflare (could not |refused to )?[a-z]+ [a-z ]+ at \S+")


def _errors(text: str) -> list[str]:
    """The run's error diagnostics (the engine's closing "update failed" summary aside)."""
    return [line.strip() for line in text.splitlines() if "error:" in line and "update failed" not in line]


def _clear(text: str, faulted: set[str]) -> bool:
    """A failed run is clear when it has errors and every one names the call of a service that was
    faulted in that run (``faulted``: display names, "Route 53")."""
    errors = _errors(text)
    return bool(errors) and all(CALL_NAMED.search(line) and any(f"{name} " in line for name in faulted)
                                for line in errors)


def test_each_fault_ends_in_completion_or_a_clear_error_and_a_rerun_converges(
        tmp_path, sandbox_env, sandbox, unique, ledger):
    zones = {"route53": new_zone(sandbox_env, "route53", f"{unique}.com"),
             "cloudflare": new_zone(sandbox_env, "cloudflare", f"{unique}.org")}
    update_zones = {"route53": new_zone(sandbox_env, "route53", f"{unique}-u.com"),
                    "cloudflare": new_zone(sandbox_env, "cloudflare", f"{unique}-u.org")}
    us, eu = f"mail.{unique}.com", f"mail.{unique}.org"
    dmarc_only = (f"mail.{unique}-u.com", f"mail.{unique}-u.org")
    domains = [(us, "us"), (eu, "us"), (dmarc_only[0], "us"), (dmarc_only[1], "us")]
    every_zone = {backend: [zones[backend], update_zones[backend]] for backend in zones}
    project = make_project(tmp_path, sandbox_env)
    project.env["MAILGUN_SETUP_HTTP_TIMEOUT"] = str(TIMEOUT)
    project.init("dev", _config(us, eu, dmarc_only, "A"))
    project.up("dev")
    for fault, spec in FAULTS.items():
        for transition, target in (("AB", "B"), ("BA", "A")):
            cells = [(s, op) for (s, op), (_, _, t) in CALLS.items() if t == transition]
            rules = {}
            for service, op in cells:
                method, path, _ = CALLS[(service, op)]
                if service in zones:
                    path = path.format(zone=zones[service], update_zone=update_zones[service])
                rules[(service, op)] = sandbox.control(SERVICES[service][0]).add_fault(
                    method=method, path=path, count=1, **spec(service, method))
            project.write_stack("dev", _config(us, eu, dmarc_only, target))
            runs, outcomes = [], {}
            for _ in range(3):  # faulted runs until every rule has been met
                clock = time.monotonic()
                run = project.pulumi("up", "--yes", "--stack", "dev", check=False)
                runs.append((run.returncode, round(time.monotonic() - clock, 1), run.stdout + run.stderr))
                for cell, rule in rules.items():
                    if cell not in outcomes and rule.count <= 0:
                        outcomes[cell] = len(runs) - 1
                if len(outcomes) == len(rules):
                    break
            for service in SERVICES.values():
                sandbox.control(service[0]).clear_faults()
            rerun = project.pulumi("up", "--yes", "--stack", "dev", check=False)
            left = mismatches(project, "dev", every_zone, domains)
            policy = "none" if target == "A" else "quarantine"
            dmarc = {name: served(f"_dmarc.{name}", "TXT") for name in dmarc_only}
            left += [f"DMARC at {name} is {found}, not p={policy}" for name, found in dmarc.items()
                     if found != (f"v=DMARC1; p={policy}",)]
            quiet = project.pulumi("preview", "--expect-no-changes", "--stack", "dev", check=False).returncode == 0
            for (service, op), index in sorted(outcomes.items()) + [(c, None) for c in rules if c not in outcomes]:
                if index is None:
                    ledger.record(POINT, f"{SERVICES[service][1]} × {fault} × {op}", False, "the fault was never met")
                    continue
                code, seconds, text = runs[index]
                faulted = {SERVICES[service_][1] for (service_, _), i in outcomes.items() if i == index}
                clear = code == 0 or _clear(text, faulted)
                error = " / ".join(e[e.find("error:"):][:200] for e in _errors(text)) or text.strip()[-300:]
                ok = clear and rerun.returncode == 0 and quiet and not left
                ledger.record(POINT, f"{SERVICES[service][1]} × {fault} × {op}", ok,
                              ("completed" if code == 0 else f"failed clearly: {error}" if clear else
                               f"failed WITHOUT naming the faulted service and the call: {error}")
                              + f"; re-run converged: {rerun.returncode == 0 and quiet}"
                              + (f"; left: {left}" if left else "")
                              + ("" if rerun.returncode == 0 else f"; re-run: {(rerun.stdout + rerun.stderr)[-300:]}"),
                              run_seconds=seconds)
    assert not ledger.failed(POINT), ledger.failed(POINT)

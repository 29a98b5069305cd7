"""Point 1, the fault matrix: service (Mailgun, Route 53, Cloudflare) × fault (429 with
Retry-After, 500/503, latency past the client timeout, connection reset, answer lost after the
request was applied) × operation (create, update, delete, read).

One stack holds a Route 53 subdomain (receiving, senders, a route) and a Cloudflare subdomain,
plus one more subdomain per DNS backend, each in a zone of its own, that carries only a DMARC
policy. Config A and config B differ so that going from one to the other makes every operation:
Mailgun creates one login, deletes another and updates the route; each DNS backend creates (B→A)
or deletes (A→B) the tracking CNAME, updates the DMARC value in place (in the other zone, so its
call is a request of its own) and reads its records.

Each cell runs in a `pulumi up` of its own with one fault rule matched to that operation alone:
method, path and, where one path serves several operations (Route 53's change batch, Cloudflare's
batch), the body (the record action, the batch's ``posts`` or ``deletes``), firing once. The run
must complete after the client's own retries; a plain re-run then converges: no change left in
preview, sandbox and state agree both ways, record values included, and DMARC is served as
declared. Then the other half of the claim, per service: a fault that outlasts the client's
retries (a lasting 429 with Retry-After) must end the run with an error naming that service and
that call, and the plain re-run converges.

The full matrix is 60 cells of about 15 s each, too long for CI: the test runs a sample drawn with
a fixed seed (``SEED``) so that every service meets every fault once and every operation at least
once (15 cells), plus the 3 lasting faults. ``MAILGUN_SETUP_FAULT_CELLS=all`` runs all 60.

Client timeouts are set to 1 s through ``MAILGUN_SETUP_HTTP_TIMEOUT`` so "latency past the
client timeout" costs seconds, not minutes.
"""
from __future__ import annotations

import os
import random
import re
import time

import pytest

from ..e2e.harness import make_project, new_zone, served
from .inventory import mismatches

pytestmark = pytest.mark.engine

POINT = "faults"
SEED = 20
TIMEOUT = 1.0
SERVICES = {"mailgun": ("mailgun-us", "Mailgun"), "route53": ("route53", "Route 53"),
            "cloudflare": ("cloudflare", "Cloudflare")}
OPERATIONS = ("create", "update", "delete", "read")
# (service, operation) -> (method, path regex, body regex or None, the config the run goes to: "A",
# "B" or None for either). In a DNS path, {zone} is the main zone of that backend and {update_zone}
# the zone of the DMARC subdomain.
CALLS = {
    ("mailgun", "create"): ("POST", r"^/v3/domains/[^/]+/credentials$", None, None),
    ("mailgun", "update"): ("PUT", r"^/v3/routes/[^/]+$", None, None),
    ("mailgun", "delete"): ("DELETE", r"^/v3/domains/[^/]+/credentials/", None, None),
    ("mailgun", "read"): ("GET", r"^/v3/domains/[^/]+/credentials$", None, None),
    ("route53", "create"): ("POST", r"/hostedzone/{zone}/rrset/?$", r"<Action>UPSERT</Action>", "A"),
    ("route53", "update"): ("POST", r"/hostedzone/{update_zone}/rrset/?$", r"<Action>UPSERT</Action>", None),
    ("route53", "delete"): ("POST", r"/hostedzone/{zone}/rrset/?$", r"<Action>DELETE</Action>", "B"),
    ("route53", "read"): ("GET", r"/hostedzone/{zone}/rrset/?$", None, None),
    ("cloudflare", "create"): ("POST", r"/zones/{zone}/dns_records/batch$", r'"posts":\s*\[\s*\{', "A"),
    ("cloudflare", "update"): ("POST", r"/zones/{update_zone}/dns_records/batch$", None, None),
    ("cloudflare", "delete"): ("POST", r"/zones/{zone}/dns_records/batch$", r'"deletes":\s*\[\s*\{', "B"),
    ("cloudflare", "read"): ("GET", r"/zones/{zone}/dns_records$", None, None),
}
# The lasting fault per service, and what its error must name: the service and that call.
LASTING = {"mailgun": ("create", r"Mailgun POST /v3/domains/\S+/credentials"),
           "route53": ("update", r"Route 53 change_resource_record_sets failed"),
           "cloudflare": ("update", r"Cloudflare (could not |refused to )?[a-z]+ [a-z ]+ at \S*_dmarc\.")}

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


def _cells() -> list[tuple[str, str, str]]:
    """The (service, fault, operation) cells this run measures: the seeded sample (every service meets
    every fault once and every operation at least once), or all 60 with MAILGUN_SETUP_FAULT_CELLS=all."""
    if os.environ.get("MAILGUN_SETUP_FAULT_CELLS") == "all":
        return [(s, f, op) for s in SERVICES for f in FAULTS for op in OPERATIONS]
    rng = random.Random(SEED)
    cells = []
    for service in SERVICES:
        operations = list(OPERATIONS)
        rng.shuffle(operations)
        operations.append(rng.choice(OPERATIONS))
        faults = list(FAULTS)
        rng.shuffle(faults)
        cells += [(service, fault, op) for fault, op in zip(faults, operations)]
    return cells


def _name(service: str, fault: str, op: str) -> str:
    return f"{SERVICES[service][1]} × {fault} × {op}"


def test_each_fault_ends_in_completion_or_a_clear_error_and_a_rerun_converges(
        tmp_path, sandbox_env, sandbox, unique, ledger):
    cells = _cells()
    lasting = {service: f"{SERVICES[service][1]} × 429 lasting past the client's retries × {op}"
               for service, (op, _) in LASTING.items()}
    sample = "all 60 cells" if len(cells) == 60 else f"{len(cells)} of 60 cells, sampled with seed {SEED}"
    ledger.expect(POINT, [_name(*cell) for cell in cells] + list(lasting.values()),
                  note=f"{sample} (every service × fault once, every operation at least once), each in its own "
                       f"`up`, + 3 lasting faults that must fail the run naming the service and the call")
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
    at = "A"

    def rule_for(service: str, op: str, **spec):
        method, path, body, _ = CALLS[(service, op)]
        if service in zones:
            path = path.format(zone=zones[service], update_zone=update_zones[service])
        return sandbox.control(SERVICES[service][0]).add_fault(method=method, path=path, body=body, **spec)

    def faulted_up(target: str):
        project.write_stack("dev", _config(us, eu, dmarc_only, target))
        clock = time.monotonic()
        run = project.pulumi("up", "--yes", "--stack", "dev", check=False)
        for service in SERVICES.values():
            sandbox.control(service[0]).clear_faults()
        return run, round(time.monotonic() - clock, 1)

    def settle(target: str) -> list[str]:
        """The plain re-run, then agreement: what is left apart (empty when it converged)."""
        rerun = project.pulumi("up", "--yes", "--stack", "dev", check=False)
        left = [] if rerun.returncode == 0 else [f"re-run failed: {(rerun.stdout + rerun.stderr)[-300:]}"]
        left += mismatches(project, "dev", every_zone, domains)
        policy = "none" if target == "A" else "quarantine"
        left += [f"DMARC at {name} is {found}, not p={policy}" for name in dmarc_only
                 if (found := served(f"_dmarc.{name}", "TXT")) != (f"v=DMARC1; p={policy}",)]
        if project.pulumi("preview", "--expect-no-changes", "--stack", "dev", check=False).returncode != 0:
            left.append("preview after the re-run still shows changes")
        return left

    def error_of(text: str) -> str:
        return " / ".join(e[e.find("error:"):][:200] for e in _errors(text)) or text.strip()[-300:]

    todo = list(cells)
    while todo:
        want = "B" if at == "A" else "A"
        cell = next((c for c in todo if CALLS[(c[0], c[2])][3] in (None, want)), None)
        if cell is None:  # every cell left needs the other direction: one plain run to get there
            project.write_stack("dev", _config(us, eu, dmarc_only, want))
            project.up("dev")
            at = want
            continue
        todo.remove(cell)
        service, fault, op = cell
        method = CALLS[(service, op)][0]
        rule = rule_for(service, op, count=1, **FAULTS[fault](service, method))
        run, seconds = faulted_up(want)
        at = want
        met = rule.count <= 0
        clear = run.returncode == 0 or _clear(run.stdout + run.stderr, {SERVICES[service][1]})
        left = settle(want)
        ledger.record(POINT, _name(*cell), met and clear and not left,
                      ("the fault was never met; " if not met else "")
                      + ("completed" if run.returncode == 0 else f"failed clearly: {error_of(run.stdout + run.stderr)}"
                         if clear else f"failed WITHOUT naming {SERVICES[service][1]} and the call: "
                                       f"{error_of(run.stdout + run.stderr)}")
                      + f"; re-run converged: {not left}" + (f"; left: {left}" if left else ""), run_seconds=seconds)

    for service, (op, named) in LASTING.items():
        want = "B" if at == "A" else "A"
        method = CALLS[(service, op)][0]
        sandbox.clear_request_logs()
        rule_for(service, op, count=None, status=429, retry_after=1,
                 **({"code": "Throttling"} if service == "route53" else {}))
        run, seconds = faulted_up(want)
        at = want
        answered = sum(1 for r in sandbox.request_log(SERVICES[service][0]) if r.status == 429)
        text = run.stdout + run.stderr
        diagnostics = text[text.find("Diagnostics:"):] if "Diagnostics:" in text else ""
        found = re.search(named, diagnostics)  # the error's own lines, a traceback's last line included
        names_it = found is not None
        traceback = "Traceback (most recent call last)" in diagnostics
        left = settle(want)
        ledger.record(POINT, lasting[service], run.returncode != 0 and names_it and not left,
                      ("the run completed: the fault did not outlast the retries" if run.returncode == 0 else
                       f"failed naming the service and the call: {found.group(0)}"
                       + (" (printed inside a Python traceback)" if traceback else "")
                       if names_it else f"failed WITHOUT naming {named}: {error_of(text)}")
                      + f"; re-run converged: {not left}" + (f"; left: {left}" if left else ""),
                      answered_429=answered, run_seconds=seconds)
    assert not ledger.failed(POINT), ledger.failed(POINT)

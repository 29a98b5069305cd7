"""Point 6, load: three stacks deployed at once against one sandbox account, with the emulators
enforcing the services' request rates, and the same stacks kept in an S3 state backend where
the engine's lock refuses a second concurrent `up` of one stack.

Rates (tests/sandbox/test_ratelimit.py shows the answers): Route 53 at its real 5 requests/s per
account (HTTP 400 ``Throttling``, retried by botocore's standard mode); Mailgun at its ~300
requests/min per account, scaled down consistently to 15 requests per 3 s (the same rate, a
window 20 times shorter, so a Retry-After is at most 3 s and the run stays short), answered with
429 + Retry-After and retried by urllib3's Retry; Cloudflare at its 1200 requests per 5 minutes,
the same 4 requests/s on average in a 1 s window, answered with 429 + Retry-After and retried by
the Cloudflare SDK. Nothing in the test retries a run: each `up` is started once.
"""
from __future__ import annotations

import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import boto3
import pytest
import requests
import yaml

from ..e2e.harness import make_project, new_zone
from .inventory import mismatches

pytestmark = pytest.mark.engine

POINT = "load"
MAILGUN_RATE = {"limit": 15, "window": 3}  # Mailgun's 300/min, window scaled down 20x
ROUTE53_RATE = {"limit": 5, "window": 1}  # Route 53's 5/s, as is
CLOUDFLARE_RATE = {"limit": 4, "window": 1}  # Cloudflare's 1200 per 5 min: 4/s on average
LOCK_MESSAGE = "the stack is currently locked by 1 lock(s)"


def _stack_config(env: dict, u: str, i: int) -> tuple[dict, dict[str, str], list[tuple[str, str]]]:
    """Stack ``i``: a Route 53 and a Cloudflare zone of its own (one account), 2-3 subdomains
    mixing both, US and EU, with senders and routes."""
    r53, cf = f"{u}s{i}.com", f"{u}s{i}.org"
    zones = {"route53": new_zone(env, "route53", r53), "cloudflare": new_zone(env, "cloudflare", cf)}
    domains = [
        {"name": f"mail.{r53}", "dns": "route53", "receiving": True,
         "senders": [{"username": f"support@mail.{r53}"}, {"username": f"hr@mail.{r53}"}],
         "routes": [{"recipient": f"support@mail.{r53}", "action": 'forward("https://helpdesk.example/in")'}]},
        {"name": f"news.{cf}", "region": "eu", "dns": "cloudflare", "receiving": True,
         "senders": [{"username": f"news@news.{cf}"}],
         "routes": [{"recipient": f"news@news.{cf}", "action": "stop()", "description": "news"}]},
    ]
    if i != 1:  # stacks 0 and 2 carry a third subdomain
        backend, zone = ("cloudflare", cf) if i == 0 else ("route53", r53)
        domains.append({"name": f"bulk.{zone}", "dns": backend, "senders": [{"username": f"noreply@bulk.{zone}"}]})
    config = {"verifyTimeout": 60, "domains": domains}
    return config, zones, [(d["name"], d.get("region", "us")) for d in domains]


def _set_rates(env: dict, mailgun, route53, cloudflare) -> None:
    cloudflare_root = env["CLOUDFLARE_BASE_URL"].removesuffix("/client/v4")
    for url, rate in ((env["MAILGUN_API_URL_US"], mailgun), (env["AWS_ENDPOINT_URL_ROUTE_53"], route53),
                      (cloudflare_root, cloudflare)):
        requests.post(url + "/_sandbox/settings", json={"rate_limit": rate}, timeout=5).raise_for_status()


def _three_stacks(tmp_path, sandbox_env, unique, project=None):
    project = project or make_project(tmp_path, sandbox_env)
    stacks = {}
    for i in range(3):
        config, zones, domains = _stack_config(sandbox_env, unique, i)
        project.init(f"s{i}", config)
        stacks[f"s{i}"] = (zones, domains)
    return project, stacks


def _up_all_at_once(project, stacks) -> tuple[dict, float]:
    started = time.monotonic()
    with ThreadPoolExecutor(len(stacks)) as pool:
        runs = dict(zip(stacks, pool.map(lambda s: project.pulumi("up", "--yes", "--stack", s, check=False), stacks)))
    return runs, time.monotonic() - started


def _converged(project, stack, zones, domains) -> list[str]:
    problems = mismatches(project, stack, zones, domains)
    statuses = {d: (o["senderStatus"], o.get("receiverStatus"))
                for d, o in project.outputs(stack).get("domains", {}).items()}
    problems += [f"{d} not Verified: {s}" for d, s in statuses.items() if s[0] != "Verified"]
    quiet = project.pulumi("preview", "--expect-no-changes", "--stack", stack, check=False)
    if quiet.returncode != 0:
        problems.append("a second preview still wants changes")
    return problems


LIMITS_CASE = ("the load reached each limit: Mailgun 300/min (scaled 15/3 s), Route 53 5/s and Cloudflare "
               "1200/5 min (4/s)")
BUCKET_CASE = "every stack's checkpoint is in the S3 bucket"
LOCK_CASE = "a second concurrent `up` of one stack (S3 backend) is refused by the engine's lock"


def test_three_stacks_at_once_under_the_services_rate_limits(tmp_path, sandbox_env, sandbox, unique, ledger):
    project, stacks = _three_stacks(tmp_path, sandbox_env, unique)
    run_case = {stack: f"3 stacks at once, rate-limited: stack {stack} ({len(domains)} subdomains)"
                for stack, (_, domains) in stacks.items()}
    ledger.expect(POINT, [*run_case.values(), LIMITS_CASE])
    _set_rates(sandbox_env, MAILGUN_RATE, ROUTE53_RATE, CLOUDFLARE_RATE)
    sandbox.clear_request_logs()
    runs, wall = _up_all_at_once(project, stacks)
    log = {name: sandbox.request_log(name) for name in ("mailgun-us", "mailgun-eu", "route53", "cloudflare")}
    _set_rates(sandbox_env, None, None, None)  # checking afterwards is not part of the load
    mailgun_429 = sum(1 for name in ("mailgun-us", "mailgun-eu") for r in log[name] if r.status == 429)
    throttled = sum(1 for r in log["route53"] if r.status == 400)  # only Throttling: nothing else is refused
    cloudflare_429 = sum(1 for r in log["cloudflare"] if r.status == 429)
    requests_made = sum(len(v) for v in log.values())
    completed = 0
    for stack, (zones, domains) in stacks.items():
        run = runs[stack]
        problems = [] if run.returncode == 0 else [f"up failed: {(run.stdout + run.stderr)[-600:]}"]
        problems += _converged(project, stack, zones, domains)
        completed += not problems
        ledger.record(POINT, run_case[stack], not problems, "; ".join(problems) or "Verified, no duplicate or orphan, no change left")
    limits_hit = mailgun_429 > 0 and throttled > 0 and cloudflare_429 > 0
    # Not the runs again (each is its own row above): the load reached every service's limit.
    ledger.record(POINT, LIMITS_CASE, limits_hit,
                  "every service answered over its limit at least once during the runs above (the clients retried)"
                  if limits_hit else "a service's limit was never reached: the test did not load it",
                  mailgun_429=mailgun_429, route53_throttling=throttled,
                  cloudflare_429=cloudflare_429,
                  requests=requests_made, wall_s=round(wall, 1))
    assert completed == 3, ledger.failed(POINT)
    assert mailgun_429 > 0, "Mailgun's limit was never reached: the test did not load it"
    assert throttled > 0, "Route 53's limit was never reached: the test did not load it"
    assert cloudflare_429 > 0, "Cloudflare's limit was never reached: the test did not load it"


def _s3_backend(sandbox_env: dict, bucket: str) -> str:
    endpoint = sandbox_env["AWS_ENDPOINT_URL_ROUTE_53"]  # moto's server answers S3 too
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                      aws_access_key_id=sandbox_env["AWS_ACCESS_KEY_ID"],
                      aws_secret_access_key=sandbox_env["AWS_SECRET_ACCESS_KEY"])
    s3.create_bucket(Bucket=bucket)
    host = endpoint.split("://", 1)[1]
    query = urlencode({"endpoint": host, "s3ForcePathStyle": "true", "disableSSL": "true", "region": "us-east-1"})
    return f"s3://{bucket}?{query}"


def test_three_stacks_in_an_s3_backend_and_the_lock_refuses_a_second_up(tmp_path, sandbox_env, sandbox, unique,
                                                                         ledger):
    project = make_project(tmp_path, sandbox_env)
    project.env["PULUMI_BACKEND_URL"] = _s3_backend(sandbox_env, f"{unique}-state")
    project, stacks = _three_stacks(tmp_path, sandbox_env, unique + "b", project)
    run_case = {stack: f"3 stacks at once, state in S3 (moto): stack {stack}" for stack in stacks}
    ledger.expect(POINT, [*run_case.values(), BUCKET_CASE, LOCK_CASE])
    runs, wall = _up_all_at_once(project, stacks)
    completed = 0
    for stack, (zones, domains) in stacks.items():
        run = runs[stack]
        problems = [] if run.returncode == 0 else [f"up failed: {(run.stdout + run.stderr)[-600:]}"]
        problems += _converged(project, stack, zones, domains)
        completed += not problems
        ledger.record(POINT, run_case[stack], not problems,
                      "; ".join(problems) or "Verified, no duplicate or orphan, no change left")
    s3 = boto3.client("s3", endpoint_url=sandbox_env["AWS_ENDPOINT_URL_ROUTE_53"], region_name="us-east-1")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=f"{unique}-state").get("Contents", [])]
    in_bucket = all(any(k.endswith(f"/{s}.json") for k in keys) for s in stacks)
    ledger.record(POINT, BUCKET_CASE, in_bucket, f"checkpoints found: {sorted(k.rsplit('/', 1)[-1] for k in keys)}",
                  wall_s=round(wall, 1))

    # The lock: a slow `up` of s0 holds it; a second `up` of s0 meanwhile is refused.
    zones, domains = stacks["s0"]
    _give_work(project, "s0")
    sandbox.control("mailgun-us").add_fault(path=r"^/v3/routes", latency=4.0, count=None)
    first = subprocess.Popen([project.cli.binary, "up", "--yes", "--stack", "s0", "--non-interactive"],
                             cwd=project.root, env=project.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True)
    try:
        _wait_for_lock(s3, f"{unique}-state", first)
        second = project.pulumi("up", "--yes", "--stack", "s0", check=False)
    finally:
        out, _ = first.communicate(timeout=300)
    sandbox.control("mailgun-us").clear_faults()
    refused = second.returncode != 0 and LOCK_MESSAGE in second.stdout + second.stderr
    problems = [] if first.returncode == 0 else [f"first up failed: {out[-600:]}"]
    problems += _converged(project, "s0", zones, domains)
    ledger.record(POINT, LOCK_CASE,
                  refused and not problems,
                  f"second refused with the lock message: {refused}; first completed and converged: {not problems}"
                  + ("; " + "; ".join(problems) if problems else ""))
    assert completed == 3 and in_bucket, ledger.failed(POINT)
    assert refused, (second.stdout + second.stderr)[-2000:]
    assert not problems, problems


def _give_work(project, stack: str) -> None:
    """A change for the stack (a route description), so its `up` has a route to update while locked."""
    path = project.root / "stacks" / f"Pulumi.{stack}.yaml"
    body = yaml.safe_load(path.read_text())
    config = {k.split(":", 1)[1]: v for k, v in body["config"].items()}
    config["domains"][0]["routes"][0]["description"] = "changed under lock"
    project.write_stack(stack, config)


def _wait_for_lock(s3, bucket: str, process: subprocess.Popen, limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=".pulumi/locks/").get("Contents", [])]
        if keys:
            return
        if process.poll() is not None:
            raise AssertionError("the first up ended before its lock was seen")
        time.sleep(0.1)
    raise AssertionError("the first up never took its lock")

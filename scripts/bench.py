#!/usr/bin/env python3
"""Benchmark: wall time and API calls of each Pulumi operation, against the sandbox.

    .venv/bin/python scripts/bench.py [--repeat N]      (or: make bench)

Two stacks: the committed sandbox stack (2 subdomains, 21 resources) and the largest stack the
config allows (5 subdomains, each receiving, with 10 senders and 10 routes). For each it runs
preview → up → no-change preview → refresh → destroy, N times, and prints the median seconds and
the calls each service received (reads/writes). Everything runs in a temporary folder.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import boto3
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "provider"))

from mailgun_setup.engine import PulumiCli, offline_env  # noqa: E402
from mailgun_setup.sandbox.runner import Sandbox  # noqa: E402
from mailgun_setup.sandbox.seed import create_zone  # noqa: E402

PHASES = (("preview", ("preview",)), ("up", ("up", "--yes", "--skip-preview")),
          ("no-change preview", ("preview", "--expect-no-changes")),
          ("refresh", ("refresh", "--yes", "--skip-preview")), ("destroy", ("destroy", "--yes", "--skip-preview")))


def largest_stack() -> dict:
    domains = []
    for i in range(5):
        name = f"m{i}.company.com"
        users = [f"u{j}@{name}" for j in range(10)]
        domains.append({"name": name, "receiving": True, "senders": [{"username": u} for u in users],
                        "routes": [{"recipient": u, "action": 'forward("http://hooks.example/in")'} for u in users]})
    return {"config": {"mailgun-setup:dns": "route53", "mailgun-setup:domains": domains}}


def calls(sandbox: Sandbox) -> str:
    parts = []
    for name in sorted(sandbox.services):
        log = sandbox.request_log(name)
        writes = sum(1 for r in log if r.method not in ("GET", "HEAD"))
        if log:
            parts.append(f"{name} {len(log) - writes}r/{writes}w")
    return ", ".join(parts) or "none"


def run_stack(label: str, stack_file: dict | Path, repeat: int) -> list[tuple[str, float, str]]:
    timings: dict[str, list[float]] = {phase: [] for phase, _ in PHASES}
    counted: dict[str, str] = {}
    for round_ in range(repeat):
        with Sandbox() as sandbox, tempfile.TemporaryDirectory(prefix="mailgun-setup-bench-") as folder:
            env = {**os.environ, **sandbox.env()}
            r53_zone = create_zone(env, "route53", "company.com")
            create_zone(env, "cloudflare", "example.org")
            work = Path(folder)
            project = work / "project"
            (project / "stacks").mkdir(parents=True)
            shutil.copy(ROOT / "Pulumi.yaml", project)
            shutil.copytree(ROOT / "programs", project / "programs", ignore=shutil.ignore_patterns("__pycache__"))
            target = project / "stacks" / "Pulumi.bench.yaml"
            if isinstance(stack_file, Path):
                shutil.copy(stack_file, target)
            else:
                target.write_text(yaml.safe_dump(stack_file))
            os.environ.update(sandbox.env())  # the providers' credentials and endpoints
            pulumi = PulumiCli(project, offline_env(work / "state", work / "home", base=env))
            pulumi.run("stack", "init", "bench")
            for phase, args in PHASES:
                sandbox.clear_request_logs()
                started = time.perf_counter()
                pulumi.run(*args, "--stack", "bench")
                timings[phase].append(time.perf_counter() - started)
                counted[phase] = calls(sandbox)
            # moto keeps its state per process, not per sandbox: leave no zone for the next round.
            boto3.client("route53", endpoint_url=env["AWS_ENDPOINT_URL_ROUTE_53"], region_name="us-east-1",
                         aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
                         aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"]).delete_hosted_zone(Id=r53_zone)
        print(f"  {label}: round {round_ + 1}/{repeat} done", file=sys.stderr)
    return [(phase, statistics.median(timings[phase]), counted[phase]) for phase, _ in PHASES]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="rounds per stack (median reported; default 3)")
    args = parser.parse_args()
    stacks = (("sandbox stack (2 subdomains, 21 resources)", ROOT / "stacks" / "Pulumi.sandbox.yaml"),
              ("largest stack (5 subdomains, 50 senders, 50 routes)", largest_stack()))
    print(f"| stack | operation | median s (of {args.repeat}) | API calls (reads/writes per service) |")
    print("|---|---|---|---|")
    for label, source in stacks:
        for phase, seconds, counted in run_stack(label, source, args.repeat):
            print(f"| {label} | {phase} | {seconds:.2f} | {counted} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A throw-away copy of the project driven through the real `pulumi` CLI against the sandbox."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from cloudflare import Cloudflare

from tests.engine import PulumiCli, offline_env
from mailgun_setup.mailgun.client import MailgunClient

from ..conftest import REPO
from mailgun_sandbox.seed import create_zone

from ..sandbox.helpers import lookup, route53, upsert


class Project:
    def __init__(self, root: Path, env: dict):
        self.root = root
        self.env = env
        self.cli = PulumiCli(root, env)

    def write_stack(self, stack: str, config: dict) -> None:
        body = {"config": {f"mailgun-setup:{k}": v for k, v in config.items()}}
        (self.root / "stacks" / f"Pulumi.{stack}.yaml").write_text(yaml.safe_dump(body, sort_keys=False))

    def pulumi(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return self.cli.run(*args, check=check)

    def set_secret(self, stack: str, path: str, value: str) -> None:
        """`pulumi config set --secret --path`: stored encrypted in the stack file, as users do."""
        self.pulumi("config", "set", "--secret", "--path", f"mailgun-setup:{path}", value, "--stack", stack)

    def init(self, stack: str, config: dict) -> None:
        self.write_stack(stack, config)
        self.pulumi("stack", "init", stack)

    def up(self, stack: str, *extra: str) -> subprocess.CompletedProcess:
        return self.pulumi("up", "--yes", "--stack", stack, *extra)

    def outputs(self, stack: str, show_secrets: bool = False) -> dict:
        args = ["stack", "output", "--json", "--stack", stack] + (["--show-secrets"] if show_secrets else [])
        return json.loads(self.pulumi(*args).stdout)

    def mailgun_setup(self, *args: str) -> subprocess.CompletedProcess:
        """Our own command line, run in the project folder as a user runs it."""
        return subprocess.run([sys.executable, "-m", "mailgun_setup.cli", *args], cwd=self.root, env=self.env,
                              capture_output=True, text=True, timeout=300)

    def handoff(self, stack: str) -> subprocess.CompletedProcess:
        return self.mailgun_setup("handoff", "--stack", stack)

    def urns(self, stack: str) -> list[str]:
        exported = json.loads(self.pulumi("stack", "export", "--stack", stack).stdout)
        return [r["urn"] for r in exported["deployment"].get("resources") or []]


def make_project(tmp_path: Path, sandbox_env: dict) -> Project:
    root = tmp_path / "project"
    root.mkdir()
    shutil.copy(REPO / "Pulumi.yaml", root / "Pulumi.yaml")
    shutil.copytree(REPO / "programs", root / "programs", ignore=shutil.ignore_patterns("__pycache__"))
    (root / "stacks").mkdir()
    env = offline_env(tmp_path / "state", tmp_path / "home", base={**os.environ, **sandbox_env})
    return Project(root, env)


def code_project(tmp_path: Path, sandbox_env: dict, program: str) -> Project:
    """A project whose program is ``program`` (Python source using the public API), stack files in stacks/."""
    root = tmp_path / "project"
    (root / "program").mkdir(parents=True)
    (root / "stacks").mkdir()
    (root / "Pulumi.yaml").write_text(yaml.safe_dump({"name": "mailgun-setup", "runtime": "python",
                                                      "main": "program/", "stackConfigDir": "stacks"}))
    (root / "program" / "__main__.py").write_text(program)
    return Project(root, offline_env(tmp_path / "state", tmp_path / "home", base={**os.environ, **sandbox_env}))


def new_zone(sandbox_env: dict, backend: str, name: str) -> str:
    return create_zone(sandbox_env, backend, name)


def hand_made_domain(sandbox_env: dict, unique: str, region: str = "us") -> tuple[str, str, dict]:
    """A Route 53 zone with a subdomain somebody created in Mailgun by hand (selector mg, 1-day
    retention): (domain, zone id, Mailgun's answer)."""
    zone = f"{unique}.com"
    domain = f"mail.{zone}"
    zone_id = new_zone(sandbox_env, "route53", zone)
    return domain, zone_id, mailgun(region).create_domain(domain, 1024, 86400, dkim_selector="mg")


def add_foreign(backend: str, zone_id: str, name: str, rtype: str, values: list[str]) -> None:
    """Records somebody else put in the zone, without our ownership marker."""
    if backend == "route53":
        upsert(route53(os.environ), zone_id, name, rtype, values)
    else:
        for value in values:
            Cloudflare().dns.records.create(zone_id=zone_id, type=rtype, name=name, content=value, ttl=1)


def zone_records(backend: str, zone_id: str) -> set:
    """Every record in the zone apart from SOA/NS, as (name, type, value) tuples."""
    if backend == "route53":
        pages = route53(os.environ).get_paginator("list_resource_record_sets").paginate(HostedZoneId=zone_id)
        return {(r["Name"].rstrip(".").lower(), r["Type"], v["Value"]) for page in pages
                for r in page["ResourceRecordSets"] if r["Type"] not in ("SOA", "NS")
                for v in r.get("ResourceRecords", [])}
    return {(r.name, r.type, r.content) for r in Cloudflare().dns.records.list(zone_id=zone_id)}


def mailgun(region: str) -> MailgunClient:
    return MailgunClient(os.environ["MAILGUN_API_KEY"], region)


def served(name: str, rtype: str) -> tuple:
    answer = lookup(os.environ).query(name, rtype)
    return tuple(sorted(answer.values)) if answer.status == "ok" else ()


def kill_tree(pid: int) -> None:
    """SIGKILL ``pid`` and every process below it, as a power cut or a killed CI runner does: the
    engine starts its plugins in process groups of their own, so killing its group leaves them
    running (orphans that hold ports and memory until the machine stops)."""
    import signal

    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="utf-8") as stat:
                    ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    doomed, todo = [], [pid]
    while todo:
        current = todo.pop()
        doomed.append(current)
        todo += children.get(current, [])
    for victim in doomed:
        try:
            os.kill(victim, signal.SIGKILL)
        except ProcessLookupError:
            pass

#!/usr/bin/env python3
"""Benchmark mailgun-setup through the real Pulumi engine against the sandbox.

    make bench                                   # everything below, results in bench/results/
    .venv/bin/python bench/run.py [--repeat 3] [--subdomains 5] [--senders 10] [--routes 10]
                                  [--scale 1,2,5,10,20] [--no-latency] [--out DIR]

For the main shape (default: 5 subdomains x 10 senders x 10 routes, receiving on, subdomains
alternating Route 53 / Cloudflare) it runs, each round in a fresh sandbox and state folder:
up from empty, no-op preview, no-op up, refresh, one password change, destroy; every phase
``--repeat`` times, reporting the median wall time, the API calls per service and method, the
writes, the DNS change batches and the state bytes per resource.

- baseline: the same resource graph (read from our state: same resources, parents and
  dependencies) made of dynamic resources that do nothing (bench/programs/null), same phases;
  ours / baseline is our overhead over the engine's.
- latency: the main shape again with 50 ms added to every API call of every sandbox service,
  compared with the critical path: the longest chain of dependent API calls x 50 ms. Calls are
  attributed to resources by one extra ``up --parallel 1`` (each request falls in the step
  that was running), then the longest path through the state's dependency graph is summed.
- scale: the phases for each size in ``--scale`` (above 5 subdomains the per-stack limit is
  lifted for the bench's own program only: ``bench:liftDomainLimit``), as a table and a PNG;
  each size's ``up`` is also timed, ours and the baseline's, with the engine's per-step
  checkpoints off (``PULUMI_SKIP_CHECKPOINTS=true``): the file backend rewrites the whole state
  after every step, a cost that grows with the square of the stack, and this tells it apart.

Results: ``<out>/bench.json`` (every figure), ``<out>/bench.md`` (tables, machine, versions)
and ``<out>/scale.png``.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import boto3
import yaml

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))

from tests.engine import PulumiCli, find_pulumi, offline_env  # noqa: E402
from mailgun_sandbox.runner import Sandbox  # noqa: E402
from mailgun_sandbox.seed import create_zone  # noqa: E402

from bench import analysis, import_time, report  # noqa: E402

ZONES = {"route53": "company.com", "cloudflare": "example.org"}
PASSWORD = "bench-password-1"
NEW_PASSWORD = "bench-password-2"
LATENCY = 0.05
PHASES = ("up", "no-op preview", "no-op up", "refresh", "password change", "destroy")
NO_CHECKPOINTS = {"PULUMI_SKIP_CHECKPOINTS": "true"}  # the engine's own switch: state written once, at the end


@dataclass(frozen=True)
class Shape:
    subdomains: int = 5
    senders: int = 10
    routes: int = 10

    @property
    def label(self) -> str:
        return f"{self.subdomains}x{self.senders}x{self.routes}"


def domain_entries(shape: Shape) -> list[dict]:
    """Receiving subdomains, alternately in the Route 53 and the Cloudflare zone."""
    entries = []
    for i in range(shape.subdomains):
        dns = "route53" if i % 2 == 0 else "cloudflare"
        name = f"m{i}.{ZONES[dns]}"
        users = [f"u{j}@{name}" for j in range(shape.senders)]
        entries.append({"name": name, "dns": dns, "receiving": True,
                        "senders": [{"username": u} for u in users],
                        "routes": [{"recipient": users[j % len(users)], "action": 'forward("http://hooks.example/in")'}
                                   for j in range(shape.routes)]})
    return entries


class EventTail(threading.Thread):
    """Follows an engine event log as it is written, stamping each event with the time it was seen."""

    def __init__(self, path: Path):
        super().__init__(daemon=True)
        self.path, self.events, self.done = path, [], threading.Event()

    def run(self) -> None:
        while not self.path.exists() and not self.done.is_set():
            time.sleep(0.002)
        buffer = ""
        with open(self.path) as handle:
            while True:
                chunk = handle.read()
                if chunk:
                    buffer += chunk
                    *lines, buffer = buffer.split("\n")
                    stamp = time.time()
                    self.events.extend((stamp, json.loads(line)) for line in lines if line.strip())
                elif self.done.is_set():
                    return
                else:
                    time.sleep(0.002)


class Round:
    """One sandbox, one state folder, one stack: the phases run in order."""

    def __init__(self, kind: str, shape: Shape, latency: float, graph: dict | None = None,
                 engine_env: dict | None = None):
        self.kind, self.shape, self.latency, self.graph = kind, shape, latency, graph
        self.engine_env = engine_env or {}

    def __enter__(self) -> "Round":
        self.sandbox = Sandbox().start()
        self.folder = Path(tempfile.mkdtemp(prefix="mailgun-setup-bench-"))
        env = {**os.environ, **self.sandbox.env(), **self.engine_env}
        self.zone_ids = {backend: create_zone(env, backend, zone) for backend, zone in ZONES.items()}
        project = self.folder / "project"
        project.mkdir()
        (project / "Pulumi.yaml").write_text(yaml.safe_dump(
            {"name": "mailgun-setup", "runtime": "python", "main": "program/"}))
        shutil.copytree(BENCH / "programs" / self.kind, project / "program", ignore=shutil.ignore_patterns("__pycache__"))
        if self.kind == "null":  # the provider process imports the baseline's provider module by name
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(project / "program"), env.get("PYTHONPATH")]))
        self.pulumi = PulumiCli(project, offline_env(self.folder / "state", self.folder / "home", base=env))
        if self.kind == "ours":
            (project / "Pulumi.bench.yaml").write_text(yaml.safe_dump({"config": {
                "mailgun-setup:verifyTimeout": "120", "mailgun-setup:domains": domain_entries(self.shape),
                "bench:liftDomainLimit": "true"}}))
        self.pulumi.run("stack", "init", "bench")
        if self.kind == "ours":
            self._password(PASSWORD)
        else:
            (self.folder / "graph.json").write_text(json.dumps(self.graph))
            self.pulumi.run("config", "set", "bench:graph", str(self.folder / "graph.json"), "--stack", "bench")
            self.pulumi.run("config", "set", "bench:bump", "0", "--stack", "bench")
        if self.latency:
            for service in self.sandbox.services.values():
                service.control.add_fault(path=".*", latency=self.latency, count=None)
        return self

    def _password(self, value: str) -> None:
        self.pulumi.run("config", "set", "--secret", "--path", "mailgun-setup:domains[0].senders[0].password", value,
                        "--stack", "bench")

    def prepare(self, phase: str) -> None:
        """What a user changes before the phase (outside the timing)."""
        if phase == "password change":
            if self.kind == "ours":
                self._password(NEW_PASSWORD)
            else:
                self.pulumi.run("config", "set", "bench:bump", "1", "--stack", "bench")

    def command(self, phase: str) -> tuple[str, ...]:
        return {"up": ("up", "--yes", "--skip-preview"), "no-op preview": ("preview", "--expect-no-changes"),
                "no-op up": ("up", "--yes", "--skip-preview", "--expect-no-changes"),
                "refresh": ("refresh", "--yes", "--skip-preview"),
                "password change": ("up", "--yes", "--skip-preview"),
                "destroy": ("destroy", "--yes", "--skip-preview")}[phase]

    def run(self, phase: str) -> dict:
        self.prepare(phase)
        self.sandbox.clear_request_logs()
        started = time.perf_counter()
        result = self.pulumi.run(*self.command(phase), "--stack", "bench", check=False)
        seconds = time.perf_counter() - started
        if result.returncode != 0:
            raise RuntimeError(f"{self.kind} {self.shape.label} {phase} failed:\n{result.stdout[-3000:]}\n"
                               f"{result.stderr[-3000:]}")
        figures = analysis.count_calls({name: self.sandbox.request_log(name) for name in self.sandbox.services})
        figures["seconds"] = seconds
        if phase != "destroy":
            figures["state"] = analysis.state_size(self.export())
        return figures

    def export(self) -> dict:
        return json.loads(self.pulumi.run("stack", "export", "--stack", "bench").stdout)

    def serial_up(self) -> tuple[list, dict]:
        """``up --parallel 1`` with the event log followed live: (events, request logs)."""
        log = self.folder / "events.jsonl"
        tail = EventTail(log)
        tail.start()
        self.sandbox.clear_request_logs()
        debug = PulumiCli(self.pulumi.cwd, {**self.pulumi.env, "PULUMI_DEBUG_COMMANDS": "true"})  # --event-log
        try:
            debug.run("up", "--yes", "--skip-preview", "--parallel", "1", "--event-log", str(log), "--stack", "bench")
        finally:
            time.sleep(0.05)
            tail.done.set()
            tail.join()
        return tail.events, {name: self.sandbox.request_log(name) for name in self.sandbox.services}

    def __exit__(self, *exc) -> None:
        # moto keeps its hosted zones per process, not per sandbox: leave none for the next round.
        env = self.sandbox.env()
        try:
            boto3.client("route53", endpoint_url=env["AWS_ENDPOINT_URL_ROUTE_53"], region_name="us-east-1",
                         aws_access_key_id=env["AWS_ACCESS_KEY_ID"], aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
                         ).delete_hosted_zone(Id=self.zone_ids["route53"])
        finally:
            self.sandbox.stop()
            shutil.rmtree(self.folder, ignore_errors=True)


def measure(kind: str, shape: Shape, repeat: int, latency: float = 0.0, graph: dict | None = None,
            keep_graph: bool = False, engine_env: dict | None = None, phases: tuple[str, ...] = PHASES) -> dict:
    """``repeat`` rounds of ``phases`` (up and destroy at least): median seconds; calls and state
    from the last round."""
    rounds: list[dict] = []
    captured = None
    for index in range(repeat):
        with Round(kind, shape, latency, graph, engine_env) as round_:
            figures = {}
            for phase in phases:
                figures[phase] = round_.run(phase)
                if phase == "up" and keep_graph and captured is None:
                    exported = round_.export()
                    captured = {"resources": analysis.graph_of(exported), "bump_urn": sender_urn(exported)}
            rounds.append(figures)
        print(f"  {kind} {shape.label} latency={latency * 1000:.0f}ms: round {index + 1}/{repeat}", file=sys.stderr,
              flush=True)
    measured = {}
    for phase in phases:
        last = dict(rounds[-1][phase])
        last["runs"] = [round(r[phase]["seconds"], 3) for r in rounds]
        last["seconds"] = round(statistics.median(last["runs"]), 3)
        last["calls_stable"] = len({r[phase]["calls"] for r in rounds}) == 1
        measured[phase] = last
    out = {"kind": kind, "shape": asdict(shape), "latency_ms": round(latency * 1000), "repeat": repeat,
           "phases": measured}
    if captured:
        out["graph"] = captured
    return out


def sender_urn(exported: dict) -> str | None:
    """The URN of the sender whose password the "password change" phase changes."""
    login = domain_entries(Shape(1, 1, 0))[0]["senders"][0]["username"]
    for resource in exported["deployment"]["resources"]:
        if resource["type"].endswith(":SenderIdentity") and resource["urn"].endswith("::" + login):
            return resource["urn"]
    return None


def critical_path(shape: Shape, graph: dict) -> dict:
    with Round("ours", shape, 0.0) as round_:
        events, logs = round_.serial_up()
        round_.run("destroy")
    records = [r for service in logs.values() for r in service]
    weights = analysis.attribute(events, records)
    calls, chain = analysis.critical_path(graph["resources"], weights)
    return {"calls": calls, "seconds_at_50ms": round(calls * LATENCY, 3), "chain": chain,
            "unattributed_calls": weights.get(None, 0), "attributed_calls": sum(weights.values()),
            "weights": {urn: n for urn, n in weights.items() if urn}}


def machine() -> dict:
    def version(command: list[str]) -> str:
        return subprocess.run(command, capture_output=True, text=True).stdout.strip()
    from importlib import metadata
    return {"platform": platform.platform(), "processor": platform.processor() or platform.machine(),
            "cpus": os.cpu_count(), "python": platform.python_version(), "pulumi_engine": version([str(find_pulumi()),
            "version"]), "pulumi_sdk": metadata.version("pulumi"), "boto3": metadata.version("boto3"),
            "cloudflare": metadata.version("cloudflare"), "moto": metadata.version("moto"),
            "mailgun_setup_commit": version(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"]),
            "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="rounds per measurement; the median is reported")
    parser.add_argument("--subdomains", type=int, default=5)
    parser.add_argument("--senders", type=int, default=10)
    parser.add_argument("--routes", type=int, default=10)
    parser.add_argument("--scale", default="1,2,5,10,20", help="subdomain counts for the scale table ('' skips)")
    parser.add_argument("--scale-repeat", type=int, default=None, help="rounds per scale point (default --repeat)")
    parser.add_argument("--no-latency", action="store_true", help="skip the 50 ms run and the critical path")
    parser.add_argument("--out", type=Path, default=BENCH / "results")
    args = parser.parse_args(argv)
    shape = Shape(args.subdomains, args.senders, args.routes)
    results: dict = {"machine": machine(), "shape": asdict(shape)}
    results["import"] = import_time.measure()  # `import mailgun_setup` / `import pulumi`, min of 5 processes
    ours = measure("ours", shape, args.repeat, keep_graph=True)
    graph = ours.pop("graph")
    results["ours"] = ours
    results["baseline"] = measure("null", shape, args.repeat, graph=graph)
    results["graph"] = {"resources": len(graph["resources"]),
                        "custom_resources": sum(1 for n in graph["resources"] if n["custom"])}
    if not args.no_latency:
        results["latency"] = measure("ours", shape, args.repeat, latency=LATENCY)
        results["critical_path"] = critical_path(shape, graph)
    results["scale"] = []
    scale_repeat = args.scale_repeat or args.repeat
    for size in [int(s) for s in args.scale.split(",") if s.strip()]:
        point = Shape(size, args.senders, args.routes)
        if point == shape and scale_repeat == args.repeat:  # the main measurement is this point
            measured, baseline, point_graph = ours, results["baseline"], graph
        else:
            measured = measure("ours", point, scale_repeat, keep_graph=True)
            point_graph = measured.pop("graph")
            baseline = measure("null", point, scale_repeat, graph=point_graph)
        no_checkpoints = {
            "phases": measure("ours", point, scale_repeat, engine_env=NO_CHECKPOINTS, phases=("up", "destroy"))["phases"],
            "baseline_phases": measure("null", point, scale_repeat, graph=point_graph,
                                       engine_env=NO_CHECKPOINTS, phases=("up", "destroy"))["phases"]}
        results["scale"].append({**measured, "baseline_phases": baseline["phases"], "no_checkpoints": no_checkpoints})
    results["targets"] = report.targets(results)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bench.json").write_text(json.dumps(results, indent=1, sort_keys=False))
    (args.out / "bench.md").write_text(report.markdown(results))
    if results["scale"]:
        report.plot(results["scale"], args.out / "scale.png")
    print(report.markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())

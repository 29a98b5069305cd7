"""What the bench computes from what it recorded: API calls, state size, the resource graph and
its critical path. Pure functions over request logs, engine events and `pulumi stack export`."""
from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from typing import Iterable, Optional

READ_METHODS = ("GET", "HEAD")
# A change batch: one Route 53 ChangeResourceRecordSets, one Cloudflare batch call.
BATCH_PATHS = {"route53": re.compile(r"/hostedzone/[^/]+/rrset/?$"),
               "cloudflare": re.compile(r"/dns_records/batch$")}
# Path segments that name one thing (an id, a domain, a login) become a placeholder, so that
# "one list per domain" and "one get per resource" show as counts of one endpoint.
_VARIABLE = re.compile(r"^(?:[0-9a-f]{16,}|[A-Z0-9]{10,}|.*[.@].*|\d+)$")


def endpoint(path: str) -> str:
    return "/".join("{}" if _VARIABLE.match(part) else part for part in path.split("/"))


def count_calls(logs: dict[str, list]) -> dict:
    """Request logs (service -> records with method, path) -> the figures of one phase."""
    per_service: dict[str, dict[str, int]] = {}
    endpoints: dict[str, dict[str, int]] = {}
    batches: dict[str, int] = {}
    reads = writes = 0
    for service, records in sorted(logs.items()):
        if not records:
            continue
        methods = Counter(r.method for r in records)
        per_service[service] = dict(sorted(methods.items()))
        endpoints[service] = dict(sorted(Counter(f"{r.method} {endpoint(r.path)}" for r in records).items()))
        writes += sum(n for m, n in methods.items() if m not in READ_METHODS)
        reads += sum(n for m, n in methods.items() if m in READ_METHODS)
        pattern = BATCH_PATHS.get(service)
        if pattern:
            batches[service] = sum(1 for r in records if r.method == "POST" and pattern.search(r.path))
    return {"calls": reads + writes, "reads": reads, "writes": writes, "per_service": per_service,
            "endpoints": endpoints, "change_batches": batches}


def is_custom(resource: dict) -> bool:
    return bool(resource.get("custom")) and not resource["type"].startswith("pulumi:providers:")


def state_size(exported: dict) -> dict:
    """Bytes of state: the whole checkpoint and each resource (compact JSON, as stored) per resource."""
    resources = [r for r in exported["deployment"].get("resources") or []
                 if r["type"] != "pulumi:pulumi:Stack" and not r["type"].startswith("pulumi:providers:")]
    sizes = defaultdict(list)
    for resource in resources:
        sizes[resource["type"]].append(len(json.dumps(resource, separators=(",", ":"))))
    fields: dict[str, list[int]] = defaultdict(list)  # what a custom resource's bytes are spent on
    for resource in resources:
        if not is_custom(resource):
            continue
        for key, value in resource.items():
            if key in ("inputs", "outputs"):
                value = dict(value)
                fields["__provider (inputs+outputs)"].append(len(json.dumps(value.pop("__provider", None))))
            fields[key].append(len(json.dumps(value, separators=(",", ":"))))
    total = len(json.dumps(exported, separators=(",", ":")))
    every = [n for values in sizes.values() for n in values]
    return {"resources": len(resources), "checkpoint_bytes": total,
            "bytes_per_resource": round(total / len(resources)) if resources else 0,
            "mean_resource_bytes": round(sum(every) / len(every)) if every else 0,
            "max_resource_bytes": max(every, default=0),
            "custom_bytes_by_field": {k: round(sum(v) / len(v)) for k, v in sorted(fields.items(), key=lambda i: -sum(i[1]))},
            "by_type": {t: {"count": len(v), "mean_bytes": round(sum(v) / len(v)), "max_bytes": max(v)}
                        for t, v in sorted(sizes.items())}}


def graph_of(exported: dict) -> list[dict]:
    """The program's resources in state order (parents and dependencies first), for the baseline."""
    nodes, names = [], set()
    for resource in exported["deployment"].get("resources") or []:
        if resource["type"] == "pulumi:pulumi:Stack" or resource["type"].startswith("pulumi:providers:"):
            continue
        names.add(resource["urn"])
        nodes.append({"urn": resource["urn"], "type": resource["type"], "name": resource["urn"].split("::")[-1],
                      "custom": is_custom(resource),
                      "parent": resource.get("parent") if resource.get("parent") in names else None,
                      "dependencies": [d for d in resource.get("dependencies") or [] if d in names]})
    return nodes


def attribute(events: list[tuple[float, dict]], records: Iterable) -> Counter:
    """API calls per resource URN, from a run with ``--parallel 1``: each request belongs to the
    resource whose step (ResourcePreEvent .. ResOutputsEvent, stamped when the bench saw them)
    was running when the request was served. Calls outside any step count as ``None``."""
    windows, open_steps = [], {}
    for seen_at, event in events:
        if "resourcePreEvent" in event:
            meta = event["resourcePreEvent"]["metadata"]
            open_steps[meta["urn"]] = seen_at
        elif "resOutputsEvent" in event:
            urn = event["resOutputsEvent"]["metadata"]["urn"]
            if urn in open_steps:
                windows.append((open_steps.pop(urn), seen_at, urn))
    counted: Counter = Counter()
    for record in records:
        owner: Optional[str] = None
        for start, end, urn in windows:
            if start <= record.at <= end:
                owner = urn
                break
        counted[owner] += 1
    return counted


def critical_path(nodes: list[dict], weights: dict) -> tuple[int, list[tuple[str, int]]]:
    """The longest chain of dependent API calls: a resource's calls start once every resource it
    depends on has finished; a component is finished when all its children are. Returns the
    number of calls on the longest chain and the chain itself (urn, calls)."""
    by_urn = {n["urn"]: n for n in nodes}
    children = defaultdict(list)
    for node in nodes:
        if node["parent"]:
            children[node["parent"]].append(node["urn"])

    def ancestors(urn: str) -> set:
        found, parent = set(), by_urn[urn]["parent"]
        while parent:
            found.add(parent)
            parent = by_urn[parent]["parent"]
        return found

    memo: dict[str, tuple[int, list]] = {}

    def finish(urn: str) -> tuple[int, list]:
        if urn in memo:
            return memo[urn]
        node = by_urn[urn]
        if node["custom"]:
            mine = ancestors(urn)
            before = [finish(d) for d in node["dependencies"] if d in by_urn and d not in mine]
            best = max(before, key=lambda f: f[0], default=(0, []))
            own = weights.get(urn, 0)
            memo[urn] = (best[0] + own, best[1] + [(urn, own)])
        else:
            memo[urn] = max((finish(c) for c in children[urn]), key=lambda f: f[0], default=(0, []))
        return memo[urn]

    return max((finish(n["urn"]) for n in nodes), key=lambda f: f[0], default=(0, []))

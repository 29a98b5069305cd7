"""The benchmark keeps working: its smallest shape, once, through the real engine (as CI runs it).

One subdomain with two senders and two routes, one round, and the scale "table" of that one
size: the result files must exist and hold figures a reader can trust (every phase timed, the
baseline measured on the same graph, writes where writes must be and none where none may be, a
PNG). The 50 ms run is left to `make bench` (it would double the time); the critical-path
arithmetic it relies on is tested below on a graph of known shape.
"""
import json
import sys as _sys
from types import SimpleNamespace
import subprocess
import sys

from .conftest import REPO


def test_smallest_shape_produces_sane_results(tmp_path):
    out = tmp_path / "results"
    run = subprocess.run([sys.executable, str(REPO / "bench" / "run.py"), "--subdomains", "1", "--senders", "2",
                          "--routes", "2", "--repeat", "1", "--scale", "1", "--no-latency", "--out", str(out)],
                         capture_output=True, text=True, timeout=300, cwd=REPO)
    assert run.returncode == 0, run.stderr[-3000:]
    results = json.loads((out / "bench.json").read_text())
    ours, base = results["ours"]["phases"], results["baseline"]["phases"]
    phases = ["up", "no-op preview", "no-op up", "refresh", "password change", "destroy"]
    assert list(ours) == phases and list(base) == phases
    assert all(ours[p]["seconds"] > 0 and base[p]["seconds"] > 0 for p in phases)
    # the baseline is the same graph and makes no API call
    assert results["graph"]["resources"] == ours["up"]["state"]["resources"] == base["up"]["state"]["resources"]
    assert all(base[p]["calls"] == 0 for p in phases)
    # ours writes when it must, and only then
    assert ours["up"]["per_service"]["mailgun-us"]["POST"] >= 1 + 2 + 2  # the domain, 2 logins, 2 routes
    assert ours["up"]["change_batches"]["route53"] >= 1
    assert ours["no-op preview"]["writes"] == 0 and ours["no-op up"]["writes"] == 0
    assert ours["password change"]["per_service"]["mailgun-us"] == {"PUT": 1} or \
        ours["password change"]["per_service"]["mailgun-us"].get("PUT") == 1
    assert ours["destroy"]["per_service"]["mailgun-us"]["DELETE"] >= 1 + 2 + 2
    assert 0 < ours["up"]["state"]["bytes_per_resource"] < 20000
    # the baseline is the engine's floor: no inputs of ours, its provider pickled by reference as ours is
    assert base["up"]["state"]["bytes_per_resource"] < ours["up"]["state"]["bytes_per_resource"]
    # a no-op preview finds every zone in the state: no DNS API read
    assert not {"route53", "cloudflare"} & set(ours["no-op preview"]["per_service"])
    assert [p["shape"]["subdomains"] for p in results["scale"]] == [1]
    # each scale point is timed again with the engine's checkpoints off, ours and the baseline's
    quiet = results["scale"][0]["no_checkpoints"]
    assert list(quiet["phases"]) == ["up", "destroy"] and list(quiet["baseline_phases"]) == ["up", "destroy"]
    assert quiet["phases"]["up"]["writes"] == ours["up"]["writes"] and quiet["baseline_phases"]["up"]["calls"] == 0
    assert {t["target"] for t in results["targets"]} >= {"no-op preview writes", "state bytes per resource"}
    report = (out / "bench.md").read_text()
    assert "ours / baseline" in report and "Machine" in report and "checkpoints off" in report
    assert (out / "scale.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "bench-password" not in (out / "bench.json").read_text() + report  # no secret leaks into results


_sys.path.insert(0, str(REPO))
from bench import analysis  # noqa: E402


def _node(urn, custom=True, parent=None, deps=()):
    return {"urn": urn, "type": "t", "name": urn, "custom": custom, "parent": parent, "dependencies": list(deps)}


def test_critical_path_is_the_longest_chain_of_dependent_calls():
    # domain (3 calls) -> records (2) -> verification (4) -> sender (2) -> route (2); a second
    # sender (1 call) hangs off the verification too; the component waits for its children.
    nodes = [_node("comp", custom=False), _node("domain", parent="comp"), _node("records", parent="comp", deps=["domain"]),
             _node("verify", parent="comp", deps=["records", "comp"]), _node("s1", parent="comp", deps=["verify"]),
             _node("s2", parent="comp", deps=["verify"]), _node("route", parent="comp", deps=["s1"]),
             _node("other", deps=["comp"])]
    weights = {"domain": 3, "records": 2, "verify": 4, "s1": 2, "s2": 1, "route": 2, "other": 1}
    calls, chain = analysis.critical_path(nodes, weights)
    assert calls == 3 + 2 + 4 + 2 + 2 + 1  # "other" waits for the whole component
    assert [urn for urn, _ in chain] == ["domain", "records", "verify", "s1", "route", "other"]


def test_calls_are_attributed_to_the_step_running_when_they_were_served():
    def pre(urn):
        return {"resourcePreEvent": {"metadata": {"urn": urn}}}

    def done(urn):
        return {"resOutputsEvent": {"metadata": {"urn": urn}}}

    events = [(1.0, pre("a")), (2.0, done("a")), (3.0, pre("b")), (4.0, done("b"))]
    records = [SimpleNamespace(at=t) for t in (1.5, 1.9, 3.5, 2.5)]
    assert analysis.attribute(events, records) == {"a": 2, "b": 1, None: 1}


def test_calls_are_counted_per_service_method_endpoint_and_batch():
    log = {"route53": [SimpleNamespace(method="POST", path="/2013-04-01/hostedzone/Z123ABC456DEF7/rrset/"),
                       SimpleNamespace(method="GET", path="/2013-04-01/hostedzone")],
           "mailgun-us": [SimpleNamespace(method="GET", path="/v3/domains/m0.company.com/credentials"),
                          SimpleNamespace(method="GET", path="/v3/domains/m1.company.com/credentials")]}
    counted = analysis.count_calls(log)
    assert counted["reads"] == 3 and counted["writes"] == 1 and counted["change_batches"] == {"route53": 1}
    assert counted["endpoints"]["mailgun-us"] == {"GET /v3/domains/{}/credentials": 2}
    assert counted["per_service"]["route53"] == {"GET": 1, "POST": 1}

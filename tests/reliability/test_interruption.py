"""Point 2, interruption: the engine stopped by SIGINT (Ctrl-C) or SIGKILL (power cut, CI timeout)
at seeded points of `pulumi up` and `pulumi destroy`, then recovered with the procedure in the
README ("Recovering from an interrupted run"); the next run converges with nothing orphaned or
duplicated.

A point is "right after the k-th write request the sandbox served" (any service): the run is
watched through the sandbox's request logs and the whole process group is signalled as soon as
the k-th write is logged. The points are drawn with a fixed seed from the writes one clean `up`
and one clean `destroy` of the same stack make, so they spread over the whole run; the last write
is never drawn (a run signalled after it has nothing left to write, so it would not be an
interruption), and the signalled run's exit status must show it did not finish. `destroy` is
stopped by SIGKILL only: on SIGINT the engine finishes the operations in flight, and a destroy
has all its remaining deletes in flight after its first write (measured: SIGINT after write 1 and
3 of 5 both exited 0 with the stack destroyed, so they were no interruption).
"""
from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import time

import pytest

from ..e2e.harness import kill_tree, mailgun, make_project, new_zone, zone_records
from .inventory import mismatches

pytestmark = pytest.mark.engine

POINT = "interruption"
SEED = 11
POINTS_PER_COMMAND = 5


def _config(domain: str) -> dict:
    return {"dns": "route53", "verifyTimeout": 30, "domains": [{
        "name": domain, "receiving": True,
        "senders": [{"username": f"support@{domain}"}, {"username": f"it@{domain}"}],
        "routes": [{"recipient": f"support@{domain}", "action": "stop()"}]}]}


ORPHAN_LOGIN = re.compile(r"password: (\S+@\S+) already exists in Mailgun .*never returns an existing password")


def recover(project, stack: str, command: str) -> list[str]:
    """The README's procedure, step by step; returns the steps it needed."""
    steps = []
    refresh = ("refresh", "--yes", "--clear-pending-creates", "--stack", stack)
    result = project.pulumi(*refresh, check=False)
    for _ in range(2):  # the two step-1 cases show one at a time, in either order (the checkpoint loads first)
        if result.returncode != 0 and "pulumi cancel" in result.stdout + result.stderr:
            project.pulumi("cancel", "--yes", "--stack", stack)  # step 1: the killed run's lock; nothing is running
            steps.append("cancel")
        elif result.returncode != 0 and "failed to load checkpoint: EOF" in result.stderr:
            # step 1b: killed while the file backend rewrote a sidecar, which it truncates first
            empty = [path for path in (project.root.parent / "state").rglob("*.attrs") if path.stat().st_size == 0]
            assert empty, "EOF with no empty .attrs file to blame"
            for path in empty:
                path.unlink()
            steps.append(f"delete {len(empty)} empty .attrs file(s)")
        else:
            break
        result = project.pulumi(*refresh, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    steps.append("refresh --clear-pending-creates")  # step 2
    run = project.pulumi(command, "--yes", "--stack", stack, check=False)  # step 3
    steps.append(command)
    text = run.stdout + run.stderr
    orphans = ORPHAN_LOGIN.findall(text)
    if run.returncode != 0 and orphans:
        for login in orphans:  # step 4: made by the killed run, its generated password never saved
            mailgun("us").delete_credential(login.split("@", 1)[1], login)
        steps.append(f"delete {len(orphans)} login(s) the killed run created")
        run = project.pulumi(command, "--yes", "--stack", stack, check=False)
        steps.append(command)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    return steps


def _interrupt(project, sandbox, stack: str, command: str, after_writes: int, sig: int) -> str:
    """Start `pulumi <command>`, signal it right after the sandbox served ``after_writes`` writes;
    returns what went wrong ("" when the run was stopped before it finished)."""
    sandbox.clear_request_logs()
    run = subprocess.Popen([project.cli.binary, command, "--yes", "--stack", stack, "--non-interactive"],
                           cwd=project.root, env=project.env, start_new_session=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while sum(sandbox.write_calls().values()) < after_writes and run.poll() is None:
        assert time.monotonic() < deadline, "the run never reached the point"
        time.sleep(0.005)
    if run.poll() is not None:
        return "finished before the signal"
    if sig == signal.SIGKILL:
        kill_tree(run.pid)  # the engine and its plugins, as a power cut or a killed runner
    else:
        os.killpg(run.pid, sig)
    try:
        run.wait(timeout=120)  # SIGINT: the engine finishes the operations in flight and saves state
    except subprocess.TimeoutExpired:
        kill_tree(run.pid)
        run.wait()
        return "ignored the signal for 120 s"
    if run.returncode == 0:
        return "the run finished with exit 0 despite the signal: it was not interrupted"
    return ""


def test_interrupted_up_and_destroy_recover_and_converge(tmp_path, sandbox_env, sandbox, unique, ledger):
    zone = f"{unique}.com"
    domain = f"mail.{zone}"
    zone_id = new_zone(sandbox_env, "route53", zone)
    project = make_project(tmp_path, sandbox_env)
    project.init("dev", _config(domain))
    zones, domains = {"route53": zone_id}, [(domain, "us")]

    sandbox.clear_request_logs()
    project.up("dev")
    up_writes = sum(sandbox.write_calls().values())
    sandbox.clear_request_logs()
    project.pulumi("destroy", "--yes", "--stack", "dev")
    destroy_writes = sum(sandbox.write_calls().values())
    rng = random.Random(SEED)
    # after write k, for k below the last write: the run still has work to do when the signal lands
    up_points = sorted(rng.sample(range(1, up_writes), min(POINTS_PER_COMMAND, up_writes - 1)))
    destroy_points = sorted(rng.sample(range(1, destroy_writes), min(POINTS_PER_COMMAND, destroy_writes - 1)))
    signals = [signal.SIGKILL, signal.SIGINT]

    def converged_up() -> list[str]:
        found = mismatches(project, "dev", zones, domains)
        summary = project.outputs("dev")["domains"][domain]
        if (summary["senderStatus"], summary["receiverStatus"]) != ("Verified", "Verified"):
            found.append(f"statuses {summary['senderStatus']}, {summary['receiverStatus']}")
        if {c["login"] for c in mailgun("us").list_credentials(domain)} != {f"support@{domain}", f"it@{domain}"}:
            found.append("logins differ from the declared ones")
        if project.pulumi("preview", "--expect-no-changes", "--stack", "dev", check=False).returncode != 0:
            found.append("preview after recovery still shows changes")
        return found

    def converged_destroy() -> list[str]:
        found = mismatches(project, "dev", zones, domains)
        if mailgun("us").get_domain(domain) is not None:
            found.append("the Mailgun domain is still there")
        if [r for r in mailgun("us").list_routes() if f"@{domain}" in r["expression"]]:
            found.append("a route is still there")
        if zone_records("route53", zone_id):
            found.append(f"records left in the zone: {sorted(zone_records('route53', zone_id))[:3]}")
        if project.urns("dev")[1:]:  # the Stack resource itself may remain
            found.append(f"state still holds {len(project.urns('dev')) - 1} resources")
        return found

    plan = [(command, k, sig, converged) for index, (k_up, k_destroy) in enumerate(zip(up_points, destroy_points))
            for command, k, sig, converged in (("up", k_up, signals[index % 2], converged_up),
                                               ("destroy", k_destroy, signal.SIGKILL, converged_destroy))]

    def name(command: str, k: int, sig: int) -> str:
        return f"{signal.Signals(sig).name} during {command}, after write {k} of " \
               f"{up_writes if command == 'up' else destroy_writes}"

    ledger.expect(POINT, [name(command, k, sig) for command, k, sig, _ in plan], note=f"kill points seeded ({SEED})")
    for command, k, sig, converged in plan:
        missed = _interrupt(project, sandbox, "dev", command, k, sig)
        try:
            steps = recover(project, "dev", command)
        except AssertionError as exc:  # the procedure did not recover: state unknown, later cases left unrun
            ledger.record(POINT, name(command, k, sig), False, "; ".join(x for x in (missed, f"recovery failed: {exc}")
                                                                        if x)[:1500], seed=SEED)
            break
        left = converged()
        ledger.record(POINT, name(command, k, sig), not missed and not left,
                      "; ".join([missed] + left if missed else left) or f"recovered with: {' → '.join(steps)}",
                      seed=SEED)
    assert not ledger.failed(POINT), ledger.failed(POINT)


def test_a_kill_that_left_an_empty_state_sidecar_is_recovered_by_the_procedure(tmp_path, sandbox_env, unique):
    """The state a SIGKILL leaves when it lands inside the file backend's sidecar rewrite (seen in
    CI; gocloud.dev fileblob's setAttrs truncates, then encodes), made on purpose: every command
    fails with "failed to load checkpoint: EOF" until the README's step removes the empty file."""
    domain = f"mail.{unique}.com"
    new_zone(sandbox_env, "route53", f"{unique}.com")
    project = make_project(tmp_path, sandbox_env)
    project.init("dev", _config(domain))
    project.up("dev")
    sidecar = next((tmp_path / "state").rglob("dev.json.attrs"))
    sidecar.write_bytes(b"")
    broken = project.pulumi("preview", "--stack", "dev", check=False)
    assert broken.returncode != 0 and "failed to load checkpoint: EOF" in broken.stderr
    assert recover(project, "dev", "up") == ["delete 1 empty .attrs file(s)", "refresh --clear-pending-creates", "up"]
    assert project.pulumi("preview", "--expect-no-changes", "--stack", "dev", check=False).returncode == 0

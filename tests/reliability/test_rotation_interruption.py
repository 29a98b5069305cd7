"""A DKIM key rotation killed (SIGKILL) right after each of its writes converges when run again,
and Mailgun never has two active keys for the domain at any moment the emulator observes.

The rotation's writes, in order: the new key (POST /v1/dkim/keys), the DNS batch with the new
record beside the old, Mailgun's verify, the old key's deactivation, the new key's activation, the
old key's deletion, the DNS batch taking the old record back (and verify calls in between). The
stack rotates again for each kill point (selectors k1, k2, …), so every point is a real rotation.
"""
from __future__ import annotations

import subprocess
import time

import pytest

from mailgun_sandbox.mailgun.domain_keys import key_store

from ..e2e.harness import kill_tree, mailgun, served
from .changes import ChangesProject, base_spec

pytestmark = pytest.mark.engine
POINT = "interruption"
KILL_POINTS = range(1, 10)


def _up_killed_after(project: ChangesProject, sandbox, writes: int) -> bool:
    """``pulumi up``, SIGKILLed as soon as the sandbox served ``writes`` writes; False if it finished first."""
    sandbox.clear_request_logs()
    run = subprocess.Popen([project.cli.binary, "up", "--yes", "--skip-preview", "--stack", project.stack,
                            "--non-interactive"], cwd=project.root, env=project.cli.env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 300
    while run.poll() is None and time.monotonic() < deadline:
        if sum(sandbox.write_calls().values()) >= writes:
            kill_tree(run.pid)
            run.wait()
            return True
        time.sleep(0.005)
    run.wait()
    return False


def _recover(project: ChangesProject) -> None:
    """The README's procedure after a killed run: release the lock, refresh clearing pending creates, up."""
    for empty in [p for p in (project.root.parent / "state").rglob("*.attrs") if p.stat().st_size == 0]:
        empty.unlink()  # a stack attributes file the kill left empty (cancel could not read it)
    cancel = project.pulumi("cancel", "--yes", check=False)
    locks = list((project.root.parent / "state").rglob(".pulumi/locks/**/*.json"))
    assert not locks, f"the killed run's lock is still there after `pulumi cancel`: {cancel.stdout} {cancel.stderr}"
    project.pulumi("refresh", "--yes", "--clear-pending-creates")
    project.pulumi("up", "--yes", "--skip-preview")


def test_a_rotation_killed_at_each_write_converges(tmp_path, sandbox_env, sandbox, unique, ledger):
    project = ChangesProject.with_zone(tmp_path, sandbox_env, f"{unique}.com")
    spec = base_spec(project.zone)
    name = spec["domains"][0]["name"]
    cases = [f"DKIM rotation killed after write {k}" for k in KILL_POINTS]
    ledger.expect(POINT, cases)
    project.apply(spec)
    try:
        for k, case in zip(KILL_POINTS, cases):
            spec["domains"][0]["dkim_selector"] = f"k{k}"
            spec["domains"][0]["dkim_key_length"] = 2048 if k % 2 else 1024
            project.write(spec)
            killed = _up_killed_after(project, sandbox, k)
            _recover(project)
            keys = mailgun("us").request("GET", f"/v4/domains/{name}/keys")["items"]
            problems = project.problems()
            if [(key["selector"], key["dns_record"]["is_active"]) for key in keys] != [(f"k{k}", True)]:
                problems.append(f"keys after recovery: {keys}")
            if not served(f"k{k}._domainkey.{name}", "TXT"):
                problems.append("the new key's record is not served")
            if key_store(sandbox.mailgun).most_active[name] > 1:
                problems.append("two keys were active at once")
            ledger.record(POINT, case, not problems,
                          ("killed" if killed else "the run finished before this write: not interrupted")
                          + ("; " + "; ".join(problems) if problems else ""))
    finally:
        project.destroy()
    assert not ledger.failed(POINT), "\n".join(ledger.failed(POINT))

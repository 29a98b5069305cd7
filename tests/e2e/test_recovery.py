"""A failed or interrupted `pulumi up` is re-run and converges; nothing is lost or left behind."""
import subprocess
import time

import pytest

from .harness import kill_tree, mailgun, make_project, new_zone, zone_records

pytestmark = pytest.mark.engine


def _config(domain: str) -> dict:
    return {"dns": "route53", "verifyTimeout": 30, "domains": [{
        "name": domain, "receiving": True,
        "senders": [{"username": f"support@{domain}"}, {"username": f"it@{domain}"}],
        "routes": [{"recipient": f"support@{domain}", "action": "stop()"}]}]}


def _converged(project, stack: str, domain: str) -> None:
    summary = project.outputs(stack)["domains"][domain]
    assert (summary["senderStatus"], summary["receiverStatus"]) == ("Verified", "Verified")
    assert {c["login"] for c in mailgun("us").list_credentials(domain)} == {f"support@{domain}", f"it@{domain}"}
    assert len([r for r in mailgun("us").list_routes() if domain in r["expression"]]) == 1
    project.pulumi("preview", "--expect-no-changes", "--stack", stack)


def _destroyed(project, stack: str, domain: str, zone_id: str) -> None:
    project.pulumi("destroy", "--yes", "--stack", stack)
    assert mailgun("us").get_domain(domain) is None
    assert not [r for r in mailgun("us").list_routes() if domain in r["expression"]]
    assert zone_records("route53", zone_id) == set()


@pytest.fixture
def fresh(tmp_path, sandbox_env, unique):
    """A project with stack `dev` declaring a receiving subdomain of a new, empty Route 53 zone."""
    zone = f"{unique}.com"
    domain = f"mail.{zone}"
    zone_id = new_zone(sandbox_env, "route53", zone)
    project = make_project(tmp_path, sandbox_env)
    project.init("dev", _config(domain))
    return project, domain, zone_id


def test_rejected_writes_fail_the_run_and_the_next_run_converges(fresh, sandbox):
    project, domain, zone_id = fresh

    # Route 53 refuses the batch: the Mailgun domain exists, no record was written.
    sandbox.control("route53").add_fault(path=r"/rrset/?$", method="POST", status=400, code="InvalidChangeBatch",
                                         count=None)
    failed = project.pulumi("up", "--yes", "--stack", "dev", check=False)
    assert failed.returncode != 0 and "InvalidChangeBatch" in failed.stdout
    assert mailgun("us").get_domain(domain) is not None and zone_records("route53", zone_id) == set()

    # Mailgun refuses the SMTP credentials: records are in and verified, the senders are not.
    sandbox.control("route53").clear_faults()
    sandbox.control("mailgun-us").add_fault(path=r"/credentials$", method="POST", status=400, count=None)
    failed = project.pulumi("up", "--yes", "--stack", "dev", check=False)
    assert failed.returncode != 0 and f"/v3/domains/{domain}/credentials failed with 400" in failed.stdout
    assert mailgun("us").list_credentials(domain) == []

    sandbox.control("mailgun-us").clear_faults()
    project.up("dev")
    _converged(project, "dev", domain)
    _destroyed(project, "dev", domain, zone_id)


def test_an_up_killed_mid_create_is_cancelled_rerun_and_converges(fresh, sandbox):
    project, domain, zone_id = fresh
    slow_create = sandbox.control("mailgun-us").add_fault(path=r"/v4/domains$", method="POST", latency=3)
    run = subprocess.Popen([project.cli.binary, "up", "--yes", "--stack", "dev", "--non-interactive"],
                           cwd=project.root, env=project.env, start_new_session=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while slow_create.count > 0:  # the POST that creates the domain has arrived (and is held 3 s)
        assert time.monotonic() < deadline, "the run never sent the create"
        time.sleep(0.05)
    time.sleep(1)  # create() is now inside the 3 s POST that creates it
    kill_tree(run.pid)  # power cut: the engine records nothing more
    run.wait()
    while mailgun("us").get_domain(domain) is None:  # Mailgun had the request: it finishes creating the domain
        assert time.monotonic() < deadline, "the killed run's create never reached Mailgun"
        time.sleep(0.2)

    locked = project.pulumi("up", "--yes", "--stack", "dev", check=False)
    assert locked.returncode != 0 and "pulumi cancel" in locked.stderr  # the engine's own guidance
    project.pulumi("cancel", "--yes", "--stack", "dev")
    rerun = project.up("dev")
    assert "interrupted while creating" in rerun.stdout  # the engine's warning about the pending create
    _converged(project, "dev", domain)
    _destroyed(project, "dev", domain, zone_id)


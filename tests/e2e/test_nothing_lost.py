"""Routine changes never lose what the stack declares (each failed before holders and domain identity).

A DKIM change, a sender renamed in code and a domain renamed in code each end with everything the
stack declares still at Mailgun and in DNS, the state agreeing with the services both ways, and a
refreshed preview with nothing to do. Two stacks sharing a new subdomain deploy at the same moment
and both end up holding it.
"""
import concurrent.futures
import json

import pytest

from ..reliability.changes import ChangesProject, base_spec
from .harness import mailgun, served

pytestmark = pytest.mark.engine


@pytest.fixture
def project(tmp_path, sandbox_env, unique):
    project = ChangesProject.with_zone(tmp_path, sandbox_env, f"{unique}.com")
    project.apply(base_spec(project.zone))
    assert project.problems() == []
    yield project
    project.destroy()


def logins(domain: str) -> set[str]:
    return {c["login"] for c in mailgun("us").list_credentials(domain)}


def test_a_dkim_change_is_a_rotation_in_place_that_keeps_everything(project, sandbox):
    """1024 → 2048 bits, the selector left out (so it follows the length, mg → mg2048): the same Mailgun
    domain, logins, route and webhook; the new key signs, the old key and its record are gone; never two
    keys active at once."""
    spec = base_spec(project.zone)
    name = spec["domains"][0]["name"]
    before = project.outputs()
    domain_id = mailgun("us").get_domain(name)["domain"]["id"]
    route_ids = {r["id"] for r in mailgun("us").list_routes() if f"@{name}" in r["expression"]}
    spec["domains"][0]["dkim_key_length"] = 2048
    preview = project.preview(spec)
    assert "DKIM key rotation mg (1024) → mg2048 (2048): in place" in preview.stdout + preview.stderr
    assert f"TXT mg2048._domainkey.{name}" in preview.stdout and "replace" not in preview.stdout
    assert "since mailgun-setup" not in preview.stdout + preview.stderr  # a length change, not the upgrade's
    project.apply(spec)
    body = mailgun("us").get_domain(name)
    assert body["domain"]["id"] == domain_id and body["domain"]["dkim_key_size"] == 2048
    assert {r["id"] for r in mailgun("us").list_routes() if f"@{name}" in r["expression"]} == route_ids
    assert logins(name) == {f"support@{name}", f"hr@{name}"}
    assert project.outputs()[f"password support@{name}"] == before[f"password support@{name}"]
    assert served(f"mg._domainkey.{name}", "TXT") == () and served(f"mg2048._domainkey.{name}", "TXT")
    keys = mailgun("us").request("GET", f"/v4/domains/{name}/keys")["items"]
    assert [(k["selector"], k["dns_record"]["is_active"]) for k in keys] == [("mg2048", True)]
    from mailgun_sandbox.mailgun.domain_keys import key_store
    assert key_store(sandbox.mailgun).most_active[name] == 1
    assert project.problems() == []


def test_a_sender_renamed_in_code_keeps_its_login(project):
    spec = base_spec(project.zone)
    name = spec["domains"][0]["name"]
    spec["domains"][0]["senders"][1]["resource"] = "hr2"  # declared password: nothing changes for the bot
    spec["domains"][0]["senders"][0]["resource"] = "support2"  # generated password: a new one is set
    spec["domains"][0]["routes"][0]["sender"] = "support2"
    up = project.apply(spec)
    assert "kept, now held by" in up.stdout
    assert logins(name) == {f"support@{name}", f"hr@{name}"}
    assert project.problems() == []


def test_a_domain_renamed_in_code_keeps_the_domain_and_its_records(project):
    spec = base_spec(project.zone)
    name = spec["domains"][0]["name"]
    old_id = mailgun("us").get_domain(name)["domain"]["id"]
    spec["domains"][0]["resource"] = "mail2"
    project.apply(spec)
    assert mailgun("us").get_domain(name)["domain"]["id"] == old_id
    assert served(name, "MX") == ("10 mxa.mailgun.org", "10 mxb.mailgun.org")
    assert logins(name) == {f"support@{name}", f"hr@{name}"}
    assert project.problems() == []


def test_a_domain_moved_into_a_component_keeps_everything(project):
    spec = base_spec(project.zone)
    spec["domains"][0]["parent"] = "bot"
    project.apply(spec)
    assert project.problems() == []


@pytest.mark.parametrize("round_", range(3))
def test_two_stacks_sharing_a_new_subdomain_deploy_at_once(tmp_path, sandbox_env, unique, round_):
    zone = f"{unique}.com"
    uat = ChangesProject.with_zone(tmp_path / "uat", sandbox_env, zone, stack="uat")
    prod = ChangesProject(tmp_path / "prod", sandbox_env, zone, stack="prod")
    prod.zone_id = uat.zone_id
    spec = base_spec(zone)
    spec["domains"][0]["senders"][0]["password"] = "hrPassword"  # a shared login needs its password in both
    for project in (uat, prod):
        project.write(spec)
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        runs = list(pool.map(lambda p: p.pulumi("up", "--yes", "--skip-preview", check=False), (uat, prod)))
    assert [r.returncode for r in runs] == [0, 0], [r.stdout[-3000:] for r in runs]
    name = spec["domains"][0]["name"]
    claims = served(f"_mailgun-setup.{name}", "TXT")
    assert any("owner=mailgun-setup-changes/uat" in c for c in claims), claims
    assert any("owner=mailgun-setup-changes/prod" in c for c in claims), claims
    routes = [r for r in mailgun("us").list_routes() if f"@{name}" in r["expression"]]
    assert len(routes) == 1, routes
    for project in (uat, prod):
        assert project.pulumi("preview", "--refresh", "--expect-no-changes", check=False).returncode == 0
    uat.destroy()
    assert mailgun("us").get_domain(name) is not None and logins(name)  # prod still holds it
    prod.destroy()
    assert mailgun("us").get_domain(name) is None


def test_a_rename_interrupted_before_the_old_resource_is_deleted_converges(project, sandbox):
    """The up that creates the renamed sender fails before the engine deletes the old one (a route update
    after it meets a lasting Mailgun fault): the next up deletes the old resource and keeps the login."""
    spec = base_spec(project.zone)
    name = spec["domains"][0]["name"]
    spec["domains"][0]["senders"][0]["resource"] = "support2"
    spec["domains"][0]["routes"][0]["sender"] = "support2"
    spec["domains"][0]["routes"][0]["description"] = "helpdesk, after the rename"
    sandbox.control("mailgun-us").add_fault(path=r"^/v3/routes/", method="PUT", status=503, count=None)
    try:
        failed = project.apply_unchecked(spec)
    finally:
        sandbox.control("mailgun-us").clear_faults()
    assert failed.returncode != 0
    urns = [r["urn"] for r in json.loads(project.pulumi("stack", "export").stdout)["deployment"]["resources"]]
    assert any(u.endswith("::support") for u in urns) and any(u.endswith("::support2") for u in urns)
    project.apply(spec)
    assert logins(name) == {f"support@{name}", f"hr@{name}"}
    assert project.problems() == []

"""UAT and Prod declaring the same subdomain: the second adopts, destroying either never breaks the other."""
import pytest

from .harness import add_foreign, mailgun, make_project, new_zone, served, zone_records

pytestmark = pytest.mark.engine


def _config(domain: str, own_sender: str) -> dict:
    return {"dns": "route53", "verifyTimeout": 30, "domains": [{
        "name": domain, "receiving": True,
        "senders": [{"username": f"support@{domain}"}, {"username": f"{own_sender}@{domain}"}],
        "routes": [{"recipient": f"support@{domain}", "action": 'forward("https://helpdesk.example/in")'}]}]}


@pytest.mark.parametrize("first", ["uat", "prod"])
def test_two_stacks_share_a_subdomain(first, tmp_path, sandbox_env, unique):
    zone = f"{unique}.com"
    domain = f"mail.{zone}"
    zone_id = new_zone(sandbox_env, "route53", zone)
    add_foreign("route53", zone_id, domain, "TXT", ["v=spf1 a ~all"])
    foreign = zone_records("route53", zone_id)
    project = make_project(tmp_path, sandbox_env)
    for stack in ("uat", "prod"):
        project.init(stack, _config(domain, f"{stack}-bot"))
        project.set_secret(stack, "domains[0].senders[0].password", "shared-support-pass")
        project.up(stack)
        assert project.outputs(stack)["domains"][domain]["senderStatus"] == "Verified"
    claims = served(f"_mailgun-setup.{domain}", "TXT")
    assert len(claims) == 2 and all("owner=mailgun-setup/" in c for c in claims)
    assert len([r for r in mailgun("us").list_routes() if domain in r["expression"]]) == 1  # adopted, not doubled

    second = "prod" if first == "uat" else "uat"
    project.pulumi("destroy", "--yes", "--stack", first)
    body = mailgun("us").get_domain(domain)
    assert body is not None, "the other stack's domain must stay"
    logins = {c["login"] for c in mailgun("us").list_credentials(domain)}
    assert logins == {f"support@{domain}", f"{second}-bot@{domain}"}  # only the destroyed stack's own sender went
    assert [r for r in mailgun("us").list_routes() if domain in r["expression"]]
    dkim = next(r for r in body["sending_dns_records"] if "._domainkey." in r["name"])
    assert served(dkim["name"], "TXT") == (dkim["value"],)
    assert served(domain, "MX")
    project.pulumi("refresh", "--yes", "--stack", second)
    project.pulumi("preview", "--expect-no-changes", "--stack", second)

    project.pulumi("destroy", "--yes", "--stack", second)
    assert mailgun("us").get_domain(domain) is None
    assert not [r for r in mailgun("us").list_routes() if domain in r["expression"]]
    assert zone_records("route53", zone_id) == foreign

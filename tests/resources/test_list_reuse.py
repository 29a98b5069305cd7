"""Creates of one run list SMTP logins once per domain and routes once per region, not once each,
and still see their own writes and other writers' logins (issue 12: fewer API calls)."""
import pytest

from mailgun_setup.mailgun.client import MailgunClient
from mailgun_setup.resources.route import ReceiverRouteProvider
from mailgun_setup.resources.sender import SenderIdentityProvider


@pytest.fixture
def domain(sandbox_env, unique):
    name = f"mail.{unique}.com"
    client = MailgunClient(sandbox_env["MAILGUN_API_KEY"], "us")
    client.create_domain(name, 1024, 0)
    return client, name


def _lists(sandbox, path: str) -> int:
    return sum(1 for r in sandbox.request_log("mailgun-us") if r.method == "GET" and r.path == path)


def _sender(name: str, login: str, password="pass-word-1") -> dict:
    return {"domain": name, "region": "us", "username": login, "password": password, "sender_status": "Verified",
            "mode": "automatic", "owner": "project/stack", "nameservers": []}


def test_senders_of_one_domain_share_one_list_and_see_each_other(sandbox, domain):
    client, name = domain
    provider = SenderIdentityProvider()
    sandbox.clear_request_logs()
    for i in range(4):
        provider.create(_sender(name, f"u{i}@{name}"))
    assert _lists(sandbox, f"/v3/domains/{name}/credentials") == 1
    assert {c["login"] for c in client.list_credentials(name)} == {f"u{i}@{name}" for i in range(4)}
    # a login this run made is in the cached list: declared again, its password is set, no second create
    sandbox.clear_request_logs()
    provider.create(_sender(name, f"u0@{name}", "pass-word-2"))
    assert [(r.method, r.path) for r in sandbox.request_log("mailgun-us")] == [
        ("PUT", f"/v3/domains/{name}/credentials/u0@{name}")]


def test_a_login_another_writer_made_after_the_list_is_adopted_not_failed(sandbox, domain):
    client, name = domain
    provider = SenderIdentityProvider()
    provider.create(_sender(name, f"first@{name}"))  # this run's list is now cached
    client.create_credential(name, f"late@{name}", "other-pass-1")  # another stack, after our list
    made = provider.create(_sender(name, f"late@{name}", "pass-word-2")).outs
    assert made["login"] == f"late@{name}" and made["waiting"] is None
    assert [c["login"] for c in client.list_credentials(name)].count(f"late@{name}") == 1


def test_routes_of_one_region_share_one_list_and_are_never_made_twice(sandbox, domain):
    client, name = domain
    provider = ReceiverRouteProvider()
    sandbox.clear_request_logs()

    def route(i):
        return {"domain": name, "region": "us", "recipient": f"u{i}@{name}", "actions": ['forward("http://h/in")'],
                "description": "", "priority": 0, "receiver_status": "Verified", "mode": "automatic",
                "owner": "project/stack", "nameservers": []}

    made = [provider.create(route(i)).outs for i in range(3)]
    again = provider.create(route(0)).outs  # the same route again: found in the cached list, updated
    assert _lists(sandbox, "/v3/routes") == 1
    assert again["route_id"] == made[0]["route_id"]
    mine = [r for r in client.list_routes() if r["expression"].endswith(f'{name}")')]
    assert len(mine) == 3

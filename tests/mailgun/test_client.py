"""The Mailgun client against the sandbox: shapes, regions, retries, and errors free of secrets."""
import time

import pytest

from mailgun_setup.errors import ConfigError, MailgunApiError
from mailgun_setup.mailgun.client import MailgunClient, api_key_from_env, base_url_for


@pytest.fixture
def client(sandbox_env):
    return MailgunClient(api_key_from_env(), "us")


def test_region_hosts_come_from_the_environment(sandbox_env, monkeypatch):
    assert base_url_for("eu") == sandbox_env["MAILGUN_API_URL_EU"]
    monkeypatch.delenv("MAILGUN_API_URL_US")
    assert base_url_for("us") == "https://api.mailgun.net"
    with pytest.raises(ConfigError, match="region"):
        base_url_for("asia")


def test_domain_lifecycle(client, unique):
    name = f"mail.{unique}.com"
    assert client.get_domain(name) is None
    created = client.create_domain(name, dkim_key_size=1024, message_ttl=86400)
    assert created["domain"]["message_ttl"] == 86400
    assert client.update_domain(name, message_ttl=0)["domain"]["message_ttl"] == 0
    assert client.verify_domain(name)["domain"]["state"] == "unverified"
    client.delete_domain(name)
    assert client.get_domain(name) is None


def test_credentials_and_routes_paginate(client, sandbox_env, unique, monkeypatch):
    import mailgun_setup.mailgun.client as module
    monkeypatch.setattr(module, "PAGE_SIZE", 2)
    name = f"mail.{unique}.com"
    client.create_domain(name, dkim_key_size=1024, message_ttl=0)
    for user in ("a", "b", "c", "d", "e"):
        client.create_credential(name, f"{user}@{name}", "pass-" + user * 5)
    assert sorted(c["login"] for c in client.list_credentials(name)) == [f"{u}@{name}" for u in "abcde"]
    generated = client.create_credential(name, f"gen@{name}", None)
    assert generated and 5 <= len(generated) <= 32
    route = client.create_route(5, "d", f'match_recipient("a@{name}")', ['forward("http://h/")'])
    assert route["id"] in [r["id"] for r in client.list_routes()]
    client.delete_route(route["id"])
    assert client.get_route(route["id"]) is None


def test_eu_domain_goes_to_the_eu_host(sandbox, sandbox_env, unique):
    eu = MailgunClient(api_key_from_env(), "eu")
    eu.create_domain(f"mail.{unique}.eu", dkim_key_size=1024, message_ttl=0)
    assert [r.path for r in sandbox.request_log("mailgun-eu")] == ["/v4/domains"]
    assert sandbox.request_log("mailgun-us") == []


def test_429_waits_for_retry_after_then_succeeds(client, sandbox, unique):
    sandbox.control("mailgun-us").add_fault(path="^/v4/domains/", method="GET", status=429, retry_after=1, count=1)
    sandbox.control("mailgun-us").add_fault(path="^/v4/domains/", method="GET", status=503, count=1)
    started = time.monotonic()
    assert client.get_domain(f"none.{unique}.com") is None
    assert time.monotonic() - started >= 1.0
    assert [r.status for r in sandbox.request_log("mailgun-us")] == [429, 503, 404]


def test_errors_name_the_call_but_never_the_key(sandbox_env, unique):
    bad = MailgunClient("key-that-must-not-leak", "us")
    with pytest.raises(MailgunApiError) as info:
        bad.create_domain(f"mail.{unique}.com", dkim_key_size=1024, message_ttl=0)
    assert info.value.status == 401
    assert "POST /v4/domains failed with 401: Invalid private key" in str(info.value)
    assert "key-that-must-not-leak" not in str(info.value) + repr(bad)


def test_missing_api_key_is_a_config_error(monkeypatch):
    monkeypatch.delenv("MAILGUN_API_KEY", raising=False)
    with pytest.raises(ConfigError, match="apiKey"):
        api_key_from_env()


# --- retention: only when asked for, within the plan ------------------------------------------
def test_create_without_retention_sends_no_message_ttl(client, mailgun_account, unique):
    mailgun_account.settings({"plan": "free", "over_plan": "refuse"})  # 3 days would be refused
    body = client.create_domain(f"mail.{unique}.com", dkim_key_size=1024)
    assert body["domain"]["message_ttl"] == 0  # the free plan's retention, chosen by Mailgun


# --- deletion finishes in the background ------------------------------------------------------
def test_delete_waits_for_the_background_deletion_with_progress(client, mailgun_account, unique, monkeypatch):
    name = f"mail.{unique}.com"
    client.create_domain(name, dkim_key_size=1024)
    mailgun_account.settings({"deletion_delay": 3.0})
    monkeypatch.setenv("MAILGUN_SETUP_DELETE_WAIT", "8")  # progress every 15 s, or after a quarter of the wait
    notes: list[str] = []
    started = time.monotonic()
    client.delete_domain(name, poll=0.2, progress=notes.append)
    assert time.monotonic() - started >= 3.0
    assert any("still deleting" in n for n in notes) and "deleted by Mailgun after" in notes[-1]
    assert client.create_domain(name, dkim_key_size=2048)["domain"]["name"] == name  # the name is free again


def test_delete_wait_is_bounded_and_says_how_to_wait_longer(client, mailgun_account, unique):
    name = f"mail.{unique}.com"
    client.create_domain(name, dkim_key_size=1024)
    mailgun_account.settings({"deletion_delay": 5.0})
    with pytest.raises(MailgunApiError, match="still exists 1s after deletion.*MAILGUN_SETUP_DELETE_WAIT"):
        client.delete_domain(name, wait=1, poll=0.2)


def test_delete_wait_defaults_to_five_minutes_and_rejects_nonsense(monkeypatch):
    from mailgun_setup.mailgun.client import delete_wait_from_env
    monkeypatch.delenv("MAILGUN_SETUP_DELETE_WAIT", raising=False)
    assert delete_wait_from_env() == 300
    monkeypatch.setenv("MAILGUN_SETUP_DELETE_WAIT", "soon")
    with pytest.raises(ConfigError, match="MAILGUN_SETUP_DELETE_WAIT: must be a number of seconds"):
        delete_wait_from_env()


# --- a create whose answer is lost is not made twice -------------------------------------------
def _drop_next(sandbox, path, method="POST"):
    sandbox.control("mailgun-us").add_fault(path=path, method=method, drop_answer=True, count=1)


def test_lost_answer_to_a_route_create_makes_no_duplicate(client, sandbox, unique):
    expression = f'match_recipient("support@mail.{unique}.com")'
    _drop_next(sandbox, "^/v3/routes$")
    route = client.create_route(3, "support", expression, ['forward("http://h/")'])
    mine = [r for r in client.list_routes() if r["expression"] == expression]
    assert [r["id"] for r in mine] == [route["id"]]
    assert [r.method for r in sandbox.request_log("mailgun-us") if r.path == "/v3/routes"][:2] == ["POST", "GET"]


def test_lost_answer_to_a_credential_create_makes_no_duplicate_and_a_usable_password(client, sandbox, unique):
    name = f"mail.{unique}.com"
    client.create_domain(name, dkim_key_size=1024)
    _drop_next(sandbox, "/credentials$")
    password = client.create_credential(name, f"support@{name}", None)
    assert [c["login"] for c in client.list_credentials(name)] == [f"support@{name}"]
    assert password and sandbox.mailgun.credentials[name][f"support@{name}"].accepts(password)


def test_lost_answer_to_a_domain_create_makes_one_domain(client, sandbox, unique):
    name = f"mail.{unique}.com"
    _drop_next(sandbox, "^/v4/domains$")
    body = client.create_domain(name, dkim_key_size=1024)
    assert body["domain"]["name"] == name and body["sending_dns_records"]
    posts = [r for r in sandbox.request_log("mailgun-us") if r.method == "POST"]
    assert len(posts) == 1 and client.get_domain(name) is not None


def test_a_5xx_to_a_create_is_reconciled_then_sent_again(client, sandbox, unique):
    expression = f'match_recipient("hr@mail.{unique}.com")'
    sandbox.control("mailgun-us").add_fault(path="^/v3/routes$", method="POST", status=502, count=1)
    client.create_route(1, "hr", expression, ['forward("http://h/")'])
    assert len([r for r in client.list_routes() if r["expression"] == expression]) == 1
    calls = [(r.method, r.status) for r in sandbox.request_log("mailgun-us") if r.path == "/v3/routes"]
    assert calls[:3] == [("POST", 502), ("GET", 200), ("POST", 200)]


def test_a_429_to_a_create_is_retried_by_urllib3(client, sandbox, unique):
    sandbox.control("mailgun-us").add_fault(path="^/v3/routes$", method="POST", status=429, retry_after=0, count=1)
    client.create_route(1, "it", f'match_recipient("it@mail.{unique}.com")', ['forward("http://h/")'])
    assert [(r.method, r.status) for r in sandbox.request_log("mailgun-us") if r.path == "/v3/routes"] \
        == [("POST", 429), ("POST", 200)]


def test_a_shared_client_keeps_one_connection_alive_across_calls_and_threads(sandbox_env, unique):
    """Each provider call used to open a new connection (a TCP and a TLS handshake at Mailgun)."""
    from concurrent.futures import ThreadPoolExecutor

    from mailgun_setup.mailgun.client import shared_client

    client = shared_client(api_key_from_env(), "us")
    assert shared_client(api_key_from_env(), "us") is client
    assert shared_client("another-key", "us") is not client and shared_client(api_key_from_env(), "eu") is not client
    client.create_domain(f"mail.{unique}.com", 1024)
    for _ in range(5):
        assert client.get_domain(f"mail.{unique}.com")["domain"]["name"] == f"mail.{unique}.com"
    pools = client.session.get_adapter(client.base_url).poolmanager.pools
    (pool,) = [pools[key] for key in pools.keys()]
    assert pool.num_connections == 1  # six calls, one connection
    with ThreadPoolExecutor(4) as threads:  # as the provider process serves the engine: on 4 threads
        names = list(threads.map(lambda _: client.get_domain(f"mail.{unique}.com")["domain"]["name"], range(40)))
    assert names == [f"mail.{unique}.com"] * 40 and pool.num_connections <= 4

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

"""The emulator's keys API: keys that really authenticate, each only as far as its role allows."""
import time

import pytest
import requests

from mailgun_sandbox.mailgun.messages import message_log


@pytest.fixture
def api(sandbox_env):
    base, primary = sandbox_env["MAILGUN_API_URL_US"], ("api", sandbox_env["MAILGUN_API_KEY"])

    def call(method, path, key=None, host=base, **kwargs):
        return requests.request(method, host + path, auth=("api", key) if key else primary, **kwargs)
    return call


@pytest.fixture
def domain(api, unique):
    name = f"mail.{unique}.com"
    assert api("POST", "/v4/domains", data={"name": name}).status_code == 200
    return name


def _key(api, **form):
    response = api("POST", "/v1/keys", data=form)
    assert response.status_code == 200, response.text
    return response.json()["key"]


def _send(api, key, domain, **kw):
    return api("POST", f"/v3/{domain}/messages", key=key, data={"from": f"bot@{domain}", "to": "x@example.com",
                                                                  "subject": "hi", "text": "hello"}, **kw)


def test_secret_is_shown_once_and_never_listed(api, domain):
    key = _key(api, role="basic", description="metrics exporter")
    assert key["secret"] and key["role"] == "basic" and key["kind"] == "user"
    listed = api("GET", "/v1/keys").json()["items"]
    mine = next(k for k in listed if k["id"] == key["id"])
    assert mine["description"] == "metrics exporter" and "secret" not in mine
    assert key["secret"] not in api("GET", "/v1/keys").text


def test_basic_key_reads_but_cannot_write(api, domain):
    secret = _key(api, role="basic")["secret"]
    assert api("GET", "/v4/domains", key=secret).status_code == 200
    assert api("GET", f"/v3/domains/{domain}/webhooks", key=secret).status_code == 200
    for method, path, data in [("POST", "/v4/domains", {"name": f"x.{domain}"}),
                               ("DELETE", f"/v3/domains/{domain}", None),
                               ("POST", f"/v3/domains/{domain}/webhooks", {"id": "delivered", "url": "https://h/x"})]:
        refused = api(method, path, key=secret, data=data)
        assert refused.status_code == 403, (method, path)
    assert _send(api, secret, domain).status_code == 403
    assert api("GET", "/v1/keys", key=secret).status_code == 403  # key management is admin-only
    assert api("GET", f"/v4/domains/{domain}").status_code == 200  # nothing was deleted


def test_sending_key_sends_for_its_domain_only(api, domain, sandbox, unique):
    other = f"other.{unique}.com"
    api("POST", "/v4/domains", data={"name": other})
    key = _key(api, role="sending", kind="domain", domain_name=domain, description="app")
    assert key["domain_name"] == domain
    sent = _send(api, key["secret"], domain)
    assert sent.status_code == 200 and sent.json()["message"] == "Queued. Thank you."
    assert [m.id for m in message_log(sandbox.mailgun).for_domain(domain)] == [sent.json()["id"]]
    assert _send(api, key["secret"], other).status_code == 403
    for method, path in [("GET", "/v4/domains"), ("GET", f"/v4/domains/{domain}"),
                         ("GET", f"/v3/domains/{domain}/webhooks"), ("PUT", f"/v4/domains/{domain}/verify"),
                         ("GET", "/v1/keys")]:
        assert api(method, path, key=key["secret"]).status_code == 403, (method, path)
    assert message_log(sandbox.mailgun).for_domain(other) == []


def test_admin_key_does_everything_including_managing_keys(api, domain):
    admin = _key(api, role="admin")["secret"]
    assert api("PUT", f"/v4/domains/{domain}", key=admin, data={"message_ttl": "0"}).status_code == 200
    created = api("POST", "/v1/keys", key=admin, data={"role": "basic"})
    assert created.status_code == 200
    assert api("DELETE", f"/v1/keys/{created.json()['key']['id']}", key=admin).status_code == 200
    assert _send(api, admin, domain).status_code == 200


def test_revoked_and_expired_keys_fail(api, domain):
    key = _key(api, role="admin")
    assert api("GET", "/v4/domains", key=key["secret"]).status_code == 200
    assert api("DELETE", f"/v1/keys/{key['id']}").status_code == 200
    revoked = api("GET", "/v4/domains", key=key["secret"])
    assert revoked.status_code == 401 and revoked.json() == {"message": "Invalid private key"}
    assert api("DELETE", f"/v1/keys/{key['id']}").status_code == 404
    short = _key(api, role="basic", expiration="1")
    assert short["expires_at"]
    time.sleep(1.2)
    assert api("GET", "/v4/domains", key=short["secret"]).status_code == 401
    assert api("GET", "/v4/domains", key="not-a-key").status_code == 401


def test_keys_are_account_wide_across_regions(api, domain, sandbox_env):
    key = _key(api, role="basic")
    eu = sandbox_env["MAILGUN_API_URL_EU"]
    assert api("GET", "/v4/domains", key=key["secret"], host=eu).status_code == 200
    assert key["id"] in [k["id"] for k in api("GET", "/v1/keys", host=eu).json()["items"]]


@pytest.mark.parametrize("form,status,words", [
    ({}, 400, "role is required"),
    ({"role": "owner"}, 400, "role must be one of"),
    ({"role": "basic", "kind": "robot"}, 400, "kind must be one of"),
    ({"role": "sending"}, 400, "domain kind"),
    ({"role": "sending", "kind": "domain"}, 400, "domain_name is required"),
    ({"role": "basic", "kind": "domain", "domain_name": "{domain}"}, 400, "sending role"),
    ({"role": "sending", "kind": "domain", "domain_name": "nope.example.org"}, 404, "Domain not found"),
    ({"role": "basic", "expiration": "0"}, 400, "greater than 0"),
    ({"role": "basic", "kind": "web"}, 400, "email and user_id"),
])
def test_bad_key_requests_are_refused_with_the_rule(api, domain, form, status, words):
    form = {k: v.format(domain=domain) for k, v in form.items()}
    response = api("POST", "/v1/keys", data=form)
    assert response.status_code == status and words in response.json()["message"]


def test_messages_need_a_sender_recipient_and_body_and_a_domain_on_that_region(api, domain, sandbox_env):
    assert api("POST", f"/v3/{domain}/messages", data={"to": "x@example.com", "text": "t"}).json()["message"] \
        == "from parameter is missing"
    assert api("POST", f"/v3/{domain}/messages", data={"from": "a@b.c", "to": "x@example.com"}).status_code == 400
    assert _send(api, None, domain, host=sandbox_env["MAILGUN_API_URL_EU"]).status_code == 404  # region-bound


def test_webhook_rules_kinds_three_urls_and_region(api, domain, sandbox_env):
    hooks = f"/v3/domains/{domain}/webhooks"
    bad_kind = api("POST", hooks, data={"id": "bounced", "url": "https://h/a"})
    assert bad_kind.status_code == 400 and "permanent_fail" in bad_kind.json()["Reason"]
    four = api("POST", hooks, data={"id": "delivered", "url": [f"https://h/{i}" for i in range(4)]})
    assert four.status_code == 400 and "3" in four.json()["Reason"]
    assert api("POST", hooks, data={"id": "delivered", "url": "ftp://h/a"}).status_code == 400
    three = api("POST", hooks, data={"id": "delivered", "url": [f"https://h/{i}" for i in range(3)]})
    assert three.status_code == 200 and len(three.json()["webhook"]["urls"]) == 3
    assert api("GET", hooks, host=sandbox_env["MAILGUN_API_URL_EU"]).status_code == 404  # a US domain's webhooks

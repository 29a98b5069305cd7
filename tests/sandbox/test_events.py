"""Events of each message: listed by the events API and POSTed, signed with the account's key, to the
webhooks of that domain and kind; only loopback URLs are called."""
import pytest

from mailgun_sandbox.mail.system import mail_system
from mailgun_setup.webhooks import VerifiedWebhooks, WebhookVerifier

from .mail_helpers import Recorder, api, published_domain, wait_for


@pytest.fixture
def app():
    recorder = Recorder()
    yield recorder
    recorder.close()


def _send(env, domain, *to):
    assert api(env, "POST", f"/v3/{domain}/messages", data={"from": f"bot@{domain}", "to": list(to),
                                                            "subject": "Order", "text": "shipped"}).status_code == 200


def _hook(env, domain, kind, *urls):
    assert api(env, "POST", f"/v3/domains/{domain}/webhooks", data={"id": kind, "url": list(urls)}).status_code == 200


def test_outcome_per_recipient_domain_in_the_events_api(sandbox_env, unique):
    domain, _ = published_domain(sandbox_env, unique, receiving=False)
    _send(sandbox_env, domain, "customer@example.com", "nobody@bounce.invalid", "slow@mx.test")
    items = api(sandbox_env, "GET", f"/v3/{domain}/events").json()["items"]
    seen = [(e["event"], e["recipient"], e.get("severity")) for e in items]
    assert seen == [("accepted", "customer@example.com", None), ("delivered", "customer@example.com", None),
                    ("accepted", "nobody@bounce.invalid", None), ("failed", "nobody@bounce.invalid", "permanent"),
                    ("accepted", "slow@mx.test", None), ("failed", "slow@mx.test", "temporary")]
    bounce = items[3]
    assert bounce["delivery-status"]["code"] == 550 and bounce["reason"] == "bounce"
    assert bounce["recipient-domain"] == "bounce.invalid" and bounce["message"]["headers"]["subject"] == "Order"
    assert bounce["storage"]["url"].endswith(f"/v3/domains/{domain}/messages/{bounce['storage']['key']}")
    failed = api(sandbox_env, "GET", f"/v3/{domain}/events", params={"event": "failed"}).json()["items"]
    assert [e["recipient"] for e in failed] == ["nobody@bounce.invalid", "slow@mx.test"]
    assert api(sandbox_env, "GET", f"/v3/{domain}/events", region="eu").status_code == 404


def test_each_kind_reaches_its_webhooks_signed_with_the_account_key(sandbox_env, unique, app):
    domain, _ = published_domain(sandbox_env, unique, receiving=False)
    key = api(sandbox_env, "GET", "/v5/accounts/http_signing_key").json()["http_signing_key"]
    verified = Recorder(wrap=lambda inner: VerifiedWebhooks(inner, WebhookVerifier(key)))
    try:
        _hook(sandbox_env, domain, "permanent_fail", verified.url("/bounces"))
        _hook(sandbox_env, domain, "delivered", app.url("/delivered"))
        _hook(sandbox_env, domain, "temporary_fail", app.url("/deferred"))
        _send(sandbox_env, domain, "customer@example.com", "nobody@bounce.invalid", "slow@mx.test")
        wait_for(lambda: len(app.calls) == 2 and verified.calls, what="three webhook calls")
        [bounce] = verified.calls
        assert bounce["body"]["event-data"]["severity"] == "permanent" and verified.answers == [200]
        by_path = {c["path"]: c["body"]["event-data"] for c in app.calls}
        assert by_path["/delivered"]["recipient"] == "customer@example.com"
        assert by_path["/deferred"]["severity"] == "temporary"
        assert set(bounce["body"]["signature"]) == {"timestamp", "token", "signature"}
    finally:
        verified.close()


def test_a_regenerated_key_signs_from_then_on(sandbox_env, unique):
    domain, _ = published_domain(sandbox_env, unique, receiving=False)
    old = api(sandbox_env, "GET", "/v5/accounts/http_signing_key").json()["http_signing_key"]
    new = api(sandbox_env, "POST", "/v5/accounts/http_signing_key").json()["http_signing_key"]
    assert new != old and api(sandbox_env, "GET", "/v5/accounts/http_signing_key", region="eu").json() == {
        "http_signing_key": new}  # account-wide: both regions
    apps = {k: Recorder(wrap=lambda inner, k=k: VerifiedWebhooks(inner, WebhookVerifier(k))) for k in (old, new)}
    try:
        _hook(sandbox_env, domain, "delivered", apps[old].url(), apps[new].url())
        _send(sandbox_env, domain, "customer@example.com")
        wait_for(lambda: len(apps[old].answers) + len(apps[new].answers) == 2, what="both calls answered")
        assert apps[new].answers == [200] and apps[old].answers == [404]  # the old key no longer verifies
    finally:
        for recorder in apps.values():
            recorder.close()


def test_only_loopback_urls_are_called(sandbox, sandbox_env, unique, app):
    domain, _ = published_domain(sandbox_env, unique, receiving=False)
    _hook(sandbox_env, domain, "delivered", "https://hooks.example.com/mailgun", app.url("/ok"))
    _send(sandbox_env, domain, "customer@example.com")
    wait_for(lambda: app.calls, what="the loopback call")
    poster = mail_system(sandbox.mailgun).poster
    outside = wait_for(lambda: [c for c in poster.calls if "example.com" in c.url and c.outcome != "queued"])
    assert [c.outcome for c in outside] == ["skipped"]

"""The inbound MX: mail for a domain with Verified receiver records goes through the region's routes
(match_recipient / match_header / catch_all; forward to a URL or an address, store with notify, stop)."""
import smtplib
from email.message import EmailMessage

import pytest

from mailgun_sandbox.mail.system import mail_system
from mailgun_setup.webhooks import VerifiedWebhooks, WebhookVerifier

from .mail_helpers import Recorder, api, published_domain, wait_for


@pytest.fixture
def helpdesk():
    recorder = Recorder()
    yield recorder
    recorder.close()


CREATED = []  # routes are account-wide: each test removes its own (see the autouse fixture)


@pytest.fixture(autouse=True)
def _remove_routes(sandbox_env):
    yield
    while CREATED:
        region, route_id = CREATED.pop()
        api(sandbox_env, "DELETE", f"/v3/routes/{route_id}", region)


def _route(env, expression, *actions, priority=0, region="us"):
    body = api(env, "POST", "/v3/routes", region, data={"priority": priority, "expression": expression,
                                                        "action": list(actions), "description": "test"}).json()
    CREATED.append((region, body["route"]["id"]))
    return body["route"]["id"]


def _deliver(env, to, subject="Help please", sender="customer@example.org", body="My order is late.\n"):
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = f"Customer <{sender}>", to, subject
    message.set_content(body)
    host, port = env["MAILGUN_SETUP_MX"].split(":")
    with smtplib.SMTP(host, int(port), timeout=10) as smtp:
        return smtp.send_message(message)


def test_forward_to_a_url_posts_mailguns_fields_signed(sandbox_env, unique, helpdesk):
    domain, _ = published_domain(sandbox_env, unique)
    key = api(sandbox_env, "GET", "/v5/accounts/http_signing_key").json()["http_signing_key"]
    verified = Recorder(wrap=lambda inner: VerifiedWebhooks(inner, WebhookVerifier(key)))
    try:
        _route(sandbox_env, f'match_recipient("support@{domain}")', f'forward("{verified.url("/tickets")}")')
        _deliver(sandbox_env, f"support@{domain}",
                 body="My order is late.\n\nOn Monday, Shop wrote:\n> Shipped!\n-- \nAnn\n")
        [call] = wait_for(lambda: verified.calls, what="the helpdesk call")
        fields = call["body"]
        assert verified.answers == [200] and call["type"] == "application/x-www-form-urlencoded"
        assert fields["recipient"] == f"support@{domain}" and fields["sender"] == "customer@example.org"
        assert fields["from"] == "Customer <customer@example.org>" and fields["subject"] == "Help please"
        assert fields["body-plain"].startswith("My order is late.") and "Shipped" in fields["body-plain"]
        assert fields["stripped-text"] == "My order is late." and fields["stripped-signature"] == "Ann"
        assert {"timestamp", "token", "signature", "message-headers"} <= set(fields)
    finally:
        verified.close()


def test_priority_order_header_match_catch_all_and_stop(sandbox, sandbox_env, unique, helpdesk):
    domain, _ = published_domain(sandbox_env, unique, region="eu")
    urgent = _route(sandbox_env, 'match_header("subject", "(?i).*urgent.*")', f'forward("{helpdesk.url("/urgent")}")',
                    'forward("oncall@example.org")', "stop()", priority=1, region="eu")
    everything = _route(sandbox_env, "catch_all()", f'forward("{helpdesk.url("/all")}")', priority=5, region="eu")
    _route(sandbox_env, "catch_all()", f'forward("{helpdesk.url("/us-only")}")', priority=0)  # another region
    _deliver(sandbox_env, f"sales@{domain}", subject="URGENT: down")
    _deliver(sandbox_env, f"sales@{domain}", subject="a question")
    wait_for(lambda: len(helpdesk.calls) == 2, what="two forwards")
    assert sorted(c["path"] for c in helpdesk.calls) == ["/all", "/urgent"]  # stop() kept catch_all off the first
    first, second = [r for r in mail_system(sandbox.mailgun).inbound if r.recipient == f"sales@{domain}"]
    assert first.routes == [urgent] and "forward to oncall@example.org (logged)" in first.actions
    assert first.actions[-1] == "stop" and second.routes == [everything]


def test_store_keeps_the_message_and_notifies(sandbox_env, unique, helpdesk):
    domain, _ = published_domain(sandbox_env, unique)
    _route(sandbox_env, f'match_recipient(".*@{domain}")', f'store(notify="{helpdesk.url("/stored")}")')
    _deliver(sandbox_env, f"hr@{domain}", subject="CV")
    [call] = wait_for(lambda: helpdesk.calls, what="the store notification")
    url = call["body"]["message-url"]
    assert call["body"]["domain"] == domain and call["body"]["subject"] == "CV"
    stored = api(sandbox_env, "GET", url[url.index("/v3/"):]).json()
    assert stored["subject"] == "CV" and stored["recipients"] == f"hr@{domain}"
    assert [e["event"] for e in api(sandbox_env, "GET", f"/v3/{domain}/events").json()["items"]] == ["stored"]


def test_patterns_match_the_whole_recipient(sandbox, sandbox_env, unique, helpdesk):
    domain, _ = published_domain(sandbox_env, unique)
    _route(sandbox_env, f'match_recipient("support@{domain}")', f'forward("{helpdesk.url()}")')
    _deliver(sandbox_env, f"nosupport@{domain}")
    _deliver(sandbox_env, f"SUPPORT@{domain.upper()}")
    wait_for(lambda: helpdesk.calls, what="the case-insensitive match")
    records = [r for r in mail_system(sandbox.mailgun).inbound if r.recipient.lower().endswith(domain)]
    assert [bool(r.routes) for r in records] == [False, True]


def test_mail_for_a_domain_without_verified_receiver_records_is_refused(sandbox_env, unique):
    domain, _ = published_domain(sandbox_env, unique, receiving=False)
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        _deliver(sandbox_env, f"support@{domain}")
    code, reason = refused.value.recipients[f"support@{domain}"]
    assert code == 550 and b"receiver records not Verified" in reason and b"mxa.mailgun.org" in reason
    with pytest.raises(smtplib.SMTPRecipientsRefused) as unknown:
        _deliver(sandbox_env, f"support@not-ours.{unique}.org")
    assert b"is not a Mailgun domain of this account" in unknown.value.recipients[f"support@not-ours.{unique}.org"][1]

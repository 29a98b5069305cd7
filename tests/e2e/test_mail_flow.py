"""Mail flows through what a stack made, from code and from YAML, through the real engine.

`up` a domain with two senders, a route forwarding support@ to a local helpdesk app, a
permanent_fail webhook to a local app behind VerifiedWebhooks configured with the
WebhookSigningKey output. Then smtplib logs in with a sender's outputs and sends one mail to a
customer and one to an address that bounces: the stored mail verifies with dkimpy against the
sandbox DNS, the app accepts the signed permanent_fail and a forged call gets 404; mail to
support@ through the MX reaches the helpdesk; after a password change the old password gets 535.
"""
import smtplib
import textwrap
from email.message import EmailMessage

import pytest
import requests

from mailgun_setup.webhooks import VerifiedWebhooks, WebhookVerifier

from ..sandbox.mail_helpers import Recorder, api, dkim_verifies, wait_for
from .harness import code_project, make_project, new_zone

pytestmark = pytest.mark.engine

PROGRAM = textwrap.dedent('''
    import pulumi
    import mailgun_setup as mg

    config = pulumi.Config()
    domain = mg.MailgunDomain("domain", name=config.require("domain"), region="us", retention_days=1,
                              receiving=True, dns="route53", verify_timeout=60)
    support = mg.SenderIdentity("support", domain=domain, username="support@" + config.require("domain"),
                                password=config.require_secret("supportPassword"))
    hr = mg.SenderIdentity("hr", domain=domain, username="hr@" + config.require("domain"))
    mg.ReceiverRoute("support", sender=support, actions=[f'forward("{config.require("helpdesk")}")'])
    mg.Webhook("bounces", domain=domain, kind="permanent_fail", urls=[config.require("bounces")])
    signing = mg.WebhookSigningKey("signing")
    pulumi.export("supportPassword", support.password)
    pulumi.export("hrPassword", hr.password)
    pulumi.export("webhookSigningKey", signing.key)
''')


class KeyFromStack:
    """The app's webhook endpoint, wrapped in VerifiedWebhooks once the stack has output the key."""

    def __init__(self, inner):
        self.inner, self.verified = inner, None

    def configure(self, key: str) -> None:
        self.verified = VerifiedWebhooks(self.inner, WebhookVerifier(key))

    def __call__(self, environ, start_response):
        return self.verified(environ, start_response)


@pytest.fixture
def apps():
    holder = []
    bounces = Recorder(wrap=lambda inner: holder.append(KeyFromStack(inner)) or holder[0])
    helpdesk = Recorder()
    yield bounces, holder[0], helpdesk
    bounces.close()
    helpdesk.close()


def _smtp(env, name="MAILGUN_SETUP_SMTP_US") -> smtplib.SMTP:
    host, port = env[name].split(":")
    return smtplib.SMTP(host, int(port), timeout=10)


def _mail(sender, to, subject) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message.set_content(f"{subject}\n")
    return message


def _send_as(env, login, password, to, subject):
    with _smtp(env) as smtp:
        smtp.login(login, password)
        smtp.send_message(_mail(login, to, subject))


def _assert_mail_flows(env, domain, login, password, apps):
    """The checks both ways in share, after `up` (the app already configured with the output key)."""
    bounces, _, helpdesk = apps
    _send_as(env, login, password, "customer@example.com", "Your order")
    _send_as(env, login, password, "nobody@bounce.invalid", "Your invoice")

    # the stored mail (found the way a user would: events API → storage URL) verifies with dkimpy
    accepted = api(env, "GET", f"/v3/{domain}/events", params={"event": "accepted"}).json()["items"]
    assert {"customer@example.com", "nobody@bounce.invalid"} <= {e["recipient"] for e in accepted}
    for event in accepted:
        url = event["storage"]["url"]
        raw = requests.get(url, auth=("api", env["MAILGUN_API_KEY"]), headers={"Accept": "message/rfc2822"},
                           timeout=10).json()["body-mime"].encode()
        assert dkim_verifies(raw, env), event["recipient"]

    # the bounce reaches the app signed with the key the stack output; the app accepts it
    [call] = wait_for(lambda: bounces.calls, what="the permanent_fail call")
    assert call["body"]["event-data"]["recipient"] == "nobody@bounce.invalid" and bounces.answers == [200]
    forged = {"signature": {"timestamp": call["body"]["signature"]["timestamp"], "token": "x" * 50,
                            "signature": "0" * 64}, "event-data": {"event": "failed"}}
    assert requests.post(bounces.url("/"), json=forged, timeout=10).status_code == 404
    assert len(bounces.calls) == 1

    # mail to support@ through the MX arrives at the helpdesk app
    mx_host, mx_port = env["MAILGUN_SETUP_MX"].split(":")
    with smtplib.SMTP(mx_host, int(mx_port), timeout=10) as mx:
        mx.send_message(_mail("customer@example.org", f"support@{domain}", "Where is my order?"))
    [ticket] = wait_for(lambda: helpdesk.calls, what="the forwarded mail")
    assert ticket["body"]["recipient"] == f"support@{domain}" and ticket["body"]["subject"] == "Where is my order?"


def test_mail_flow_from_code(tmp_path, sandbox_env, unique, apps):
    zone, domain = f"{unique}.com", f"mail.{unique}.com"
    new_zone(sandbox_env, "route53", zone)
    project = code_project(tmp_path, sandbox_env, PROGRAM)
    bounces, app, helpdesk = apps
    project.init("dev", {"domain": domain, "helpdesk": helpdesk.url("/tickets"), "bounces": bounces.url("/mailgun")})
    project.set_secret("dev", "supportPassword", "first-password")
    up = project.up("dev")
    out = project.outputs("dev", show_secrets=True)
    assert out["webhookSigningKey"] not in up.stdout + up.stderr
    assert project.outputs("dev")["webhookSigningKey"] == "[secret]"
    app.configure(out["webhookSigningKey"])
    _send_as(sandbox_env, f"hr@{domain}", out["hrPassword"], "colleague@example.com", "Generated password works")
    _assert_mail_flows(sandbox_env, domain, f"support@{domain}", out["supportPassword"], apps)

    project.set_secret("dev", "supportPassword", "second-password")
    project.up("dev")
    with pytest.raises(smtplib.SMTPAuthenticationError) as refused, _smtp(sandbox_env) as smtp:
        smtp.login(f"support@{domain}", "first-password")
    assert refused.value.smtp_code == 535
    with _smtp(sandbox_env) as smtp:
        assert smtp.login(f"support@{domain}", "second-password")[0] == 235


def test_mail_flow_from_yaml(tmp_path, sandbox_env, unique, apps):
    zone, domain = f"{unique}.com", f"mail.{unique}.com"
    new_zone(sandbox_env, "route53", zone)
    project = make_project(tmp_path, sandbox_env)
    bounces, app, helpdesk = apps
    project.init("dev", {"dns": "route53", "verifyTimeout": 60, "webhookSigningKey": {}, "domains": [{
        "name": domain, "region": "us", "retentionDays": 1, "receiving": True,
        "senders": [{"username": f"support@{domain}"}, {"username": f"hr@{domain}"}],
        "routes": [{"recipient": f"support@{domain}", "action": f'forward("{helpdesk.url("/tickets")}")'}],
        "webhooks": [{"kind": "permanent_fail", "urls": [bounces.url("/mailgun")]}]}]})
    project.up("dev")
    out = project.outputs("dev", show_secrets=True)
    assert project.outputs("dev")["webhookSigningKey"] == "[secret]"
    app.configure(out["webhookSigningKey"])
    _assert_mail_flows(sandbox_env, domain, f"hr@{domain}", out["senderPasswords"][f"hr@{domain}"], apps)

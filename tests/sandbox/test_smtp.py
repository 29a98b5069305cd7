"""SMTP submission: AUTH with the domain's SMTP credentials, per region; accepted mail is DKIM-signed,
stored and retrievable like an API message."""
import smtplib
from email.message import EmailMessage

import pytest

from mailgun_sandbox.mail.system import mail_system

from .helpers import route53, upsert
from .mail_helpers import api, credential, dkim_verifies, published_domain


def _smtp(env, region="us") -> smtplib.SMTP:
    host, port = env[f"MAILGUN_SETUP_SMTP_{region.upper()}"].split(":")
    return smtplib.SMTP(host, int(port), timeout=10)


def _mail(sender, to, subject="Hello") -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message.set_content("Your order has shipped.\n")
    return message


@pytest.fixture
def sending(sandbox_env, unique):
    domain, zone_id = published_domain(sandbox_env, unique, receiving=False)
    credential(sandbox_env, domain, f"bot@{domain}", "first-password")
    return domain, zone_id


def test_login_send_and_the_stored_mail_is_dkim_signed_for_the_domain(sandbox, sandbox_env, sending):
    domain, _ = sending
    with _smtp(sandbox_env) as smtp:
        assert smtp.login(f"bot@{domain}", "first-password")[0] == 235
        refused = smtp.send_message(_mail(f"bot@{domain}", "customer@example.com"))
    assert refused == {}
    [stored] = mail_system(sandbox.mailgun).store.for_domain(domain, "smtp")
    assert stored.recipients == ("customer@example.com",) and stored.sender == f"bot@{domain}"
    assert f"d={domain};".encode() in stored.raw.replace(b"\r\n ", b" ")
    assert dkim_verifies(stored.raw, sandbox_env)

    # the spec's path gives it back: parsed, or raw MIME with message/rfc2822
    path = f"/v3/domains/{domain}/messages/{stored.key}"
    parsed = api(sandbox_env, "GET", path).json()
    assert parsed["subject"] == "Hello" and parsed["body-plain"].startswith("Your order has shipped")
    raw = api(sandbox_env, "GET", path, headers={"Accept": "message/rfc2822"}).json()["body-mime"]
    assert dkim_verifies(raw.encode(), sandbox_env)
    assert api(sandbox_env, "GET", path, region="eu").status_code == 404  # region-bound like the domain


def test_a_dkim_record_changed_out_of_band_fails_verification(sandbox, sandbox_env, sending):
    domain, zone_id = sending
    with _smtp(sandbox_env) as smtp:
        smtp.login(f"bot@{domain}", "first-password")
        smtp.send_message(_mail(f"bot@{domain}", "customer@example.com"))
    [stored] = mail_system(sandbox.mailgun).store.for_domain(domain, "smtp")
    dkim_name = next(r["name"] for r in api(sandbox_env, "GET", f"/v4/domains/{domain}").json()["sending_dns_records"]
                     if "_domainkey" in r["name"])
    other = sandbox.mailgun.create_domain("us", f"other.{domain}", force_dkim_authority=True)
    upsert(route53(sandbox_env), zone_id, dkim_name, "TXT", [f"k=rsa; p={other.dkim_public_key}"])
    assert not dkim_verifies(stored.raw, sandbox_env)


def test_wrong_password_unknown_login_and_other_region_get_535(sandbox_env, sending):
    domain, _ = sending
    for login, password, region in ((f"bot@{domain}", "not-the-password", "us"), (f"nobody@{domain}", "x" * 8, "us"),
                                    (f"bot@{domain}", "first-password", "eu")):
        with _smtp(sandbox_env, region) as smtp:
            with pytest.raises(smtplib.SMTPAuthenticationError) as refused:
                smtp.login(login, password)
            assert refused.value.smtp_code == 535 and refused.value.smtp_error.startswith(b"5.7.8")


def test_mail_without_login_is_refused(sandbox_env, sending):
    domain, _ = sending
    with _smtp(sandbox_env) as smtp:
        with pytest.raises(smtplib.SMTPSenderRefused) as refused:
            smtp.send_message(_mail(f"bot@{domain}", "customer@example.com"))
    assert refused.value.smtp_code == 530


def test_plain_and_login_both_work_and_a_password_change_counts_at_once(sandbox_env, sending):
    domain, _ = sending
    for mechanism in ("PLAIN", "LOGIN"):
        with _smtp(sandbox_env) as smtp:
            smtp.ehlo()
            smtp.user, smtp.password = f"bot@{domain}", "first-password"
            assert smtp.auth(mechanism, getattr(smtp, f"auth_{mechanism.lower()}"))[0] == 235
    assert api(sandbox_env, "PUT", f"/v3/domains/{domain}/credentials/bot@{domain}",
               data={"password": "second-password"}).status_code == 200
    with _smtp(sandbox_env) as smtp:
        with pytest.raises(smtplib.SMTPAuthenticationError):
            smtp.login(f"bot@{domain}", "first-password")
    with _smtp(sandbox_env) as smtp:
        assert smtp.login(f"bot@{domain}", "second-password")[0] == 235


def test_passwords_are_kept_only_as_hashes(sandbox, sandbox_env, sending):
    domain, _ = sending
    [stored] = sandbox.mailgun.credentials[domain].values()
    assert "first-password" not in repr(vars(stored)) and stored.password_hash.startswith("scrypt$")
    generated = api(sandbox_env, "POST", f"/v3/domains/{domain}/credentials", data={"login": f"gen@{domain}"}).json()
    password = generated["credentials"][f"gen@{domain}"]  # shown once
    with _smtp(sandbox_env) as smtp:
        assert smtp.login(f"gen@{domain}", password)[0] == 235


def test_api_messages_are_signed_and_stored_too(sandbox, sandbox_env, sending):
    domain, _ = sending
    sent = api(sandbox_env, "POST", f"/v3/{domain}/messages", data={
        "from": f"bot@{domain}", "to": "a@example.com", "subject": "API", "text": "hi", "html": "<p>hi</p>"})
    assert sent.status_code == 200
    [stored] = mail_system(sandbox.mailgun).store.for_domain(domain, "http")
    assert stored.message_id == sent.json()["id"] and dkim_verifies(stored.raw, sandbox_env)
    fields = api(sandbox_env, "GET", f"/v3/domains/{domain}/messages/{stored.key}").json()
    assert fields["body-html"] == "<p>hi</p>\n" and fields["recipients"] == "a@example.com"


def test_no_api_answer_carries_a_private_key(sandbox, sandbox_env, sending):
    domain, _ = sending
    private = sandbox.mailgun.active_dkim_key(domain).private_key
    marker = private.splitlines()[1][:40]
    for path in (f"/v4/domains/{domain}", "/v4/domains", f"/v3/domains/{domain}/credentials"):
        assert marker not in api(sandbox_env, "GET", path).text

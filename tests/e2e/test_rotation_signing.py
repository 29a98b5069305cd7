"""Mail keeps being signed through a DKIM key rotation: before it, while the new key is published but
not yet active (the rotation stopped there by a lasting Mailgun fault on the activation), and after it.
Each stored message verifies with dkimpy against the sandbox DNS."""
import re
import smtplib
from email.message import EmailMessage

import pytest
import requests

from ..reliability.changes import HR_PASSWORD, ChangesProject, base_spec
from ..sandbox.mail_helpers import api, dkim_verifies
from .harness import mailgun, served

pytestmark = pytest.mark.engine


def _send_and_check(env, domain: str, subject: str) -> str:
    """Send as hr@ over SMTP, then fetch the stored message and verify it; returns the signing selector."""
    login = f"hr@{domain}"
    host, port = env["MAILGUN_SETUP_SMTP_US"].split(":")
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = login, "customer@example.com", subject
    message.set_content(subject)
    with smtplib.SMTP(host, int(port), timeout=10) as smtp:
        smtp.login(login, HR_PASSWORD)
        smtp.send_message(message)
    events = api(env, "GET", f"/v3/{domain}/events", params={"event": "accepted"}).json()["items"]
    url = next(e["storage"]["url"] for e in events if e["message"]["headers"]["subject"] == subject)
    raw = requests.get(url, auth=("api", env["MAILGUN_API_KEY"]), headers={"Accept": "message/rfc2822"},
                       timeout=10).json()["body-mime"].encode()
    assert dkim_verifies(raw, env), subject
    return re.search(rb"\bs=([a-z0-9-]+);", raw).group(1).decode()


def test_mail_is_signed_before_during_and_after_a_rotation(tmp_path, sandbox_env, sandbox, unique):
    project = ChangesProject.with_zone(tmp_path, sandbox_env, f"{unique}.com")
    spec = base_spec(project.zone)
    name = spec["domains"][0]["name"]
    project.apply(spec)
    try:
        assert _send_and_check(sandbox_env, name, "before") == "mg"
        spec["domains"][0]["dkim_key_length"] = 2048  # the selector follows: mg2048
        sandbox.control("mailgun-us").add_fault(path=r"/keys/mg2048/activate$", method="PUT", status=503,
                                                count=None)
        try:
            assert project.apply_unchecked(spec).returncode != 0  # stopped before the activation
        finally:
            sandbox.control("mailgun-us").clear_faults()
        assert served(f"mg2048._domainkey.{name}", "TXT") and served(f"mg._domainkey.{name}", "TXT")
        assert _send_and_check(sandbox_env, name, "during") == "mg"  # the old key still signs
        project.apply(spec)
        assert _send_and_check(sandbox_env, name, "after") == "mg2048"
        assert served(f"mg._domainkey.{name}", "TXT") == ()
        assert mailgun("us").get_domain(name)["domain"]["dkim_key_size"] == 2048
        assert project.problems() == []
    finally:
        project.destroy()
